/* SPDX-License-Identifier: ISC */
/*
 * main.c: the cbs_statline plugin's entry point and its run: check the
 * table's modification stamp and stop there when nothing changed since
 * the last successful run; otherwise resolve measures, read period
 * statuses (and v3 key widths), then page through each series' data
 * (v3 series that read the same rows, through one request).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbs.h"

/*
 * The host table: the plugin's one piece of file-scope state, read-only
 * (B7 rule 28).  Shared by the plugin's files; -fvisibility=hidden keeps
 * it out of the .so's exports.
 */
const struct rm_host	*cbs_host;

static void
cbs_fini(void *arg)
{
	cbs_conf_free(arg);
}

/*
 * Check the config (see config.c and the README) and keep it as the
 * instance state.  No I/O: only the catalog is consulted.
 */
static int
cbs_init(struct rm_ctx *ctx, const json_t *conf, void **statep)
{
	struct cbs_conf	*c;

	*statep = NULL;
	if (cbs_conf_parse(ctx, conf, &c) == -1)
		return RM_ERR;
	*statep = c;
	return RM_OK;
}

/*
 * 1 if series a and b ask for the same rows of a v3 table: the same
 * regions in the same order (or both a fixed region), the same filters
 * and period types.  Their measures are columns of the same wide rows.
 */
static int
cbs_same_rows(const struct cbs_series *a, const struct cbs_series *b)
{
	size_t	 i;

	if ((a->region == NULL) != (b->region == NULL) ||
	    a->nregions != b->nregions || a->nfilters != b->nfilters ||
	    a->periods != b->periods)
		return 0;
	for (i = 0; i < a->nregions; i++)
		if (strcmp(a->regions[i].code, b->regions[i].code) != 0)
			return 0;
	for (i = 0; i < a->nfilters; i++)
		if (strcmp(a->filters[i].dim, b->filters[i].dim) != 0 ||
		    strcmp(a->filters[i].code, b->filters[i].code) != 0)
			return 0;
	return 1;
}

/* The series sharing one page loop, each with its own emit state. */
struct cbs_group {
	struct cbs_emit	*em;
	size_t		 n;
	cbs_rows_fn	 fn;
	cbs_flat_fn	 flat;		/* NULL: rows as jansson trees */
	struct cbs_keys	 keys;		/* of the flat chunk at hand */
};

/* One page for every series of the group, a series at a time. */
static int
cbs_group_rows(struct cbs_run *run, json_t *rows, const char *url,
    size_t page, size_t first, void *arg)
{
	struct cbs_group	*g = arg;
	size_t			 k;

	for (k = 0; k < g->n; k++)
		if (g->fn(run, rows, url, page, first, &g->em[k]) == -1)
			return -1;
	return 0;
}

/* The same, for rows read in place. */
static int
cbs_group_flat(struct cbs_run *run, const struct cbs_flat *rows,
    const char *url, size_t page, size_t first, void *arg)
{
	struct cbs_group	*g = arg;
	struct cbs_rowkey	*v;
	size_t			 k;

	/* A new chunk: no row is known yet. */
	if (rows->nrows > g->keys.cap) {
		if ((v = reallocarray(g->keys.v, rows->nrows,
		    sizeof(*v))) == NULL) {
			cbs_host->log(run->ctx, RM_LOG_ERR, "out of memory");
			return -1;
		}
		g->keys.v = v;
		g->keys.cap = rows->nrows;
	}
	for (k = 0; k < rows->nrows; k++)
		g->keys.v[k].known = 0;
	for (k = 0; k < g->n; k++)
		if (g->flat(run, rows, url, page, first, &g->em[k]) == -1)
			return -1;
	return 0;
}

#define CBS_WITH_SHOWN	5	/* codes with data named in a warning */

static int
cbs_str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * What does have data next to the empty combination of series k of g,
 * into b: the other codes of its filters that the rows read show with a
 * value ("Geslacht=3000, T001038"), and the measures of the other series
 * of the same rows (v3) that got values; at most CBS_WITH_SHOWN of each,
 * then how many more.  Nothing when the rows read cannot tell: a server
 * that honours the $filter sends this combination's rows only.
 */
