/* SPDX-License-Identifier: ISC */
/*
 * eval.c: the judgement of a series against its 2020 baseline, with no
 * files and no JSON: the baseline to use, the shift of a value, the raw
 * state it gives, and the per-series state machine (confirmation over
 * consecutive releases, hysteresis on the way back, staleness).
 */
#include <math.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "model/model.h"
#include "eval/eval.h"

/* In enum estate order. */
static const char *const state_names[] = {
	"ok", "improved", "moved", "moved-strongly", "warning", "critical",
	"stale", "nodata"
};

/*
 * Severity for "worst state": improved is the best news, moved and moved
 * strongly (a neutral indicator away from its baseline) are news but not
 * bad news, nodata and stale say we do not know, warning and critical
 * say something is wrong.
 */
static const int state_ranks[] = { 1, 0, 2, 3, 6, 7, 5, 4 };

/* The state's name, as in state.json and status; a static string. */
const char *
eval_state_name(enum estate s)
{
	if ((unsigned)s >= ES_COUNT)
		return "nodata";
	return state_names[s];
}

/* 0 with *s set, or -1 if name is not a state. */
int
eval_state_parse(const char *name, enum estate *s)
{
	int	 i;

	if (name == NULL)
		return -1;
	for (i = 0; i < ES_COUNT; i++) {
		if (strcmp(state_names[i], name) == 0) {
			*s = (enum estate)i;
			return 0;
		}
	}
	return -1;
}

/*
 * Higher is worse: improved 0, ok 1, moved 2, moved-strongly 3, nodata 4,
 * stale 5, warning 6, critical 7.
 */
int
eval_state_rank(enum estate s)
{
	if ((unsigned)s >= ES_COUNT)
		return 0;
	return state_ranks[s];
}

/*
 * Thresholds are decimal figures and shifts are differences of decimal
 * figures in binary doubles: 4.9 - 4.4 is 0.5000000000000004 and 1.3 -
 * 0.8 is 0.49999999999999989.  A shift that equals a threshold in the
 * figures' own notation must count as reaching it either way, hence the
 * relative tolerance, far below any figure's precision.
 */
static double
tol(double t)
{
	return 1e-9 * fmax(1.0, fabs(t));
}

static int
reached(double v, double t)
{
	return v >= t - tol(t);
}

/* v is at or inside limit (v <= limit, with the same tolerance). */
static int
inside(double v, double limit)
{
	return v <= limit + tol(limit);
}

/*
 * The shift of latest against base, and the measure compared with the
 * indicator's thresholds: the shift in % of |base| for relative
 * thresholds, the shift itself for absolute ones.  From a baseline of 0 a
 * relative shift is undefined (shift_pct NaN); any move away from 0 then
 * counts as an infinite one, and no move as none.  worse is the measure
 * signed so that positive is bad news; a neutral indicator's worse is
 * |measure|, since any move away from the baseline is worth a look (as
 * moved, never as bad news: see plain_state).
 */
void
eval_judge(const struct indicator *ind, double base, double latest,
    struct judgement *j)
{
	j->shift_abs = latest - base;
	if (base == 0)
		j->shift_pct = NAN;
	else
		j->shift_pct = 100.0 * j->shift_abs / fabs(base);
	if (!ind->relative)
		j->measure = j->shift_abs;
	else if (base != 0)
		j->measure = j->shift_pct;
	else if (j->shift_abs == 0)
		j->measure = 0;
	else
		j->measure = copysign(INFINITY, j->shift_abs);
	switch (ind->direction) {
	case DIR_LOWER_IS_BETTER:
		j->worse = j->measure;
		break;
	case DIR_HIGHER_IS_BETTER:
		j->worse = -j->measure;
		break;
	default:
		j->worse = fabs(j->measure);
		break;
	}
}

/* The states past the warning and the critical threshold for ind. */
static enum estate
state_hi(const struct indicator *ind)
{
	return ind->direction == DIR_NEUTRAL ? ES_MOVED_STRONGLY : ES_CRITICAL;
}

static enum estate
state_lo(const struct indicator *ind)
{
	return ind->direction == DIR_NEUTRAL ? ES_MOVED : ES_WARNING;
}

/*
 * The state j gives on its own, with no history.  A neutral indicator has
 * no bad news: past its thresholds it has moved (strongly), either way.
 */
static enum estate
plain_state(const struct indicator *ind, double worse)
{
	if (reached(worse, ind->critical))
		return state_hi(ind);
	if (reached(worse, ind->warning))
		return state_lo(ind);
	if (ind->direction != DIR_NEUTRAL && reached(-worse, ind->warning))
		return ES_IMPROVED;
	return ES_OK;
}

/*
 * The raw state of one release, given the current state cur: the plain
 * state, except that leaving critical, warning or improved for a milder
 * state needs the measure to be at least the hysteresis inside the
 * threshold being crossed back (collectd widens the band of the previous
 * non-OK state the same way).  Moving to a harsher state needs no margin.
 * moved strongly and moved stand for critical and warning.
 */
