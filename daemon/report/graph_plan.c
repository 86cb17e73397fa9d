/* SPDX-License-Identifier: ISC */
/*
 * graph_plan.c: what the graph of one series shows, all figures computed
 * here from the stored points and the series' state: the y axis, the
 * warning and critical zones, the provisional stretches, the baseline
 * and the latest value.  graph_args.c turns the plan into rrdtool's words.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "model/model.h"
#include "eval/eval.h"
#include "report/report.h"
#include "report/report_private.h"

/* The threshold t of ind as a distance from base in the unit. */
static double
threshold_dist(const struct indicator *ind, double base, double t)
{
	return ind->relative ? fabs(base) * t / 100.0 : t;
}

static void
zone_add(struct gplan *g, double bottom, double top, int crit)
{
	if (g->nzones >= 4 || !(top > bottom))
		return;
	g->zone[g->nzones][0] = bottom;
	g->zone[g->nzones][1] = top;
	g->zone_crit[g->nzones] = crit;
	g->nzones++;
}

/*
 * The y axis and the shaded zones.  The axis spans the values and the
 * baseline, and the warning threshold on the bad side(s) so that the
 * zone a reader should watch is always in view; the critical threshold
 * only when the values reach towards it.  A margin of 8% keeps the line
 * off the frame.  Values that cannot be negative (none is, nor the
 * baseline) get no negative axis.  Zones: from the warning threshold to
 * the critical one (light), and beyond the critical one (darker), on the
 * side that is bad news (both sides for a neutral indicator), clamped to
 * the axis.  A relative threshold of a baseline of 0 has no place on the
 * axis and draws no zone.
 */
static void
plan_axis(struct gplan *g, const struct indicator *ind, double vmin,
    double vmax)
{
	double	 lo = vmin, hi = vmax, span, pad, b, w, c;
	int	 up, down, zones;

	up = ind->direction != DIR_HIGHER_IS_BETTER;
	down = ind->direction != DIR_LOWER_IS_BETTER;
	b = g->base.value;
	zones = g->has_base && !(ind->relative && b == 0);
	w = zones ? threshold_dist(ind, b, ind->warning) : 0;
	c = zones ? threshold_dist(ind, b, ind->critical) : 0;
	if (g->has_base) {
		lo = fmin(lo, b);
		hi = fmax(hi, b);
	}
	if (zones && up)
		hi = fmax(hi, b + w);
	if (zones && down)
		lo = fmin(lo, b - w);
	span = hi - lo;
	if (span <= 0)
		span = fabs(hi) > 0 ? fabs(hi) * 0.2 : 1.0;
	pad = span * 0.08;
	hi += pad;
	lo -= pad;
	if (vmin >= 0 && (!g->has_base || b >= 0) && lo < 0)
		lo = 0;
	g->lo = lo;
	g->hi = hi;
	if (!zones)
		return;
	if (up) {
		zone_add(g, fmax(b + w, lo), fmin(b + c, hi), 0);
		zone_add(g, fmax(b + c, lo), hi, 1);
	}
	if (down) {
		zone_add(g, fmax(b - c, lo), fmin(b - w, hi), 0);
		zone_add(g, lo, fmin(b - c, hi), 1);
	}
}

/*
 * The provisional periods of the series (state.json) that fall inside
 * the graph, as time stretches with neighbours merged, so that a run of
 * provisional quarters is one mark.
 */
static int
stretch_cmp(const void *a, const void *b)
{
	const struct stretch	*x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static void
plan_provisional(struct gplan *g, const json_t *series)
{
	struct period	 p;
	struct stretch	*s;
	json_t		*v;
	size_t		 i;
	int		 j, k;

	json_array_foreach(json_object_get(series, "provisional"), i, v) {
		if (g->nprov == PROV_MAX ||
		    period_parse(json_string_value(v), &p) == -1)
			continue;
		s = &g->prov[g->nprov];
		s->start = period_start(&p);
		s->end = period_end(&p);
		if (s->end > g->start && s->start < g->end)
			g->nprov++;
	}
	if (g->nprov == 0)
		return;
	qsort(g->prov, (size_t)g->nprov, sizeof(g->prov[0]), stretch_cmp);
	for (j = 0, k = 1; k < g->nprov; k++) {
		if (g->prov[k].start <= g->prov[j].end) {
			if (g->prov[k].end > g->prov[j].end)
				g->prov[j].end = g->prov[k].end;
		} else
			g->prov[++j] = g->prov[k];
	}
	g->nprov = j + 1;
}

/* 1 if period p is listed as provisional in the series' state. */
static int
is_provisional(const json_t *series, const struct period *p)
{
	char	 per[PERIOD_MAX];

	if (period_format(p, per, sizeof(per)) == -1)
		return 0;
	return state_provisional(series, per);
}

/*
 * Everything the graph shows, from the stored points and the series'
 * state.  The baseline is the evaluation's (eval_baseline: the catalog's
 * figure or the series' own 2020), computed here as a number: librrd's
 * own averaging over 2020 mixes the boundary days (notes/librrd.md).
 * Returns 0, or 1 when there is no value to draw.
 */
int
graph_plan(struct gplan *g, const struct indicator *ind, const char *region,
    const struct point *pts, size_t n, const json_t *series)
{
	double	 vmin = INFINITY, vmax = -INFINITY;
	size_t	 i;

	memset(g, 0, sizeof(*g));
	for (i = 0; i < n; i++) {
		if (isnan(pts[i].value))
			continue;
		vmin = fmin(vmin, pts[i].value);
		vmax = fmax(vmax, pts[i].value);
		g->latest = pts[i];
		g->has_latest = 1;
	}
	if (!g->has_latest)
		return 1;
	g->start = period_start(&pts[0].period);
	g->end = period_end(&pts[n - 1].period);
	g->has_base = eval_baseline(ind, region, pts, n, &g->base) == 0;
	g->latest_prov = is_provisional(series, &g->latest.period);
	plan_axis(g, ind, vmin, vmax);
	plan_provisional(g, series);
	return 0;
}
