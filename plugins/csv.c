/* SPDX-License-Identifier: ISC */
/*
 * csv.c: the csv source plugin, the analyst's tool for figures that no API
 * publishes.  It GETs one CSV file (http, https or file), maps its columns
 * onto indicator, region, period, value and status, and emits one
 * observation per row; a single bad row fails the whole run.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "regiomon-plugin.h"
#include "csvparse.h"
#include "strv.h"

#define CV_MAX_ERRORS	10	/* rows reported before giving up */
#define CV_CELL_SHOWN	40	/* bytes of a bad cell quoted in a message */

enum cv_col {
	CV_INDICATOR,
	CV_REGION,
	CV_PERIOD,
	CV_VALUE,
	CV_STATUS,
	CV_NCOLS
};

#define CV_COLUMN \
	RM_CONF_STRING, "the name of a column in the header line"

static const struct rm_conf_key cv_colkeys[CV_NCOLS] = {
	{ "indicator", CV_COLUMN }, { "region", CV_COLUMN },
	{ "period", CV_COLUMN }, { "value", CV_COLUMN },
	{ "status", CV_COLUMN }
};

/* Types are checked in cv_init's order, so only the names here. */
static const struct rm_conf_key cv_keys[] = {
	{ "url", 0, NULL }, { "separator", 0, NULL }, { "decimal", 0, NULL },
	{ "columns", 0, NULL }, { "indicator", 0, NULL },
	{ "region", 0, NULL }, { "region_scheme", 0, NULL },
	{ "missing", 0, NULL }, { "skip_unknown", 0, NULL }
};

static const char *const cv_schemes[] = {
	"id", "cbs", "nuts", "swing", "am"
};

static const char *const cv_missing_default[] = {
	"", ".", "-", "x", "?"
};

/* The one static a plugin keeps: the host table, read-only (B7 rule 28). */
static const struct rm_host *host;

