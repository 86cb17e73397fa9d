/* SPDX-License-Identifier: ISC */
/*
 * v3.c: the TypedDataSet and UntypedDataSet of opendata.cbs.nl.  Wide
 * rows, one column per measure ({"ID": 0, "RegioS": "PV20  ", "Perioden":
 * "2020JJ00", "Werkloosheidspercentage_13": 4.4}); typed cells are numbers
 * or null, untyped cells left-padded strings or a missing-value symbol.
 * A series may sum several columns and divide by another.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbs.h"

/* Add col to the comma-separated $select list sel, once. */
static void
cbs_select_add(struct cbs_buf *sel, const char *col)
{
	const char	*p = sel->p;
	size_t		 n = strlen(col), len;

	while (p != NULL && *p != '\0') {
		len = strcspn(p, ",");
		if (len == n && strncmp(p, col, n) == 0)
			return;
		p += len + (p[len] == ',');
	}
	if (sel->len > 0)
		cbs_buf_add(sel, ",");
	cbs_buf_add(sel, col);
}

/*
 * The data URL of the n series from s on, which select the same rows
 * (see cbs_same_rows() in main.c): $filter on padded region and filter
 * keys and on period types, $select of every column they read.  One
 * request then serves them all, as wide rows are meant to.  A probe
 * (drop, see cbs.h) of series s leaves its filter codes out of the
 * $filter, or its measures out of the $select (every column then
 * comes), and asks for the first rows only.  New, or NULL (logged).
 */
