/* SPDX-License-Identifier: ISC */
/*
 * catalog_check.c: what can be checked only once every catalog file is
 * read: that each region and challenge named exists, that no parent chain
 * loops, and that no code names two regions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "model/catalog_private.h"

#define JPATH_MAX	KEYTAB_JPATH_MAX

/* Check every region and challenge reference now that all files are in. */
void
catalog_check_refs(struct catalog_ctx *c)
{
	const struct catalog		*cat = c->cat;
	const struct catalog_ref	*r;
	const char			**ids, *hint;
	char				 q[128], list[256];
	size_t				 i, k, n = 0, o;
	int				 len;

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
		if (o > 0) {
			diag_add(c->ck.d, r->file, r->where, "unknown "
			    "challenge %d; expected one of: %s", r->challenge,
			    list);
			continue;
		}
		/*
		 * Challenges come from the shipped catalog; a config that
		 * lists only its own catalog file has none, because
		 * "catalog" replaces the shipped one rather than adding to
		 * it.
		 */
		diag_add(c->ck.d, r->file, r->where, "unknown challenge %d: "
		    "the catalog files loaded define no challenges; a "
		    "\"catalog\" list in the config replaces the shipped "
		    "catalog, so list that first to keep it: \"catalog\": "
		    "[\"%s\", \"%s\"]", r->challenge,
		    REGIOMON_DATADIR "/catalog.json", r->file);
	}
	free(ids);
}

/*
 * A region whose parent chain comes back to it.  Only the regions on the
 * loop are reported; one that merely leads into it stops after nregions
 * steps.
 */
void
catalog_check_parents(struct catalog_ctx *c)
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
void
catalog_check_codes(struct catalog_ctx *c)
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

