/* SPDX-License-Identifier: ISC */
/*
 * catalog_find.c: lookups in a loaded catalog.  Regions are found by id
 * through a hash index: a catalog may hold every municipality and
 * district, and each series of a run is looked up in it when checked,
 * evaluated and alerted on (at 1,600 regions the scans were 1.6% of a
 * 4M-cell run's CPU).  Indicators and challenges are few and scanned.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"

static size_t
id_hash(const char *id)
{
	return (size_t)fnv1a(FNV_START, id);
}

/*
 * Index the regions of a loaded catalog by id (loading refuses duplicate
 * ids; while it runs, lookups scan the array).
 */
void
catalog_index(struct catalog *cat)
{
	size_t	 i, h, n = 16;

	while (n < 2 * cat->nregions)
		n *= 2;
	cat->rslot = xcalloc(n, sizeof(*cat->rslot));
	cat->nrslot = n;
	for (i = 0; i < cat->nregions; i++) {
		if (cat->regions[i].id == NULL)
			continue;
		for (h = id_hash(cat->regions[i].id);
		    cat->rslot[h & (n - 1)] != 0; h++)
			;
		cat->rslot[h & (n - 1)] = i + 1;
	}
}

/* The region with this id, borrowed until catalog_free(), or NULL. */
const struct region *
catalog_region(const struct catalog *cat, const char *id)
{
	const struct region	*r;
	size_t			 i, h;

	if (cat->rslot == NULL) {
		for (i = 0; i < cat->nregions; i++)
			if (cat->regions[i].id != NULL &&
			    strcmp(cat->regions[i].id, id) == 0)
				return &cat->regions[i];
		return NULL;
	}
	for (h = id_hash(id); (i = cat->rslot[h & (cat->nrslot - 1)]) != 0;
	    h++) {
		r = &cat->regions[i - 1];
		if (strcmp(r->id, id) == 0)
			return r;
	}
	return NULL;
}

/* The indicator with this id, borrowed until catalog_free(), or NULL. */
const struct indicator *
catalog_indicator(const struct catalog *cat, const char *id)
{
	size_t	 i;

	for (i = 0; i < cat->nindicators; i++)
		if (cat->indicators[i].id != NULL &&
		    strcmp(cat->indicators[i].id, id) == 0)
			return &cat->indicators[i];
	return NULL;
}

/* Challenge number (1-6), borrowed until catalog_free(), or NULL. */
const struct challenge *
catalog_challenge(const struct catalog *cat, int number)
{
	size_t	 i;

	for (i = 0; i < cat->nchallenges; i++)
		if (cat->challenges[i].number == number)
			return &cat->challenges[i];
	return NULL;
}

/*
 * The region's code in a scheme ("cbs", "nuts", "swing", ...), borrowed
 * until catalog_free(), or NULL if it has none there.
 */
const char *
region_code(const struct region *r, const char *scheme)
{
	return json_string_value(json_object_get(r->codes, scheme));
}

/* The region whose code in scheme is code, borrowed, or NULL. */
const struct region *
catalog_region_by_code(const struct catalog *cat, const char *scheme,
    const char *code)
{
	const char	*s;
	size_t		 i;

	for (i = 0; i < cat->nregions; i++)
		if ((s = region_code(&cat->regions[i], scheme)) != NULL &&
		    strcmp(s, code) == 0)
			return &cat->regions[i];
	return NULL;
}

/* The indicator's baseline for a region, borrowed, or NULL. */
const struct baseline *
indicator_baseline(const struct indicator *ind, const char *region)
{
	size_t	 i;

	for (i = 0; i < ind->nbaselines; i++)
		if (ind->baselines[i].region != NULL &&
		    strcmp(ind->baselines[i].region, region) == 0)
			return &ind->baselines[i];
	return NULL;
}

/*
 * The decimals ind's figures are shown with at most: the catalog's
 * "decimals", else FMT_HUMAN_DEC (as many as the figure has, up to 4).
 */
int
indicator_decimals(const struct indicator *ind)
{
	return ind->decimals >= 0 ? ind->decimals : FMT_HUMAN_DEC;
}
