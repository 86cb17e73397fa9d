/* SPDX-License-Identifier: ISC */
/*
 * main.c: the cbs_statline plugin's entry point and its run: check the
 * table's modification stamp and stop there when nothing changed since
 * the last successful run; otherwise resolve measures, read period
 * statuses (and v3 key widths), then page through each series' data.
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

/* Page through the data of series s.  0, or -1 logged. */
static int
cbs_series_run(struct cbs_run *run, const struct cbs_series *s)
{
	struct cbs_emit	 em;
	char		*url;
	size_t		 i;
	int		 rc = -1;

	memset(&em, 0, sizeof(em));
	em.series = s;
	if (s->nregions > 0 &&
	    (em.rcount = calloc(s->nregions, sizeof(*em.rcount))) == NULL) {
		cbs_host->log(run->ctx, RM_LOG_ERR, "out of memory");
		return -1;
	}
	url = run->conf->api == CBS_V4 ? cbs_v4_query(run, s) :
	    cbs_v3_query(run, s);
	if (url == NULL)
		goto done;
	cbs_host->log(run->ctx, RM_LOG_DEBUG, "series[%zu] %s: %s", s->index,
	    s->indicator, url);
	if (cbs_pages(run, url, run->conf->api == CBS_V4 ? "Observations" :
	    run->conf->typed ? "TypedDataSet" : "UntypedDataSet",
	    run->conf->api == CBS_V4 ? cbs_v4_rows : cbs_v3_rows, &em) == -1)
		goto done;
	if (em.early > 0)
		cbs_host->log(run->ctx, RM_LOG_WARNING, "series[%zu] %s: %zu "
		    "rows of periods before 1970 left out (RRD files start in "
		    "1970)", s->index, s->indicator, em.early);
	/*
	 * Nothing at all for a series means the config and the table no
	 * longer meet (a new regional layout, a renamed code); storing
	 * nothing and calling it success would hide that.
	 */
	if (em.matched == 0) {
		cbs_host->log(run->ctx, RM_LOG_ERR, "series[%zu] %s: table %s "
		    "has no rows for the regions, filters and period types "
		    "asked for", s->index, s->indicator, run->conf->table);
		goto done;
	}
	for (i = 0; i < s->nregions; i++)
		if (em.rcount[i] == 0)
			cbs_host->log(run->ctx, RM_LOG_WARNING, "series[%zu] "
			    "%s: no rows for region %s (%s)", s->index,
			    s->indicator, s->regions[i].id,
			    s->regions[i].code);
	cbs_host->log(run->ctx, RM_LOG_DEBUG, "series[%zu] %s: %zu "
	    "observations", s->index, s->indicator, em.matched);
	rc = 0;
done:
	free(url);
	free(em.rcount);
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
	size_t		 i;
	int		 rc = RM_ERR;

	memset(&run, 0, sizeof(run));
	run.ctx = ctx;
	run.conf = arg;
	if (cbs_stamp(&run, &mark) == -1)
		goto done;
	if ((old = cbs_host->get_mark(ctx)) != NULL &&
	    strcmp(old, mark) == 0) {
		cbs_host->log(ctx, RM_LOG_DEBUG, "table %s unchanged since the "
		    "last run (%s); nothing downloaded", run.conf->table, mark);
		rc = RM_UNCHANGED;
		goto done;
	}
	if (cbs_measures(&run) == -1 || cbs_statuses(&run) == -1)
		goto done;
	if (run.conf->api != CBS_V4 && cbs_widths(&run) == -1)
		goto done;
	for (i = 0; i < run.conf->nseries; i++)
		if (cbs_series_run(&run, &run.conf->series[i]) == -1)
			goto done;
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
	if (h == NULL || h->abi_major != RM_ABI_MAJOR ||
	    !RM_HOST_HAS(h, set_mark))
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
	return RM_OK;
}
