/* SPDX-License-Identifier: ISC */
/*
 * alertconf.c: the "alerts" section of the config: its check, and the
 * settings the alert cycle reads from it (reminders, resolved notices,
 * when a digest is a summary, who gets which challenges).
 */
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "mail/mail.h"
#include "alert/alert.h"
#include "alert/alert_private.h"

#define REMINDER_MAX	1000
#define SUMMARY_MAX	1000
#define SUMMARY_DEFAULT	25

static const char *const alert_keys[] = {
	"reminder_releases", "send_resolved", "summary_rows", "routes"
};

static const char *const route_keys[] = { "challenges", "to" };

/*
 * One route, {"challenges": [1, 2], "to": ["owner@example.org"]}: the
 * addresses are checked as mail.to is (mailconf.c), and reported at
 * alerts.routes[i].to.
 */
static void
check_route(const json_t *r, size_t i, const char *file, struct diags *d)
{
	struct diags	 md;
	const char	*key;
	json_t		*e, *mail;
	char		 path[64], where[128], q[128];
	size_t		 j;

	snprintf(path, sizeof(path), "alerts.routes[%zu]", i);
	if (!json_is_object(r)) {
		diag_add(d, file, path, "expected an object {\"challenges\": "
		    "[numbers], \"to\": [addresses]}, got %s", conf_got(r, q,
		    sizeof(q)));
		return;
	}
	json_object_foreach((json_t *)r, key, e)
		if (strcmp(key, "challenges") != 0 && strcmp(key, "to") != 0)
			conf_unknown_key(d, file, path, key, route_keys,
			    nitems(route_keys));
	e = json_object_get(r, "challenges");
	if (!json_is_array(e) || json_array_size(e) == 0)
		diag_add(d, file, path, "\"challenges\": expected a list of "
		    "challenge numbers (1 to %d), got %s", CHALLENGE_ROUTE_MAX,
		    e == NULL ? "nothing" : conf_got(e, q, sizeof(q)));
	else
		for (j = 0; j < json_array_size(e); j++)
			if (!json_is_integer(json_array_get(e, j)) ||
			    json_integer_value(json_array_get(e, j)) < 1 ||
			    json_integer_value(json_array_get(e, j)) >
			    CHALLENGE_ROUTE_MAX)
				diag_add(d, file, path, "challenges[%zu]: "
				    "expected a challenge number from 1 to %d",
				    j, CHALLENGE_ROUTE_MAX);
	if (!json_is_array(json_object_get(r, "to")) ||
	    json_array_size(json_object_get(r, "to")) == 0) {
		diag_add(d, file, path, "\"to\": expected a list of one or "
		    "more addresses");
		return;
	}
	/* The addresses as mail.to would take them, reported here. */
	memset(&md, 0, sizeof(md));
	mail = json_pack("{sO}", "to", json_object_get(r, "to"));
	mail_conf_check(mail, file, &md);
	json_decref(mail);
	for (j = 0; j < md.n; j++) {
		snprintf(where, sizeof(where), "%s.%s", path,
		    md.v[j].where != NULL && strncmp(md.v[j].where, "mail.",
		    5) == 0 ? md.v[j].where + 5 : "to");
		diag_add(d, file, where, "%s", md.v[j].msg);
	}
	diag_free(&md);
}

/*
 * Check the "alerts" object of the config: every problem goes to d as
 * "file: alerts.key: what was expected".  0, or -1 if any was found.
 */
int
alert_conf_check(const json_t *v, const char *file, struct diags *d)
{
	const char	*key;
	json_t		*e;
	char		 path[64], q[128];
	size_t		 before = d->n, i;

	if (!json_is_object(v)) {
		diag_add(d, file, "alerts", "expected an object, got %s",
		    conf_got(v, q, sizeof(q)));
		return -1;
	}
	json_object_foreach((json_t *)v, key, e) {
		conf_jpath(path, sizeof(path), "alerts", key, 0);
		if (strcmp(key, "reminder_releases") == 0) {
			if (!json_is_integer(e) || json_integer_value(e) < 0 ||
			    json_integer_value(e) > REMINDER_MAX)
				diag_add(d, file, path, "expected an integer "
				    "from 0 (never) to %d, got %s",
				    REMINDER_MAX, json_is_integer(e) ?
				    "a number out of range" :
				    conf_got(e, q, sizeof(q)));
		} else if (strcmp(key, "send_resolved") == 0) {
			if (!json_is_boolean(e))
				diag_add(d, file, path, "expected true or "
				    "false, got %s", conf_got(e, q,
				    sizeof(q)));
		} else if (strcmp(key, "summary_rows") == 0) {
			if (!json_is_integer(e) || json_integer_value(e) < 1 ||
			    json_integer_value(e) > SUMMARY_MAX)
				diag_add(d, file, path, "expected an integer "
				    "from 1 to %d (a digest of more rows is "
				    "a summary), got %s", SUMMARY_MAX,
				    json_is_integer(e) ? "a number out of "
				    "range" : conf_got(e, q, sizeof(q)));
		} else if (strcmp(key, "routes") == 0) {
			if (!json_is_array(e))
				diag_add(d, file, path, "expected a list of "
				    "routes, got %s", conf_got(e, q,
				    sizeof(q)));
			for (i = 0; json_is_array(e) &&
			    i < json_array_size(e); i++)
				check_route(json_array_get(e, i), i, file, d);
		} else
			conf_unknown_key(d, file, "alerts", key, alert_keys,
			    nitems(alert_keys));
	}
	return d->n > before ? -1 : 0;
}

/*
 * The checked "alerts" settings of conf into ac, with their defaults
 * where the section or a key is missing.
 */
void
alert_conf_get(const struct conf *conf, struct alertconf *ac)
{
	json_t	*a = json_object_get(conf->root, "alerts"), *v;

	ac->reminder = 0;
	ac->send_resolved = 1;
	ac->summary_rows = SUMMARY_DEFAULT;
	ac->routes = json_object_get(a, "routes");
	if ((v = json_object_get(a, "summary_rows")) != NULL &&
	    json_is_integer(v))
		ac->summary_rows = (size_t)json_integer_value(v);
	if ((v = json_object_get(a, "reminder_releases")) != NULL &&
	    json_is_integer(v))
		ac->reminder = (int)json_integer_value(v);
	if ((v = json_object_get(a, "send_resolved")) != NULL)
		ac->send_resolved = json_is_true(v);
}
