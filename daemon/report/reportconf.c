/* SPDX-License-Identifier: ISC */
/*
 * reportconf.c: the "report" section of the config: its check, and the
 * settings the report is written with (dir, lang, enabled).
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "eval/eval.h"
#include "report/report.h"
#include "report/report_private.h"

#define REPORT_DEFAULT	"report"

/* Renderers by default: one a core, at most this many. */
#define RENDERERS_DEFAULT_MAX	4

static const char *const report_keys[] = {
	"dir", "enabled", "lang", "renderers", "url"
};

/*
 * Check the "report" object of the config, every problem going to d as
 * "file: report.key: what was expected".  0, or -1 if any was found.
 */
int
report_conf_check(const json_t *v, const char *file, struct diags *d)
{
	const char	*key;
	json_t		*e;
	char		 path[64], q[128];
	size_t		 before = d->n;
	enum lang	 lang;

	if (!json_is_object(v)) {
		diag_add(d, file, "report", "expected an object, got %s",
		    conf_got(v, q, sizeof(q)));
		return -1;
	}
	json_object_foreach((json_t *)v, key, e) {
		conf_jpath(path, sizeof(path), "report", key, 0);
		if (strcmp(key, "dir") == 0) {
			if (!json_is_string(e) ||
			    *json_string_value(e) == '\0')
				diag_add(d, file, path, "expected a directory "
				    "(absolute, or relative to the state "
				    "dir), got %s", conf_got(e, q,
				    sizeof(q)));
		} else if (strcmp(key, "lang") == 0) {
			if (label_lang(json_string_value(e), &lang) == -1)
				diag_add(d, file, path, "expected \"nl\" or "
				    "\"en\", got %s", conf_got(e, q,
				    sizeof(q)));
		} else if (strcmp(key, "url") == 0) {
			if (!json_is_string(e) || (strncmp(json_string_value(
			    e), "https://", 8) != 0 && strncmp(
			    json_string_value(e), "http://", 7) != 0) ||
			    !text_ok(json_string_value(e)) ||
			    strpbrk(json_string_value(e), " \"<>") != NULL)
				diag_add(d, file, path, "expected the http:// "
				    "or https:// address where readers find "
				    "the report (it is linked from the alert "
				    "mail), got %s", conf_got(e, q,
				    sizeof(q)));
		} else if (strcmp(key, "renderers") == 0) {
			if (!json_is_integer(e) || json_integer_value(e) < 1 ||
			    json_integer_value(e) > RENDER_POOL_MAX)
				diag_add(d, file, path, "expected how many "
				    "graphs to draw at once, 1 to %d (default: "
				    "one a core, at most %d), got %s",
				    RENDER_POOL_MAX, RENDERERS_DEFAULT_MAX,
				    conf_got(e, q, sizeof(q)));
		} else if (strcmp(key, "enabled") == 0) {
			if (!json_is_boolean(e))
				diag_add(d, file, path, "expected true or "
				    "false, got %s", conf_got(e, q,
				    sizeof(q)));
		} else
			conf_unknown_key(d, file, "report", key, report_keys,
			    nitems(report_keys));
	}
	return d->n > before ? -1 : 0;
}

/*
 * The "report" settings of a checked config, with their defaults: dir
 * STATE/report, lang nl, enabled.  rc->dir is new (report_conf_free).
 * 0, or -1 (logged) when out of memory.
 */
int
report_conf_get(const struct conf *conf, struct report_conf *rc)
{
	json_t		*r = json_object_get(conf->root, "report"), *v;
	const char	*dir = REPORT_DEFAULT;

	memset(rc, 0, sizeof(*rc));
	rc->lang = LANG_NL;
	rc->enabled = 1;
	if ((v = json_object_get(r, "dir")) != NULL && json_is_string(v))
		dir = json_string_value(v);
	if ((v = json_object_get(r, "lang")) != NULL)
		(void)label_lang(json_string_value(v), &rc->lang);
	if ((v = json_object_get(r, "enabled")) != NULL)
		rc->enabled = json_is_true(v);
	if (dir[0] == '/')
		rc->dir = strdup(dir);
	else if (asprintf(&rc->dir, "%s/%s", conf->state_dir, dir) == -1)
		rc->dir = NULL;
	if (rc->dir == NULL) {
		log_warn("report");
		return -1;
	}
	return 0;
}

/* Free what report_conf_get() allocated in rc. */
void
report_conf_free(struct report_conf *rc)
{
	free(rc->dir);
	rc->dir = NULL;
}

/* The language of the report (and of the graphs in alert mail). */
enum lang
report_conf_lang(const struct conf *conf)
{
	enum lang	 lang = LANG_NL;

	(void)label_lang(json_string_value(json_object_get(json_object_get(
	    conf->root, "report"), "lang")), &lang);
	return lang;
}

/*
 * How many renderers draw the report's graphs at once: report.renderers,
 * else one a core the process may run on, at most RENDERERS_DEFAULT_MAX
 * (each holds its fonts, some 20 MiB).
 */
int
report_conf_renderers(const struct conf *conf)
{
	const json_t	*v = json_object_get(json_object_get(conf->root,
	    "report"), "renderers");
	cpu_set_t	 cpus;
	int		 n;

	if (json_is_integer(v))
		return (int)json_integer_value(v);
	n = sched_getaffinity(0, sizeof(cpus), &cpus) == 0 ?
	    CPU_COUNT(&cpus) : 1;
	return n < 1 ? 1 : n > RENDERERS_DEFAULT_MAX ?
	    RENDERERS_DEFAULT_MAX : n;
}

/* Where readers find the report (report.url), or NULL. */
const char *
report_conf_url(const struct conf *conf)
{
	return json_string_value(json_object_get(json_object_get(conf->root,
	    "report"), "url"));
}
