/* SPDX-License-Identifier: ISC */
/*
 * meta.c: what the plugin learns about a table before it reads data: the
 * modification stamp (TableInfos v3, Properties v4) that decides whether
 * to read at all, and the measures (DataProperties v3, MeasureCodes v4)
 * and dimensions that the config's keys, titles and filters must meet.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cbs.h"



static void
cbs_items_free(struct cbs_items *it)
{
	size_t	 i;

	for (i = 0; i < it->n; i++) {
		free(it->v[i].key);
		free(it->v[i].title);
		free(it->v[i].unit);
		free(it->v[i].group);
	}
	for (i = 0; i < it->ndims; i++)
		free(it->dims[i].key);
	for (i = 0; i < it->ngroups; i++) {
		free(it->groups[i].key);
		free(it->groups[i].title);
	}
	free(it->v);
	free(it->dims);
	free(it->groups);
}

static int
cbs_item_add(struct cbs_item **v, size_t *n, size_t *cap, const char *key,
    const char *title)
{
	struct cbs_item	*p;
	size_t		 c;

	if (*n == *cap) {
		c = *cap == 0 ? 64 : *cap * 2;
		if ((p = reallocarray(*v, c, sizeof(*p))) == NULL)
			return -1;
		*v = p;
		*cap = c;
	}
	p = &(*v)[*n];
	p->unit = p->group = NULL;
	p->key = strdup(key);
	p->title = title != NULL ? strdup(title) : NULL;
	if (p->key == NULL || (title != NULL && p->title == NULL)) {
		free(p->key);
		free(p->title);
		return -1;
	}
	(*n)++;
	return 0;
}

/* The unit and parent group of the measure last added (may be NULL). */
static int
cbs_item_about(struct cbs_items *it, const char *unit, const char *group)
{
	struct cbs_item	*p = &it->v[it->n - 1];

	if (unit != NULL && *unit != '\0' && (p->unit = strdup(unit)) == NULL)
		return -1;
	if (group != NULL && *group != '\0' &&
	    (p->group = strdup(group)) == NULL)
		return -1;
	return 0;
}

/*
 * The mark of the table's current version: API, table id, the
 * modification stamp and the config's hash, in *mark (new, caller frees).
 * Logs a warning for a table CBS has discontinued.  0, or -1 logged.
 */
int
cbs_stamp(struct cbs_run *run, char **mark)
{
	const struct cbs_conf	*c = run->conf;
	const json_t		*info, *mod, *st;
	json_t			*root;
	const char		*what;
	char			*url;
	int			 rc = -1;

	*mark = NULL;
	what = c->api == CBS_V4 ? "Properties" : "TableInfos";
	url = cbs_url(c, what, c->api == CBS_V4 ? "properties.json" :
	    "table-infos.json");
	if (url == NULL) {
		cbs_host->log(run->ctx, RM_LOG_ERR, "out of memory");
		return -1;
	}
	if (cbs_get(run, url, what, 0, &root) == -1)
		goto done;
	info = c->api == CBS_V4 ? root :
	    json_array_get(json_object_get(root, "value"), 0);
	mod = json_object_get(info, "Modified");
	if (!json_is_string(mod) || json_string_length(mod) == 0) {
		cbs_host->log(run->ctx, RM_LOG_ERR, "%s: %s%s: expected the "
		    "table's \"Modified\" stamp", url,
		    c->api == CBS_V4 ? "" : "value[0].",
		    c->api == CBS_V4 ? "Modified" : "Modified");
		goto done;
	}
	st = json_object_get(info, c->api == CBS_V4 ? "Status" : "Frequency");
	if (json_is_string(st) &&
	    (strcmp(json_string_value(st), "Gediscontinueerd") == 0 ||
	    strcmp(json_string_value(st), "Vervallen") == 0 ||
	    strcmp(json_string_value(st), "Stopgezet") == 0))
		cbs_host->log(run->ctx, RM_LOG_WARNING, "table %s is "
		    "discontinued (%s): CBS no longer updates it", c->table,
		    json_string_value(st));
	if (asprintf(mark, "%s %s %s cfg=%s", cbs_api_name(c->api), c->table,
	    json_string_value(mod), c->hash) == -1) {
		*mark = NULL;
		cbs_host->log(run->ctx, RM_LOG_ERR, "out of memory");
		goto done;
	}
	rc = 0;
done:
	json_decref(root);
	free(url);
	return rc;
}

