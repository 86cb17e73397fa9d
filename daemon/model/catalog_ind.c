/* SPDX-License-Identifier: ISC */
/*
 * catalog_ind.c: the catalog's indicators: their keys, frequency,
 * direction, thresholds, 2020 baselines and later targets, checked as
 * catalog.c walks each file.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "model/catalog_private.h"

#define GRACE_DEFAULT	(120L * 86400)
#define TOLERANCE_DEFAULT 0.02
#define BASELINE_YEAR	2020		/* the strategy's reference year */
#define JPATH_MAX	KEYTAB_JPATH_MAX

/* In enum freq and enum direction order. */
static const char *const freqs[] = { "year", "quarter", "month" };
static const char *const directions[] = {
	"higher-is-better", "lower-is-better", "neutral"
};
static const char *const threshold_kinds[] = { "absolute", "relative" };
static const char *const cadences[] = {
	"year", "quarter", "month", "irregular"
};

static keytab_fn	ind_challenge;
static keytab_fn	ind_freq;
static keytab_fn	ind_direction;
static keytab_fn	ind_thresholds;
static keytab_fn	ind_baselines;
static keytab_fn	ind_targets;
static keytab_fn	thr_kind;
static keytab_fn	bl_region;
static keytab_fn	kept_url;
static keytab_fn	kept_cadence;
static keytab_fn	bl_period;

#define IND(f)		offsetof(struct indicator, f)
#define BL(f)		offsetof(struct baseline, f)

/*
 * "baselines" is required but may be []: an indicator without a quoted
 * figure is then judged against its own 2020 value, and saying so is
 * better than forgetting it.
 */
/*
 * "kept_by_hand": {"publisher": "SNN & RUG", "url": "https://...",
 * "cadence": "year", "note": "..."}: who publishes the figure, where,
 * and how often a new one is due.
 */
static const struct keytab_key kept_keys[] = {
	{ "publisher", KT_TEXT, .required = 1, .off = IND(kept_publisher) },
	{ "url", KT_FUNC, .fn = kept_url },
	{ "cadence", KT_FUNC, .required = 1, .fn = kept_cadence },
	{ "note", KT_TEXT, .off = IND(kept_note) },
};
static const struct keytab kept_tab = { kept_keys, nitems(kept_keys) };

static const struct keytab_key ind_keys[] = {
	{ "id", KT_ID, .required = 1, .off = IND(id) },
	{ "challenge", KT_FUNC, .required = 1, .fn = ind_challenge },
	{ "title", KT_TEXT, .required = 1, .off = IND(title) },
	{ "title_en", KT_TEXT, .off = IND(title_en) },
	{ "unit", KT_STRING, .required = 1, .off = IND(unit) },
	{ "frequency", KT_FUNC, .required = 1, .fn = ind_freq },
	{ "direction", KT_FUNC, .required = 1, .fn = ind_direction },
	{ "thresholds", KT_FUNC, .required = 1, .fn = ind_thresholds },
	{ "confirm", KT_INT, .off = IND(confirm), .min = 1, .max = INT_MAX },
	{ "hysteresis", KT_NONNEG, .off = IND(hysteresis) },
	{ "grace", KT_DURATION, .off = IND(grace), .eg = "120d" },
	{ "citation", KT_TEXT, .off = IND(citation) },
	{ "source", KT_TEXT, .off = IND(source) },
	{ "baselines", KT_FUNC, .required = 1, .fn = ind_baselines },
	{ "targets", KT_FUNC, .fn = ind_targets },
	{ "baseline_tolerance", KT_NONNEG, .off = IND(baseline_tolerance) },
	{ "decimals", KT_INT, .off = IND(decimals), .min = 0, .max = 6 },
	{ "kept_by_hand", KT_SECTION, .sub = &kept_tab },
};
static const struct keytab ind_tab = { ind_keys, nitems(ind_keys) };