enum estate
eval_raw(const struct indicator *ind, const struct judgement *j,
    enum estate cur)
{
	double		 h = ind->hysteresis, w = j->worse;
	enum estate	 r = plain_state(ind, w);
	enum estate	 hi = state_hi(ind), lo = state_lo(ind);

	if (cur == hi && r != hi && !inside(w, ind->critical - h))
		return hi;
	if ((cur == hi || cur == lo) &&
	    (r == ES_OK || r == ES_IMPROVED) && !inside(w, ind->warning - h))
		return lo;
	if (cur == ES_IMPROVED && r == ES_OK && !inside(-w, ind->warning - h))
		return ES_IMPROVED;
	return r;
}

/* A machine before any release: ok, the state of the baseline itself. */
void
eval_machine_init(struct evmachine *m)
{
	memset(m, 0, sizeof(*m));
	m->state = ES_OK;
	m->pending = ES_OK;
}

/*
 * Feed one release (a period with a value) judged as j.  A raw state other
 * than the current one becomes current only when ind->confirm consecutive
 * releases agree on it; any release that agrees with the current state
 * drops the candidate.  Returns 1 if the current state changed.
 */
int
eval_machine_step(struct evmachine *m, const struct indicator *ind,
    const struct period *p, const struct judgement *j)
{
	enum estate	 r = eval_raw(ind, j, m->state);
	int		 need = ind->confirm < 1 ? 1 : ind->confirm;

	m->releases++;
	if (r == m->state) {
		m->npending = 0;
		m->pending = m->state;
		return 0;
	}
	if (m->npending > 0 && r == m->pending)
		m->npending++;
	else {
		m->pending = r;
		m->npending = 1;
	}
	if (m->npending < need)
		return 0;
	m->state = r;
	m->since = *p;
	m->has_since = 1;
	m->npending = 0;
	m->pending = r;
	return 1;
}

/*
 * The series' own value for p: its value for p if p is of its frequency,
 * or the mean of the quarters or months of year p when all are present.
 * 0 with *v set, or -1.
 */
static int
own_value(const struct indicator *ind, const struct point *pts, size_t n,
    const struct period *p, double *v)
{
	size_t	 i, have = 0, want;
	double	 sum = 0;

	if (p->freq != ind->freq && p->freq != FREQ_YEAR)
		return -1;
	want = p->freq == ind->freq ? 1 : ind->freq == FREQ_QUARTER ? 4 : 12;
	for (i = 0; i < n; i++) {
		if (pts[i].period.year != p->year ||
		    pts[i].period.freq != ind->freq || isnan(pts[i].value) ||
		    (p->freq == ind->freq && pts[i].period.index != p->index))
			continue;
		sum += pts[i].value;
		have++;
	}
	if (have != want)
		return -1;
	*v = sum / (double)want;
	return 0;
}

/*
 * The baseline of a series.  With a catalog figure for region (of 2020,
 * or the nearest earlier year the strategy gives), the series' own value
 * for that period is looked up too: if it differs from the figure by more
 * than the indicator's baseline_tolerance (relative to the figure), the
 * series counts another thing than the strategy did, and its own value
 * is the baseline, so that the shift compares like with like.  Without
 * an own value the figure is used as it is.  Without a figure: the
 * series' own 2020 value, or the mean of its 2020 quarters or months
 * when all of them are present.  0 with *b set, or -1 if none.
 */
int
eval_baseline(const struct indicator *ind, const char *region,
    const struct point *pts, size_t n, struct evbase *b)
{
	const struct baseline	*cb;
	struct period		 y2020;

	memset(b, 0, sizeof(*b));
	if ((cb = indicator_baseline(ind, region)) != NULL) {
		b->period = cb->period;
		b->value = cb->value;
		b->from_catalog = 1;
		b->has_catalog = 1;
		b->catalog = cb->value;
		if (own_value(ind, pts, n, &cb->period, &b->own) == 0) {
			b->has_own = 1;
			if (fabs(b->own - cb->value) > ind->baseline_tolerance *
			    fabs(cb->value) + tol(cb->value)) {
				b->differs = 1;
				b->value = b->own;
				b->from_catalog = 0;
			}
		}
		return 0;
	}
	y2020.year = 2020;
	y2020.freq = FREQ_YEAR;
	y2020.index = 0;
	if (own_value(ind, pts, n, &y2020, &b->own) == -1)
		return -1;
	b->period = y2020;
	b->has_own = 1;
	b->value = b->own;
	return 0;
}

/*
 * The middle of p in years, where a figure for p sits on a path: 2025 at
 * 2025.5, 2025-Q2 at 2025.375, 2025-03 at 2025.2083.
 */
