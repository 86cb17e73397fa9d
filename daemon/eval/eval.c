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
	"ok", "improved", "warning", "critical", "stale", "nodata"
};

/*
 * Severity for "worst state": improved is the best news, nodata and stale
 * say we do not know, warning and critical say something is wrong.
 */
static const int state_ranks[] = { 1, 0, 4, 5, 3, 2 };

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

/* Higher is worse: improved 0, ok 1, nodata 2, stale 3, warning 4, ... */
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
 * |measure|, since any move away from the baseline is worth a look.
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

/* The state j gives on its own, with no history. */
static enum estate
plain_state(const struct indicator *ind, double worse)
{
	if (reached(worse, ind->critical))
		return ES_CRITICAL;
	if (reached(worse, ind->warning))
		return ES_WARNING;
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
 */
enum estate
eval_raw(const struct indicator *ind, const struct judgement *j,
    enum estate cur)
{
	double		 h = ind->hysteresis, w = j->worse;
	enum estate	 r = plain_state(ind, w);

	if (cur == ES_CRITICAL && r != ES_CRITICAL &&
	    !inside(w, ind->critical - h))
		return ES_CRITICAL;
	if ((cur == ES_CRITICAL || cur == ES_WARNING) &&
	    (r == ES_OK || r == ES_IMPROVED) && !inside(w, ind->warning - h))
		return ES_WARNING;
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
 * The baseline of a series: the catalog's figure for region if it has one
 * (whatever its period: the strategy quotes 2018 or 2019-Q2 figures too);
 * else the series' own 2020 value, or the mean of its 2020 quarters or
 * months when all of them are present.  0 with *b set, or -1 if none.
 */
int
eval_baseline(const struct indicator *ind, const char *region,
    const struct point *pts, size_t n, struct evbase *b)
{
	const struct baseline	*cb;
	size_t			 i, have = 0, want;
	double			 sum = 0;

	memset(b, 0, sizeof(*b));
	if ((cb = indicator_baseline(ind, region)) != NULL) {
		b->period = cb->period;
		b->value = cb->value;
		b->from_catalog = 1;
		return 0;
	}
	want = ind->freq == FREQ_YEAR ? 1 : ind->freq == FREQ_QUARTER ? 4 : 12;
	for (i = 0; i < n; i++) {
		if (pts[i].period.year != 2020 ||
		    pts[i].period.freq != ind->freq || isnan(pts[i].value))
			continue;
		sum += pts[i].value;
		have++;
	}
	if (have != want)
		return -1;
	b->period.year = 2020;
	b->period.freq = FREQ_YEAR;
	b->period.index = 0;
	b->value = sum / (double)want;
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
}
