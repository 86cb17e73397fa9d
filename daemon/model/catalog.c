/* SPDX-License-Identifier: ISC */
/*
 * catalog.c: reads one or more catalog files (regions, challenges,
 * indicators with their 2020 baselines) into one struct catalog, checks
 * every key and every reference between them.  Keys are described by
 * static tables that common/keytab.c's walker checks, as in conf.c;
 * references are checked only once all files are read, since a later
 * file may use an earlier file's regions and the other way round.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"

#define CATALOG_VERSION	1
#define GRACE_DEFAULT	(120L * 86400)
#define JPATH_MAX	KEYTAB_JPATH_MAX

/* Where an entry was defined, for "first at" in duplicate messages. */
struct origin {
	const char	*file;
	size_t		 index;
};

/* A region or challenge named somewhere, checked once all files are in. */
struct ref {
	const char	*file;
	char		*where;		/* new */
	const char	*region;	/* NULL: a challenge reference */
	int		 challenge;
};

/* What one catalog_load call is working on; ck.kt.arg points here. */
struct kctx {
	struct conf_kt	 ck;		/* ck.file: the file being read */
	struct catalog	*cat;
	struct origin	*rorig;		/* parallel to cat->regions */
	struct origin	*corig;		/* ... to cat->challenges */
	struct origin	*iorig;		/* ... to cat->indicators */
	struct ref	*refs;
	size_t		 nrefs;
};

static const char *const region_kinds[] = {
	"province", "gemeente", "region", "country"
};
/* In enum freq and enum direction order. */
static const char *const freqs[] = { "year", "quarter", "month" };
static const char *const directions[] = {
	"higher-is-better", "lower-is-better", "neutral"
};
static const char *const threshold_kinds[] = { "absolute", "relative" };

static keytab_fn	version;
static keytab_fn	regions;
static keytab_fn	challenges;
static keytab_fn	indicators;
static keytab_fn	region_kind;
static keytab_fn	region_parent;
static keytab_fn	region_codes;
static keytab_fn	region_members;
static keytab_fn	ind_challenge;
static keytab_fn	ind_freq;
static keytab_fn	ind_direction;
static keytab_fn	ind_thresholds;
static keytab_fn	ind_baselines;
static keytab_fn	thr_kind;
static keytab_fn	bl_region;
static keytab_fn	bl_period;

#define REG(f)		offsetof(struct region, f)
#define CHAL(f)		offsetof(struct challenge, f)
#define IND(f)		offsetof(struct indicator, f)
#define BL(f)		offsetof(struct baseline, f)

static const struct keytab_key top_keys[] = {
	{ "version", KT_FUNC, .required = 1, .fn = version },
	{ "regions", KT_FUNC, .fn = regions },
	{ "challenges", KT_FUNC, .fn = challenges },
	{ "indicators", KT_FUNC, .fn = indicators },
};
static const struct keytab top_tab = { top_keys, nitems(top_keys) };

static const struct keytab_key region_keys[] = {
	{ "id", KT_ID, .required = 1, .off = REG(id) },
	{ "name", KT_TEXT, .required = 1, .off = REG(name) },
	{ "kind", KT_FUNC, .required = 1, .fn = region_kind },
	{ "parent", KT_FUNC, .fn = region_parent },
	{ "codes", KT_FUNC, .fn = region_codes },
	{ "members", KT_FUNC, .fn = region_members },
};
static const struct keytab region_tab = { region_keys, nitems(region_keys) };

static const struct keytab_key chal_keys[] = {
	{ "number", KT_INT, .required = 1, .off = CHAL(number), .min = 1,
	    .max = INT_MAX },
	{ "id", KT_ID, .required = 1, .off = CHAL(id) },
	{ "title", KT_TEXT, .required = 1, .off = CHAL(title) },
	{ "title_en", KT_TEXT, .off = CHAL(title_en) },
	{ "question", KT_TEXT, .required = 1, .off = CHAL(question) },
	{ "question_en", KT_TEXT, .off = CHAL(question_en) },
};
static const struct keytab chal_tab = { chal_keys, nitems(chal_keys) };

/*
 * "baselines" is required but may be []: an indicator without a quoted
 * figure is then judged against its own 2020 value, and saying so is
 * better than forgetting it.
 */
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

