/* SPDX-License-Identifier: ISC */
/*
 * record.c: the evaluation record of a series, kept in
 * state.series[KEY].eval (state_eval_get/put): the judgement of its latest
 * value with what it depends on, made afresh when the data or the rules
 * change, so that status, the report and the alert cycle all read one.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "model/model.h"
#include "store/store.h"
#include "eval/eval.h"

#define EVAL_VERSION	2

/* A JSON number, or null for NaN and infinities.  New. */
static json_t *
jnum(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *
jperiod(const struct period *p)
{
	char	 buf[PERIOD_MAX];

	if (period_format(p, buf, sizeof(buf)) == -1)
		return json_null();
	return json_string(buf);
}

/*
 * What the evaluation of ind depends on besides the series: a change in
 * the catalog (thresholds, direction, the baseline, its tolerance, the
 * targets) re-evaluates.
 */
static void
rules_print(char *buf, size_t size, const struct indicator *ind,
    const char *region)
{
	const struct baseline	*b = indicator_baseline(ind, region);
	const struct baseline	*t;
	char			 per[PERIOD_MAX] = "-";
	size_t			 i, o;
	int			 n;

	if (b != NULL)
		period_format(&b->period, per, sizeof(per));
	n = snprintf(buf, size, "%d %d %.17g %.17g %.17g %d %ld %s %.17g "
	    "%.17g", (int)ind->direction, ind->relative, ind->warning,
	    ind->critical, ind->hysteresis, ind->confirm, ind->grace, per,
	    b != NULL ? b->value : 0.0, ind->baseline_tolerance);
	for (i = 0, o = n < 0 ? size : (size_t)n; i < ind->ntargets &&
	    o < size; i++) {
		t = &ind->targets[i];
		if (t->region == NULL || strcmp(t->region, region) != 0)
			continue;
		period_format(&t->period, per, sizeof(per));
		n = snprintf(buf + o, size - o, " %s=%.17g", per, t->value);
		o = n < 0 ? size : o + (size_t)n;
	}
}

/* The baseline of r as its state.json object.  New. */
static json_t *
base_json(const struct evresult *r)
{
	const struct evbase	*b = &r->base;
	json_t			*o;

	o = json_object();
	json_object_set_new(o, "period", jperiod(&b->period));
	json_object_set_new(o, "value", jnum(b->value));
	json_object_set_new(o, "from", json_string(
	    b->from_catalog ? "catalog" : "series"));
	json_object_set_new(o, "catalog_value", b->has_catalog ?
	    jnum(b->catalog) : json_null());
	json_object_set_new(o, "series_value", b->has_own ?
	    jnum(b->own) : json_null());
	json_object_set_new(o, "definition_differs",
	    json_boolean(b->differs));
	return o;
}

/* The target of r and the progress towards it.  New. */
static json_t *
target_json(const struct evresult *r)
{
	const struct evtarget	*t = &r->target;
	json_t			*o;

	if (!r->has_target)
		return json_null();
	o = json_object();
	json_object_set_new(o, "period", jperiod(&t->period));
	json_object_set_new(o, "value", jnum(t->value));
	json_object_set_new(o, "goal", jnum(t->goal));
	json_object_set_new(o, "path", jnum(t->path));
	json_object_set_new(o, "progress", json_string(t->on_track ?
	    "on-track" : "behind"));
	return o;
}

/* The evaluation r of a series as its state.json object.  New, or NULL. */
static json_t *
eval_json(const struct indicator *ind, const char *region,
    const struct evresult *r, const json_t *series)
{
	json_t	*ev, *o;
	char	 per[PERIOD_MAX], rules[1024];

	if ((ev = json_object()) == NULL)
		return NULL;
	rules_print(rules, sizeof(rules), ind, region);
	json_object_set_new(ev, "version", json_integer(EVAL_VERSION));
	json_object_set_new(ev, "rules", json_string(rules));
	json_object_set_new(ev, "judged",
	    json_string(eval_state_name(r->state)));
	json_object_set_new(ev, "state",
	    json_string(eval_state_name(r->state)));
	json_object_set_new(ev, "reason", r->reason != NULL ?
	    json_string(r->reason) : json_null());
	json_object_set_new(ev, "since", r->m.has_since ?
	    jperiod(&r->m.since) : json_null());
	json_object_set_new(ev, "pending_state", r->m.npending > 0 ?
	    json_string(eval_state_name(r->m.pending)) : json_null());
	json_object_set_new(ev, "pending_count",
	    json_integer(r->m.npending));
	json_object_set_new(ev, "baseline", r->has_base ? base_json(r) :
	    json_null());
	if (r->has_latest) {
		period_format(&r->latest, per, sizeof(per));
		o = json_object();
		json_object_set_new(o, "period", json_string(per));
		json_object_set_new(o, "value", jnum(r->latest_value));
		json_object_set_new(o, "provisional",
		    json_boolean(state_provisional(series, per)));
		json_object_set_new(ev, "latest", o);
		json_object_set_new(ev, "stale_after", json_integer(
		    (json_int_t)eval_stale_after(ind, &r->latest)));
	} else {
		json_object_set_new(ev, "latest", json_null());
		json_object_set_new(ev, "stale_after", json_null());
	}
	if (r->has_base && r->has_latest) {
		json_object_set_new(ev, "shift_abs", jnum(r->j.shift_abs));
		json_object_set_new(ev, "shift_pct", jnum(r->j.shift_pct));
	} else {
		json_object_set_new(ev, "shift_abs", json_null());
		json_object_set_new(ev, "shift_pct", json_null());
	}
	json_object_set_new(ev, "target", r->has_base && r->has_latest ?
	    target_json(r) : json_null());
	return ev;
}

/* The eval object of pts, as record_evaluate() describes it.  New. */
static json_t *
evaluate_points(const struct indicator *ind, const char *region,
    const json_t *series, const struct point *pts, size_t n)
{
	struct evresult	 r;
	json_t		*ev;

	eval_series(ind, region, pts, n, &r);
	if ((ev = eval_json(ind, region, &r, series)) == NULL)
		log_errx("%s/%s: out of memory", ind->id, region);
	return ev;
}

/*
 * Evaluate the stored series of ind in region, whose state.series object
 * is series (may be NULL).  Returns a new eval object without the
 * notification members, its "state" not yet checked for staleness (see
 * record_stale), or NULL if the series cannot be read (logged).
 */
json_t *
record_evaluate(struct regiomon *rm, const struct indicator *ind,
    const char *region, const json_t *series)
{
	struct point	*pts = NULL;
	size_t		 n = 0;
	json_t		*ev;

	if (store_read(rm->conf->state_dir, ind->id, region, ind->freq, &pts,
	    &n) == -1)
		return NULL;
	ev = evaluate_points(ind, region, series, pts, n);
	free(pts);
	return ev;
}

/* The latest period of ev, or 0 with none. */
static int
latest_period(const json_t *ev, struct period *p)
{
	return period_parse(json_string_value(json_object_get(
	    json_object_get(ev, "latest"), "period")), p) == 0;
}

/*
 * Set ev's "state" for now: stale if the period after its latest one has
 * been over for longer than ind's grace (see eval_stale), else the judged
 * state.
 */
void
record_stale(json_t *ev, const struct indicator *ind, time_t now)
{
	struct period	 p;

	if (latest_period(ev, &p) && eval_stale(ind, &p, now))
		json_object_set_new(ev, "state", json_string("stale"));
	else
		json_object_set(ev, "state", json_object_get(ev, "judged"));
}

/* 1 if ev was made by this version under the current rules. */
int
record_current(const json_t *ev, const struct indicator *ind,
    const char *region)
{
	char	 rules[1024];

	if (!json_is_object(ev) || json_integer_value(json_object_get(ev,
	    "version")) != EVAL_VERSION)
		return 0;
	rules_print(rules, sizeof(rules), ind, region);
	return json_is_string(json_object_get(ev, "rules")) &&
	    strcmp(json_string_value(json_object_get(ev, "rules")),
	    rules) == 0;
}

/*
 * Re-evaluate the series behind ss (fresh data, no evaluation yet, or one
 * made under other rules) and keep the notification members of its old
 * evaluation old (may be NULL).  The series is read from its file, or
 * is pts if not NULL.  A new latest period is a release: it counts
 * towards a reminder.  New, or NULL (logged).
 */
static json_t *
refresh(struct regiomon *rm, const struct indicator *ind,
    const char *region, json_t *ss, const json_t *old,
    const struct point *pts, size_t n)
{
	json_t		*ev, *v;
	struct period	 po, pn;
	json_int_t	 releases;
	const char	*keep[] = { "notified_state", "notified_at" };
	size_t		 i;

	if (pts != NULL)
		ev = evaluate_points(ind, region, ss, pts, n);
	else
		ev = record_evaluate(rm, ind, region, ss);
	if (ev == NULL)
		return NULL;
	for (i = 0; i < nitems(keep); i++)
		if ((v = json_object_get(old, keep[i])) != NULL)
			json_object_set(ev, keep[i], v);
	releases = json_integer_value(json_object_get(old,
	    "releases_since_notice"));
	if (latest_period(ev, &pn) && (!latest_period(old, &po) ||
	    period_cmp(&pn, &po) > 0))
		releases++;
	json_object_set_new(ev, "releases_since_notice",
	    json_integer(releases));
	return ev;
}

/*
 * The evaluation of series ss for this cycle: the saved one, or a new
 * one (see refresh) with "fresh" of ss cleared; the caller saves it back.
 * New, or NULL (logged) with ss untouched, so the next cycle tries again.
 */
json_t *
record_cycle_eval(struct regiomon *rm, const struct indicator *ind,
    const char *region, json_t *ss)
{
	json_t	*old, *ev;

	old = state_eval_get(ss);
	if (!json_is_true(json_object_get(ss, "fresh")) &&
	    record_current(old, ind, region))
		return old;
	ev = refresh(rm, ind, region, ss, old, NULL, 0);
	json_decref(old);
	if (ev != NULL)
		json_object_del(ss, "fresh");
	return ev;
}

/*
 * Evaluate series ss of ind in region now, from pts (ascending, unique:
 * the whole series, just stored in a new file) instead of reading the
 * file back in the next alert cycle: after a first load of thousands of
 * series that read was a fifth of the parent's time.  pts are put in the
 * shape store_read() gives (from the first value on, every period, -0
 * as 0: what the file holds, bit for bit), so the evaluation is the
 * same.  On failure ss stays fresh for the cycle.
 */
void
record_evaluate_stored(struct regiomon *rm, const struct indicator *ind,
    const char *region, json_t *ss, const struct point *pts, size_t n)
{
	struct point	*all;
	struct period	 p;
	json_t		*old, *ev;
	size_t		 i, m, k;

	for (i = 0; i < n && isnan(pts[i].value); i++)
		;
	if (i == n)
		return;
	for (m = 1, p = pts[i].period; period_cmp(&p, &pts[n - 1].period) < 0;
	    m++)
		period_next(&p, &p);
	all = xcalloc(m, sizeof(*all));
	for (k = 0, p = pts[i].period; k < m; k++, period_next(&p, &p)) {
		all[k].period = p;
		all[k].value = NAN;
		if (i < n && period_cmp(&pts[i].period, &p) == 0) {
			all[k].value = pts[i].value == 0 ? 0.0 : pts[i].value;
			i++;
		}
	}
	old = state_eval_get(ss);
	ev = refresh(rm, ind, region, ss, old, all, m);
	json_decref(old);
	free(all);
	if (ev == NULL)
		return;
	state_eval_put(ss, ev);
	json_decref(ev);
	json_object_del(ss, "fresh");
}
