/* SPDX-License-Identifier: ISC */
/*
 * sindex.c: the index of a spool's series: every series found by
 * "indicator/region" in a hash, with its lines counted as the spool is
 * read.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "run/run.h"
#include "run/run_private.h"

/* The hash of "indicator/region". */
static uint64_t
sindex_hash(const char *ind, const char *reg)
{
	return fnv1a(fnv1a(fnv1a(FNV_START, ind), "/"), reg);
}

static int
sindex_is(const struct series *s, const struct obs *ob)
{
	return strcmp(s->indicator, ob->indicator) == 0 &&
	    strcmp(s->region, ob->region) == 0;
}

/* Double the hash table.  0, or -1 (logged). */
static int
sindex_grow(struct sindex *x)
{
	size_t	*slot, nslot = x->nslot == 0 ? 256 : x->nslot * 2, i, h;

	if ((slot = calloc(nslot, sizeof(*slot))) == NULL) {
		log_err("apply");
		return -1;
	}
	for (i = 0; i < x->n; i++) {
		h = (size_t)sindex_hash(x->v[i].indicator, x->v[i].region);
		while (slot[h & (nslot - 1)] != 0)
			h++;
		slot[h & (nslot - 1)] = i + 1;
	}
	free(x->slot);
	x->slot = slot;
	x->nslot = nslot;
	return 0;
}

/*
 * The position of ob's series; with add, a new one is made if it is not
 * there.  -1 if it is not there (or, logged, out of memory).  Lines come
 * series by series, so the previous line's series is tried first.
 */
long
sindex_find(struct sindex *x, const struct obs *ob, int add)
{
	struct series	*s;
	size_t		 h, pos;

	if (x->has_last && sindex_is(&x->v[x->last], ob))
		return (long)x->last;
	if (x->nslot > 0) {
		h = (size_t)sindex_hash(ob->indicator, ob->region);
		for (;; h++) {
			if ((pos = x->slot[h & (x->nslot - 1)]) == 0)
				break;
			if (sindex_is(&x->v[pos - 1], ob)) {
				x->last = pos - 1;
				x->has_last = 1;
				return (long)(pos - 1);
			}
		}
	}
	if (!add)
		return -1;
	if ((x->n + 1) * 2 > x->nslot && sindex_grow(x) == -1)
		return -1;
	if (x->n == x->cap) {
		size_t cap = x->cap == 0 ? 64 : x->cap * 2;

		if ((s = reallocarray(x->v, cap, sizeof(*s))) == NULL) {
			log_err("apply");
			return -1;
		}
		x->v = s;
		x->cap = cap;
	}
	s = &x->v[x->n];
	memset(s, 0, sizeof(*s));
	strlcpy(s->indicator, ob->indicator, sizeof(s->indicator));
	strlcpy(s->region, ob->region, sizeof(s->region));
	h = (size_t)sindex_hash(ob->indicator, ob->region);
	while (x->slot[h & (x->nslot - 1)] != 0)
		h++;
	x->slot[h & (x->nslot - 1)] = x->n + 1;
	x->last = x->n;
	x->has_last = 1;
	return (long)x->n++;
}

/* Free the index, with the entries and saved states of its series. */
void
sindex_free(struct sindex *x)
{
	size_t	 i;

	for (i = 0; i < x->n; i++) {
		free(x->v[i].v);
		free(x->v[i].from);
		free(x->v[i].aside);
		free(x->v[i].digest);
		json_decref(x->v[i].before);
	}
	free(x->v);
	free(x->slot);
	memset(x, 0, sizeof(*x));
}
