/* SPDX-License-Identifier: ISC */
/*
 * daemonconf.c: the config's "daemon" object, which the daemon reads:
 * its check (called from setup.c), how many plugin processes may run at
 * once and how long stored changes wait for others before they are
 * evaluated and mailed.
 */
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "app/app.h"

#define MAX_CHILDREN_DEF	4
#define MAX_CHILDREN_MAX	64
#define BATCH_WINDOW_DEF	60L		/* seconds */
#define BATCH_WINDOW_MAX	86400L

static const char *const daemon_keys[] = { "max_children", "batch_window" };

/* Check daemon.batch_window, a duration from 1s to 1d. */
static void
batch_window_check(const json_t *e, const char *file, struct diags *d)
{
	long	 secs;
	char	 q[128];

	if (json_is_string(e) &&
	    duration_parse(json_string_value(e), &secs) == 0 &&
	    secs <= BATCH_WINDOW_MAX)
		return;
	diag_add(d, file, "daemon.batch_window", "expected a duration from "
	    "\"1s\" to \"1d\" (how long stored changes wait for other runs "
	    "before they are evaluated and mailed), got %s",
	    conf_got(e, q, sizeof(q)));
}

/*
 * Check the config's "daemon" object: {"max_children": 1..64,
 * "batch_window": "1s".."1d"}.  Every problem goes into d with its JSON
 * path.  0, or -1 if any.
 */
int
daemon_conf_check(const json_t *v, const char *file, struct diags *d)
{
	const char	*key, *got;
	json_t		*e;
	char		 q[128];
	size_t		 before = d->n;

	if (!json_is_object(v)) {
		diag_add(d, file, "daemon", "expected an object, got %s",
		    conf_got(v, q, sizeof(q)));
		return -1;
	}
	json_object_foreach((json_t *)v, key, e) {
		if (strcmp(key, "batch_window") == 0) {
			batch_window_check(e, file, d);
			continue;
		}
		if (strcmp(key, "max_children") != 0) {
			conf_unknown_key(d, file, "daemon", key, daemon_keys,
			    sizeof(daemon_keys) / sizeof(daemon_keys[0]));
			continue;
		}
		if (json_is_integer(e) && json_integer_value(e) >= 1 &&
		    json_integer_value(e) <= MAX_CHILDREN_MAX)
			continue;
		if (json_is_integer(e)) {
			snprintf(q, sizeof(q), "%" JSON_INTEGER_FORMAT,
			    json_integer_value(e));
			got = q;
		} else
			got = conf_got(e, q, sizeof(q));
		diag_add(d, file, "daemon.max_children", "expected an integer "
		    "from 1 to %d (plugin processes at once), got %s",
		    MAX_CHILDREN_MAX, got);
	}
	return d->n > before ? -1 : 0;
}

/* daemon.max_children of a checked config, or the default. */
int
daemon_max_children(const struct conf *conf)
{
	json_t	*v;

	v = json_object_get(json_object_get(conf->root, "daemon"),
	    "max_children");
	if (!json_is_integer(v))
		return MAX_CHILDREN_DEF;
	return (int)json_integer_value(v);
}

/* daemon.batch_window of a checked config in seconds, or the default. */
long
daemon_batch_window(const struct conf *conf)
{
	long	 secs;

	if (duration_parse(json_string_value(json_object_get(
	    json_object_get(conf->root, "daemon"), "batch_window")),
	    &secs) == -1)
		return BATCH_WINDOW_DEF;
	return secs;
}