static int
cbs_is_dimension(const char *type)
{
	return strcmp(type, "Dimension") == 0 ||
	    strcmp(type, "GeoDimension") == 0 ||
	    strcmp(type, "GeoDetail") == 0 ||
	    strcmp(type, "TimeDimension") == 0;
}

/* DataProperties (v3): Topic rows are measures, others dimensions. */
static int
cbs_v3_props(struct cbs_run *run, json_t *rows, const char *url,
    size_t page, size_t first, void *arg)
{
	struct cbs_items	*it = arg;
	const char		*type, *key, *title;
	char			 id[32];
	json_t			*row, *parent;
	size_t			 i;

	json_array_foreach(rows, i, row) {
		type = json_string_value(json_object_get(row, "Type"));
		key = json_string_value(json_object_get(row, "Key"));
		title = json_string_value(json_object_get(row, "Title"));
		if (type == NULL || key == NULL) {
			cbs_host->log(run->ctx, RM_LOG_ERR, "DataProperties "
			    "page %zu (%s): value[%zu]: expected \"Type\" and "
			    "\"Key\"", page, url, first + i);
			return -1;
		}
		parent = json_object_get(row, "ParentID");
		id[0] = '\0';
		if (json_is_number(parent))
			snprintf(id, sizeof(id), "%.0f",
			    json_number_value(parent));
		if (strcmp(type, "Topic") == 0) {
			if (cbs_item_add(&it->v, &it->n, &it->cap, key,
			    title != NULL ? title : "") == -1 ||
			    cbs_item_about(it, json_string_value(
			    json_object_get(row, "Unit")), id) == -1)
				goto oom;
		} else if (strcmp(type, "TopicGroup") == 0) {
			if (json_is_number(json_object_get(row, "ID")))
				snprintf(id, sizeof(id), "%.0f",
				    json_number_value(json_object_get(row,
				    "ID")));
			else
				id[0] = '\0';
			if (id[0] != '\0' && title != NULL &&
			    cbs_item_add(&it->groups, &it->ngroups, &it->gcap,
			    id, title) == -1)
				goto oom;
		} else if (cbs_is_dimension(type)) {
			if (cbs_item_add(&it->dims, &it->ndims, &it->dcap, key,
			    NULL) == -1)
				goto oom;
		}
	}
	return 0;
oom:
	cbs_host->log(run->ctx, RM_LOG_ERR, "out of memory");
	return -1;
}

/* MeasureCodes or Dimensions (v4): Identifier (and Title). */
static int
cbs_v4_items(struct cbs_run *run, json_t *rows, const char *url,
    size_t page, size_t first, void *arg, int dims)
{
	struct cbs_items	*it = arg;
	const char		*key, *title;
	json_t			*row;
	size_t			 i;

	json_array_foreach(rows, i, row) {
		key = json_string_value(json_object_get(row, "Identifier"));
		title = json_string_value(json_object_get(row, "Title"));
		if (key == NULL) {
			cbs_host->log(run->ctx, RM_LOG_ERR, "%s page %zu (%s): "
			    "value[%zu].Identifier: expected a string",
			    dims ? "Dimensions" : "MeasureCodes", page, url,
			    first + i);
			return -1;
		}
		if ((dims ? cbs_item_add(&it->dims, &it->ndims, &it->dcap,
		    key, NULL) : cbs_item_add(&it->v, &it->n, &it->cap, key,
		    title != NULL ? title : "")) == -1 || (!dims &&
		    cbs_item_about(it, json_string_value(json_object_get(row,
		    "Unit")), json_string_value(json_object_get(row,
		    "MeasureGroupId"))) == -1)) {
			cbs_host->log(run->ctx, RM_LOG_ERR, "out of memory");
			return -1;
		}
	}
	return 0;
}

static int
cbs_v4_measures(struct cbs_run *run, json_t *rows, const char *url,
    size_t page, size_t first, void *arg)
{
	return cbs_v4_items(run, rows, url, page, first, arg, 0);
}

