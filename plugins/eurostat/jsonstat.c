/* SPDX-License-Identifier: ISC */
/*
 * jsonstat.c: the JSON-stat 2.0 side of the eurostat plugin.  It checks a
 * dataset's skeleton ("id", "size", "dimension"), lists each dimension's
 * codes by position, pins every dimension but geo, time and the
 * indicator's to its one code, and reads cells of the sparse row-major
 * "value" and "status" maps.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eurostat.h"

/*
 * Fill d->codes from dimension.ID.category.index, which JSON-stat allows
 * as {"CODE": position} or ["CODE", ...]; a dimension of size 1 may give
 * only a label.  0, or -1 logged.
 */
static int
es_dim_codes(struct rm_ctx *ctx, const json_t *dims, struct es_dim *d)
{
	const json_t	*cat, *idx, *e;
	const char	*code;
	size_t		 i;
	json_int_t	 pos;

	cat = json_object_get(json_object_get(dims, d->id), "category");
	if (!json_is_object(cat)) {
		es_host->log(ctx, RM_LOG_ERR, "answer: dimension.%s.category: "
		    "missing", d->id);
		return -1;
	}
	if ((d->codes = calloc(d->size, sizeof(char *))) == NULL) {
		es_host->log(ctx, RM_LOG_ERR, "out of memory");
		return -1;
	}
	idx = json_object_get(cat, "index");
	if (idx == NULL && d->size == 1 &&
	    json_object_size(json_object_get(cat, "label")) == 1) {
		json_object_foreach(json_object_get(cat, "label"), code, e)
			d->codes[0] = code;
		return 0;
	}
	if (json_is_array(idx) && json_array_size(idx) == d->size) {
		json_array_foreach(idx, i, e) {
			if ((d->codes[i] = json_string_value(e)) == NULL)
				goto bad;
		}
		return 0;
	}
	if (!json_is_object(idx) || json_object_size(idx) != d->size)
		goto bad;
	json_object_foreach((json_t *)idx, code, e) {
		pos = json_integer_value(e);
		if (!json_is_integer(e) || pos < 0 || (size_t)pos >= d->size ||
		    d->codes[pos] != NULL)
			goto bad;
		d->codes[pos] = code;
	}
	return 0;
bad:
	es_host->log(ctx, RM_LOG_ERR, "answer: dimension.%s.category.index: "
	    "expected %zu distinct positions 0-%zu, as \"size\" says",
	    d->id, d->size, d->size - 1);
	return -1;
}

/* The position of code in dimension d, or -1. */
long
es_pos(const struct es_dim *d, const char *code)
{
	size_t	 i;

	for (i = 0; i < d->size; i++)
		if (strcmp(d->codes[i], code) == 0)
			return (long)i;
	return -1;
}

/* "A, B, C" (at most 8) for a message. */
static void
es_list(const struct es_dim *d, char *buf, size_t len)
{
	size_t	 i, n = 0;
	int	 w;

	buf[0] = '\0';
	for (i = 0; i < d->size && i < 8 && n < len; i++) {
		w = snprintf(buf + n, len - n, "%s%s", i > 0 ? ", " : "",
		    d->codes[i]);
		if (w < 0)
			break;
		n += (size_t)w;
	}
	if (d->size > 8 && n < len)
		snprintf(buf + n, len - n, ", ...");
}

/* Free the table's codes and its document; safe on a zeroed table. */
void
es_table_free(struct es_table *t)
{
	size_t	 i;

	for (i = 0; t->dims != NULL && i < t->ndims; i++)
		free(t->dims[i].codes);
	free(t->dims);
	json_decref(t->doc);
	memset(t, 0, sizeof(*t));
}

static const struct es_filter *
es_filter_for(const struct es_state *st, const char *dim)
{
	size_t	 i;

	for (i = 0; i < st->nfilters; i++)
		if (strcmp(st->filters[i].dim, dim) == 0)
			return &st->filters[i];
	return NULL;
}

/*
 * Check the JSON-stat skeleton ("id", "size", "dimension") of t->doc: its
 * dimensions with their codes, strides, and which are geo, time and the
 * indicator's.  Fills in t (free it with es_table_free()); 0, or -1
 * logged.  describe.c reads a dataset this far.
 */