struct cv_state {
	char	 *url;
	char	  sep;
	char	  dec;
	char	 *col[CV_NCOLS];	/* header names; NULL: fixed value */
	int	  col_given[CV_NCOLS];	/* named in "columns" */
	char	 *indicator;		/* fixed, or NULL */
	char	 *region;		/* fixed catalog id, or NULL */
	char	 *scheme;		/* NULL: region cells are catalog ids */
	char	**missing;
	size_t	  nmissing;
	int	  skip_unknown;
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static void
cv_fini(void *arg)
{
	struct cv_state	*st = arg;
	size_t		 i;

	if (st == NULL)
		return;
	free(st->url);
	for (i = 0; i < CV_NCOLS; i++)
		free(st->col[i]);
	free(st->indicator);
	free(st->region);
	free(st->scheme);
	strv_free(st->missing, st->nmissing);
	free(st);
}

/*
 * The string at conf.key copied into *out, or *out untouched when the key
 * is absent.  0, or -1 after reporting a wrong type or running out of
 * memory.
 */
static int
cv_string(struct rm_ctx *ctx, const json_t *conf, const char *key,
    const char *what, char **out)
{
	const json_t	*v = json_object_get(conf, key);

	if (v == NULL)
		return 0;
	if (!json_is_string(v) || json_string_length(v) == 0) {
		host->conf_error(ctx, key, "expected %s", what);
		return -1;
	}
	if (strlen(json_string_value(v)) != json_string_length(v)) {
		host->conf_error(ctx, key, "expected %s, without NUL bytes",
		    what);
		return -1;
	}
	free(*out);
	if ((*out = strdup(json_string_value(v))) == NULL) {
		host->conf_error(ctx, key, "out of memory");
		return -1;
	}
	return 0;
}

/* One of "," ";" "\t" (sep) or "," "." (decimal) into *c. */
static int
cv_char(struct rm_ctx *ctx, const json_t *conf, const char *key,
    const char *allowed, const char *what, char *c)
{
	const json_t	*v = json_object_get(conf, key);
	const char	*s;

	if (v == NULL)
		return 0;
	s = json_string_value(v);
	if (s == NULL) {
		host->conf_error(ctx, key, "expected %s, got %s", what,
		    json_is_number(v) ? "a number" : json_is_array(v) ?
		    "an array" : json_is_object(v) ? "an object" :
		    json_is_null(v) ? "null" : "true or false");
		return -1;
	}
	/* Say what was there: "got \"|\"" finds the typo at a glance. */
	if (json_string_length(v) != 1 || s[0] == '\0' ||
	    strchr(allowed, s[0]) == NULL) {
		host->conf_error(ctx, key, "expected %s, got \"%.32s\"",
		    what, s);
		return -1;
	}
	*c = s[0];
	return 0;
}

static int
cv_columns(struct rm_ctx *ctx, const json_t *conf, struct cv_state *st)
{
	const json_t	*cols = json_object_get(conf, "columns"), *v;
	char		 path[128];
	size_t		 i;
	int		 rc = 0;

	if (cols == NULL)
		return 0;
	if (!json_is_object(cols)) {
		host->conf_error(ctx, "columns", "expected an object mapping "
		    "indicator, region, period, value and status to header "
		    "names");
		return -1;
	}
	if (host->conf_keys(ctx, "columns", cols, cv_colkeys,
	    CV_NCOLS) != RM_OK)
		rc = -1;
	for (i = 0; i < CV_NCOLS; i++) {
		v = json_object_get(cols, cv_colkeys[i].name);
		if (!json_is_string(v) || json_string_length(v) == 0)
			continue;
		free(st->col[i]);
		if ((st->col[i] = strdup(json_string_value(v))) == NULL) {
			snprintf(path, sizeof(path), "columns.%s",
			    cv_colkeys[i].name);
			host->conf_error(ctx, path, "out of memory");
			return -1;
		}
		st->col_given[i] = 1;
	}
	return rc;
}

static int
cv_missing(struct rm_ctx *ctx, const json_t *conf, struct cv_state *st)
{
	const json_t	*list = json_object_get(conf, "missing");

	if (list != NULL && host->conf_type(ctx, "missing", list,
	    RM_CONF_STRINGS, "a list of cells that mean \"no value\", e.g. "
	    "[\"\", \"-\"]") != RM_OK)
		return -1;
	if (strv_dup(list, cv_missing_default, NELEM(cv_missing_default),
	    &st->missing, &st->nmissing) == -1) {
		host->conf_error(ctx, "missing", "out of memory");
		return -1;
	}
	return 0;
}

/*
 * Where each field comes from: a fixed value or a column.  Every column
 * defaults to the header of the same name; a header that lacks it is
 * reported when the file is read.
 */
static int
cv_sources(struct rm_ctx *ctx, struct cv_state *st)
{
	const char	*id;
	size_t		 i;
	int		 rc = 0;

	if (st->indicator != NULL && st->col_given[CV_INDICATOR]) {
		host->conf_error(ctx, "indicator", "give a fixed \"indicator\" "
		    "or \"columns.indicator\", not both");
		rc = -1;
	} else if (st->indicator != NULL &&
	    !host->has_indicator(ctx, st->indicator)) {
		host->conf_error(ctx, "indicator", "unknown indicator \"%s\"",
		    st->indicator);
		rc = -1;
	}
	if (st->region != NULL && st->col_given[CV_REGION]) {
		host->conf_error(ctx, "region", "give a fixed \"region\" or "
		    "\"columns.region\", not both");
		rc = -1;
	} else if (st->region != NULL && st->scheme != NULL) {
		/* A fixed region is written in the same scheme as cells. */
		id = host->region_by_code(ctx, st->scheme, st->region);
		if (id == NULL) {
			host->conf_error(ctx, "region", "no catalog region has "
			    "%s code \"%s\"", st->scheme, st->region);
			rc = -1;
		} else {
			free(st->region);
			if ((st->region = strdup(id)) == NULL) {
				host->conf_error(ctx, "region",
				    "out of memory");
				return -1;
			}
		}
	}
	for (i = 0; i < CV_NCOLS; i++) {
		if ((i == CV_INDICATOR && st->indicator != NULL) ||
		    (i == CV_REGION && st->region != NULL)) {
			free(st->col[i]);
			st->col[i] = NULL;
		} else if (st->col[i] == NULL &&
		    (st->col[i] = strdup(cv_colkeys[i].name)) == NULL) {
			host->conf_error(ctx, cv_colkeys[i].name,
			    "out of memory");
			return -1;
		}
	}
	return rc;
}

static int
cv_url_ok(const char *url)
{
	return strncasecmp(url, "http://", 7) == 0 ||
	    strncasecmp(url, "https://", 8) == 0 ||
	    (strncasecmp(url, "file:", 5) == 0 && url[5] != '\0');
}

/*
 * The config (every key but url optional; the indicator comes from a
 * fixed "indicator" or from "columns.indicator"):
 *
 *	{"url": "file:../share/demo/x.csv",	http, https or file URL
 *	 "separator": ";",			";" (default), "," or "\t"
 *	 "decimal": ",",			"," (default) or "."
 *	 "columns": {"indicator": "...", "region": "region",
 *	     "period": "period", "value": "value", "status": "status"},
 *	 "indicator": "unemployment-rate",	fixed, instead of a column
 *	 "region": "groningen",			fixed, instead of a column
 *	 "region_scheme": "id",			or "cbs", "nuts", "swing", "am"
 *	 "missing": ["", ".", "-", "x", "?"],	cells meaning "no value"
 *	 "skip_unknown": false}			true: skip unknown rows
 *
 * Header names match ignoring case and surrounding blanks.  The status
 * column is optional unless named.  region_scheme applies to a fixed
 * region too.  skip_unknown skips rows whose indicator is not in the
 * catalog or whose region code maps to no region; a region written as a
 * catalog id is checked by the host's emit(), which refuses unknown ids
 * (the host table has no lookup for region ids), so such a row fails the
 * run whatever skip_unknown says.
 *
 * init() checks the config and builds the state.  Every problem is
 * reported with its JSON path before returning RM_ERR, so one
 * check-config run shows them all.  No I/O: only the catalog is consulted.
 */
static int
cv_init(struct rm_ctx *ctx, const json_t *conf, void **statep)
{
	struct cv_state	*st;
	const json_t	*v;
	const char	*key;
	size_t		 i;
	int		 rc = RM_OK;

	*statep = NULL;
	if (!json_is_object(conf)) {
		host->conf_error(ctx, "", "expected an object with at least "
		    "\"url\"");
		return RM_ERR;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		host->conf_error(ctx, "", "out of memory");
		return RM_ERR;
	}
	st->sep = ';';
	st->dec = ',';
	if (host->conf_keys(ctx, "", conf, cv_keys, NELEM(cv_keys)) != RM_OK)
		rc = RM_ERR;
	if (json_object_get(conf, "url") == NULL) {
		host->conf_error(ctx, "url", "missing: give the CSV's "
		    "http(s):// or file: URL");
		rc = RM_ERR;
	} else if (cv_string(ctx, conf, "url", "a URL", &st->url) == -1) {
		rc = RM_ERR;
	} else if (!cv_url_ok(st->url)) {
		host->conf_error(ctx, "url", "expected an http://, https:// "
		    "or file: URL, got \"%s\"", st->url);
		rc = RM_ERR;
	}
	if (cv_char(ctx, conf, "separator", ";,\t",
	    "\";\", \",\" or \"\\t\"", &st->sep) == -1)
		rc = RM_ERR;
	if (cv_char(ctx, conf, "decimal", ",.", "\",\" or \".\"",
	    &st->dec) == -1)
		rc = RM_ERR;
	/* Check every key, so one run reports every problem. */
	if (cv_string(ctx, conf, "indicator", "an indicator id",
	    &st->indicator) == -1)
		rc = RM_ERR;
	if (cv_string(ctx, conf, "region", "a region id or code",
	    &st->region) == -1)
		rc = RM_ERR;
	if (cv_string(ctx, conf, "region_scheme", "a code scheme",
	    &st->scheme) == -1)
		rc = RM_ERR;
	if (st->scheme != NULL) {
		for (i = 0; i < NELEM(cv_schemes); i++)
			if (strcmp(st->scheme, cv_schemes[i]) == 0)
				break;
		if (i == NELEM(cv_schemes)) {
			key = host->did_you_mean(st->scheme, cv_schemes,
			    NELEM(cv_schemes));
			if (key != NULL)
				host->conf_error(ctx, "region_scheme",
				    "unknown scheme; did you mean \"%s\"?",
				    key);
			else
				host->conf_error(ctx, "region_scheme",
				    "expected \"id\", \"cbs\", \"nuts\", "
				    "\"swing\" or \"am\"");
			/* Report, but map nothing through a bad scheme. */
			free(st->scheme);
			st->scheme = NULL;
			rc = RM_ERR;
		} else if (strcmp(st->scheme, "id") == 0) {
			free(st->scheme);
			st->scheme = NULL;
		}
	}
	if ((v = json_object_get(conf, "skip_unknown")) != NULL) {
		if (!json_is_boolean(v)) {
			host->conf_error(ctx, "skip_unknown", "expected true "
			    "or false");
			rc = RM_ERR;
		} else
			st->skip_unknown = json_is_true(v);
	}
	if (cv_columns(ctx, conf, st) == -1)
		rc = RM_ERR;
	if (cv_missing(ctx, conf, st) == -1)
		rc = RM_ERR;
	if (cv_sources(ctx, st) == -1)
		rc = RM_ERR;
	if (rc != RM_OK) {
		cv_fini(st);
		return RM_ERR;
	}
	*statep = st;
	return RM_OK;
}

/* s made safe and short for a log line: controls as '?', cut at 40. */
static const char *
cv_show(const char *s, char *buf, size_t len)
{
	size_t	 i;

	for (i = 0; s[i] != '\0' && i < len - 4 && i < CV_CELL_SHOWN; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ?
		    '?' : s[i];
	if (s[i] != '\0') {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}

static int
cv_is_missing(const struct cv_state *st, const char *cell)
{
	size_t	 i;

	for (i = 0; i < st->nmissing; i++)
		if (strcasecmp(cell, st->missing[i]) == 0)
			return 1;
	return 0;
}

/* 1 provisional, 0 final, -1 neither. */
static int
cv_status(const char *cell)
{
	static const char *const prov[] = {
		"provisional", "voorlopig", "nader voorlopig", "p", "*"
	};
	static const char *const final[] = {
		"", "final", "definitief"
	};
	size_t	 i;

	for (i = 0; i < NELEM(prov); i++)
		if (strcasecmp(cell, prov[i]) == 0)
			return 1;
	for (i = 0; i < NELEM(final); i++)
		if (strcasecmp(cell, final[i]) == 0)
			return 0;
	return -1;
}

/*
 * Turn the current record into an observation and emit it, unless emit
 * is 0 (an earlier row failed, so only check).  idx: each field's column
 * index, -1 when fixed or absent.  0 done or skipped, -1 logged error.
 */
static int
cv_row(struct rm_ctx *ctx, const struct cv_state *st, struct csv *c,
    const long *idx, int emit)
{
	struct rm_obs	 o;
	const char	*cell, *id;
	char		 period[32], shown[CV_CELL_SHOWN + 8];
	size_t		 line = csv_line(c);
	int		 s;

	memset(&o, 0, sizeof(o));
	o.indicator = st->indicator;
	if (idx[CV_INDICATOR] >= 0) {
		o.indicator = csv_cell(c, (size_t)idx[CV_INDICATOR]);
		if (!host->has_indicator(ctx, o.indicator)) {
			cv_show(o.indicator, shown, sizeof(shown));
			if (st->skip_unknown && *o.indicator != '\0') {
				host->log(ctx, RM_LOG_DEBUG, "line %zu: "
				    "skipped, unknown indicator \"%s\"", line,
				    shown);
				return 0;
			}
			host->log(ctx, RM_LOG_ERR, "line %zu, column \"%s\": "
			    "expected a catalog indicator id, got \"%s\"",
			    line, st->col[CV_INDICATOR], shown);
			return -1;
		}
	}
	o.region = st->region;
	if (idx[CV_REGION] >= 0) {
		cell = csv_cell(c, (size_t)idx[CV_REGION]);
		cv_show(cell, shown, sizeof(shown));
		id = *cell == '\0' ? NULL : st->scheme == NULL ? cell :
		    host->region_by_code(ctx, st->scheme, cell);
		if (id == NULL && st->skip_unknown && *cell != '\0') {
			host->log(ctx, RM_LOG_DEBUG, "line %zu: skipped, no "
			    "region has %s code \"%s\"", line,
			    st->scheme != NULL ? st->scheme : "id", shown);
			return 0;
		}
		if (id == NULL) {
			host->log(ctx, RM_LOG_ERR, "line %zu, column \"%s\": "
			    "expected a region %s%s, got \"%s\"", line,
			    st->col[CV_REGION], st->scheme != NULL ?
			    st->scheme : "id", st->scheme != NULL ? " code" :
			    "", shown);
			return -1;
		}
		o.region = id;
	}
	cell = csv_cell(c, (size_t)idx[CV_PERIOD]);
	if (host->period_norm(cell, period, sizeof(period)) != RM_OK) {
		host->log(ctx, RM_LOG_ERR, "line %zu: period \"%s\": expected "
		    "2020, 2020-Q3 or 2020-07 (or CBS/Eurostat notation)", line,
		    cv_show(cell, shown, sizeof(shown)));
		return -1;
	}
	o.period = period;
	cell = csv_cell(c, (size_t)idx[CV_VALUE]);
	if (cv_is_missing(st, cell))
		o.missing = 1;
	else if (csv_number(cell, st->dec, &o.value) == -1) {
		host->log(ctx, RM_LOG_ERR, "line %zu, column \"%s\": expected "
		    "a number%s, got \"%s\"", line, st->col[CV_VALUE],
		    st->dec == ',' ? " with a decimal comma" : "",
		    cv_show(cell, shown, sizeof(shown)));
		return -1;
	}
	if (idx[CV_STATUS] >= 0) {
		cell = csv_cell(c, (size_t)idx[CV_STATUS]);
		if ((s = cv_status(cell)) == -1) {
			host->log(ctx, RM_LOG_ERR, "line %zu, column \"%s\": "
			    "expected final or provisional, got \"%s\"", line,
			    st->col[CV_STATUS],
			    cv_show(cell, shown, sizeof(shown)));
			return -1;
		}
		o.provisional = s;
	}
	if (emit && host->emit(ctx, &o) != RM_OK) {
		host->log(ctx, RM_LOG_ERR, "line %zu: observation refused",
		    line);
		return -1;
	}
	return 0;
}

/* The header line's names, quoted and comma-separated, for a message. */
static void
cv_names(const struct csv *c, char *buf, size_t len)
{
	char	 shown[CV_CELL_SHOWN + 8];
	size_t	 i, n = 0;
	int	 w;

	buf[0] = '\0';
	for (i = 0; i < csv_nfields(c) && n < len; i++) {
		w = snprintf(buf + n, len - n, "%s\"%s\"", i > 0 ? ", " : "",
		    cv_show(csv_field(c, i), shown, sizeof(shown)));
		if (w < 0)
			break;
		n += (size_t)w;
	}
}

/*
 * Find each configured column in the header line.  The status column may
 * be absent unless the config named it; then every row is final.
 */
static int
cv_header(struct rm_ctx *ctx, const struct cv_state *st, struct csv *c,
    long *idx)
{
	char	 have[256];
	size_t	 i;
	int	 rc = 0;

	for (i = 0; i < CV_NCOLS; i++) {
		idx[i] = -1;
		if (st->col[i] == NULL)
			continue;
		if ((idx[i] = csv_find(c, st->col[i])) >= 0)
			continue;
		if (i == CV_STATUS && !st->col_given[i])
			continue;
		cv_names(c, have, sizeof(have));
		host->log(ctx, RM_LOG_ERR, "line %zu: no column \"%s\" "
		    "(columns.%s) in the header line, which has %s",
		    csv_line(c), st->col[i], cv_colkeys[i].name, have);
		rc = -1;
	}
	return rc;
}

/*
 * Fetch the file and emit its rows.  All or nothing: after the first bad
 * row nothing more is emitted, but up to CV_MAX_ERRORS rows are still
 * checked so one run shows the analyst most of what to fix.
 */
static int
cv_collect(struct rm_ctx *ctx, void *arg)
{
	const struct cv_state	*st = arg;
	const char *const	 sepname = st->sep == '\t' ? "tab" :
				    st->sep == ';' ? "\";\"" : "\",\"";
	struct rm_request	 req;
	struct rm_response	 resp;
	struct csv		 c;
	long			 idx[CV_NCOLS];
	size_t			 nhdr, rows = 0, errors = 0;
	int			 r;

	memset(&req, 0, sizeof(req));
	req.url = st->url;
	if (host->http_get(ctx, &req, &resp) != RM_OK) {
		host->response_free(&resp);
		return RM_ERR;
	}
	csv_init(&c, resp.body, resp.len, st->sep);
	if ((r = csv_next(&c)) <= 0) {
		host->log(ctx, RM_LOG_ERR, "%s: %s", st->url, r == 0 ?
		    "empty file; expected a header line" : csv_error(&c));
		errors++;
		goto done;
	}
	nhdr = csv_nfields(&c);
	if (cv_header(ctx, st, &c, idx) == -1) {
		errors++;
		goto done;
	}
	while (errors < CV_MAX_ERRORS && (r = csv_next(&c)) != 0) {
		if (r == -1) {
			host->log(ctx, RM_LOG_ERR, "%s", csv_error(&c));
			errors++;
			break;
		}
		rows++;
		if (csv_nfields(&c) != nhdr) {
			host->log(ctx, RM_LOG_ERR, "line %zu: %zu fields, but "
			    "the header line has %zu (separator %s)",
			    csv_line(&c), csv_nfields(&c), nhdr, sepname);
			errors++;
			continue;
		}
		if (cv_row(ctx, st, &c, idx, errors == 0) == -1)
			errors++;
	}
	if (errors >= CV_MAX_ERRORS)
		host->log(ctx, RM_LOG_ERR, "stopped after %d bad rows",
		    CV_MAX_ERRORS);
	else if (errors == 0)
		host->log(ctx, RM_LOG_DEBUG, "%zu rows read", rows);
done:
	csv_fini(&c);
	host->response_free(&resp);
	return errors == 0 ? RM_OK : RM_ERR;
}

RM_EXPORT int
rm_plugin_init(const struct rm_host *h, struct rm_plugin *p)
{
	/* The config helpers of ABI 1.1, conf_type the last of them. */
	if (h == NULL || h->abi_major != RM_ABI_MAJOR ||
	    !RM_HOST_HAS(h, conf_type))
		return RM_ERR;
	host = h;
	RM_PLUGIN_INIT(p);
	p->name = "csv";
	p->description = "CSV file over http(s) or file: one observation "
	    "per row, columns mapped in the config";
	p->init = cv_init;
	p->collect = cv_collect;
	p->fini = cv_fini;
	return RM_OK;
}