static double
period_mid(const struct period *p)
{
	double	 n = p->freq == FREQ_YEAR ? 1 : p->freq == FREQ_QUARTER ? 4 :
	    12;
	int	 i = p->freq == FREQ_YEAR ? 0 : p->index - 1;

	return p->year + (i + 0.5) / n;
}

/*
 * Progress of latest (for period lp) towards region's target from the
 * baseline b: of the catalog's targets for region after the baseline, the
 * first one not before lp, else the last one.  The path runs straight
 * from the baseline's figure (at the middle of its period) to the target
 * (at the middle of its); where the series' own value is the baseline
 * (another definition), the target keeps its relative distance from the
 * strategy's figure.  On track: latest is at the path or beyond it
 * towards the target (with a target equal to the baseline: no worse by
 * the indicator's direction).  0 with *t set, or -1 with no target.
 */
int
eval_target(const struct indicator *ind, const char *region,
    const struct evbase *b, const struct period *lp, double latest,
    struct evtarget *t)
{
	const struct baseline	*tg = NULL, *c;
	double			 t0, t1, now, frac, side;
	size_t			 i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < ind->ntargets; i++) {
		c = &ind->targets[i];
		if (c->region == NULL || strcmp(c->region, region) != 0 ||
		    period_cmp(&c->period, &b->period) <= 0)
			continue;
		if (tg == NULL)
			tg = c;
		else if (period_cmp(&c->period, lp) >= 0)
			tg = period_cmp(&tg->period, lp) < 0 ||
			    period_cmp(&c->period, &tg->period) < 0 ? c : tg;
		else if (period_cmp(&tg->period, lp) < 0 &&
		    period_cmp(&c->period, &tg->period) > 0)
			tg = c;
	}
	if (tg == NULL)
		return -1;
	t->period = tg->period;
	t->value = tg->value;
	t->goal = tg->value;
	if (b->differs && b->catalog != 0)
		t->goal = tg->value * b->value / b->catalog;
	t0 = period_mid(&b->period);
	t1 = period_mid(&tg->period);
	now = period_mid(lp);
	frac = t1 > t0 ? (now - t0) / (t1 - t0) : 1;
	frac = frac < 0 ? 0 : frac > 1 ? 1 : frac;
	t->path = b->value + (t->goal - b->value) * frac;
	side = t->goal > b->value ? 1 : t->goal < b->value ? -1 :
	    ind->direction == DIR_HIGHER_IS_BETTER ? 1 :
	    ind->direction == DIR_LOWER_IS_BETTER ? -1 : 0;
	if (side == 0)
		t->on_track = fabs(latest - t->path) <= tol(t->path);
	else
		t->on_track = side * (latest - t->path) >= -tol(t->path);
	return 0;
}

/* The instant after which a series whose last value is for p is stale. */
time_t
eval_stale_after(const struct indicator *ind, const struct period *p)
{
	struct period	 next;

	period_next(p, &next);
	return period_end(&next) + (time_t)ind->grace;
}

/*
 * 1 if at now a series whose last value is for p is stale: the next
 * period has been over for longer than the grace (not at the instant).
 */
int
eval_stale(const struct indicator *ind, const struct period *p, time_t now)
{
	return now > eval_stale_after(ind, p);
}

/*
 * Evaluate a whole series: its baseline, its last value and the state the
 * machine reaches when every period with a value is fed to it in order,
 * as the releases they were.  Replaying the stored series (rather than
 * stepping a saved machine) makes revisions, backfills and a first run on
 * years of history come out the same as if each release had been seen.
 * Missing periods are not releases: they neither confirm nor break a run.
 * nodata when there is no value or no baseline, with r->reason saying
 * which.  Staleness depends on the clock and is left to the caller.
 */
void
eval_series(const struct indicator *ind, const char *region,
    const struct point *pts, size_t n, struct evresult *r)
{
	struct judgement	 j;
	size_t			 i;

	memset(r, 0, sizeof(*r));
	eval_machine_init(&r->m);
	r->state = ES_NODATA;
	for (i = n; i > 0; i--) {
		if (!isnan(pts[i - 1].value)) {
			r->has_latest = 1;
			r->latest = pts[i - 1].period;
			r->latest_value = pts[i - 1].value;
			break;
		}
	}
	r->has_base = eval_baseline(ind, region, pts, n, &r->base) == 0;
	if (!r->has_latest) {
		r->reason = "no value stored yet";
		return;
	}
	if (!r->has_base) {
		r->reason = "no baseline: the catalog has no figure for this "
		    "region and the series lacks (part of) 2020";
		return;
	}
	for (i = 0; i < n; i++) {
		if (isnan(pts[i].value))
			continue;
		eval_judge(ind, r->base.value, pts[i].value, &j);
		eval_machine_step(&r->m, ind, &pts[i].period, &j);
	}
	eval_judge(ind, r->base.value, r->latest_value, &r->j);
	r->state = r->m.state;
	r->has_target = eval_target(ind, region, &r->base, &r->latest,
	    r->latest_value, &r->target) == 0;
}