static const struct keytab_key thr_keys[] = {
	{ "kind", KT_FUNC, .required = 1, .fn = thr_kind },
	{ "warning", KT_NUMBER, .required = 1, .off = IND(warning) },
	{ "critical", KT_NUMBER, .required = 1, .off = IND(critical) },
};
static const struct keytab thr_tab = { thr_keys, nitems(thr_keys) };

static const struct keytab_key bl_keys[] = {
	{ "region", KT_FUNC, .required = 1, .fn = bl_region },
	{ "period", KT_FUNC, .required = 1, .fn = bl_period },
	{ "value", KT_NUMBER, .required = 1, .off = BL(value) },
	{ "quote", KT_TEXT, .off = BL(quote) },
};
static const struct keytab bl_tab = { bl_keys, nitems(bl_keys) };

/*
 * A baseline's or target's period is a year, or a period of the
 * indicator's own frequency: a yearly figure can stand for a monthly
 * series (as its 2020 mean), a month cannot stand for a year.  A
 * baseline is for 2020 or an earlier year, a target for a later one: a
 * figure for 2040 is a goal, and a shift from it would be no news at
 * all.  Checked after the walk, since "frequency" may come after the
 * arrays in the object.
 */
static void
figure_periods(struct catalog_ctx *c, json_t *obj, const char *path,
    const struct baseline *v, size_t n, const char *key, int target)
{
	const struct baseline	*b;
	json_t			*bv;
	enum freq		 f;
	char			 arr[JPATH_MAX], elt[JPATH_MAX], sub[JPATH_MAX];
	char			 q[128];
	size_t			 i;

	if (!json_is_object(obj) || freq_parse(json_string_value(
	    json_object_get(obj, "frequency")), &f) == -1)
		return;
	bv = json_object_get(obj, key);
	conf_jpath(arr, sizeof(arr), path, key, 0);
	for (i = 0; i < n; i++) {
		b = &v[i];
		if (!period_valid(&b->period))
			continue;
		conf_jpath(elt, sizeof(elt), arr, NULL, i);
		conf_jpath(sub, sizeof(sub), elt, "period", 0);
		conf_got(json_object_get(json_array_get(bv, i), "period"),
		    q, sizeof(q));
		if (b->period.freq != FREQ_YEAR && b->period.freq != f)
			keytab_error(&c->ck.kt, sub, "expected a year%s%s "
			    "period for a %s indicator, got %s",
			    f == FREQ_YEAR ? "" : " or a ",
			    f == FREQ_YEAR ? "" : freq_name(f), freq_name(f),
			    q);
		else if (!target && b->period.year > BASELINE_YEAR)
			keytab_error(&c->ck.kt, sub, "expected a period in "
			    "%d or before, got %s: a figure for a later year "
			    "is a target, put it under \"targets\"",
			    BASELINE_YEAR, q);
		else if (target && b->period.year <= BASELINE_YEAR)
			keytab_error(&c->ck.kt, sub, "expected a period after "
			    "%d, got %s: a figure for %d or before is a "
			    "baseline, put it under \"baselines\"",
			    BASELINE_YEAR, q, BASELINE_YEAR);
	}
}

/*
 * "indicators": an array of indicator objects, appended to the catalog;
 * an id may not repeat one of this file's or an earlier file's.
 */
