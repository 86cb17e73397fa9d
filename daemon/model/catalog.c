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
#include "model/catalog_private.h"

#define CATALOG_VERSION	1
#define JPATH_MAX	KEYTAB_JPATH_MAX

static const char *const region_kinds[] = {
	"province", "gemeente", "region", "country"
};

static keytab_fn	version;
static keytab_fn	regions;
static keytab_fn	challenges;
static keytab_fn	region_kind;
static keytab_fn	region_parent;
static keytab_fn	region_codes;
static keytab_fn	region_members;

#define REG(f)		offsetof(struct region, f)
#define CHAL(f)		offsetof(struct challenge, f)

static const struct keytab_key top_keys[] = {
	{ "version", KT_FUNC, .required = 1, .fn = version },
	{ "regions", KT_FUNC, .fn = regions },
	{ "challenges", KT_FUNC, .fn = challenges },
	{ "indicators", KT_FUNC, .fn = catalog_ind_indicators },
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

/* Grow an array of n elements by add zeroed ones.  Out of memory: fatal. */
void *
catalog_grow(void *v, size_t n, size_t add, size_t size)
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
void
catalog_ref_add(struct catalog_ctx *c, const char *where, const char *region,
    int chal)
{
	struct catalog_ref	*r;

	c->refs = catalog_grow(c->refs, c->nrefs, 1, sizeof(*c->refs));
	r = &c->refs[c->nrefs++];
	r->file = c->ck.file;
	r->where = xstrdup(where);
	r->region = region;
	r->challenge = chal;
}

/* "duplicate WHAT ID (first at ARRAY[N])", naming the file if another. */
void
catalog_dup_add(struct catalog_ctx *c, const char *where, const char *what,
    const char *id, const char *array, const struct catalog_origin *o)
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
	struct catalog_ctx	*c = kt->arg;
	struct catalog		*cat = c->cat;
	struct region		*r;
	json_t			*e;
	char			 sub[JPATH_MAX], where[JPATH_MAX];
	size_t			 i, j, n;

	(void)base;
	if (!keytab_is_array(kt, v, path))
		return;
	n = json_array_size(v);
	cat->regions = catalog_grow(cat->regions, cat->nregions, n, sizeof(*r));
	c->rorig = catalog_grow(c->rorig, cat->nregions, n, sizeof(*c->rorig));
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
				catalog_dup_add(c, where, "region id", r->id,
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
	struct catalog_ctx	*c = kt->arg;
	struct region		*r = base;

	if ((r->parent = keytab_check_id(kt, path, v)) != NULL)
		catalog_ref_add(c, path, r->parent, 0);
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
	struct catalog_ctx	*c = kt->arg;
	struct region		*r = base;
	const char		*id;
	json_t			*e;
	char			 sub[JPATH_MAX];
	size_t			 i;

	if (!keytab_is_array(kt, v, path))
		return;
	json_array_foreach(v, i, e) {
		conf_jpath(sub, sizeof(sub), path, NULL, i);
		if ((id = keytab_check_id(kt, sub, e)) != NULL)
			catalog_ref_add(c, sub, id, 0);
	}
	r->members = v;
}

static void
challenges(struct keytab_ctx *kt, json_t *v, const char *path, void *base)
{
	struct catalog_ctx	*c = kt->arg;
	struct catalog		*cat = c->cat;
	struct challenge	*ch, *o;
	json_t			*e;
	char			 sub[JPATH_MAX], where[JPATH_MAX];
	size_t			 i, j, n;

	(void)base;
	if (!keytab_is_array(kt, v, path))
		return;
	n = json_array_size(v);
	cat->challenges = catalog_grow(cat->challenges, cat->nchallenges, n,
	    sizeof(*ch));
	c->corig = catalog_grow(c->corig, cat->nchallenges, n,
	    sizeof(*c->corig));
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
				catalog_dup_add(c, where, "challenge id",
				    ch->id, "challenges", &c->corig[j]);
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
	struct catalog_ctx	 c;
	json_t			*doc;
	char			**names;
	size_t			 i, before = d->n;

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
	catalog_check_refs(&c);
	catalog_check_parents(&c);
	catalog_check_codes(&c);

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
	for (i = 0; i < cat->nindicators; i++) {
		free(cat->indicators[i].baselines);
		free(cat->indicators[i].targets);
	}
	free(cat->indicators);
	free(cat->challenges);
	free(cat->regions);
	free(cat->rslot);
	json_decref(cat->root);
	free(cat);
}