/* Grow an array of n elements by add zeroed ones.  Out of memory: fatal. */
static void *
grow(void *v, size_t n, size_t add, size_t size)
{
	void	*nv;

	if (add == 0)
		return v;
	if (n > SIZE_MAX - add ||
	    (nv = reallocarray(v, n + add, size)) == NULL)
		fatal(NULL);
	memset((char *)nv + n * size, 0, add * size);
	return nv;
}

/* Remember a reference to a region (region != NULL) or a challenge. */
static void
ref_add(struct kctx *c, const char *where, const char *region, int chal)
{
	struct ref	*r;

	c->refs = grow(c->refs, c->nrefs, 1, sizeof(*c->refs));
	r = &c->refs[c->nrefs++];
	r->file = c->ck.file;
	r->where = xstrdup(where);
	r->region = region;
	r->challenge = chal;
}

/* "duplicate WHAT ID (first at ARRAY[N])", naming the file if another. */
static void
dup_add(struct kctx *c, const char *where, const char *what, const char *id,
    const char *array, const struct origin *o)
{
	char	 q[128];

	conf_quote(id, q, sizeof(q));
	if (o->file == c->ck.file)
		keytab_error(&c->ck.kt, where, "duplicate %s %s (first at "
		    "%s[%zu])", what, q, array, o->index);
	else
		keytab_error(&c->ck.kt, where, "duplicate %s %s (first in %s "
		    "at %s[%zu])", what, q, o->file, array, o->index);
}

static void
version(struct keytab_ctx *kt, json_t *v, const char *path, void *base)
{
	int	 n;

	(void)base;
	if (keytab_int(kt, v, path, INT_MIN, INT_MAX, &n) == 0 &&
	    n != CATALOG_VERSION)
		keytab_error(kt, path, "unsupported version %d; "
		    "expected %d", n, CATALOG_VERSION);
}

static void
regions(struct keytab_ctx *kt, json_t *v, const char *path, void *base)
{
	struct kctx	*c = kt->arg;
	struct catalog	*cat = c->cat;
	struct region	*r;
	json_t		*e;
	char		 sub[JPATH_MAX], where[JPATH_MAX];
	size_t		 i, j, n;

	(void)base;
	if (!keytab_is_array(kt, v, path))
		return;
	n = json_array_size(v);
	cat->regions = grow(cat->regions, cat->nregions, n, sizeof(*r));
	c->rorig = grow(c->rorig, cat->nregions, n, sizeof(*c->rorig));
	json_array_foreach(v, i, e) {
		r = &cat->regions[cat->nregions];
		c->rorig[cat->nregions].file = c->ck.file;
		c->rorig[cat->nregions].index = i;
		conf_jpath(sub, sizeof(sub), path, NULL, i);
		keytab_walk(kt, e, sub, &region_tab, r);
		cat->nregions++;
		if (r->id == NULL)
			continue;
		conf_jpath(where, sizeof(where), sub, "id", 0);
		for (j = 0; j + 1 < cat->nregions; j++) {
			if (cat->regions[j].id != NULL &&
			    strcmp(cat->regions[j].id, r->id) == 0) {
				dup_add(c, where, "region id", r->id,
				    "regions", &c->rorig[j]);
				break;
			}
		}
		if (r->parent != NULL && strcmp(r->parent, r->id) == 0) {
			conf_jpath(where, sizeof(where), sub, "parent", 0);
			keytab_error(kt, where,
			    "a region cannot be its own parent");
		}
	}
}

static void
region_kind(struct keytab_ctx *kt, json_t *v, const char *path, void *base)
{
	struct region	*r = base;
	int		 i;

	if ((i = keytab_oneof(kt, v, path, region_kinds,
	    nitems(region_kinds))) >= 0)
		r->kind = region_kinds[i];
}

static void
region_parent(struct keytab_ctx *kt, json_t *v, const char *path, void *base)
{
	struct kctx	*c = kt->arg;
	struct region	*r = base;

	if ((r->parent = keytab_check_id(kt, path, v)) != NULL)
		ref_add(c, path, r->parent, 0);
}

