/* SPDX-License-Identifier: ISC */
/*
 * alertconf.c: the "alerts" section of the config: its check, and the
 * settings the alert cycle reads from it (reminders, resolved notices).
 */
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "alert/alert.h"
#include "alert/alert_private.h"

#define REMINDER_MAX	1000

static const char *const alert_keys[] = {
	"reminder_releases", "send_resolved"
};

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
	size_t		 before = d->n;

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
	if ((v = json_object_get(a, "reminder_releases")) != NULL &&
	    json_is_integer(v))
		ac->reminder = (int)json_integer_value(v);
	if ((v = json_object_get(a, "send_resolved")) != NULL)
		ac->send_resolved = json_is_true(v);
}