static int
cbs_v4_dims(struct cbs_run *run, json_t *rows, const char *url,
    size_t page, size_t first, void *arg)
{
	return cbs_v4_items(run, rows, url, page, first, arg, 1);
}

/* MeasureGroups (v4): Id and Title, kept as it->groups. */
static int
cbs_v4_group_rows(struct cbs_run *run, json_t *rows, const char *url,
    size_t page, size_t first, void *arg)
{
	struct cbs_items	*it = arg;
	const char		*id, *title;
	json_t			*row;
	size_t			 i;

	(void)run;
	(void)url;
	(void)page;
	(void)first;
	json_array_foreach(rows, i, row) {
		id = json_string_value(json_object_get(row, "Id"));
		title = json_string_value(json_object_get(row, "Title"));
		/* A group without both says nothing: its id is shown. */
		if (id == NULL || title == NULL)
			continue;
		if (cbs_item_add(&it->groups, &it->ngroups, &it->gcap, id,
		    title) == -1) {
			cbs_host->log(run->ctx, RM_LOG_ERR, "out of memory");
			return -1;
		}
	}
	return 0;
}

/*
 * The titles of a v4 table's measure groups (MeasureGroups: Id, Title,
 * ParentId), read once and only when an ambiguous title is to be told
 * apart (resolve.c): a run that resolves makes no extra request.  v3
 * has them already, as DataProperties' TopicGroups.  When they cannot
 * be read, the candidates keep their group ids (the failure is logged).
 */
void
cbs_group_titles(struct cbs_run *run, struct cbs_items *it)
{
	char	*url;

	if (run->conf->api != CBS_V4 || it->groups_read)
		return;
	it->groups_read = 1;
	if ((url = cbs_url(run->conf, "MeasureGroups",
	    "measure-groups.json")) == NULL) {
		cbs_host->log(run->ctx, RM_LOG_ERR, "out of memory");
		return;
	}
	if (cbs_pages(run, url, "MeasureGroups", NULL, cbs_v4_group_rows,
	    NULL, it) == -1)
		cbs_host->log(run->ctx, RM_LOG_WARNING, "table %s: its "
		    "MeasureGroups could not be read: measures are told apart "
		    "by their group ids", run->conf->table);
	free(url);
}

static int
cbs_has_dim(const struct cbs_items *it, const char *dim)
{
	size_t	 i;

	for (i = 0; i < it->ndims; i++)
		if (strcmp(it->dims[i].key, dim) == 0)
			return 1;
	return 0;
}

/* Every dimension a series names must exist in the table. */
static int
cbs_check_dim(struct cbs_run *run, const struct cbs_items *it,
    const struct cbs_series *s, const char *field, const char *dim)
{
	const char	*names[32] = { NULL }, *hint;
	struct cbs_buf	 b;
	size_t		 i;

	if (cbs_has_dim(it, dim))
		return 0;
	run->dims_bad = 1;
	memset(&b, 0, sizeof(b));
	for (i = 0; i < it->ndims && i < NELEM(names); i++) {
		names[i] = it->dims[i].key;
		cbs_buf_add(&b, i > 0 ? ", " : "");
		cbs_buf_add(&b, it->dims[i].key);
	}
	hint = cbs_host->did_you_mean(dim, names, i);
	cbs_host->log(run->ctx, RM_LOG_ERR, "series[%zu].%s: table %s has no "
	    "dimension \"%s\"%s%s%s (it has: %s)", s->index, field,
	    run->conf->table, dim, hint != NULL ? "; did you mean \"" : "",
	    hint != NULL ? hint : "", hint != NULL ? "\"?" : "",
	    b.oom || b.p == NULL ? "none" : b.p);
	cbs_buf_free(&b);
	return -1;
}

/*
 * Every dimension of the table but the period one must be pinned: the
 * region dimension by "regions", any other by a filter.  A dimension left
 * open gives several rows for one region and period, and the series
 * would silently keep whichever came last.
 */
