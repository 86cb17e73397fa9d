/* SPDX-License-Identifier: ISC */
/*
 * v4.c: the Observations of datasets.cbs.nl.  Long rows, one measure per
 * row ({"Measure": "M001534", "ValueAttribute": "None", "Value": 230194,
 * "RegioS": "NL01", "Perioden": "2015JJ00", ...}); a null Value or a
 * ValueAttribute other than "None" is a missing value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbs.h"

/*
 * The Observations URL of series s: $filter on measure, regions, filters
 * and period types; $select of the columns read.  A probe (drop, see
 * cbs.h) leaves the filter codes or the measure out of the $filter and
 * asks for the first rows only.  New, or NULL (logged).
 */
static char *
cbs_v4_url(struct cbs_run *run, const struct cbs_series *s, int drop)
{
	const struct cbs_conf	*c = run->conf;
	struct cbs_buf		 u, f, sel;
	char			*url;
	size_t			 i, n;

	memset(&u, 0, sizeof(u));
	memset(&f, 0, sizeof(f));
	memset(&sel, 0, sizeof(sel));
	if ((url = cbs_url(c, "Observations", "observations-page-1.json")) ==
	    NULL)
		goto oom;
	cbs_buf_add(&u, url);
	free(url);
	if (c->is_file)
		goto done;
	/* The parts of a combined value, all in one request. */
	n = drop == CBS_DROP_MEASURE ? 0 : cbs_parts(s);
	cbs_buf_add(&f, n > 1 ? "(" : "");
	for (i = 0; i < n; i++) {
		cbs_buf_add(&f, i > 0 ? " or Measure eq " : "Measure eq ");
		cbs_buf_literal(&f, i < s->nterms ? s->terms[i].resolved :
		    s->per->resolved);
	}
	cbs_buf_add(&f, n > 1 ? ")" : "");
	cbs_filter_where(&f, c, s, drop);
	cbs_buf_add(&sel, "Measure,ValueAttribute,Value,");
	if (s->nregions > 0) {
		cbs_buf_add(&sel, c->region_dim);
		cbs_buf_add(&sel, ",");
	}
	for (i = 0; i < s->nfilters; i++) {
		cbs_buf_add(&sel, s->filters[i].dim);
		cbs_buf_add(&sel, ",");
	}
	cbs_buf_add(&sel, c->period_dim);
	if (f.oom || sel.oom)
		goto oom;
	cbs_url_param(&u, "$filter", f.p);
	cbs_url_param(&u, "$select", sel.p);
	if (drop != CBS_DROP_NONE)
		cbs_url_param(&u, "$top", CBS_PROBE_TOP);
done:
	cbs_buf_free(&f);
	cbs_buf_free(&sel);
	if (u.oom)
		goto oom;
	return u.p;
oom:
	cbs_buf_free(&u);
	cbs_buf_free(&f);
	cbs_buf_free(&sel);
	cbs_host->log(run->ctx, RM_LOG_ERR, "out of memory");
	return NULL;
}

char *
cbs_v4_query(struct cbs_run *run, const struct cbs_series *s)
{
	return cbs_v4_url(run, s, CBS_DROP_NONE);
}

char *
cbs_v4_probe_query(struct cbs_run *run, const struct cbs_series *s, int drop)
{
	return cbs_v4_url(run, s, drop);
}

/*
 * The trimmed text of column col of row into buf.  0; 1 when the row
 * lacks it and optional is set; -1 logged.
 */
static int
cbs_v4_code(struct cbs_run *run, const struct cbs_emit *em, const json_t *row,
    size_t i, const char *col, char *buf, size_t len)
{
	const char	*s = json_string_value(json_object_get(row, col));

	if (s == NULL) {
		cbs_host->log(run->ctx, RM_LOG_ERR, "series[%zu] page "
		    "%zu (%s): value[%zu].%s: expected a code (a string)",
		    em->series->index, em->page, em->url, i, col);
		return -1;
	}
	if (cbs_trim_copy(s, buf, len) == -1) {
		cbs_host->log(run->ctx, RM_LOG_ERR, "series[%zu] page "
		    "%zu (%s): value[%zu].%s: code longer than %zu bytes",
		    em->series->index, em->page, em->url, i, col, len - 1);
		return -1;
	}
	return 0;
}

/* 1 if the trimmed string value of row.col equals code. */
static int
cbs_col_is(const json_t *row, const char *col, const char *code, int *bad)
{
	const char	*s = json_string_value(json_object_get(row, col)), *p;
	size_t		 n;

	if (s == NULL) {
		*bad = 1;
		return 0;
	}
	cbs_trim(s, &p, &n);
	return strlen(code) == n && memcmp(code, p, n) == 0;
}

/*
 * 1 if row of Observations holds a value in one of the series' regions
 * and period types.  Quiet about a malformed row, which is only looked
 * at.
 */
static int
cbs_v4_valued(struct cbs_run *run, struct cbs_emit *em, const json_t *row)
{
	const struct cbs_series	*s = em->series;
	const struct cbs_conf	*c = run->conf;
	const char		*reg, *per, *va;
	char			 buf[CBS_CODE_MAX + 1];

	per = json_string_value(json_object_get(row, c->period_dim));
	if (per == NULL || cbs_trim_copy(per, buf, sizeof(buf)) == -1 ||
	    !(cbs_period_type(buf) & s->periods))
		return 0;
	if (s->region == NULL) {
		reg = json_string_value(json_object_get(row, c->region_dim));
		if (reg == NULL || cbs_trim_copy(reg, buf, sizeof(buf)) == -1 ||
		    cbs_region_index(em, buf) == -1)
			return 0;
	}
	va = json_string_value(json_object_get(row, "ValueAttribute"));
	return (va == NULL || strcmp(va, "None") == 0) &&
	    json_is_number(json_object_get(row, "Value"));
}