void
catalog_ind_indicators(struct keytab_ctx *kt, json_t *v, const char *path,
    void *base)
{
	struct catalog_ctx	*c = kt->arg;
	struct catalog		*cat = c->cat;
	struct indicator	*ind;
	json_t			*e;
	char			 sub[JPATH_MAX], where[JPATH_MAX];
	size_t			 i, j, n;

	(void)base;
	if (!keytab_is_array(kt, v, path))
		return;
	n = json_array_size(v);
	cat->indicators = catalog_grow(cat->indicators, cat->nindicators, n,
	    sizeof(*ind));
	c->iorig = catalog_grow(c->iorig, cat->nindicators, n,
	    sizeof(*c->iorig));
	json_array_foreach(v, i, e) {
		ind = &cat->indicators[cat->nindicators];
		c->iorig[cat->nindicators].file = c->ck.file;
		c->iorig[cat->nindicators].index = i;
		ind->confirm = 1;
		ind->grace = GRACE_DEFAULT;
		ind->baseline_tolerance = TOLERANCE_DEFAULT;
		ind->decimals = -1;
		conf_jpath(sub, sizeof(sub), path, NULL, i);
		keytab_walk(kt, e, sub, &ind_tab, ind);
		cat->nindicators++;
		figure_periods(c, e, sub, ind->baselines, ind->nbaselines,
		    "baselines", 0);
		figure_periods(c, e, sub, ind->targets, ind->ntargets,
		    "targets", 1);
		if (ind->id == NULL)
			continue;
		conf_jpath(where, sizeof(where), sub, "id", 0);
		for (j = 0; j + 1 < cat->nindicators; j++) {
			if (cat->indicators[j].id != NULL &&
			    strcmp(cat->indicators[j].id, ind->id) == 0) {
				catalog_dup_add(c, where, "indicator id",
				    ind->id, "indicators", &c->iorig[j]);
				break;
			}
		}
	}
}

/* Where a hand-kept figure is published: an http(s) address. */
static void
kept_url(struct keytab_ctx *kt, json_t *v, const char *path, void *base)
{
	struct indicator	*ind = base;
	const char		*s = json_string_value(v);
	char			 q[128];

	if (s == NULL || (strncmp(s, "https://", 8) != 0 &&
	    strncmp(s, "http://", 7) != 0) || strpbrk(s, " \t\r\n") != NULL) {
		keytab_error(kt, path, "expected the http:// or https:// "
		    "address where the figure is published, got %s",
		    conf_got(v, q, sizeof(q)));
		return;
	}
	ind->kept_url = s;
}

static void
kept_cadence(struct keytab_ctx *kt, json_t *v, const char *path, void *base)
{
	struct indicator	*ind = base;
	int			 i;

	if ((i = keytab_oneof(kt, v, path, cadences, nitems(cadences))) >= 0)
		ind->kept_cadence = cadences[i];
}

static void
ind_challenge(struct keytab_ctx *kt, json_t *v, const char *path, void *base)
{
	struct catalog_ctx	*c = kt->arg;
	struct indicator	*ind = base;

	if (keytab_int(kt, v, path, 1, INT_MAX, &ind->challenge) == 0)
		catalog_ref_add(c, path, NULL, ind->challenge);
}

static void
ind_freq(struct keytab_ctx *kt, json_t *v, const char *path, void *base)
{
	struct indicator	*ind = base;
	int			 i;

	if ((i = keytab_oneof(kt, v, path, freqs, nitems(freqs))) >= 0)
		ind->freq = (enum freq)i;
}

static void
ind_direction(struct keytab_ctx *kt, json_t *v, const char *path, void *base)
{
	struct indicator	*ind = base;
	int			 i;

	if ((i = keytab_oneof(kt, v, path, directions,
	    nitems(directions))) >= 0)
		ind->direction = (enum direction)i;
}

/* {"kind": "absolute"|"relative", "warning": W, "critical": C}, 0<W<=C. */
static void
ind_thresholds(struct keytab_ctx *kt, json_t *v, const char *path, void *base)
{
	struct catalog_ctx	*c = kt->arg;
	struct indicator	*ind = base;
	size_t			 before = c->ck.d->n;
	char			 sub[JPATH_MAX];

	keytab_walk(kt, v, path, &thr_tab, ind);
	if (c->ck.d->n > before)
		return;
	if (ind->warning <= 0) {
		conf_jpath(sub, sizeof(sub), path, "warning", 0);
		keytab_error(kt, sub, "expected a number > 0, got %g",
		    ind->warning);
	} else if (ind->critical < ind->warning) {
		conf_jpath(sub, sizeof(sub), path, "critical", 0);
		keytab_error(kt, sub, "expected a number >= warning "
		    "(%g), got %g", ind->warning, ind->critical);
	}
}