static void
cbs_with_text(struct cbs_group *g, size_t k, struct cbs_buf *b)
{
	struct cbs_with	*w = &g->em[k].with;
	const char	*eq, *prev = NULL;
	char		 more[48];
	size_t		 i, j, n = 0, plen = 0;

	/* qsort() of no codes may get a null w->v: not allowed. */
	if (w->n > 1)
		qsort(w->v, w->n, sizeof(*w->v), cbs_str_cmp);
	for (i = 0; i < w->n && i < CBS_WITH_SHOWN; i++) {
		eq = strchr(w->v[i], '=');
		cbs_buf_add(b, i == 0 ? "; combinations with data: " : ", ");
		/* "Dim=" once for its codes in a row. */
		if (prev != NULL && (size_t)(eq - w->v[i]) == plen &&
		    strncmp(prev, w->v[i], plen) == 0)
			cbs_buf_add(b, eq + 1);
		else
			cbs_buf_add(b, w->v[i]);
		prev = w->v[i];
		plen = (size_t)(eq - w->v[i]);
	}
	if (w->n > CBS_WITH_SHOWN) {
		snprintf(more, sizeof(more), " and %zu more",
		    w->n - CBS_WITH_SHOWN);
		cbs_buf_add(b, more);
	}
	for (i = 0; i < g->n; i++) {
		if (i == k || g->em[i].values == 0)
			continue;
		for (j = 0; j < g->em[i].series->nterms; j++) {
			if (n++ >= CBS_WITH_SHOWN)
				continue;
			cbs_buf_add(b, n == 1 ? "; measures with data for "
			    "these filters: " : ", ");
			cbs_buf_add(b, g->em[i].series->terms[j].resolved);
		}
	}
	if (n > CBS_WITH_SHOWN) {
		snprintf(more, sizeof(more), " and %zu more",
		    n - CBS_WITH_SHOWN);
		cbs_buf_add(b, more);
	}
	w = &g->em[k].mwith;
	if (w->n > 1)
		qsort(w->v, w->n, sizeof(*w->v), cbs_str_cmp);
	for (i = 0; i < w->n && i < CBS_WITH_SHOWN; i++) {
		cbs_buf_add(b, i == 0 ? "; measures with data: " : ", ");
		cbs_buf_add(b, w->v[i]);
	}
	if (w->n > CBS_WITH_SHOWN) {
		snprintf(more, sizeof(more), " and %zu more",
		    w->n - CBS_WITH_SHOWN);
		cbs_buf_add(b, more);
	}
}

/* The number of other series of g than k whose measures got values. */
static size_t
cbs_group_valued(const struct cbs_group *g, size_t k)
{
	size_t	 i, n = 0;

	for (i = 0; i < g->n; i++)
		if (i != k && g->em[i].values > 0)
			n++;
	return n;
}

/*
 * 1 if series k of g ends with the warning of a combination without
 * data (see cbs_series_done()).
 */
static int
cbs_empty(const struct cbs_group *g, size_t k)
{
	const struct cbs_emit	*em = &g->em[k];

	return em->values == 0 && !(em->series->growth > 0 &&
	    em->matched == 0 && em->acc != NULL &&
	    cbs_acc_periods(em->acc) > 0);
}

/*
 * Series k of g has no data for its combination, and the rows read name
 * nothing that has (a server that honours the $filter sends a series'
 * own combination only): one more request, of the series' query without
 * its filter codes (or without its measure, when it has no filters: the
 * regions and period types were checked, so the measure is what is
 * empty), its first page only (CBS_PROBE_TOP rows), whose rows name the
 * codes or measures that have data.  Never fails the series: when the
 * request fails, em->why says why the codes could not be listed.  A
 * file: base serves the whole table already, so it is not asked again.
 */
