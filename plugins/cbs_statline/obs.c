/* SPDX-License-Identifier: ISC */
/*
 * obs.c: one data row, already picked apart by v3.c or v4.c, turned into
 * an observation: the region the config asked for, a period of a type it
 * asked for (an unknown period type is an error, never a guess), the
 * period's status, the value times the series' scale.
 */
#include <stdio.h>
#include <string.h>

#include "cbs.h"

/*
 * The position in the series' regions of the one with CBS code (trimmed),
 * or -1.  Tables come region by region, so the region of the previous row
 * is tried first: a list of hundreds of regions is searched once per
 * region, not once per row.
 */
long
cbs_region_index(struct cbs_emit *em, const char *code)
{
	const struct cbs_series	*s = em->series;
	size_t			 i;

	if (em->rhint < s->nregions &&
	    strcmp(s->regions[em->rhint].code, code) == 0)
		return (long)em->rhint;
	for (i = 0; i < s->nregions; i++) {
		if (strcmp(s->regions[i].code, code) == 0) {
			em->rhint = i;
			return (long)i;
		}
	}
	return -1;
}

/*
 * Emit the observation of row (index in its page) with trimmed region
 * code reg (NULL for a table without regions) and period code per.  Rows
 * of regions or period types the series did not ask for are skipped.
 * 0 (emitted or skipped), or -1 logged.
 */
int
cbs_emit_row(struct cbs_run *run, struct cbs_emit *em, const char *reg,
    const char *per, double value, int missing, size_t row)
{
	const struct cbs_series	*s = em->series;
	struct rm_obs		 o;
	char			 period[32], shown[CBS_SHOWN + 8];
	unsigned		 type;
	size_t			 i = 0;
	long			 r;
	int			 prov;

	memset(&o, 0, sizeof(o));
	if (s->region != NULL)
		o.region = s->region;
	else if ((r = cbs_region_index(em, reg)) == -1)
		return 0;
	else {
		i = (size_t)r;
		o.region = s->regions[i].id;
	}
	type = cbs_period_type(per);
	if (type != 0 && !(type & s->periods))
		return 0;
	/* RRD files start in 1970; older history is left out, not failed. */
	if (type != 0 && strncmp(per, "1970", 4) < 0) {
		em->early++;
		return 0;
	}
	if (type == 0 || cbs_host->period_norm(per, period, sizeof(period)) !=
	    RM_OK) {
		cbs_host->log(run->ctx, RM_LOG_ERR, "series[%zu] page "
		    "%zu (%s): value[%zu].%s: unknown period code \"%s\": "
		    "expected YYYYJJ00 (year), YYYYKWnn (quarter) or YYYYMMnn "
		    "(month); "
		    "not guessing what it means", s->index, em->page, em->url,
		    row, run->conf->period_dim,
		    cbs_show(per, shown, sizeof(shown)));
		return -1;
	}
	if ((prov = cbs_provisional(run, per)) == 2) {
		cbs_host->log(run->ctx, RM_LOG_ERR, "series[%zu]: period %s: "
		    "unknown status in %s%s: expected Definitief, Voorlopig or "
		    "NaderVoorlopig", s->index, per, run->conf->period_dim,
		    run->conf->api == CBS_V4 ? "Codes" : "");
		return -1;
	}
	o.indicator = s->indicator;
	o.period = period;
	o.missing = missing;
	o.value = missing ? 0 : value * s->scale;
	o.provisional = prov;
	em->matched++;
	if (em->rcount != NULL && i < s->nregions)
		em->rcount[i]++;
	if (cbs_host->emit(run->ctx, &o) != RM_OK)
		return -1;
	return 0;
}
