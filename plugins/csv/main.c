/* SPDX-License-Identifier: ISC */
/*
 * main.c: the csv source plugin, the analyst's tool for figures that no API
 * publishes.  It GETs one CSV file (http, https or file), maps its columns
 * onto indicator, region, period, value and status, and emits one
 * observation per row; a single bad row fails the whole run.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv.h"
#include "csvparse.h"

const struct rm_host	*cv_host;

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
		if (!cv_host->has_indicator(ctx, o.indicator)) {
			cv_show(o.indicator, shown, sizeof(shown));
			if (st->skip_unknown && *o.indicator != '\0') {
				cv_host->log(ctx, RM_LOG_DEBUG, "line %zu: "
				    "skipped, unknown indicator \"%s\"", line,
				    shown);
				return 0;
			}
			cv_host->log(ctx, RM_LOG_ERR, "line %zu, column "
			    "\"%s\": expected a catalog indicator id, got "
			    "\"%s\"", line, st->col[CV_INDICATOR], shown);
			return -1;
		}
	}
	o.region = st->region;
	if (idx[CV_REGION] >= 0) {
		cell = csv_cell(c, (size_t)idx[CV_REGION]);
		cv_show(cell, shown, sizeof(shown));
		id = *cell == '\0' ? NULL : st->scheme == NULL ? cell :
		    cv_host->region_by_code(ctx, st->scheme, cell);
		if (id == NULL && st->skip_unknown && *cell != '\0') {
			cv_host->log(ctx, RM_LOG_DEBUG, "line %zu: skipped, no "
			    "region has %s code \"%s\"", line,
			    st->scheme != NULL ? st->scheme : "id", shown);
			return 0;
		}
		if (id == NULL) {
			cv_host->log(ctx, RM_LOG_ERR, "line %zu, column "
			    "\"%s\": expected a region %s%s, got \"%s\"", line,
			    st->col[CV_REGION], st->scheme != NULL ?
			    st->scheme : "id", st->scheme != NULL ? " code" :
			    "", shown);
			return -1;
		}
		o.region = id;
	}
	cell = csv_cell(c, (size_t)idx[CV_PERIOD]);
	if (cv_host->period_norm(cell, period, sizeof(period)) != RM_OK) {
		cv_host->log(ctx, RM_LOG_ERR, "line %zu: period \"%s\": "
		    "expected 2020, 2020-Q3 or 2020-07 (or CBS/Eurostat "
		    "notation)", line, cv_show(cell, shown, sizeof(shown)));
		return -1;
	}
	o.period = period;
	cell = csv_cell(c, (size_t)idx[CV_VALUE]);
	if (cv_is_missing(st, cell))
		o.missing = 1;
	else if (csv_number(cell, st->dec, &o.value) == -1) {
		cv_host->log(ctx, RM_LOG_ERR, "line %zu, column \"%s\": "
		    "expected a number%s, got \"%s\"", line, st->col[CV_VALUE],
		    st->dec == ',' ? " with a decimal comma" : "",
		    cv_show(cell, shown, sizeof(shown)));
		return -1;
	}
	if (idx[CV_STATUS] >= 0) {
		cell = csv_cell(c, (size_t)idx[CV_STATUS]);
		if ((s = cv_status(cell)) == -1) {
			cv_host->log(ctx, RM_LOG_ERR, "line %zu, column "
			    "\"%s\": expected final or provisional, got "
			    "\"%s\"", line, st->col[CV_STATUS],
			    cv_show(cell, shown, sizeof(shown)));
			return -1;
		}
		o.provisional = s;
	}
	if (emit && cv_host->emit(ctx, &o) != RM_OK) {
		cv_host->log(ctx, RM_LOG_ERR, "line %zu: observation refused",
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
		cv_host->log(ctx, RM_LOG_ERR, "line %zu: no column \"%s\" "
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
	if (cv_host->http_get(ctx, &req, &resp) != RM_OK) {
		cv_host->response_free(&resp);
		return RM_ERR;
	}
	csv_init(&c, resp.body, resp.len, st->sep);
	if ((r = csv_next(&c)) <= 0) {
		cv_host->log(ctx, RM_LOG_ERR, "%s: %s", st->url, r == 0 ?
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
			cv_host->log(ctx, RM_LOG_ERR, "%s", csv_error(&c));
			errors++;
			break;
		}
		/*
		 * A line whose first cell starts with "#" is a comment,
		 * whatever its fields (share/hand-kept.csv's examples).
		 */
		if (csv_nfields(&c) > 0 && csv_cell(&c, 0)[0] == '#')
			continue;
		rows++;
		if (csv_nfields(&c) != nhdr) {
			cv_host->log(ctx, RM_LOG_ERR, "line %zu: %zu fields, "
			    "but the header line has %zu (separator %s)",
			    csv_line(&c), csv_nfields(&c), nhdr, sepname);
			errors++;
			continue;
		}
		if (cv_row(ctx, st, &c, idx, errors == 0) == -1)
			errors++;
	}
	if (errors >= CV_MAX_ERRORS)
		cv_host->log(ctx, RM_LOG_ERR, "stopped after %d bad rows",
		    CV_MAX_ERRORS);
	else if (errors == 0)
		cv_host->log(ctx, RM_LOG_DEBUG, "%zu rows read", rows);
done:
	csv_fini(&c);
	cv_host->response_free(&resp);
	return errors == 0 ? RM_OK : RM_ERR;
}

RM_EXPORT int
rm_plugin_init(const struct rm_host *h, struct rm_plugin *p)
{
	/* The config helpers of ABI 1.1, conf_type the last of them. */
	if (h == NULL || h->abi_major != RM_ABI_MAJOR ||
	    !RM_HOST_HAS(h, conf_type))
		return RM_ERR;
	cv_host = h;
	RM_PLUGIN_INIT(p);
	p->name = "csv";
	p->description = "CSV file over http(s) or file: one observation "
	    "per row, columns mapped in the config";
	p->init = cv_init;
	p->collect = cv_collect;
	p->fini = cv_fini;
	return RM_OK;
}