static void
cbs_probe(struct cbs_run *run, struct cbs_group *g, size_t k)
{
	struct cbs_emit		*em = &g->em[k];
	const struct cbs_series	*s = em->series;
	struct rm_request	 req;
	struct rm_response	 resp;
	json_t			*root = NULL, *rows;
	char			*url;
	int			 drop;

	drop = s->nfilters > 0 ? CBS_DROP_FILTERS : CBS_DROP_MEASURE;
	if (run->conf->is_file || (drop == CBS_DROP_FILTERS ?
	    em->with.n > 0 : cbs_group_valued(g, k) > 0))
		return;
	url = run->conf->api == CBS_V4 ? cbs_v4_probe_query(run, s, drop) :
	    cbs_v3_probe_query(run, s, drop);
	if (url == NULL) {
		snprintf(em->why, sizeof(em->why), "out of memory");
		return;
	}
	cbs_host->log(run->ctx, RM_LOG_DEBUG, "series[%zu] %s: no data; "
	    "asking which %s have data: %s", s->index, s->indicator,
	    drop == CBS_DROP_FILTERS ? "filter codes" : "measures", url);
	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	req.url = url;
	run->requests++;
	/* The host logs a failed request; it is not the source's error. */
	if (cbs_host->http_get(run->ctx, &req, &resp) != RM_OK) {
		if (resp.status >= 400)
			snprintf(em->why, sizeof(em->why), "the server "
			    "answered HTTP %ld", resp.status);
		else if (resp.status > 0)
			snprintf(em->why, sizeof(em->why), "its answer could "
			    "not be read (HTTP %ld)", resp.status);
		else
			snprintf(em->why, sizeof(em->why), "no answer from "
			    "the server");
		cbs_host->response_free(&resp);
		goto done;
	}
	root = json_loadb(resp.body, resp.len, JSON_DECODE_INT_AS_REAL, NULL);
	cbs_host->response_free(&resp);
	if (!json_is_array(rows = json_object_get(root, "value"))) {
		snprintf(em->why, sizeof(em->why), "the answer is not an "
		    "OData page of rows");
		goto done;
	}
	em->probe = drop;
	if (g->fn(run, rows, url, 1, 0, em) == -1)
		snprintf(em->why, sizeof(em->why), "a row of the answer "
		    "is not as expected");
	else
		em->probed = 1;
	em->probe = CBS_DROP_NONE;
	em->url = NULL;
done:
	json_decref(root);
	free(url);
}

/* After the pages: what series k of g got, judged.  0, or -1 logged. */
static int
cbs_series_done(struct cbs_run *run, struct cbs_group *g, size_t k)
{
	const struct cbs_emit	*em = &g->em[k];
	const struct cbs_series	*s = em->series;
	struct cbs_buf		 b;
	size_t			 i;

	if (em->early > 0)
		cbs_host->log(run->ctx, RM_LOG_WARNING, "series[%zu] %s: %zu "
		    "rows of periods before 1970 left out (RRD files start in "
		    "1970)", s->index, s->indicator, em->early);
	/*
	 * The regions and filter codes were checked against the table's
	 * code lists before (widths.c), so a series without a single value
	 * asks for a measure x filter combination the table leaves empty:
	 * v3 serves its cells as missing, v4 serves no rows.  Either way it
	 * is said, as a warning, and the other series of the source go on.
	 */
	if (em->values == 0 && s->growth > 0 && em->matched == 0 &&
	    em->acc != NULL && cbs_acc_periods(em->acc) > 0) {
		cbs_host->log(run->ctx, RM_LOG_WARNING, "series[%zu] %s: no "
		    "period of table %s has a value %d periods before it: no "
		    "growth to store", s->index, s->indicator,
		    run->conf->table, s->growth);
		return 0;
	}
	if (em->values == 0) {
		memset(&b, 0, sizeof(b));
		cbs_with_text(g, k, &b);
		if (b.p == NULL && !b.oom && em->why[0] != '\0') {
			cbs_buf_add(&b, "; the combinations with data could "
			    "not be listed: ");
			cbs_buf_add(&b, em->why);
		} else if (b.p == NULL && !b.oom && em->probed) {
			cbs_buf_add(&b, "; the table's first ");
			cbs_buf_add(&b, s->nfilters == 0 &&
			    run->conf->api != CBS_V4 ? CBS_PROBE_TOP_WIDE :
			    CBS_PROBE_TOP);
			cbs_buf_add(&b, s->nfilters > 0 ? " rows without these "
			    "filter codes show no other code with data" :
			    " rows of these regions show no measure with data");
		}
		cbs_host->log(run->ctx, RM_LOG_WARNING, "series[%zu] %s: table "
		    "%s has no data for this combination of measure, filters "
		    "and period types (%zu %s): no value to store%s; "
		    "`regiomon describe cbs_statline %s` lists the table's "
		    "codes", s->index, s->indicator, run->conf->table,
		    em->matched, em->matched == 0 ? "rows" : "cells, all "
		    "empty", b.oom || b.p == NULL ? "; the rows read show no "
		    "other combination with data" : b.p,
		    run->conf->table);
		cbs_buf_free(&b);
		return 0;
	}
	for (i = 0; i < s->nregions; i++)
		if (em->rcount[i] == 0)
			cbs_host->log(run->ctx, RM_LOG_WARNING, "series[%zu] "
			    "%s: no rows for region %s (%s)", s->index,
			    s->indicator, s->regions[i].id,
			    s->regions[i].code);
	cbs_host->log(run->ctx, RM_LOG_DEBUG, "series[%zu] %s: %zu "
	    "observations", s->index, s->indicator, em->matched);
	return 0;
}