static int
cbs_check_pinned(struct cbs_run *run, const struct cbs_items *it,
    const struct cbs_series *s)
{
	const struct cbs_conf	*c = run->conf;
	const char		*d;
	struct cbs_buf		 b;
	size_t			 i, k;
	int			 rc = 0;

	memset(&b, 0, sizeof(b));
	for (i = 0; i < it->ndims; i++) {
		d = it->dims[i].key;
		if (strcmp(d, c->period_dim) == 0)
			continue;
		if (strcmp(d, c->region_dim) == 0) {
			if (s->region == NULL)
				continue;
			cbs_host->log(run->ctx, RM_LOG_ERR,
			    "series[%zu].region: table %s has a region "
			    "dimension (%s): list the regions with "
			    "\"regions\"", s->index, c->table, d);
			rc = -1;
			continue;
		}
		for (k = 0; k < s->nfilters; k++)
			if (strcmp(s->filters[k].dim, d) == 0)
				break;
		if (k < s->nfilters)
			continue;
		cbs_buf_add(&b, b.len > 0 ? ", " : "");
		cbs_buf_add(&b, d);
	}
	if (b.len > 0 || b.oom) {
		cbs_host->log(run->ctx, RM_LOG_ERR, "series[%zu].filters: "
		    "table %s also has the dimension(s) %s: give each a code "
		    "in \"filters\" (its total, e.g. \"T001038\"), or rows of "
		    "different cells would land on one period", s->index,
		    c->table, b.oom ? "..." : b.p);
		rc = -1;
	}
	cbs_buf_free(&b);
	return rc;
}

/*
 * Read the table's measures and dimensions; resolve every series' measure
 * keys and titles into the table's current keys, and check the dimensions
 * the series name.  0, or -1 after logging each problem.
 */
int
cbs_measures(struct cbs_run *run)
{
	const struct cbs_conf	*c = run->conf;
	struct cbs_items	 it;
	struct cbs_series	*s;
	char			*url = NULL, field[64];
	size_t			 i, j;
	int			 rc = -1;

	memset(&it, 0, sizeof(it));
	if (c->api != CBS_V4) {
		if ((url = cbs_url(c, "DataProperties",
		    "data-properties.json")) == NULL)
			goto oom;
		if (cbs_pages(run, url, "DataProperties", NULL, cbs_v3_props,
		    NULL, &it) == -1)
			goto done;
	} else {
		if ((url = cbs_url(c, "MeasureCodes",
		    "measure-codes.json")) == NULL)
			goto oom;
		if (cbs_pages(run, url, "MeasureCodes", NULL, cbs_v4_measures,
		    NULL, &it) == -1)
			goto done;
		free(url);
		if ((url = cbs_url(c, "Dimensions", "dimensions.json")) == NULL)
			goto oom;
		if (cbs_pages(run, url, "Dimensions", NULL, cbs_v4_dims,
		    NULL, &it) == -1)
			goto done;
	}
	rc = 0;
	for (i = 0; i < c->nseries; i++) {
		s = &c->series[i];
		for (j = 0; j < s->nterms; j++) {
			if (s->nterms > 1)
				snprintf(field, sizeof(field), "%s[%zu]",
				    s->terms[j].key != NULL ? "measure" :
				    "measure_title", j);
			else
				snprintf(field, sizeof(field), "%s",
				    s->terms[j].key != NULL ? "measure" :
				    "measure_title");
			if (cbs_resolve(run, &it, s, field, &s->terms[j]) == -1)
				rc = -1;
		}
		if (s->per != NULL && cbs_resolve(run, &it, s, s->per->key !=
		    NULL ? "per_measure" : "per_measure_title", s->per) == -1)
			rc = -1;
		if (s->region == NULL && cbs_check_dim(run, &it, s, "regions",
		    c->region_dim) == -1)
			rc = -1;
		for (j = 0; j < s->nfilters; j++) {
			snprintf(field, sizeof(field), "filters.%s",
			    s->filters[j].dim);
			if (cbs_check_dim(run, &it, s, field,
			    s->filters[j].dim) == -1)
				rc = -1;
		}
		if (cbs_check_dim(run, &it, s, "periods", c->period_dim) == -1)
			rc = -1;
		if (cbs_check_pinned(run, &it, s) == -1)
			rc = -1;
	}
	goto done;
oom:
	cbs_host->log(run->ctx, RM_LOG_ERR, "out of memory");
done:
	cbs_items_free(&it);
	free(url);
	return rc;
}