static char *
cbs_v3_url(struct cbs_run *run, const struct cbs_series *s, size_t n,
    int drop)
{
	const struct cbs_conf	*c = run->conf;
	struct cbs_buf		 u, f, sel;
	char			*url;
	size_t			 i, k;

	memset(&u, 0, sizeof(u));
	memset(&f, 0, sizeof(f));
	memset(&sel, 0, sizeof(sel));
	url = cbs_url(c, c->typed ? "TypedDataSet" : "UntypedDataSet",
	    c->typed ? "typed-page-1.json" : "untyped-page-1.json");
	if (url == NULL)
		goto oom;
	cbs_buf_add(&u, url);
	free(url);
	if (c->is_file)
		goto done;
	cbs_filter_where(&f, c, s, drop);
	if (s->nregions > 0)
		cbs_select_add(&sel, c->region_dim);
	for (i = 0; i < s->nfilters; i++)
		cbs_select_add(&sel, s->filters[i].dim);
	cbs_select_add(&sel, c->period_dim);
	for (k = 0; k < n; k++) {
		for (i = 0; i < s[k].nterms; i++)
			cbs_select_add(&sel, s[k].terms[i].resolved);
		if (s[k].per != NULL)
			cbs_select_add(&sel, s[k].per->resolved);
	}
	if (f.oom || sel.oom)
		goto oom;
	cbs_url_param(&u, "$filter", f.p);
	if (drop != CBS_DROP_MEASURE)
		cbs_url_param(&u, "$select", sel.p);
	if (drop != CBS_DROP_NONE)
		cbs_url_param(&u, "$top", drop == CBS_DROP_MEASURE ?
		    CBS_PROBE_TOP_WIDE : CBS_PROBE_TOP);
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
cbs_v3_query_n(struct cbs_run *run, const struct cbs_series *s, size_t n)
{
	return cbs_v3_url(run, s, n, CBS_DROP_NONE);
}

/* The data URL of series s alone.  New, or NULL (logged). */
char *
cbs_v3_query(struct cbs_run *run, const struct cbs_series *s)
{
	return cbs_v3_url(run, s, 1, CBS_DROP_NONE);
}

/* The URL of a probe of series s (see cbs_v3_url()). */
char *
cbs_v3_probe_query(struct cbs_run *run, const struct cbs_series *s, int drop)
{
	return cbs_v3_url(run, s, 1, drop);
}

/*
 * The value of column col in row r of f (row i of its page): *v, or
 * *missing.  Typed cells are numbers or null; untyped cells strings.
 * 0, or -1 logged.
 */
static int
cbs_v3_cell(struct cbs_run *run, const struct cbs_emit *em,
    const struct cbs_flat *f, size_t r, size_t i, const char *col,
    double *v, int *missing)
{
	const struct cbs_cell	*cell = cbs_flat_get(f, r, col);
	char			 text[CBS_SHOWN + 8], shown[CBS_SHOWN + 8];
	size_t			 n;

	*v = 0;
	*missing = 0;
	if (cell == NULL) {
		cbs_host->log(run->ctx, RM_LOG_ERR, "series[%zu] page "
		    "%zu (%s): value[%zu]: no column \"%s\" (was the table "
		    "redesigned?)",
		    em->series->index, em->page, em->url, i, col);
		return -1;
	}
	if (cell->kind == CBS_CELL_NULL) {
		*missing = 1;
		return 0;
	}
	if (run->conf->typed && cell->kind == CBS_CELL_NUMBER) {
		*v = cell->num;
		return 0;
	}
	if (!run->conf->typed && cell->kind == CBS_CELL_STRING &&
	    cbs_untypedn(cell->text, cell->len, v, missing) == 0)
		return 0;
	if (run->conf->typed) {
		cbs_host->log(run->ctx, RM_LOG_ERR, "series[%zu] page "
		    "%zu (%s): value[%zu].%s: expected a number or null",
		    em->series->index, em->page, em->url, i, col);
		return -1;
	}
	/* Enough of the text for cbs_show() to cut it with "...". */
	n = cell->kind == CBS_CELL_STRING ? cell->len : 0;
	if (n >= sizeof(text))
		n = sizeof(text) - 1;
	if (n > 0)
		memcpy(text, cell->text, n);
	text[n] = '\0';
	cbs_host->log(run->ctx, RM_LOG_ERR, "series[%zu] page "
	    "%zu (%s): value[%zu].%s: expected a number or a "
	    "missing-value symbol (\".\", \"x\", \"-\", \"?\" or "
	    "blank), got \"%s\"",
	    em->series->index, em->page, em->url, i, col,
	    cell->kind == CBS_CELL_STRING ? cbs_show(text, shown,
	    sizeof(shown)) : "(not a string)");
	return -1;
}

/*
 * Trimmed text of the code column col of row r of f into buf.  0, or -1
 * logged.
 */
static int
cbs_v3_code(struct cbs_run *run, const struct cbs_emit *em,
    const struct cbs_flat *f, size_t r, size_t i, const char *col,
    char *buf, size_t len)
{
	const struct cbs_cell	*c = cbs_flat_get(f, r, col);

	if (c != NULL && c->kind == CBS_CELL_STRING &&
	    cbs_trim_copyn(c->text, c->len, buf, len) == 0)
		return 0;
	cbs_host->log(run->ctx, RM_LOG_ERR, "series[%zu] page %zu (%s): "
	    "value[%zu].%s: expected a code (a string of at most %zu "
	    "bytes)", em->series->index, em->page, em->url, i, col, len - 1);
	return -1;
}

/*
 * What row r of f (row i of its page) says before its cells, into k:
 * whether its filter codes and region are the series' and its period.
 * The same for every series of a page loop.  0, or -1 logged.
 */
static int
cbs_v3_key(struct cbs_run *run, struct cbs_emit *em, const struct cbs_flat *f,
    size_t r, size_t i, struct cbs_rowkey *k)
{
	const struct cbs_series	*s = em->series;
	const struct cbs_conf	*c = run->conf;
	char			 per[32], code[CBS_CODE_MAX + 1];
	size_t			 j;

	k->known = 1;
	k->skip = 1;
	k->off = -1;
	for (j = 0; j < s->nfilters; j++) {
		if (cbs_v3_code(run, em, f, r, i, s->filters[j].dim, code,
		    sizeof(code)) == -1)
			return -1;
		if (strcmp(code, s->filters[j].code) == 0)
			continue;
		/* One filter's code apart: a combination next to ours. */
		if (k->off != -1) {
			k->off = -1;
			return 0;
		}
		k->off = (long)j;
		memcpy(k->offcode, code, sizeof(k->offcode));
	}
	k->reg[0] = '\0';
	if (s->region == NULL && cbs_v3_code(run, em, f, r, i,
	    c->region_dim, k->reg, sizeof(k->reg)) == -1)
		return -1;
	if (s->region == NULL && cbs_region_index(em, k->reg) == -1) {
		k->off = -1;
		return 0;
	}
	if (cbs_v3_code(run, em, f, r, i, c->period_dim, per,
	    sizeof(per)) == -1)
		return -1;
	cbs_per_of(run, per, &k->per);
	k->skip = k->off != -1;
	return 0;
}

/* 1 if column col of row r of f holds a value (quietly: a row apart). */
static int
cbs_v3_has(const struct cbs_run *run, const struct cbs_flat *f, size_t r,
    const char *col)
{
	const struct cbs_cell	*c = cbs_flat_get(f, r, col);
	double			 v;
	int			 missing;

	if (c == NULL)
		return 0;
	if (run->conf->typed)
		return c->kind == CBS_CELL_NUMBER;
	return c->kind == CBS_CELL_STRING &&
	    cbs_untypedn(c->text, c->len, &v, &missing) == 0 && !missing;
}

/*
 * Row r of f has the series' regions and period types but another code
 * of filter k->off: noted (cbs_with_add()) when it has a value in every
 * column the series reads.  0, or -1 logged.
 */
static int
cbs_v3_other(struct cbs_run *run, struct cbs_emit *em,
    const struct cbs_flat *f, size_t r, const struct cbs_rowkey *k)
{
	const struct cbs_series	*s = em->series;
	size_t			 j;

	if (!(k->per.type & s->periods))
		return 0;
	for (j = 0; j < s->nterms; j++)
		if (!cbs_v3_has(run, f, r, s->terms[j].resolved))
			return 0;
	if (s->per != NULL && !cbs_v3_has(run, f, r, s->per->resolved))
		return 0;
	return cbs_with_add(run, em, s->filters[k->off].dim, k->offcode);
}

/*
 * Row r of f, of the series' regions, in a probe without its measures:
 * every column of a value but the ID, region and period is a measure
 * with data (every other dimension is pinned by a filter, and a series
 * probed so has none), noted in em->mwith.  0, or -1 logged.
 */
static int
cbs_v3_measures(struct cbs_run *run, struct cbs_emit *em,
    const struct cbs_flat *f, size_t r, const struct cbs_rowkey *k)
{
	const struct cbs_conf	*c = run->conf;
	const struct cbs_cell	*cell;
	char			 col[CBS_CODE_MAX + 1];
	size_t			 j;

	if (!(k->per.type & em->series->periods))
		return 0;
	for (j = f->start[r]; j < f->start[r + 1]; j++) {
		cell = &f->cells[j];
		if (cell->klen >= sizeof(col))
			continue;
		memcpy(col, cell->key, cell->klen);
		col[cell->klen] = '\0';
		if (strcmp(col, "ID") == 0 || strcmp(col, c->period_dim) == 0 ||
		    strcmp(col, c->region_dim) == 0 ||
		    !cbs_v3_has(run, f, r, col))
			continue;
		if (cbs_with_addn(run, &em->mwith, NULL, col,
		    cell->klen) == -1)
			return -1;
	}
	return 0;
}

/*
 * The cells of row r of f (row i of its page) kept for a combined series
 * (combine.c): each term, then the denominator.  0, or -1 logged.
 */
static int
cbs_v3_parts(struct cbs_run *run, struct cbs_emit *em,
    const struct cbs_flat *f, size_t r, size_t i, const struct cbs_rowkey *k)
{
	const struct cbs_series	*s = em->series;
	const char		*col;
	size_t			 j;
	double			 v;
	int			 m;

	for (j = 0; j < cbs_parts(s); j++) {
		col = j < s->nterms ? s->terms[j].resolved : s->per->resolved;
		if (cbs_v3_cell(run, em, f, r, i, col, &v, &m) == -1 ||
		    cbs_acc_put(run, em, s->region == NULL ? k->reg : NULL,
		    &k->per, j, v, m, i) == -1)
			return -1;
	}
	return 0;
}

/*
 * Row r of f, row i of its page, for the series of em, with what the row
 * says before its cells in k (worked out here if not yet known).  Rows
 * of other filter codes or regions are skipped.  0, or -1 logged.
 */
static int
cbs_v3_row(struct cbs_run *run, struct cbs_emit *em,
    const struct cbs_flat *f, size_t r, size_t i, struct cbs_rowkey *k)
{
	const struct cbs_series	*s = em->series;
	size_t			 j;
	double			 sum, v;
	int			 missing, m;

	if (!k->known && cbs_v3_key(run, em, f, r, i, k) == -1)
		return -1;
	/* Looked at only while the series has no value of its own. */
	if (k->skip)
		return k->off != -1 && em->values == 0 ?
		    cbs_v3_other(run, em, f, r, k) : 0;
	/* A probe's rows of the series' own combination are not stored. */
	if (em->probe == CBS_DROP_MEASURE)
		return cbs_v3_measures(run, em, f, r, k);
	if (em->probe != CBS_DROP_NONE)
		return 0;
	if (em->acc != NULL)
		return cbs_v3_parts(run, em, f, r, i, k);
	sum = 0;
	missing = 0;
	for (j = 0; j < s->nterms; j++) {
		if (cbs_v3_cell(run, em, f, r, i, s->terms[j].resolved, &v,
		    &m) == -1)
			return -1;
		missing |= m;
		sum += v;
	}
	if (s->per != NULL) {
		if (cbs_v3_cell(run, em, f, r, i, s->per->resolved, &v,
		    &m) == -1)
			return -1;
		/* A share of nothing is no value, not infinity. */
		missing |= m || v == 0;
		if (!missing)
			sum /= v;
	}
	return cbs_emit_per(run, em, s->region == NULL ? k->reg : NULL,
	    &k->per, sum, missing, i);
}

/*
 * Rows read in place (flat.c) of a TypedDataSet or UntypedDataSet page,
 * rows[0] being row first of the page, for the series in arg (a struct
 * cbs_emit).  With em->keys, what a row says before its cells is worked
 * out by the first series of the page loop and kept for the others.
 */
int
cbs_v3_flat(struct cbs_run *run, const struct cbs_flat *rows,
    const char *url, size_t page, size_t first, void *arg)
{
	struct cbs_emit		*em = arg;
	struct cbs_rowkey	 own;
	size_t			 r;

	em->page = page;
	em->url = url;
	for (r = 0; r < rows->nrows; r++) {
		own.known = 0;
		if (cbs_v3_row(run, em, rows, r, first + r, em->keys != NULL ?
		    &em->keys->v[r] : &own) == -1)
			return -1;
	}
	return 0;
}

/*
 * The same for rows parsed by jansson (a page the scanner does not
 * take), each made a flat row pointing into its tree.
 */
int
cbs_v3_rows(struct cbs_run *run, json_t *rows, const char *url, size_t page,
    size_t first, void *arg)
{
	struct cbs_emit		*em = arg;
	struct cbs_flat		 f;
	struct cbs_rowkey	 key;
	const json_t		*row;
	size_t			 j;
	int			 rc = 0;

	em->page = page;
	em->url = url;
	memset(&f, 0, sizeof(f));
	json_array_foreach(rows, j, row) {
		if (!json_is_object(row)) {
			cbs_host->log(run->ctx, RM_LOG_ERR, "series[%zu] page "
			    "%zu (%s): value[%zu]: expected a row object",
			    em->series->index, page, url, first + j);
			rc = -1;
			break;
		}
		cbs_flat_clear(&f);
		if (cbs_flat_add_json(&f, row) == -1) {
			cbs_host->log(run->ctx, RM_LOG_ERR, "out of memory");
			rc = -1;
			break;
		}
		key.known = 0;
		if ((rc = cbs_v3_row(run, em, &f, 0, first + j, &key)) == -1)
			break;
	}
	cbs_flat_free(&f);
	return rc;
}