/*
 * Page through the data of the n series from s on, which select the same
 * rows (v3; v4 rows hold one measure, so there n is 1): one request for
 * all of them instead of one per series, and each page parsed once.
 * 0, or -1 logged.
 */
static int
cbs_series_run(struct cbs_run *run, const struct cbs_series *s, size_t n)
{
	struct cbs_group	 g;
	char			*url = NULL;
	size_t			 k;
	int			 rc = -1;

	memset(&g, 0, sizeof(g));
	g.fn = run->conf->api == CBS_V4 ? cbs_v4_rows : cbs_v3_rows;
	g.flat = run->conf->api == CBS_V4 ? NULL : cbs_v3_flat;
	if ((g.em = calloc(n, sizeof(*g.em))) == NULL)
		goto oom;
	g.n = n;
	for (k = 0; k < n; k++) {
		g.em[k].keys = &g.keys;
		g.em[k].series = &s[k];
		if (s[k].nregions > 0 && (g.em[k].rcount = calloc(s[k].nregions,
		    sizeof(*g.em[k].rcount))) == NULL)
			goto oom;
		if (cbs_combined(run->conf, &s[k]) &&
		    (g.em[k].acc = cbs_acc_new(&s[k])) == NULL)
			goto oom;
	}
	url = run->conf->api == CBS_V4 ? cbs_v4_query(run, s) :
	    cbs_v3_query_n(run, s, n);
	if (url == NULL)
		goto done;
	if (n > 1)
		cbs_host->log(run->ctx, RM_LOG_DEBUG, "series[%zu-%zu] share "
		    "their rows: %s", s->index, s[n - 1].index, url);
	else
		cbs_host->log(run->ctx, RM_LOG_DEBUG, "series[%zu] %s: %s",
		    s->index, s->indicator, url);
	/* The rows of a region stay one block per series (see cbs_pages). */
	if (cbs_pages(run, url, run->conf->api == CBS_V4 ? "Observations" :
	    run->conf->typed ? "TypedDataSet" : "UntypedDataSet",
	    n > 1 ? run->conf->region_dim : NULL, cbs_group_rows,
	    g.flat != NULL ? cbs_group_flat : NULL, &g) == -1)
		goto done;
	for (k = 0; k < n; k++)
		if (g.em[k].acc != NULL && cbs_acc_done(run, &g.em[k]) == -1)
			goto done;
	for (k = 0; k < n; k++)
		if (cbs_empty(&g, k))
			cbs_probe(run, &g, k);
	for (rc = 0, k = 0; k < n; k++)
		if (cbs_series_done(run, &g, k) == -1)
			rc = -1;
	goto done;
oom:
	cbs_host->log(run->ctx, RM_LOG_ERR, "out of memory");
done:
	for (k = 0; k < g.n; k++) {
		free(g.em[k].rcount);
		cbs_with_free(&g.em[k].with);
		cbs_with_free(&g.em[k].mwith);
		cbs_acc_free(g.em[k].acc);
	}
	free(g.em);
	free(g.keys.v);
	free(url);
	return rc;
}