static void
thr_kind(struct keytab_ctx *kt, json_t *v, const char *path, void *base)
{
	struct indicator	*ind = base;
	int			 i;

	if ((i = keytab_oneof(kt, v, path, threshold_kinds,
	    nitems(threshold_kinds))) >= 0)
		ind->relative = i == 1;
}

/* "baselines": at most one per region. */
static void
ind_baselines(struct keytab_ctx *kt, json_t *v, const char *path, void *base)
{
	struct indicator	*ind = base;
	struct baseline		*b;
	json_t			*e;
	char			 sub[JPATH_MAX], where[JPATH_MAX], q[128];
	size_t			 i, j;

	if (!keytab_is_array(kt, v, path))
		return;
	ind->baselines = xcalloc(json_array_size(v) + 1, sizeof(*b));
	json_array_foreach(v, i, e) {
		b = &ind->baselines[ind->nbaselines++];
		conf_jpath(sub, sizeof(sub), path, NULL, i);
		keytab_walk(kt, e, sub, &bl_tab, b);
		for (j = 0; b->region != NULL && j < i; j++) {
			if (ind->baselines[j].region == NULL ||
			    strcmp(ind->baselines[j].region, b->region) != 0)
				continue;
			conf_jpath(where, sizeof(where), sub, "region", 0);
			keytab_error(kt, where, "duplicate baseline "
			    "for region %s (first at %s[%zu])",
			    conf_quote(b->region, q, sizeof(q)), path, j);
			break;
		}
	}
}

/* "targets": any number per region, one per region and period. */
static void
ind_targets(struct keytab_ctx *kt, json_t *v, const char *path, void *base)
{
	struct indicator	*ind = base;
	struct baseline		*t, *o;
	json_t			*e;
	char			 sub[JPATH_MAX], where[JPATH_MAX], q[128];
	size_t			 i, j;

	if (!keytab_is_array(kt, v, path))
		return;
	ind->targets = xcalloc(json_array_size(v) + 1, sizeof(*t));
	json_array_foreach(v, i, e) {
		t = &ind->targets[ind->ntargets++];
		conf_jpath(sub, sizeof(sub), path, NULL, i);
		keytab_walk(kt, e, sub, &bl_tab, t);
		for (j = 0; t->region != NULL && j < i; j++) {
			o = &ind->targets[j];
			if (o->region == NULL ||
			    strcmp(o->region, t->region) != 0 ||
			    period_cmp(&o->period, &t->period) != 0)
				continue;
			conf_jpath(where, sizeof(where), sub, "period", 0);
			keytab_error(kt, where, "duplicate target for region "
			    "%s and this period (first at %s[%zu])",
			    conf_quote(t->region, q, sizeof(q)), path, j);
			break;
		}
	}
}

static void
bl_region(struct keytab_ctx *kt, json_t *v, const char *path, void *base)
{
	struct catalog_ctx	*c = kt->arg;
	struct baseline		*b = base;

	if ((b->region = keytab_check_id(kt, path, v)) != NULL)
		catalog_ref_add(c, path, b->region, 0);
}

static void
bl_period(struct keytab_ctx *kt, json_t *v, const char *path, void *base)
{
	struct baseline	*b = base;
	char		 q[128];

	if (!json_is_string(v) ||
	    period_parse(json_string_value(v), &b->period) == -1) {
		memset(&b->period, 0, sizeof(b->period));
		keytab_error(kt, path, "expected a period like "
		    "\"2020\", \"2020-Q3\" or \"2020-07\", got %s",
		    conf_got(v, q, sizeof(q)));
	}
}

