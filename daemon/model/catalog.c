/* SPDX-License-Identifier: ISC */
/*
 * catalog.c: reads one or more catalog files (regions, challenges,
 * indicators with their 2020 baselines) into one struct catalog, checks
 * every key and every reference between them, and answers lookups.  Keys
 * are described by static tables, as in conf.c; references are checked
 * only once all files are read, since a later file may use an earlier
 * file's regions and the other way round.
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
#define JPATH_MAX	256
#define KEYS_MAX	32

enum kind {
	K_STRING,	/* any string, borrowed */
	K_TEXT,		/* non-empty string, borrowed */
	K_ID,		/* id_valid() string, borrowed */
	K_INT,		/* integer in [min, max]: int */
	K_NUMBER,	/* any number: double */
	K_NONNEG,	/* number >= 0: double */
	K_DURATION,	/* "120d": long seconds */
	K_FUNC		/* fn checks and stores */
};

struct kctx;

struct key {
	const char	*name;
	enum kind	 kind;
	int		 required;
	size_t		 off;		/* in the target struct */
	long		 min, max;	/* K_INT */
	void		(*fn)(struct kctx *, json_t *, const char *, void *);
};

struct keytab {
	const struct key	*v;
	size_t			 n;
};

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

/* What one catalog_load call is working on. */
struct kctx {
	struct catalog	*cat;
	struct diags	*d;
	const char	*file;		/* the file being read */
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

static void	version(struct kctx *, json_t *, const char *, void *);
static void	regions(struct kctx *, json_t *, const char *, void *);
static void	challenges(struct kctx *, json_t *, const char *, void *);
static void	indicators(struct kctx *, json_t *, const char *, void *);
static void	region_kind(struct kctx *, json_t *, const char *, void *);
static void	region_parent(struct kctx *, json_t *, const char *, void *);
static void	region_codes(struct kctx *, json_t *, const char *, void *);
static void	region_members(struct kctx *, json_t *, const char *, void *);
static void	ind_challenge(struct kctx *, json_t *, const char *, void *);
static void	ind_freq(struct kctx *, json_t *, const char *, void *);
static void	ind_direction(struct kctx *, json_t *, const char *, void *);
static void	ind_thresholds(struct kctx *, json_t *, const char *, void *);
static void	ind_baselines(struct kctx *, json_t *, const char *, void *);
static void	thr_kind(struct kctx *, json_t *, const char *, void *);
static void	bl_region(struct kctx *, json_t *, const char *, void *);
static void	bl_period(struct kctx *, json_t *, const char *, void *);

#define REG(f)		offsetof(struct region, f)
#define CHAL(f)		offsetof(struct challenge, f)
#define IND(f)		offsetof(struct indicator, f)
#define BL(f)		offsetof(struct baseline, f)

static const struct key top_keys[] = {
	{ "version", K_FUNC, .required = 1, .fn = version },
	{ "regions", K_FUNC, .fn = regions },
	{ "challenges", K_FUNC, .fn = challenges },
	{ "indicators", K_FUNC, .fn = indicators },
};
static const struct keytab top_tab = { top_keys, nitems(top_keys) };

static const struct key region_keys[] = {
	{ "id", K_ID, .required = 1, .off = REG(id) },
	{ "name", K_TEXT, .required = 1, .off = REG(name) },
	{ "kind", K_FUNC, .required = 1, .fn = region_kind },
	{ "parent", K_FUNC, .fn = region_parent },
	{ "codes", K_FUNC, .fn = region_codes },
	{ "members", K_FUNC, .fn = region_members },
};
static const struct keytab region_tab = { region_keys, nitems(region_keys) };

static const struct key chal_keys[] = {
	{ "number", K_INT, .required = 1, .off = CHAL(number), .min = 1,
	    .max = INT_MAX },
	{ "id", K_ID, .required = 1, .off = CHAL(id) },
	{ "title", K_TEXT, .required = 1, .off = CHAL(title) },
	{ "title_en", K_TEXT, .off = CHAL(title_en) },
	{ "question", K_TEXT, .required = 1, .off = CHAL(question) },
	{ "question_en", K_TEXT, .off = CHAL(question_en) },
};
static const struct keytab chal_tab = { chal_keys, nitems(chal_keys) };

/*
 * "baselines" is required but may be []: an indicator without a quoted
 * figure is then judged against its own 2020 value, and saying so is
 * better than forgetting it.
 */
static const struct key ind_keys[] = {
	{ "id", K_ID, .required = 1, .off = IND(id) },
	{ "challenge", K_FUNC, .required = 1, .fn = ind_challenge },
	{ "title", K_TEXT, .required = 1, .off = IND(title) },
	{ "title_en", K_TEXT, .off = IND(title_en) },
	{ "unit", K_STRING, .required = 1, .off = IND(unit) },
	{ "frequency", K_FUNC, .required = 1, .fn = ind_freq },
	{ "direction", K_FUNC, .required = 1, .fn = ind_direction },
	{ "thresholds", K_FUNC, .required = 1, .fn = ind_thresholds },
	{ "confirm", K_INT, .off = IND(confirm), .min = 1, .max = INT_MAX },
	{ "hysteresis", K_NONNEG, .off = IND(hysteresis) },
	{ "grace", K_DURATION, .off = IND(grace) },
	{ "citation", K_TEXT, .off = IND(citation) },
	{ "source", K_TEXT, .off = IND(source) },
	{ "baselines", K_FUNC, .required = 1, .fn = ind_baselines },
};
static const struct keytab ind_tab = { ind_keys, nitems(ind_keys) };

static const struct key thr_keys[] = {
	{ "kind", K_FUNC, .required = 1, .fn = thr_kind },
	{ "warning", K_NUMBER, .required = 1, .off = IND(warning) },
	{ "critical", K_NUMBER, .required = 1, .off = IND(critical) },
};
static const struct keytab thr_tab = { thr_keys, nitems(thr_keys) };

static const struct key bl_keys[] = {
	{ "region", K_FUNC, .required = 1, .fn = bl_region },
	{ "period", K_FUNC, .required = 1, .fn = bl_period },
	{ "value", K_NUMBER, .required = 1, .off = BL(value) },
	{ "quote", K_TEXT, .off = BL(quote) },
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
	r->file = c->file;
	r->where = xstrdup(where);
	r->region = region;
	r->challenge = chal;
}

/* The index of v in names[n], or -1 after a diag listing them. */
static int
oneof(struct kctx *c, json_t *v, const char *path, const char *const *names,
    size_t n)
{
	char	 list[256], q[128];
	size_t	 i, o = 0;
	int	 len;

	for (i = 0; json_is_string(v) && i < n; i++)
		if (strcmp(json_string_value(v), names[i]) == 0)
			return (int)i;
	list[0] = '\0';
	for (i = 0; i < n; i++) {
		len = snprintf(list + o, sizeof(list) - o, "%s%s",
		    i > 0 ? ", " : "", names[i]);
		if (len < 0 || (size_t)len >= sizeof(list) - o)
			break;
		o += (size_t)len;
	}
	diag_add(c->d, c->file, path, "expected one of %s, got %s", list,
	    conf_got(v, q, sizeof(q)));
	return -1;
}

/* An integer in [min, max] into *out: 0, or -1 after a diag. */
static int
get_int(struct kctx *c, json_t *v, const char *path, long min, long max,
    int *out)
{
	char		 q[128];
	json_int_t	 i;

	if (json_is_real(v)) {
		diag_add(c->d, c->file, path, "expected an integer, got %g",
		    json_real_value(v));
		return -1;
	}
	if (!json_is_integer(v)) {
		diag_add(c->d, c->file, path, "expected an integer, got %s",
		    conf_got(v, q, sizeof(q)));
		return -1;
	}
	i = json_integer_value(v);
	if (i >= min && i <= max) {
		*out = (int)i;
		return 0;
	}
	if (max == INT_MAX)
		diag_add(c->d, c->file, path, "expected an integer >= %ld, "
		    "got %" JSON_INTEGER_FORMAT, min, i);
	else
		diag_add(c->d, c->file, path, "expected an integer from %ld "
		    "to %ld, got %" JSON_INTEGER_FORMAT, min, max, i);
	return -1;
}

static void	walk(struct kctx *, json_t *, const char *,
		    const struct keytab *, void *);

/* Check one value against its key and store it at base + k->off. */
static void
convert(struct kctx *c, const struct key *k, json_t *v, const char *path,
    void *base)
{
	void		*slot = (char *)base + k->off;
	const char	*s;
	char		 q[128];
	double		 x;
	long		 secs;

	switch (k->kind) {
	case K_STRING:
	case K_TEXT:
		if (!json_is_string(v) || (k->kind == K_TEXT &&
		    *json_string_value(v) == '\0'))
			diag_add(c->d, c->file, path, "expected a %s, got %s",
			    k->kind == K_TEXT ? "non-empty string" : "string",
			    conf_got(v, q, sizeof(q)));
		else
			*(const char **)slot = json_string_value(v);
		break;
	case K_ID:
		if ((s = conf_check_id(c->d, c->file, path, v)) != NULL)
			*(const char **)slot = s;
		break;
	case K_INT:
		(void)get_int(c, v, path, k->min, k->max, (int *)slot);
		break;
	case K_NUMBER:
	case K_NONNEG:
		if (!json_is_number(v)) {
			diag_add(c->d, c->file, path,
			    "expected a number, got %s",
			    conf_got(v, q, sizeof(q)));
			break;
		}
		x = json_number_value(v);
		if (k->kind == K_NONNEG && x < 0)
			diag_add(c->d, c->file, path,
			    "expected a number >= 0, got %g", x);
		else
			*(double *)slot = x;
		break;
	case K_DURATION:
		if (!json_is_string(v) ||
		    duration_parse(json_string_value(v), &secs) == -1)
			diag_add(c->d, c->file, path,
			    "expected a duration like \"120d\", got %s",
			    conf_got(v, q, sizeof(q)));
		else
			*(long *)slot = secs;
		break;
	case K_FUNC:
		k->fn(c, v, path, base);
		break;
	}
}

/*
 * Check the object obj at path against tab, storing what is valid into
 * base; every unknown key, bad value and missing required key adds a diag.
 */
static void
walk(struct kctx *c, json_t *obj, const char *path, const struct keytab *tab,
    void *base)
{
	const char	*names[KEYS_MAX], *key;
	json_t		*v;
	char		 sub[JPATH_MAX], q[128];
	size_t		 i;

	if (!json_is_object(obj)) {
		diag_add(c->d, c->file, path, "expected an object, got %s",
		    conf_got(obj, q, sizeof(q)));
		return;
	}
	json_object_foreach(obj, key, v) {
		for (i = 0; i < tab->n; i++)
			if (strcmp(tab->v[i].name, key) == 0)
				break;
		if (i == tab->n) {
			for (i = 0; i < tab->n && i < KEYS_MAX; i++)
				names[i] = tab->v[i].name;
			conf_unknown_key(c->d, c->file, path, key, names, i);
			continue;
		}
		conf_jpath(sub, sizeof(sub), path, key, 0);
		convert(c, &tab->v[i], v, sub, base);
	}
	for (i = 0; i < tab->n; i++)
		if (tab->v[i].required &&
		    json_object_get(obj, tab->v[i].name) == NULL)
			diag_add(c->d, c->file, path,
			    "missing required key \"%s\"", tab->v[i].name);
}

/* "duplicate WHAT ID (first at ARRAY[N])", naming the file if another. */
static void
dup_add(struct kctx *c, const char *where, const char *what, const char *id,
    const char *array, const struct origin *o)
{
	char	 q[128];

	conf_quote(id, q, sizeof(q));
	if (o->file == c->file)
		diag_add(c->d, c->file, where, "duplicate %s %s (first at "
		    "%s[%zu])", what, q, array, o->index);
	else
		diag_add(c->d, c->file, where, "duplicate %s %s (first in %s "
		    "at %s[%zu])", what, q, o->file, array, o->index);
}

/* A JSON array, or a diag and 0. */
static int
is_array(struct kctx *c, json_t *v, const char *path)
{
	char	 q[128];

	if (json_is_array(v))
		return 1;
	diag_add(c->d, c->file, path, "expected an array, got %s",
	    conf_got(v, q, sizeof(q)));
	return 0;
}

static void
version(struct kctx *c, json_t *v, const char *path, void *base)
{
	int	 n;

	(void)base;
	if (get_int(c, v, path, INT_MIN, INT_MAX, &n) == 0 &&
	    n != CATALOG_VERSION)
		diag_add(c->d, c->file, path, "unsupported version %d; "
		    "expected %d", n, CATALOG_VERSION);
}

static void
regions(struct kctx *c, json_t *v, const char *path, void *base)
{
	struct catalog	*cat = c->cat;
	struct region	*r;
	json_t		*e;
	char		 sub[JPATH_MAX], where[JPATH_MAX];
	size_t		 i, j, n;

	(void)base;
	if (!is_array(c, v, path))
		return;
	n = json_array_size(v);
	cat->regions = grow(cat->regions, cat->nregions, n, sizeof(*r));
	c->rorig = grow(c->rorig, cat->nregions, n, sizeof(*c->rorig));
	json_array_foreach(v, i, e) {
		r = &cat->regions[cat->nregions];
		c->rorig[cat->nregions].file = c->file;
		c->rorig[cat->nregions].index = i;
		conf_jpath(sub, sizeof(sub), path, NULL, i);
		walk(c, e, sub, &region_tab, r);
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
			diag_add(c->d, c->file, where,
			    "a region cannot be its own parent");
		}
	}
}