/*
 * One run.  The stamp comes first: when it matches the mark of the last
 * successful run, no data is downloaded at all.  Any failure fails the
 * whole run, and the host then stores nothing from it.
 */
static int
cbs_collect(struct rm_ctx *ctx, void *arg)
{
	struct cbs_run	 run;
	const char	*old;
	char		*mark = NULL;
	size_t		 i, n;
	int		 rc = RM_ERR, check, bad, nocodes;

	memset(&run, 0, sizeof(run));
	run.ctx = ctx;
	run.conf = arg;
	check = RM_HOST_HAS(cbs_host, check_only) &&
	    cbs_host->check_only != NULL && cbs_host->check_only(ctx);
	if (cbs_stamp(&run, &mark) == -1)
		goto done;
	if (!check && (old = cbs_host->get_mark(ctx)) != NULL &&
	    strcmp(old, mark) == 0) {
		cbs_host->log(ctx, RM_LOG_DEBUG, "table %s unchanged since the "
		    "last run (%s); nothing downloaded", run.conf->table, mark);
		rc = RM_UNCHANGED;
		goto done;
	}
	/*
	 * The codes are checked after a wrong measure too, so that one run
	 * names every problem; not when a dimension is missing, whose code
	 * list would not be there either.
	 */
	bad = cbs_measures(&run) == -1;
	if ((bad && run.dims_bad) || cbs_statuses(&run) == -1)
		goto done;
	if (cbs_widths(&run) == -1 || bad)
		goto done;
	/*
	 * `fetch --check`: the table, its measures, dimensions and codes
	 * were all found; the data is not read, and no mark is set.
	 */
	if (check) {
		nocodes = run.conf->api == CBS_V4 && run.conf->is_file;
		cbs_host->log(ctx, RM_LOG_NOTICE, "table %s (%s): %zu series "
		    "checked: the table, every measure%s found%s",
		    run.conf->table, cbs_api_name(run.conf->api),
		    run.conf->nseries, nocodes ? " and dimension" :
		    ", dimension, region and filter code", nocodes ?
		    " (region and filter codes not checked: a v4 file: base)" :
		    "");
		rc = RM_OK;
		goto done;
	}
	/* Consecutive v3 series that read the same rows share requests. */
	for (i = 0; i < run.conf->nseries; i += n) {
		for (n = 1; run.conf->api != CBS_V4 &&
		    i + n < run.conf->nseries && cbs_same_rows(
		    &run.conf->series[i], &run.conf->series[i + n]); n++)
			;
		if (cbs_series_run(&run, &run.conf->series[i], n) == -1)
			goto done;
	}
	cbs_host->set_mark(ctx, mark);
	cbs_host->log(ctx, RM_LOG_DEBUG, "table %s: %zu requests",
	    run.conf->table, run.requests);
	rc = RM_OK;
done:
	free(mark);
	free(run.status);
	return rc;
}

RM_EXPORT int
rm_plugin_init(const struct rm_host *h, struct rm_plugin *p)
{
	/* edit_distance and conf_keys came with ABI 1.1. */
	if (h == NULL || h->abi_major != RM_ABI_MAJOR ||
	    !RM_HOST_HAS(h, conf_keys))
		return RM_ERR;
	cbs_host = h;
	RM_PLUGIN_INIT(p);
	p->name = "cbs_statline";
	p->description = "CBS StatLine OData v3 (opendata.cbs.nl) and v4 "
	    "(datasets.cbs.nl): measures by key or title, provisional "
	    "periods, skips unchanged tables";
	p->init = cbs_init;
	p->collect = cbs_collect;
	p->fini = cbs_fini;
	p->describe = cbs_describe;
	return RM_OK;
}