/* "codes": scheme -> code, both strings; schemes are ids. */
static void
region_codes(struct keytab_ctx *kt, json_t *v, const char *path, void *base)
{
	struct region	*r = base;
	const char	*scheme;
	json_t		*code;
	char		 sub[JPATH_MAX], q[128];

	if (!json_is_object(v)) {
		keytab_error(kt, path, "expected an object, got %s",
		    conf_got(v, q, sizeof(q)));
		return;
	}
	json_object_foreach(v, scheme, code) {
		conf_jpath(sub, sizeof(sub), path, scheme, 0);
		if (!id_valid(scheme))
			keytab_error(kt, path, "invalid scheme %s: "
			    "use a-z, 0-9, \"-\" and \"_\"",
			    conf_quote(scheme, q, sizeof(q)));
		else if (!json_is_string(code) ||
		    *json_string_value(code) == '\0')
			keytab_error(kt, sub,
			    "expected a non-empty string, got %s",
			    conf_got(code, q, sizeof(q)));
	}
	r->codes = v;
}

static void
region_members(struct keytab_ctx *kt, json_t *v, const char *path, void *base)
{
	struct kctx	*c = kt->arg;
	struct region	*r = base;
	const char	*id;
	json_t		*e;
	char		 sub[JPATH_MAX];
	size_t		 i;

	if (!keytab_is_array(kt, v, path))
		return;
	json_array_foreach(v, i, e) {
		conf_jpath(sub, sizeof(sub), path, NULL, i);
		if ((id = keytab_check_id(kt, sub, e)) != NULL)
			ref_add(c, sub, id, 0);
	}
	r->members = v;
}

static void
challenges(struct keytab_ctx *kt, json_t *v, const char *path, void *base)
{
	struct kctx		*c = kt->arg;
	struct catalog		*cat = c->cat;
	struct challenge	*ch, *o;
	json_t			*e;
	char			 sub[JPATH_MAX], where[JPATH_MAX];
	size_t			 i, j, n;

	(void)base;
	if (!keytab_is_array(kt, v, path))
		return;
	n = json_array_size(v);
	cat->challenges = grow(cat->challenges, cat->nchallenges, n,
	    sizeof(*ch));
	c->corig = grow(c->corig, cat->nchallenges, n, sizeof(*c->corig));
	json_array_foreach(v, i, e) {
		ch = &cat->challenges[cat->nchallenges];
		c->corig[cat->nchallenges].file = c->ck.file;
		c->corig[cat->nchallenges].index = i;
		conf_jpath(sub, sizeof(sub), path, NULL, i);
		keytab_walk(kt, e, sub, &chal_tab, ch);
		cat->nchallenges++;
		for (j = 0; j + 1 < cat->nchallenges; j++) {
			o = &cat->challenges[j];
			if (ch->number != 0 && o->number == ch->number) {
				conf_jpath(where, sizeof(where), sub,
				    "number", 0);
				if (c->corig[j].file == c->ck.file)
					keytab_error(kt, where,
					    "duplicate challenge number %d "
					    "(first at challenges[%zu])",
					    ch->number, c->corig[j].index);
				else
					keytab_error(kt, where,
					    "duplicate challenge number %d "
					    "(first in %s at challenges[%zu])",
					    ch->number, c->corig[j].file,
					    c->corig[j].index);
			}
			if (ch->id != NULL && o->id != NULL &&
			    strcmp(o->id, ch->id) == 0) {
				conf_jpath(where, sizeof(where), sub, "id", 0);
				dup_add(c, where, "challenge id", ch->id,
				    "challenges", &c->corig[j]);
			}
		}
	}
}

/*
 * A baseline's period is a year, or a period of the indicator's own
 * frequency: a yearly figure can stand for a monthly series (as its 2020
 * mean), a month cannot stand for a year.  Checked after the walk, since
 * "frequency" may come after "baselines" in the object.
 */
static void
baseline_freqs(struct kctx *c, json_t *obj, const char *path,
    const struct indicator *ind)
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
	bv = json_object_get(obj, "baselines");
	conf_jpath(arr, sizeof(arr), path, "baselines", 0);
	for (i = 0; i < ind->nbaselines; i++) {
		b = &ind->baselines[i];
		if (!period_valid(&b->period) || b->period.freq == FREQ_YEAR ||
		    b->period.freq == f)
			continue;
		conf_jpath(elt, sizeof(elt), arr, NULL, i);
		conf_jpath(sub, sizeof(sub), elt, "period", 0);
		keytab_error(&c->ck.kt, sub, "expected a year%s%s period for "
		    "a %s indicator, got %s", f == FREQ_YEAR ? "" : " or a ",
		    f == FREQ_YEAR ? "" : freq_name(f), freq_name(f),
		    conf_got(json_object_get(json_array_get(bv, i), "period"),
		    q, sizeof(q)));
	}
}