static void
region_kind(struct kctx *c, json_t *v, const char *path, void *base)
{
	struct region	*r = base;
	int		 i;

	if ((i = oneof(c, v, path, region_kinds, nitems(region_kinds))) >= 0)
		r->kind = region_kinds[i];
}

static void
region_parent(struct kctx *c, json_t *v, const char *path, void *base)
{
	struct region	*r = base;

	if ((r->parent = conf_check_id(c->d, c->file, path, v)) != NULL)
		ref_add(c, path, r->parent, 0);
}

/* "codes": scheme -> code, both strings; schemes are ids. */
static void
region_codes(struct kctx *c, json_t *v, const char *path, void *base)
{
	struct region	*r = base;
	const char	*scheme;
	json_t		*code;
	char		 sub[JPATH_MAX], q[128];

	if (!json_is_object(v)) {
		diag_add(c->d, c->file, path, "expected an object, got %s",
		    conf_got(v, q, sizeof(q)));
		return;
	}
	json_object_foreach(v, scheme, code) {
		conf_jpath(sub, sizeof(sub), path, scheme, 0);
		if (!id_valid(scheme))
			diag_add(c->d, c->file, path, "invalid scheme %s: "
			    "use a-z, 0-9, \"-\" and \"_\"",
			    conf_quote(scheme, q, sizeof(q)));
		else if (!json_is_string(code) ||
		    *json_string_value(code) == '\0')
			diag_add(c->d, c->file, sub,
			    "expected a non-empty string, got %s",
			    conf_got(code, q, sizeof(q)));
	}
	r->codes = v;
}

