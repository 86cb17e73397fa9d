/* SPDX-License-Identifier: ISC */
/*
 * obs.c: one data row, already picked apart by v3.c or v4.c, turned into
 * an observation: the region the config asked for, a period of a type it
 * asked for (an unknown period type is an error, never a guess), the
 * period's status, the value times the series' scale.
 */
#include <stdio.h>
#include <stdlib.h>
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
 * Note in w the len bytes of code, as "dim=code" (just the code when dim
 * is NULL), once.  0, or -1 logged.
 */
int
cbs_with_addn(struct cbs_run *run, struct cbs_with *w, const char *dim,
    const char *code, size_t len)
{
	char		*e, **p;
	size_t		 i, n = dim != NULL ? strlen(dim) + 1 : 0;

	for (i = 0; i < w->n; i++)
		if ((dim == NULL || (strncmp(w->v[i], dim, n - 1) == 0 &&
		    w->v[i][n - 1] == '=')) && strlen(w->v[i] + n) == len &&
		    memcmp(w->v[i] + n, code, len) == 0)
			return 0;
	if (w->n == w->cap) {
		if ((p = reallocarray(w->v, w->cap == 0 ? 8 : w->cap * 2,
		    sizeof(*p))) == NULL)
			goto oom;
		w->v = p;
		w->cap = w->cap == 0 ? 8 : w->cap * 2;
	}
	if (asprintf(&e, "%s%s%.*s", dim != NULL ? dim : "", dim != NULL ?
	    "=" : "", (int)len, code) == -1)
		goto oom;
	w->v[w->n++] = e;
	return 0;
oom:
	cbs_host->log(run->ctx, RM_LOG_ERR, "out of memory");
	return -1;
}

/*
 * Note that filter dim has data with code (trimmed) where the series'
 * own combination has none so far: the warning of an empty combination
 * names such codes (main.c).  Each "dim=code" once.  0, or -1 logged.
 */
int
cbs_with_add(struct cbs_run *run, struct cbs_emit *em, const char *dim,
    const char *code)
{
	return cbs_with_addn(run, &em->with, dim, code, strlen(code));
}

void
cbs_with_free(struct cbs_with *w)
{
	size_t	 i;

	for (i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
	memset(w, 0, sizeof(*w));
}

/*
 * What period code per (trimmed) says, worked out without logging: its
 * type, its notation for the host, its status.  Rows of a table share
 * their period with every series of a page loop (v3.c works it out once
 * per row).
 */
void
cbs_per_of(const struct cbs_run *run, const char *per, struct cbs_per *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->code, sizeof(p->code), "%s", per);
	p->type = cbs_period_type(p->code);
	p->normed = p->type != 0 && cbs_host->period_norm(p->code, p->norm,
	    sizeof(p->norm)) == RM_OK;
	if (p->normed)
		p->prov = cbs_provisional(run, p->code);
}

/*
 * Whether the row (index in its page) with trimmed region code reg (NULL
 * for a table without regions) and period p is one the series asked for:
 * 1 with its region's position in *ri (0 for a fixed region), 0 to skip
 * it (a region or period type not asked for, a period before 1970), -1
 * logged (a period code of an unknown type or status).
 */
int
cbs_obs_take(struct cbs_run *run, struct cbs_emit *em, const char *reg,
    const struct cbs_per *p, size_t row, size_t *ri)
{
	const struct cbs_series	*s = em->series;
	char			 shown[CBS_SHOWN + 8];
	long			 r;

	*ri = 0;
	if (s->region == NULL) {
		if ((r = cbs_region_index(em, reg)) == -1)
			return 0;
		*ri = (size_t)r;
	}
	if (p->type != 0 && !(p->type & s->periods))
		return 0;
	/* RRD files start in 1970; older history is left out, not failed. */
	if (p->type != 0 && strncmp(p->code, "1970", 4) < 0) {
		em->early++;
		return 0;
	}
	if (!p->normed) {
		cbs_host->log(run->ctx, RM_LOG_ERR, "series[%zu] page "
		    "%zu (%s): value[%zu].%s: unknown period code \"%s\": "
		    "expected YYYYJJ00 (year), YYYYKWnn (quarter) or YYYYMMnn "
		    "(month); "
		    "not guessing what it means", s->index, em->page, em->url,
		    row, run->conf->period_dim,
		    cbs_show(p->code, shown, sizeof(shown)));
		return -1;
	}
	if (p->prov == 2) {
		cbs_host->log(run->ctx, RM_LOG_ERR, "series[%zu]: period %s: "
		    "unknown status in %s%s: expected Definitief, Voorlopig or "
		    "NaderVoorlopig", s->index, p->code, run->conf->period_dim,
		    run->conf->api == CBS_V4 ? "Codes" : "");
		return -1;
	}
	return 1;
}

/*
 * Emit value (scaled already) of period p for catalog region id.  0, or
 * -1 when the host refused it.
 */
int
cbs_emit_obs(struct cbs_run *run, struct cbs_emit *em, const char *id,
    const struct cbs_per *p, double value, int missing)
{
	struct rm_obs	 o;

	memset(&o, 0, sizeof(o));
	o.region = id;
	o.indicator = em->series->indicator;
	o.period = p->norm;
	o.missing = missing;
	o.value = missing ? 0 : value;
	o.provisional = p->prov;
	em->matched++;
	if (!missing)
		em->values++;
	return cbs_host->emit(run->ctx, &o) == RM_OK ? 0 : -1;
}

/*
 * Emit the observation of row (index in its page) with trimmed region
 * code reg (NULL for a table without regions) and period p.  Rows of
 * regions or period types the series did not ask for are skipped.  0
 * (emitted or skipped), or -1 logged.
 */
int
cbs_emit_per(struct cbs_run *run, struct cbs_emit *em, const char *reg,
    const struct cbs_per *p, double value, int missing, size_t row)
{
	const struct cbs_series	*s = em->series;
	size_t			 i;
	int			 rc;

	if ((rc = cbs_obs_take(run, em, reg, p, row, &i)) != 1)
		return rc;
	if (em->rcount != NULL && i < s->nregions)
		em->rcount[i]++;
	return cbs_emit_obs(run, em, s->region != NULL ? s->region :
	    s->regions[i].id, p, value * s->scale, missing);
}

/* cbs_emit_per() of period code per (trimmed). */
int
cbs_emit_row(struct cbs_run *run, struct cbs_emit *em, const char *reg,
    const char *per, double value, int missing, size_t row)
{
	struct cbs_per	 p;

	cbs_per_of(run, per, &p);
	return cbs_emit_per(run, em, reg, &p, value, missing, row);
}