static void
indicators(struct keytab_ctx *kt, json_t *v, const char *path, void *base)
{
	struct kctx		*c = kt->arg;
	struct catalog		*cat = c->cat;
	struct indicator	*ind;
	json_t			*e;
	char			 sub[JPATH_MAX], where[JPATH_MAX];
	size_t			 i, j, n;

	(void)base;
	if (!keytab_is_array(kt, v, path))
		return;
	n = json_array_size(v);
	cat->indicators = grow(cat->indicators, cat->nindicators, n,
	    sizeof(*ind));
	c->iorig = grow(c->iorig, cat->nindicators, n, sizeof(*c->iorig));
	json_array_foreach(v, i, e) {
		ind = &cat->indicators[cat->nindicators];
		c->iorig[cat->nindicators].file = c->ck.file;
		c->iorig[cat->nindicators].index = i;
		ind->confirm = 1;
		ind->grace = GRACE_DEFAULT;
		conf_jpath(sub, sizeof(sub), path, NULL, i);
		keytab_walk(kt, e, sub, &ind_tab, ind);
		cat->nindicators++;
		baseline_freqs(c, e, sub, ind);
		if (ind->id == NULL)
			continue;
		conf_jpath(where, sizeof(where), sub, "id", 0);
		for (j = 0; j + 1 < cat->nindicators; j++) {
			if (cat->indicators[j].id != NULL &&
			    strcmp(cat->indicators[j].id, ind->id) == 0) {
				dup_add(c, where, "indicator id", ind->id,
				    "indicators", &c->iorig[j]);
				break;
			}
		}
	}
}

