/* SPDX-License-Identifier: ISC */
/*
 * cmd_status.c: `regiomon status [--challenge N] [--region ID] [--state
 * LIST] [--json] [--exit-status]`, a table per challenge of every series
 * against its baseline, or the same as one JSON document; with
 * --exit-status a Nagios plugin's exit status.  Colours only on a
 * terminal, and not with NO_COLOR.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"
#include "eval/eval.h"
#include "report/report.h"
#include "app/app.h"
#include "app/cmd.h"

#define NCOLS	6

static const char *const headings[NCOLS] = {
	"indicator", "region", "baseline", "latest", "shift", "state"
};

/*
 * SGR colour of a state; the summary's worst state uses the same.  A
 * neutral indicator's moves are blue, never the red or amber of bad news.
 */
static const char *
colour(const char *state)
{
	static const struct {
		const char	*state, *sgr;
	} tab[] = {
		{ "ok", "32" }, { "improved", "36" }, { "moved", "34" },
		{ "moved-strongly", "1;34" }, { "warning", "33" },
		{ "critical", "1;31" }, { "stale", "35" }, { "nodata", "2" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (state != NULL && strcmp(tab[i].state, state) == 0)
			return tab[i].sgr;
	return "0";
}

static const char *
jstrv(const json_t *o, const char *a, const char *b)
{
	const json_t	*v = json_object_get(o, a);

	if (b != NULL)
		v = json_object_get(v, b);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static double
jnumv(const json_t *o, const char *a, const char *b)
{
	const json_t	*v = json_object_get(o, a);

	if (b != NULL)
		v = json_object_get(v, b);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* The decimals series s's figures are shown with (its "decimals"). */
static int
decimals_of(const json_t *s)
{
	const json_t	*d = json_object_get(s, "decimals");

	return json_is_integer(d) ? (int)json_integer_value(d) :
	    FMT_HUMAN_DEC;
}

/*
 * "28 (2020)", "26,9* (2024)" or "-", to at most dec decimals, written
 * the way lang (the report's language) writes numbers.
 */
static void
fmt_point(char *buf, size_t size, const json_t *p, int mark, int dec,
    enum lang lang)
{
	char	 val[64];

	if (!json_is_object(p)) {
		snprintf(buf, size, "-");
		return;
	}
	label_num(lang, jnumv(p, "value", NULL), dec, 0, val, sizeof(val));
	snprintf(buf, size, "%s%s (%s)", val,
	    mark && json_is_true(json_object_get(p, "provisional")) ? "*" : "",
	    jstrv(p, "period", NULL));
}

/*
 * The state column: the state, for a stale series with the judgement of
 * its last figure ("stale (critical)"), a hand-kept one whose next
 * figure is expected as "due (by hand, ok)", and the silence if there
 * is one.
 */
static void
fmt_state(char *buf, size_t size, const json_t *s)
{
	const json_t	*sil = json_object_get(s, "silence");
	const char	*st = jstrv(s, "state", NULL);
	char		 state[64];

	if (json_is_true(json_object_get(s, "due")))
		snprintf(state, sizeof(state), "due (by hand, %s)",
		    jstrv(s, "judged", NULL));
	else if (st != NULL && strcmp(st, "stale") == 0)
		snprintf(state, sizeof(state), "stale (%s)",
		    jstrv(s, "judged", NULL));
	else
		snprintf(state, sizeof(state), "%s", st);
	if (json_is_object(sil))
		snprintf(buf, size, "%s, silenced (#%" JSON_INTEGER_FORMAT
		    " until %s)", state,
		    json_integer_value(json_object_get(sil, "id")),
		    jstrv(sil, "until", NULL));
	else
		snprintf(buf, size, "%s", state);
}

/*
 * "-1,1 (-3,9%)" in Dutch, "-1.1 (-3.9%)" in English: the shift of s
 * (latest - baseline) to as many decimals as the two figures show (26.9 -
 * 28 is -1.1000000000000014 in doubles, and -1.1 to a reader), then in %
 * of |baseline| ("n/a" for a baseline of 0).  A shift of a percentage is
 * in points: "+1,5 pp (+34,1%)".  "-" when there is no shift.
 */
static void
fmt_shift(char *buf, size_t size, const json_t *s, enum lang lang)
{
	double	 abs = jnumv(s, "shift", "abs"), pct = jnumv(s, "shift", "pct");
	const char *unit = jstrv(s, "unit", NULL);
	char	 p[32], n[48], q[24];
	int	 dl, db;

	if (isnan(abs)) {
		snprintf(buf, size, "-");
		return;
	}
	dl = fmt_human_decimals(jnumv(s, "latest", "value"), decimals_of(s));
	db = fmt_human_decimals(jnumv(s, "baseline", "value"),
	    decimals_of(s));
	label_num(lang, abs, dl > db ? dl : db, 1, n, sizeof(n));
	if (isnan(pct))
		snprintf(p, sizeof(p), "n/a");
	else {
		label_num(lang, pct, 1, 1, q, sizeof(q));
		snprintf(p, sizeof(p), "%s%%", q);
	}
	snprintf(buf, size, "%s%s (%s)", n, unit != NULL &&
	    strcmp(unit, "%") == 0 ? " pp" : "", p);
}

static void
cells_of(const json_t *s, char cells[NCOLS][128], enum lang lang)
{

	snprintf(cells[0], 128, "%s", jstrv(s, "indicator", NULL));
	snprintf(cells[1], 128, "%s", jstrv(s, "region", NULL));
	fmt_point(cells[2], 128, json_object_get(s, "baseline"), 0,
	    decimals_of(s), lang);
	fmt_point(cells[3], 128, json_object_get(s, "latest"), 1,
	    decimals_of(s), lang);
	fmt_shift(cells[4], 128, s, lang);
	fmt_state(cells[5], 128, s);
}

/*
 * The lines under a series' row: where its baseline comes from when that
 * is not plain ("definition differs: strategy 249.000, source 241.000
 * (2020)"), and its progress towards a target ("target 800.000 (2040):
 * behind the path (320.000 by now)"), numbers as lang writes them.
 */
static void
print_notes(FILE *fp, const json_t *s, enum lang lang)
{
	const json_t	*b = json_object_get(s, "baseline");
	const json_t	*t = json_object_get(s, "target");
	char		 a[64], c[64], d[64];

	if (json_is_true(json_object_get(b, "definition_differs"))) {
		label_num(lang, jnumv(b, "catalog_value", NULL),
		    FMT_HUMAN_DEC, 0, a, sizeof(a));
		label_num(lang, jnumv(b, "series_value", NULL),
		    FMT_HUMAN_DEC, 0, c, sizeof(c));
		out_printf(fp, "      definition differs: strategy %s, "
		    "source %s (%s)\n", a, c, jstrv(b, "period", NULL));
	} else if (json_is_object(b) &&
	    json_is_number(json_object_get(b, "catalog_value")) &&
	    !json_is_number(json_object_get(b, "series_value")))
		out_printf(fp, "      baseline: the strategy's figure, the "
		    "source has no value for %s\n", jstrv(b, "period", NULL));
	if (json_is_object(t)) {
		label_num(lang, jnumv(t, "value", NULL), FMT_HUMAN_DEC, 0,
		    a, sizeof(a));
		/* One decimal more than the target: 19.9, not 19.9333. */
		label_num(lang, jnumv(t, "path", NULL),
		    fmt_human_decimals(jnumv(t, "value", NULL),
		    FMT_HUMAN_DEC) + 1, 0, c, sizeof(c));
		snprintf(d, sizeof(d), "%s", jstrv(t, "progress", NULL) !=
		    NULL && strcmp(jstrv(t, "progress", NULL), "on-track") ==
		    0 ? "on track" : "behind the path");
		out_printf(fp, "      target %s (%s): %s (%s by now)\n", a,
		    jstrv(t, "period", NULL), d, c);
	}
}

/* "7 series: 3 ok, 1 critical, ...; worst: critical". */
static void
print_summary(FILE *fp, const json_t *ch, int colours)
{
	const json_t	*sum = json_object_get(ch, "summary");
	const char	*worst = jstrv(ch, "worst", NULL), *judged;
	json_int_t	 n;
	int		 i, first = 1;

	n = json_integer_value(json_object_get(ch, "total"));
	if (n == 0) {
		fputs("  no series\n", fp);
		return;
	}
	out_printf(fp, "  %" JSON_INTEGER_FORMAT " series: ", n);
	for (i = 0; i < ES_COUNT; i++) {
		const char *st = eval_state_name((enum estate)i);

		n = json_integer_value(json_object_get(sum, st));
		if (n == 0)
			continue;
		out_printf(fp, "%s%" JSON_INTEGER_FORMAT " %s", first ? "" :
		    ", ", n, st);
		first = 0;
	}
	if (colours)
		out_printf(fp, "; worst: \033[%sm%s\033[0m", colour(worst),
		    worst);
	else
		out_printf(fp, "; worst: %s", worst);
	/* Stale the worst: what the worst of their last figures said. */
	if ((judged = jstrv(ch, "worst_judged", NULL)) != NULL &&
	    strcmp(worst, "stale") == 0)
		out_printf(fp, " (%s)", judged);
	fputc('\n', fp);
}

/* 1 if the table shows a series of s ("indicator" or "indicator/region"). */
static int
shown(const json_t *doc, const char *s)
{
	const json_t	*ch, *e;
	const char	*ind;
	size_t		 i, j, n = strcspn(s, "/");

	json_array_foreach(json_object_get(doc, "challenges"), i, ch)
		json_array_foreach(json_object_get(ch, "series"), j, e) {
			ind = jstrv(e, "indicator", NULL);
			if (ind != NULL && strlen(ind) == n &&
			    strncmp(ind, s, n) == 0 && (s[n] == '\0' ||
			    strcmp(s + n + 1, jstrv(e, "region", NULL)) == 0))
				return 1;
		}
	return 0;
}

/*
 * Before the table: the banner of illustrative data with the invented
 * series among those shown, and each source that waits for the admin.
 */
static void
print_head(FILE *fp, const json_t *doc)
{
	const json_t	*ill = json_object_get(doc, "illustrative"), *e;
	char		 line[2048];
	size_t		 i, len = 0;

	if (json_is_object(ill)) {
		snprintf(line, sizeof(line), "ILLUSTRATIVE DATA, not the "
		    "region's real state: %s", jstrv(ill, "note", NULL));
		status_wrap(fp, line, 78, "");
		json_array_foreach(json_object_get(ill, "series"), i, e) {
			if (!shown(doc, json_string_value(e)))
				continue;
			if (len == 0)
				len = strlcpy(line, "Invented series:",
				    sizeof(line));
			else if (len < sizeof(line))
				len += strlcpy(line + len, ",",
				    sizeof(line) - len);
			if (len < sizeof(line))
				len += strlcpy(line + len, " ",
				    sizeof(line) - len);
			if (len < sizeof(line))
				len += strlcpy(line + len,
				    json_string_value(e), sizeof(line) - len);
		}
		if (len > 0)
			status_wrap(fp, line, 78, "");
		fputc('\n', fp);
	}
	json_array_foreach(json_object_get(doc, "waiting"), i, e)
		out_printf(fp, "source %s: waiting: %s\n",
		    jstrv(e, "source", NULL), jstrv(e, "waiting", NULL));
	if (json_array_size(json_object_get(doc, "waiting")) > 0)
		fputc('\n', fp);
}

/*
 * The text form: a section per challenge with its title, a table whose
 * columns line up over the whole output, and its summary line.  Numbers
 * are written as lang writes them; --json has them as JSON numbers.
 */
static void
print_text(FILE *fp, const json_t *doc, int colours, enum lang lang)
{
	const json_t	*ch, *s;
	char		 cells[NCOLS][128];
	size_t		 w[NCOLS], i, j, c, len;
	int		 prov = 0;

	for (c = 0; c < NCOLS; c++)
		w[c] = status_width(headings[c]);
	json_array_foreach(json_object_get(doc, "challenges"), i, ch) {
		json_array_foreach(json_object_get(ch, "series"), j, s) {
			cells_of(s, cells, lang);
			for (c = 0; c < NCOLS; c++)
				if ((len = status_width(cells[c])) > w[c])
					w[c] = len;
			prov |= strchr(cells[3], '*') != NULL;
		}
	}
	print_head(fp, doc);
	json_array_foreach(json_object_get(doc, "challenges"), i, ch) {
		if (i > 0)
			fputc('\n', fp);
		out_printf(fp, "Uitdaging %" JSON_INTEGER_FORMAT ": %s\n",
		    json_integer_value(json_object_get(ch, "number")),
		    jstrv(ch, "title", NULL));
		if (json_array_size(json_object_get(ch, "series")) > 0) {
			fputs("  ", fp);
			for (c = 0; c < NCOLS; c++)
				status_pad(fp, headings[c],
				    c + 1 < NCOLS ? w[c] + 2 : 0);
			fputc('\n', fp);
		}
		json_array_foreach(json_object_get(ch, "series"), j, s) {
			cells_of(s, cells, lang);
			fputs("  ", fp);
			for (c = 0; c + 1 < NCOLS; c++)
				status_pad(fp, cells[c], w[c] + 2);
			if (colours)
				out_printf(fp, "\033[%sm%s\033[0m\n",
				    colour(jstrv(s, "state", NULL)), cells[c]);
			else
				out_printf(fp, "%s\n", cells[c]);
			print_notes(fp, s, lang);
		}
		print_summary(fp, ch, colours);
	}
	if (prov)
		fputs("\n* provisional figure\n", fp);
}

/*
 * "--state critical,warning" into *mask (bit 1 << ES_x): every name one
 * the evaluation defines.  0, or -1 after saying which is not.
 */
static int
parse_states(const char *list, unsigned *mask)
{
	const char	*names[ES_COUNT];
	char		*copy, *p, *name;
	enum estate	 st;
	int		 i, rc = 0;

	for (i = 0; i < ES_COUNT; i++)
		names[i] = eval_state_name((enum estate)i);
	*mask = 0;
	p = copy = xstrdup(list);
	while ((name = strsep(&p, ",")) != NULL) {
		if (*name == '\0') {
			out_printf(stderr, "regiomon: status: --state: "
			    "expected states separated by commas, got "
			    "\"%s\"\n", list);
			rc = -1;
			break;
		}
		if (eval_state_parse(name, &st) == -1) {
			cmd_unknown("status", "state", name, names, ES_COUNT,
			    1);
			rc = -1;
			break;
		}
		*mask |= 1u << st;
	}
	free(copy);
	return rc;
}

/*
 * The Nagios verdict on what doc shows: 2 (CRITICAL) if a series is
 * critical, else 1 (WARNING) if one is warning, else 0 (OK).  A silenced
 * series counts for nothing: it is silenced so that nobody is called.
 */
static int
verdict(const json_t *doc)
{
	const json_t	*ch, *s;
	enum estate	 st;
	size_t		 i, j;
	int		 rc = 0;

	json_array_foreach(json_object_get(doc, "challenges"), i, ch) {
		json_array_foreach(json_object_get(ch, "series"), j, s) {
			if (json_is_true(json_object_get(s, "silenced")) ||
			    eval_state_parse(jstrv(s, "state", NULL),
			    &st) == -1)
				continue;
			if (st == ES_CRITICAL)
				return 2;
			if (st == ES_WARNING)
				rc = 1;
		}
	}
	return rc;
}

/*
 * 1 if the state is not there to judge, for --exit-status: a state dir
 * that does not exist (a typo, or no run yet: cmd_open() said so), or a
 * state.json that could not be read (state_load() said so).
 */
static int
unjudgeable(const struct regiomon *rm)
{
	if (access(rm->conf->state_dir, F_OK) == -1 && errno == ENOENT)
		return 1;
	if (json_is_true(json_object_get(rm->state, "unreadable"))) {
		out_printf(stderr, "regiomon: status: the state could not be "
		    "read; nothing judged\n");
		return 1;
	}
	return 0;
}

/*
 * A usage error: EXIT_USAGE, whose usage line main.c prints; with
 * --exit-status UNKNOWN, and the hint here.
 */
static int
usage_rc(const struct opts *o)
{
	if (!o->plugin)
		return EXIT_USAGE;
	fputs("try `regiomon status --help` for more\n", stderr);
	return EXIT_UNKNOWN;
}

int
cmd_status(struct regiomon *rm, const struct opts *o, int argc, char **argv)
{
	struct silences	 sil;
	struct diags	 d;
	const char	*region = NULL, *v, *nc;
	json_t		*doc, *orphans;
	char		*end, *text;
	long		 challenge = 0;
	unsigned	 states = 0;
	int		 i, json = 0, missing = 0, colours, fail, rc = 0;

	/* With --exit-status, whatever keeps status from judging is 3. */
	fail = o->plugin ? EXIT_UNKNOWN : 1;
	if (o->plugin && unjudgeable(rm))
		return EXIT_UNKNOWN;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--exit-status") == 0)
			continue;
		else if ((v = cmd_opt_value(argc, argv, &i, "--challenge",
		    &missing)) != NULL) {
			challenge = strtol(v, &end, 10);
			if (*v == '\0' || *end != '\0' || challenge < 1 ||
			    challenge > INT_MAX ||
			    catalog_challenge(rm->catalog,
			    (int)challenge) == NULL) {
				out_printf(stderr, "regiomon: status: no "
				    "challenge \"%s\" in the catalog (the "
				    "strategy numbers them 1 to 6)\n", v);
				return usage_rc(o);
			}
		} else if ((v = cmd_opt_value(argc, argv, &i, "--region",
		    &missing)) != NULL) {
			if (cmd_region(rm->catalog, "status", v) == NULL)
				return usage_rc(o);
			region = v;
		} else if ((v = cmd_opt_value(argc, argv, &i, "--state",
		    &missing)) != NULL) {
			if (parse_states(v, &states) == -1)
				return usage_rc(o);
		} else {
			if (missing)
				out_printf(stderr, "regiomon: status: %s needs "
				    "a value\n", argv[i]);
			else
				out_printf(stderr, "regiomon: status: unknown "
				    "argument \"%s\"\n", argv[i]);
			return usage_rc(o);
		}
	}
	memset(&d, 0, sizeof(d));
	/*
	 * Which sources wait for the admin (a key file not there yet); what
	 * else is wrong with them is check-config's to say.
	 */
	setup_sources(rm, SETUP_RUNNING, NULL, 0, &d);
	diag_free(&d);
	memset(&d, 0, sizeof(d));
	if (silences_load(rm->conf->state_dir, &sil, &d) == -1) {
		/* Show the state anyway; only the silenced marks are lost. */
		diag_print(&d, stderr);
		out_printf(stderr, "regiomon: status: silences not shown\n");
		diag_free(&d);
	}
	doc = status_build_states(rm, wall_now(), (int)challenge, region,
	    states, &sil);
	silences_free(&sil);
	if (doc == NULL)
		return fail;
	if (o->plugin)
		rc = verdict(doc);
	if (json) {
		/* The sources' health, as `regiomon sources --json`. */
		if (json_object_set_new(doc, "sources", sources_doc(rm)) == -1)
			fatal(NULL);
		/* Series files no configured source feeds (orphans.c). */
		if (json_object_set_new(doc, "orphans", orphans_doc(rm)) == -1)
			fatal(NULL);
		/* Exact values, shortest: 65.7, not 65.700000000000003. */
		if ((text = json_dumps_exact(doc, JSON_INDENT(2) |
		    JSON_PRESERVE_ORDER)) == NULL) {
			json_decref(doc);
			return fail;
		}
		fputs(text, stdout);
		putchar('\n');
		free(text);
	} else {
		nc = getenv("NO_COLOR");
		colours = isatty(STDOUT_FILENO) &&
		    (nc == NULL || *nc == '\0');
		print_text(stdout, doc, colours,
		    report_conf_lang(rm->conf));
		orphans = orphans_doc(rm);
		orphans_print(stdout, orphans);
		json_decref(orphans);
	}
	json_decref(doc);
	return fflush(stdout) == EOF ? fail : rc;
}