/*
 * Row of Observations has the series' measure but another code of
 * filter off: noted (cbs_with_add()) when it has a value in one of the
 * series' regions and period types.  0, or -1 logged.
 */
static int
cbs_v4_other(struct cbs_run *run, struct cbs_emit *em, const json_t *row,
    size_t off)
{
	const struct cbs_series	*s = em->series;
	const char		*code;
	char			 buf[CBS_CODE_MAX + 1];

	code = json_string_value(json_object_get(row, s->filters[off].dim));
	if (code == NULL || cbs_trim_copy(code, buf, sizeof(buf)) == -1 ||
	    !cbs_v4_valued(run, em, row))
		return 0;
	return cbs_with_add(run, em, s->filters[off].dim, buf);
}

/*
 * Row of a probe without the series' measure: its Measure noted in
 * em->mwith when it has a value in one of the series' regions and
 * period types (the filters are the series' own).  0, or -1 logged.
 */
static int
cbs_v4_measure(struct cbs_run *run, struct cbs_emit *em, const json_t *row)
{
	const char	*m = json_string_value(json_object_get(row, "Measure"));
	char		 buf[CBS_CODE_MAX + 1];

	if (!json_is_object(row) || m == NULL ||
	    cbs_trim_copy(m, buf, sizeof(buf)) == -1 ||
	    !cbs_v4_valued(run, em, row))
		return 0;
	return cbs_with_addn(run, &em->mwith, NULL, buf, strlen(buf));
}

/*
 * The part of series s that row's Measure is (a term, or the denominator
 * after them), or (size_t)-1 for another measure's row; *bad when the row
 * has no Measure code.
 */
static size_t
cbs_v4_part(const struct cbs_series *s, const json_t *row, int *bad)
{
	size_t	 k;

	for (k = 0; k < s->nterms; k++)
		if (cbs_col_is(row, "Measure", s->terms[k].resolved, bad))
			return k;
	if (s->per != NULL && cbs_col_is(row, "Measure", s->per->resolved,
	    bad))
		return k;
	return (size_t)-1;
}

/*
 * One page of Observations for the series in arg (a struct cbs_emit).
 * Rows of other measures, filter codes or regions are skipped: a file:
 * source serves the whole table, and a server may ignore the filter.
 */
int
cbs_v4_rows(struct cbs_run *run, json_t *rows, const char *url, size_t page,
    size_t first, void *arg)
{
	struct cbs_emit		*em = arg;
	const struct cbs_series	*s = em->series;
	const struct cbs_conf	*c = run->conf;
	const json_t		*row, *v;
	const char		*va;
	struct cbs_per		 p;
	char			 reg[CBS_CODE_MAX + 1], per[32];
	size_t			 i, j, k, off, nout, part;
	int			 bad, missing;
	double			 value;

	em->page = page;
	em->url = url;
	json_array_foreach(rows, j, row) {
		i = first + j;
		bad = 0;
		if (em->probe == CBS_DROP_MEASURE) {
			if (cbs_v4_measure(run, em, row) == -1)
				return -1;
			continue;
		}
		if (!json_is_object(row) ||
		    (part = cbs_v4_part(s, row, &bad)) == (size_t)-1) {
			if (!bad && json_is_object(row))
				continue;
			cbs_host->log(run->ctx, RM_LOG_ERR, "series[%zu] page "
			    "%zu (%s): value[%zu]%s: expected %s", s->index,
			    page, url, i, json_is_object(row) ? ".Measure" : "",
			    json_is_object(row) ? "a measure code" :
			    "an observation object");
			return -1;
		}
		for (nout = 0, off = 0, k = 0; k < s->nfilters && nout < 2;
		    k++) {
			if (cbs_col_is(row, s->filters[k].dim,
			    s->filters[k].code, &bad))
				continue;
			if (bad)
				break;
			nout++;
			off = k;
		}
		if (bad) {
			cbs_host->log(run->ctx, RM_LOG_ERR, "series[%zu] page "
			    "%zu (%s): value[%zu].%s: expected a code (a "
			    "string)", s->index, page, url, i,
			    s->filters[k].dim);
			return -1;
		}
		/* One filter's code apart: looked at while we have none. */
		if (nout == 1 && em->values == 0 &&
		    cbs_v4_other(run, em, row, off) == -1)
			return -1;
		/* A probe's rows of the series' own combination: not stored. */
		if (nout > 0 || em->probe != CBS_DROP_NONE)
			continue;
		if (s->region == NULL && cbs_v4_code(run, em, row, i,
		    c->region_dim, reg, sizeof(reg)) == -1)
			return -1;
		if (cbs_v4_code(run, em, row, i, c->period_dim, per,
		    sizeof(per)) == -1)
			return -1;
		va = json_string_value(json_object_get(row, "ValueAttribute"));
		v = json_object_get(row, "Value");
		missing = (va != NULL && strcmp(va, "None") != 0) ||
		    v == NULL || json_is_null(v);
		value = 0;
		if (!missing && !json_is_number(v)) {
			cbs_host->log(run->ctx, RM_LOG_ERR, "series[%zu] page "
			    "%zu (%s): value[%zu].Value: expected a number or "
			    "null", s->index, page, url, i);
			return -1;
		}
		if (!missing)
			value = json_number_value(v);
		if (em->acc != NULL) {
			cbs_per_of(run, per, &p);
			if (cbs_acc_put(run, em, s->region == NULL ? reg : NULL,
			    &p, part, value, missing, i) == -1)
				return -1;
		} else if (cbs_emit_row(run, em, s->region == NULL ? reg :
		    NULL, per, value, missing, i) == -1)
			return -1;
	}
	return 0;
}