static void
region_members(struct kctx *c, json_t *v, const char *path, void *base)
{
	struct region	*r = base;
	const char	*id;
	json_t		*e;
	char		 sub[JPATH_MAX];
	size_t		 i;

	if (!is_array(c, v, path))
		return;
	json_array_foreach(v, i, e) {
		conf_jpath(sub, sizeof(sub), path, NULL, i);
		if ((id = conf_check_id(c->d, c->file, sub, e)) != NULL)
			ref_add(c, sub, id, 0);
	}
	r->members = v;
}

static void
challenges(struct kctx *c, json_t *v, const char *path, void *base)
{
	struct catalog		*cat = c->cat;
	struct challenge	*ch, *o;
	json_t			*e;
	char			 sub[JPATH_MAX], where[JPATH_MAX];
	size_t			 i, j, n;

	(void)base;
	if (!is_array(c, v, path))
		return;
	n = json_array_size(v);
	cat->challenges = grow(cat->challenges, cat->nchallenges, n,
	    sizeof(*ch));
	c->corig = grow(c->corig, cat->nchallenges, n, sizeof(*c->corig));
	json_array_foreach(v, i, e) {
		ch = &cat->challenges[cat->nchallenges];
		c->corig[cat->nchallenges].file = c->file;
		c->corig[cat->nchallenges].index = i;
		conf_jpath(sub, sizeof(sub), path, NULL, i);
		walk(c, e, sub, &chal_tab, ch);
		cat->nchallenges++;
		for (j = 0; j + 1 < cat->nchallenges; j++) {
			o = &cat->challenges[j];
			if (ch->number != 0 && o->number == ch->number) {
				conf_jpath(where, sizeof(where), sub,
				    "number", 0);
				if (c->corig[j].file == c->file)
					diag_add(c->d, c->file, where,
					    "duplicate challenge number %d "
					    "(first at challenges[%zu])",
					    ch->number, c->corig[j].index);
				else
					diag_add(c->d, c->file, where,
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
		diag_add(c->d, c->file, sub, "expected a year%s%s period for "
		    "a %s indicator, got %s", f == FREQ_YEAR ? "" : " or a ",
		    f == FREQ_YEAR ? "" : freq_name(f), freq_name(f),
		    conf_got(json_object_get(json_array_get(bv, i), "period"),
		    q, sizeof(q)));
	}
}

static void
indicators(struct kctx *c, json_t *v, const char *path, void *base)
{
	struct catalog		*cat = c->cat;
	struct indicator	*ind;
	json_t			*e;
	char			 sub[JPATH_MAX], where[JPATH_MAX];
	size_t			 i, j, n;

	(void)base;
	if (!is_array(c, v, path))
		return;
	n = json_array_size(v);
	cat->indicators = grow(cat->indicators, cat->nindicators, n,
	    sizeof(*ind));
	c->iorig = grow(c->iorig, cat->nindicators, n, sizeof(*c->iorig));
	json_array_foreach(v, i, e) {
		ind = &cat->indicators[cat->nindicators];
		c->iorig[cat->nindicators].file = c->file;
		c->iorig[cat->nindicators].index = i;
		ind->confirm = 1;
		ind->grace = GRACE_DEFAULT;
		conf_jpath(sub, sizeof(sub), path, NULL, i);
		walk(c, e, sub, &ind_tab, ind);
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
ind_challenge(struct kctx *c, json_t *v, const char *path, void *base)
{
	struct indicator	*ind = base;

	if (get_int(c, v, path, 1, INT_MAX, &ind->challenge) == 0)
		ref_add(c, path, NULL, ind->challenge);
}

static void
ind_freq(struct kctx *c, json_t *v, const char *path, void *base)
{
	struct indicator	*ind = base;
	int			 i;

	if ((i = oneof(c, v, path, freqs, nitems(freqs))) >= 0)
		ind->freq = (enum freq)i;
}

static void
ind_direction(struct kctx *c, json_t *v, const char *path, void *base)
{
	struct indicator	*ind = base;
	int			 i;

	if ((i = oneof(c, v, path, directions, nitems(directions))) >= 0)
		ind->direction = (enum direction)i;
}

/* {"kind": "absolute"|"relative", "warning": W, "critical": C}, 0<W<=C. */
static void
ind_thresholds(struct kctx *c, json_t *v, const char *path, void *base)
{
	struct indicator	*ind = base;
	size_t			 before = c->d->n;
	char			 sub[JPATH_MAX];

	walk(c, v, path, &thr_tab, ind);
	if (c->d->n > before)
		return;
	if (ind->warning <= 0) {
		conf_jpath(sub, sizeof(sub), path, "warning", 0);
		diag_add(c->d, c->file, sub, "expected a number > 0, got %g",
		    ind->warning);
	} else if (ind->critical < ind->warning) {
		conf_jpath(sub, sizeof(sub), path, "critical", 0);
		diag_add(c->d, c->file, sub, "expected a number >= warning "
		    "(%g), got %g", ind->warning, ind->critical);
	}
}

static void
thr_kind(struct kctx *c, json_t *v, const char *path, void *base)
{
	struct indicator	*ind = base;
	int			 i;

	if ((i = oneof(c, v, path, threshold_kinds,
	    nitems(threshold_kinds))) >= 0)
		ind->relative = i == 1;
}

/* "baselines": at most one per region. */
static void
ind_baselines(struct kctx *c, json_t *v, const char *path, void *base)
{
	struct indicator	*ind = base;
	struct baseline		*b;
	json_t			*e;
	char			 sub[JPATH_MAX], where[JPATH_MAX], q[128];
	size_t			 i, j;

	if (!is_array(c, v, path))
		return;
	ind->baselines = xcalloc(json_array_size(v) + 1, sizeof(*b));
	json_array_foreach(v, i, e) {
		b = &ind->baselines[ind->nbaselines++];
		conf_jpath(sub, sizeof(sub), path, NULL, i);
		walk(c, e, sub, &bl_tab, b);
		for (j = 0; b->region != NULL && j < i; j++) {
			if (ind->baselines[j].region == NULL ||
			    strcmp(ind->baselines[j].region, b->region) != 0)
				continue;
			conf_jpath(where, sizeof(where), sub, "region", 0);
			diag_add(c->d, c->file, where, "duplicate baseline "
			    "for region %s (first at %s[%zu])",
			    conf_quote(b->region, q, sizeof(q)), path, j);
			break;
		}
	}
}

static void
bl_region(struct kctx *c, json_t *v, const char *path, void *base)
{
	struct baseline	*b = base;

	if ((b->region = conf_check_id(c->d, c->file, path, v)) != NULL)
		ref_add(c, path, b->region, 0);
}

static void
bl_period(struct kctx *c, json_t *v, const char *path, void *base)
{
	struct baseline	*b = base;
	char		 q[128];

	if (!json_is_string(v) ||
	    period_parse(json_string_value(v), &b->period) == -1) {
		memset(&b->period, 0, sizeof(b->period));
		diag_add(c->d, c->file, path, "expected a period like "
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
				diag_add(c->d, r->file, r->where, "unknown "
				    "region %s; did you mean \"%s\"?", q, hint);
			else
				diag_add(c->d, r->file, r->where,
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
		diag_add(c->d, r->file, r->where, "unknown challenge %d; "
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
		diag_add(c->d, c->rorig[i].file, where, "parent chain of %s "
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
				diag_add(c->d, c->rorig[i].file, where,
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
	c.d = d;
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
		c.file = names[i];
		walk(&c, doc, "", &top_tab, c.cat);
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