int
es_dims(struct rm_ctx *ctx, const struct es_state *st, struct es_table *t)
{
	const json_t		*ids, *sizes, *dims;
	struct es_dim		*d;
	size_t			 i, k;

	ids = json_object_get(t->doc, "id");
	sizes = json_object_get(t->doc, "size");
	dims = json_object_get(t->doc, "dimension");
	if (!json_is_array(ids) || !json_is_array(sizes) ||
	    json_array_size(ids) == 0 ||
	    json_array_size(ids) != json_array_size(sizes) ||
	    !json_is_object(dims)) {
		es_host->log(ctx, RM_LOG_ERR, "answer: not a JSON-stat 2.0 "
		    "dataset (expected \"id\" and \"size\" arrays of the same "
		    "length and a \"dimension\" object)");
		return -1;
	}
	t->ndims = json_array_size(ids);
	if ((t->dims = calloc(t->ndims, sizeof(*t->dims))) == NULL) {
		es_host->log(ctx, RM_LOG_ERR, "out of memory");
		return -1;
	}
	t->geo = t->time = t->ind = -1;
	for (i = 0; i < t->ndims; i++) {
		d = &t->dims[i];
		d->id = json_string_value(json_array_get(ids, i));
		if (d->id == NULL ||
		    !json_is_integer(json_array_get(sizes, i)) ||
		    json_integer_value(json_array_get(sizes, i)) < 1 ||
		    json_integer_value(json_array_get(sizes, i)) > 1000000) {
			es_host->log(ctx, RM_LOG_ERR, "answer: "
			    "id[%zu]/size[%zu]: expected a dimension id and a "
			    "size from 1 to 1000000", i, i);
			return -1;
		}
		d->size = (size_t)json_integer_value(json_array_get(sizes, i));
		if (es_dim_codes(ctx, dims, d) == -1)
			return -1;
		if (strcmp(d->id, "geo") == 0)
			t->geo = (long)i;
		else if (strcmp(d->id, "time") == 0)
			t->time = (long)i;
		else if (st->ind_dim != NULL && strcmp(d->id, st->ind_dim) == 0)
			t->ind = (long)i;
	}
	/* Row-major, the last dimension fastest: stride = product after. */
	t->total = 1;
	for (k = t->ndims; k-- > 0;) {
		t->dims[k].stride = t->total;
		if (t->dims[k].size > SIZE_MAX / t->total / 2) {
			es_host->log(ctx, RM_LOG_ERR, "answer: the sizes "
			    "multiply past any table this plugin can walk");
			return -1;
		}
		t->total *= t->dims[k].size;
	}
	if (t->geo == -1 || t->time == -1 || (st->ind_dim != NULL &&
	    t->ind == -1)) {
		es_host->log(ctx, RM_LOG_ERR, "answer: no \"%s\" dimension",
		    t->geo == -1 ? "geo" : t->time == -1 ? "time" :
		    st->ind_dim);
		return -1;
	}
	return 0;
}

/*
 * Check the skeleton (es_dims()) and fix the position of every dimension
 * but geo, time and the indicator's: its filter's code, or its only
 * category.  Fills in t (free it with es_table_free()); 0, or -1 logged.
 */
int
es_table(struct rm_ctx *ctx, const struct es_state *st, struct es_table *t)
{
	const struct es_filter	*f;
	struct es_dim		*d;
	char			 have[256];
	size_t			 i;
	long			 pos;

	if (es_dims(ctx, st, t) == -1)
		return -1;
	t->base = 0;
	for (i = 0; i < t->ndims; i++) {
		d = &t->dims[i];
		if ((long)i == t->geo || (long)i == t->time ||
		    (long)i == t->ind)
			continue;
		f = es_filter_for(st, d->id);
		if (f != NULL && (pos = es_pos(d, f->vals[0])) == -1) {
			es_list(d, have, sizeof(have));
			es_host->log(ctx, RM_LOG_ERR, "answer: dimension "
			    "\"%s\" has no code \"%s\" (filters.%s); it has %s",
			    d->id, f->vals[0], d->id, have);
			return -1;
		}
		if (f == NULL && d->size != 1) {
			es_list(d, have, sizeof(have));
			es_host->log(ctx, RM_LOG_ERR, "answer: dimension "
			    "\"%s\" has %zu codes (%s); choose one with "
			    "filters.%s", d->id, d->size, have, d->id);
			return -1;
		}
		t->base += (f != NULL ? (size_t)pos : 0) * d->stride;
	}
	t->value = json_object_get(t->doc, "value");
	t->status = json_object_get(t->doc, "status");
	if (!json_is_object(t->value) && !(json_is_array(t->value) &&
	    json_array_size(t->value) == t->total)) {
		es_host->log(ctx, RM_LOG_ERR, "answer: \"value\": expected an "
		    "object keyed by position or an array of %zu values",
		    t->total);
		return -1;
	}
	return 0;
}

/*
 * The cell at flat position n: its value (NULL when the sparse map has
 * none) and status (NULL when none), both borrowed from the document.
 */
void
es_cell(const struct es_table *t, size_t n, const json_t **val,
    const char **status)
{
	char	 key[32];

	snprintf(key, sizeof(key), "%zu", n);
	*val = json_is_object(t->value) ? json_object_get(t->value, key) :
	    json_array_get(t->value, n);
	if (json_is_string(t->status))
		*status = json_string_value(t->status);
	else if (json_is_object(t->status))
		*status = json_string_value(json_object_get(t->status, key));
	else
		*status = json_string_value(json_array_get(t->status, n));
}