static void
ind_challenge(struct keytab_ctx *kt, json_t *v, const char *path, void *base)
{
	struct kctx		*c = kt->arg;
	struct indicator	*ind = base;

	if (keytab_int(kt, v, path, 1, INT_MAX, &ind->challenge) == 0)
		ref_add(c, path, NULL, ind->challenge);
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
	struct kctx		*c = kt->arg;
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

static void
bl_region(struct keytab_ctx *kt, json_t *v, const char *path, void *base)
{
	struct kctx	*c = kt->arg;
	struct baseline	*b = base;

	if ((b->region = keytab_check_id(kt, path, v)) != NULL)
		ref_add(c, path, b->region, 0);
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

/* Check every region and challenge reference now that all files are in. */
static void
resolve(struct kctx *c)
{
	const struct catalog	*cat = c->cat;
	const struct ref	*r;
	const char		**ids, *hint;
	char			 q[128], list[256];
	size_t			 i, k, n = 0, o;
	int			 len;

	ids = xcalloc(cat->nregions + 1, sizeof(*ids));
	for (i = 0; i < cat->nregions; i++)
		if (cat->regions[i].id != NULL)
			ids[n++] = cat->regions[i].id;
	for (k = 0; k < c->nrefs; k++) {
		r = &c->refs[k];
		if (r->region != NULL) {
			if (catalog_region(cat, r->region) != NULL)
				continue;
			conf_quote(r->region, q, sizeof(q));
			if ((hint = did_you_mean(r->region, ids, n)) != NULL)
				diag_add(c->ck.d, r->file, r->where, "unknown "
				    "region %s; did you mean \"%s\"?", q, hint);
			else
				diag_add(c->ck.d, r->file, r->where,
				    "unknown region %s", q);
			continue;
		}
		if (catalog_challenge(cat, r->challenge) != NULL)
			continue;
		list[0] = '\0';
		for (i = 0, o = 0; i < cat->nchallenges; i++) {
			len = snprintf(list + o, sizeof(list) - o, "%s%d",
			    o > 0 ? ", " : "", cat->challenges[i].number);
			if (len < 0 || (size_t)len >= sizeof(list) - o)
				break;
			o += (size_t)len;
		}
		diag_add(c->ck.d, r->file, r->where, "unknown challenge %d; "
		    "expected one of: %s", r->challenge, o > 0 ? list :
		    "(no challenges)");
	}
	free(ids);
}

/*
 * A region whose parent chain comes back to it.  Only the regions on the
 * loop are reported; one that merely leads into it stops after nregions
 * steps.
 */
static void
check_parents(struct kctx *c)
{
	const struct catalog	*cat = c->cat;
	const struct region	*r, *p;
	char			 sub[JPATH_MAX], where[JPATH_MAX], q[128];
	size_t			 i, steps;

	for (i = 0; i < cat->nregions; i++) {
		r = &cat->regions[i];
		if (r->id == NULL || r->parent == NULL ||
		    strcmp(r->id, r->parent) == 0)
			continue;
		p = r;
		for (steps = 0; steps < cat->nregions; steps++) {
			if (p->parent == NULL ||
			    (p = catalog_region(cat, p->parent)) == NULL ||
			    p == r)
				break;
		}
		if (p != r)
			continue;
		conf_jpath(sub, sizeof(sub), "regions", NULL,
		    c->rorig[i].index);
		conf_jpath(where, sizeof(where), sub, "parent", 0);
		diag_add(c->ck.d, c->rorig[i].file, where, "parent chain of %s "
		    "loops back to it", conf_quote(r->id, q, sizeof(q)));
	}
}

/*
 * A code must name one region in its scheme, or catalog_region_by_code()
 * would answer for the first and silently drop the other's data.
 */
static void
check_codes(struct kctx *c)
{
	const struct catalog	*cat = c->cat;
	const struct region	*r, *o;
	const char		*scheme, *code;
	json_t			*v;
	char			 sub[JPATH_MAX], codes[JPATH_MAX];
	char			 where[JPATH_MAX], q[128];
	size_t			 i, j;

	for (i = 0; i < cat->nregions; i++) {
		r = &cat->regions[i];
		/* A duplicate id is reported already, so are its codes. */
		if (r->id == NULL || catalog_region(cat, r->id) != r)
			continue;
		json_object_foreach(r->codes, scheme, v) {
			if ((code = json_string_value(v)) == NULL)
				continue;
			for (j = 0; j < i; j++) {
				o = &cat->regions[j];
				if (o->id == NULL ||
				    region_code(o, scheme) == NULL ||
				    strcmp(region_code(o, scheme), code) != 0)
					continue;
				conf_jpath(sub, sizeof(sub), "regions", NULL,
				    c->rorig[i].index);
				conf_jpath(codes, sizeof(codes), sub,
				    "codes", 0);
				conf_jpath(where, sizeof(where), codes,
				    scheme, 0);
				diag_add(c->ck.d, c->rorig[i].file, where,
				    "code %s is also the %s code of region "
				    "\"%s\"", conf_quote(code, q, sizeof(q)),
				    scheme, o->id);
				break;
			}
		}
	}
}

/*
 * Load the catalog files paths[0..n-1], relative ones resolved against
 * dir (NULL: the current directory), and merge them: a later file may add
 * regions, challenges and indicators, and refer to an earlier file's (or
 * the other way round), but may not redefine an id.  Every problem goes
 * into d as "file: json.path: message", and then NULL is returned.
 * Returns a new catalog, caller frees with catalog_free().
 */
struct catalog *
catalog_load(char *const *paths, size_t n, const char *dir, struct diags *d)
{
	struct kctx	 c;
	json_t		*doc;
	char		**names;
	size_t		 i, before = d->n;

	memset(&c, 0, sizeof(c));
	c.cat = xcalloc(1, sizeof(*c.cat));
	conf_kt_init(&c.ck, d, NULL, &c);
	if ((c.cat->root = json_array()) == NULL)
		fatal(NULL);
	/* Diags copy file names; refs and origins point here until the end. */
	names = xcalloc(n + 1, sizeof(*names));
	for (i = 0; i < n; i++) {
		names[i] = path_join(dir, paths[i]);
		if ((doc = conf_json_file(names[i], d)) == NULL)
			continue;
		if (json_array_append_new(c.cat->root, doc) == -1)
			fatal(NULL);
		c.ck.file = names[i];
		keytab_walk(&c.ck.kt, doc, "", &top_tab, c.cat);
	}
	resolve(&c);
	check_parents(&c);
	check_codes(&c);

	for (i = 0; i < c.nrefs; i++)
		free(c.refs[i].where);
	free(c.refs);
	free(c.rorig);
	free(c.corig);
	free(c.iorig);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (d->n > before) {
		catalog_free(c.cat);
		return NULL;
	}
	catalog_index(c.cat);
	return c.cat;
}

void
catalog_free(struct catalog *cat)
{
	size_t	 i;

	if (cat == NULL)
		return;
	for (i = 0; i < cat->nindicators; i++)
		free(cat->indicators[i].baselines);
	free(cat->indicators);
	free(cat->challenges);
	free(cat->regions);
	free(cat->rslot);
	json_decref(cat->root);
	free(cat);
}
