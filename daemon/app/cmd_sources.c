/* SPDX-License-Identifier: ISC */
/*
 * cmd_sources.c: `regiomon sources [--json]`, the health of every source
 * of the config, one line each: its state, its last run and last
 * success, its consecutive failures and last error (whole), the
 * observations its last good run stored, and when it runs next.  The
 * same document is the "sources" member of `status --json`.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "model/model.h"
#include "eval/eval.h"
#include "app/app.h"
#include "app/cmd.h"

/* epoch as "2026-12-07T21:00:00Z", or null.  New. */
static json_t *
jtime(json_int_t epoch)
{
	struct tm	 tm;
	time_t		 t = (time_t)epoch;
	char		 buf[32];

	if (epoch <= 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return json_null();
	return json_string(buf);
}

static json_int_t
jint(const json_t *o, const char *key)
{
	const json_t	*v = json_object_get(o, key);

	return json_is_integer(v) ? json_integer_value(v) : 0;
}

/*
 * When src runs next (epoch seconds; 0: not scheduled): what the daemon
 * wrote when it scheduled it, else its last run plus its interval, or
 * the backoff of its failures.  A source that never ran runs within a
 * few minutes of the daemon's start.
 */
static json_int_t
next_run(const struct source *src, const json_t *st)
{
	json_int_t	 last, next, fails;

	last = jint(st, "last_run");
	next = jint(st, "next_run");
	fails = jint(st, "failures");
	if (!src->enabled)
		return 0;
	if (next > 0 && next >= last)
		return next;
	if (last <= 0)
		return 0;
	if (fails > 0)
		return last + (json_int_t)ceil(sched_backoff(src->name,
		    src->interval, (unsigned)fails));
	return last + src->interval;
}

/*
 * The health of every source of rm's config, in the config's order, an
 * array of objects.  New.
 */
json_t *
sources_doc(struct regiomon *rm)
{
	const struct source	*src;
	json_t			*a, *o, *st, *err;
	json_int_t		 nobs;
	size_t			 i;

	if ((a = json_array()) == NULL)
		fatal(NULL);
	for (i = 0; i < rm->conf->nsources; i++) {
		src = &rm->conf->sources[i];
		st = json_object_get(json_object_get(rm->state, "sources"),
		    src->name);
		err = json_object_get(st, "last_error");
		nobs = jint(st, "observations");
		o = json_pack("{s:s, s:s, s:s, s:I, s:o, s:o, s:I, s:o, s:o, "
		    "s:o}", "name", src->name, "plugin", src->plugin,
		    "state", state_source_status(src, st),
		    "interval", (json_int_t)src->interval,
		    "last_run", jtime(jint(st, "last_run")),
		    "last_success", jtime(jint(st, "last_success")),
		    "failures", jint(st, "failures"),
		    "last_error", json_is_string(err) ? json_copy(err) :
		    json_null(),
		    "observations", json_object_get(st, "observations") !=
		    NULL ? json_integer(nobs) : json_null(),
		    "next_run", jtime(next_run(src, st)));
		if (o == NULL)
			fatal(NULL);
		/* The last run's warnings (a series without data, ...). */
		json_object_set_new(o, "warnings", json_is_array(
		    json_object_get(st, "warnings")) ? json_copy(
		    json_object_get(st, "warnings")) : json_array());
		/* What a waiting source waits for, when the state says. */
		if (json_is_string(json_object_get(st, "waiting")))
			json_object_set(o, "waiting", json_object_get(st,
			    "waiting"));
		if (json_array_append_new(a, o) == -1)
			fatal(NULL);
	}
	return a;
}

/* "2026-12-07 21:00" of a jtime() string, or "-". */
static void
fmt_when(char *buf, size_t size, const json_t *v)
{
	const char	*s = json_string_value(v);

	if (s == NULL || strlen(s) < 16) {
		snprintf(buf, size, "-");
		return;
	}
	snprintf(buf, size, "%.10s %.5s", s, s + 11);
}

#define NCOLS	8

static const char *const headings[NCOLS] = {
	"source", "state", "last run", "last success", "failures",
	"observations", "next run", "last error"
};

static void
cells_of(const json_t *o, char cells[NCOLS][64], const char **err)
{
	const json_t	*n = json_object_get(o, "observations");

	snprintf(cells[0], 64, "%s", json_string_value(json_object_get(o,
	    "name")));
	snprintf(cells[1], 64, "%s", json_string_value(json_object_get(o,
	    "state")));
	fmt_when(cells[2], 64, json_object_get(o, "last_run"));
	fmt_when(cells[3], 64, json_object_get(o, "last_success"));
	snprintf(cells[4], 64, "%" JSON_INTEGER_FORMAT,
	    json_integer_value(json_object_get(o, "failures")));
	if (json_is_integer(n))
		snprintf(cells[5], 64, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(n));
	else
		snprintf(cells[5], 64, "-");
	fmt_when(cells[6], 64, json_object_get(o, "next_run"));
	*err = json_string_value(json_object_get(o, "last_error"));
	snprintf(cells[7], 64, "%s", *err != NULL ? "" : "-");
}

/*
 * The table: one line per source, its columns lined up, the last error
 * whole at the end of its line (shown with escapes, see out_printf()).
 * Times are UTC.
 */
static void
print_text(FILE *fp, const json_t *doc)
{
	const json_t	*o, *m;
	const char	*err;
	char		 cells[NCOLS][64];
	size_t		 w[NCOLS], i, j, c, len;

	for (c = 0; c < NCOLS; c++)
		w[c] = status_width(headings[c]);
	json_array_foreach(doc, i, o) {
		cells_of(o, cells, &err);
		for (c = 0; c + 1 < NCOLS; c++)
			if ((len = status_width(cells[c])) > w[c])
				w[c] = len;
	}
	for (c = 0; c + 1 < NCOLS; c++)
		status_pad(fp, headings[c], w[c] + 2);
	out_printf(fp, "%s\n", headings[c]);
	json_array_foreach(doc, i, o) {
		cells_of(o, cells, &err);
		for (c = 0; c + 1 < NCOLS; c++)
			status_pad(fp, cells[c], w[c] + 2);
		out_printf(fp, "%s\n", err != NULL ? err : cells[c]);
		json_array_foreach(json_object_get(o, "warnings"), j, m)
			out_printf(fp, "  warning: %s\n", json_string_value(m));
	}
	if (json_array_size(doc) == 0)
		out_printf(fp, "no sources in the config\n");
}

int
cmd_sources(struct regiomon *rm, const struct opts *o, int argc,
    char **argv)
{
	json_t	*doc;
	char	*text;
	int	 i, json = 0;

	(void)o;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else {
			out_printf(stderr, "regiomon: sources: unknown "
			    "argument \"%s\" (only --json)\n", argv[i]);
			return EXIT_USAGE;
		}
	}
	doc = sources_doc(rm);
	if (json) {
		if ((text = json_dumps(doc, JSON_INDENT(2) |
		    JSON_PRESERVE_ORDER)) == NULL) {
			json_decref(doc);
			return 1;
		}
		fputs(text, stdout);
		putchar('\n');
		free(text);
	} else {
		print_text(stdout, doc);
		json_decref(doc);
		doc = orphans_doc(rm);
		orphans_print(stdout, doc);
	}
	json_decref(doc);
	return fflush(stdout) == EOF ? 1 : 0;
}
