/* SPDX-License-Identifier: ISC */
/*
 * series.c: one entry of the config's "series" list checked and turned
 * into a struct cbs_series: the measure (key or title, or a v3 sum and
 * share), dimension filters, regions through the catalog, period types and
 * the scale; and the check that no two series feed the same series.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbs.h"

#define CBS_TERMS_MAX	8	/* measures summed in one series */

static const struct rm_conf_key cbs_series_keys[] = {
	{ "indicator", 0, NULL }, { "measure", 0, NULL },
	{ "measure_title", 0, NULL }, { "per_measure", 0, NULL },
	{ "per_measure_title", 0, NULL }, { "filters", 0, NULL },
	{ "regions", 0, NULL }, { "region", 0, NULL },
	{ "periods", 0, NULL }, { "scale", 0, NULL },
	{ "sum_into", 0, NULL }, { "growth_over", 0, NULL }
};

static const char *const cbs_ptypes[] = { "year", "quarter", "month" };

/* The measure key or title at path into m.  0, or -1 (reported). */
static int
cbs_measure_one(struct rm_ctx *ctx, const char *path, const json_t *v,
    int by_title, struct cbs_measure *m)
{
	const char	*s = json_string_value(v);

	if (by_title) {
		if (!cbs_text_ok(v, CBS_TITLE_MAX)) {
			cbs_host->conf_error(ctx, path, "expected a measure "
			    "title as the table's metadata writes it, e.g. "
			    "\"Werkloosheidspercentage\"");
			return -1;
		}
		return (m->title = cbs_dup(ctx, path, s)) == NULL ? -1 : 0;
	}
	if (s == NULL || !cbs_word_ok(s, "_", 64)) {
		cbs_host->conf_error(ctx, path, "expected a measure key like "
		    "\"M001906\" (v4) or \"Werkloosheidspercentage_13\" (v3)");
		return -1;
	}
	return (m->key = cbs_dup(ctx, path, s)) == NULL ? -1 : 0;
}

/*
 * The measures of a series: "measure" (a key) or "measure_title" (a
 * title), one string, or a list of strings to sum; the optional
 * denominator "per_measure" or "per_measure_title".  In v4, whose rows
 * hold one measure each, such a value is put together by combine.c.
 */
static int
cbs_measures_conf(struct rm_ctx *ctx, const json_t *so, const char *pre,
    struct cbs_series *s)
{
	const json_t	*key = json_object_get(so, "measure");
	const json_t	*title = json_object_get(so, "measure_title");
	const json_t	*pkey = json_object_get(so, "per_measure");
	const json_t	*ptitle = json_object_get(so, "per_measure_title");
	const json_t	*v, *e;
	const char	*name;
	char		 path[160];
	size_t		 i, n;
	int		 rc = 0;

	if ((key == NULL) == (title == NULL)) {
		snprintf(path, sizeof(path), "%smeasure", pre);
		cbs_host->conf_error(ctx, path, key == NULL ? "missing: give "
		    "\"measure\" (a key) or \"measure_title\"" : "give "
		    "\"measure\" or \"measure_title\", not both");
		return -1;
	}
	v = key != NULL ? key : title;
	name = key != NULL ? "measure" : "measure_title";
	n = json_is_array(v) ? json_array_size(v) : 1;
	if (json_is_array(v) && (n == 0 || n > CBS_TERMS_MAX)) {
		snprintf(path, sizeof(path), "%s%s", pre, name);
		cbs_host->conf_error(ctx, path, "expected 1 to %d measures to "
		    "sum", CBS_TERMS_MAX);
		return -1;
	}
	if ((s->terms = calloc(n, sizeof(*s->terms))) == NULL) {
		cbs_host->conf_error(ctx, pre, "out of memory");
		return -1;
	}
	s->nterms = n;
	for (i = 0; i < n; i++) {
		e = json_is_array(v) ? json_array_get(v, i) : v;
		if (json_is_array(v))
			snprintf(path, sizeof(path), "%s%s[%zu]", pre, name, i);
		else
			snprintf(path, sizeof(path), "%s%s", pre, name);
		if (cbs_measure_one(ctx, path, e, title != NULL,
		    &s->terms[i]) == -1)
			rc = -1;
	}
	if (pkey == NULL && ptitle == NULL)
		return rc;
	snprintf(path, sizeof(path), "%s%s", pre, pkey != NULL ?
	    "per_measure" : "per_measure_title");
	if (pkey != NULL && ptitle != NULL) {
		cbs_host->conf_error(ctx, path, "give \"per_measure\" or "
		    "\"per_measure_title\", not both");
		return -1;
	}
	if ((s->per = calloc(1, sizeof(*s->per))) == NULL) {
		cbs_host->conf_error(ctx, path, "out of memory");
		return -1;
	}
	if (cbs_measure_one(ctx, path, pkey != NULL ? pkey : ptitle,
	    ptitle != NULL, s->per) == -1)
		rc = -1;
	return rc;
}

static int
cbs_filters_conf(struct rm_ctx *ctx, const struct cbs_conf *c,
    const json_t *so, const char *pre, struct cbs_series *s)
{
	const json_t	*f = json_object_get(so, "filters"), *v;
	const char	*dim, *p;
	char		 path[200];
	size_t		 n, len;
	int		 rc = 0;

	if (f == NULL)
		return 0;
	if (!json_is_object(f)) {
		snprintf(path, sizeof(path), "%sfilters", pre);
		cbs_host->conf_error(ctx, path, "expected an object of "
		    "dimension: code, e.g. {\"Geslacht\": \"T001038\"}");
		return -1;
	}
	if ((n = json_object_size(f)) == 0)
		return 0;
	if ((s->filters = calloc(n, sizeof(*s->filters))) == NULL) {
		cbs_host->conf_error(ctx, pre, "out of memory");
		return -1;
	}
	json_object_foreach((json_t *)f, dim, v) {
		snprintf(path, sizeof(path), "%sfilters.%s", pre, dim);
		if (!cbs_word_ok(dim, "_", 64)) {
			cbs_host->conf_error(ctx, path, "expected a dimension "
			    "name like \"Geslacht\"");
			rc = -1;
			continue;
		}
		if (strcmp(dim, c->region_dim) == 0 ||
		    strcmp(dim, c->period_dim) == 0) {
			cbs_host->conf_error(ctx, path, "%s is chosen with "
			    "\"%s\", not with a filter", dim,
			    strcmp(dim, c->period_dim) == 0 ? "periods" :
			    "regions");
			rc = -1;
			continue;
		}
		if (!cbs_text_ok(v, CBS_CODE_MAX)) {
			cbs_host->conf_error(ctx, path, "expected a code of "
			    "the dimension, e.g. \"T001038\"");
			rc = -1;
			continue;
		}
		cbs_trim(json_string_value(v), &p, &len);
		if (len == 0) {
			cbs_host->conf_error(ctx, path, "expected a code of "
			    "the dimension, not blanks");
			rc = -1;
			continue;
		}
		s->filters[s->nfilters].dim = cbs_dup(ctx, path, dim);
		s->filters[s->nfilters].code = strndup(p, len);
		if (s->filters[s->nfilters++].code == NULL ||
		    s->filters[s->nfilters - 1].dim == NULL) {
			cbs_host->conf_error(ctx, path, "out of memory");
			return -1;
		}
	}
	return rc;
}

static int
cbs_region_known(struct rm_ctx *ctx, const char *id)
{
	if (RM_HOST_HAS(cbs_host, has_region) && cbs_host->has_region != NULL)
		return cbs_host->has_region(ctx, id);
	return -1;
}

/*
 * "regions": catalog ids translated to CBS codes through the catalog, or
 * "region": one fixed catalog id for a table without a region dimension.
 */
static int
cbs_regions_conf(struct rm_ctx *ctx, const json_t *so, const char *pre,
    struct cbs_series *s)
{
	const json_t	*list = json_object_get(so, "regions");
	const json_t	*one = json_object_get(so, "region"), *v;
	const char	*id, *code;
	char		 path[160];
	size_t		 i, j, n;
	int		 rc = 0;

	if ((list == NULL) == (one == NULL)) {
		snprintf(path, sizeof(path), "%sregions", pre);
		cbs_host->conf_error(ctx, path, list == NULL ? "missing: give "
		    "\"regions\" (catalog ids) or, for a table without a "
		    "region dimension, \"region\"" : "give \"regions\" or "
		    "\"region\", not both");
		return -1;
	}
	if (one != NULL) {
		snprintf(path, sizeof(path), "%sregion", pre);
		if (!json_is_string(one) || cbs_region_known(ctx,
		    json_string_value(one)) == 0) {
			cbs_host->conf_error(ctx, path, "expected a catalog "
			    "region id");
			return -1;
		}
		s->region = cbs_dup(ctx, path, json_string_value(one));
		return s->region == NULL ? -1 : 0;
	}
	snprintf(path, sizeof(path), "%sregions", pre);
	if (!json_is_array(list) || (n = json_array_size(list)) == 0) {
		cbs_host->conf_error(ctx, path, "expected a list of catalog "
		    "region ids, e.g. [\"groningen\", \"assen\"]");
		return -1;
	}
	if ((s->regions = calloc(n, sizeof(*s->regions))) == NULL) {
		cbs_host->conf_error(ctx, path, "out of memory");
		return -1;
	}
	json_array_foreach(list, i, v) {
		snprintf(path, sizeof(path), "%sregions[%zu]", pre, i);
		if ((id = json_string_value(v)) == NULL) {
			cbs_host->conf_error(ctx, path, "expected a catalog "
			    "region id");
			rc = -1;
			continue;
		}
		if ((code = cbs_host->region_code(ctx, id, "cbs")) == NULL) {
			if (cbs_region_known(ctx, id) == 1)
				cbs_host->conf_error(ctx, path, "region \"%s\" "
				    "has no CBS code in the catalog (CBS does "
				    "not publish it)", id);
			else
				cbs_host->conf_error(ctx, path, "unknown "
				    "region \"%s\"", id);
			rc = -1;
			continue;
		}
		for (j = 0; j < s->nregions; j++)
			if (strcmp(s->regions[j].id, id) == 0)
				break;
		if (j < s->nregions) {
			cbs_host->conf_error(ctx, path, "region \"%s\" is "
			    "listed twice", id);
			rc = -1;
			continue;
		}
		s->regions[s->nregions].id = strdup(id);
		s->regions[s->nregions].code = strdup(code);
		if (s->regions[s->nregions++].code == NULL ||
		    s->regions[s->nregions - 1].id == NULL) {
			cbs_host->conf_error(ctx, path, "out of memory");
			return -1;
		}
	}
	return rc;
}

static int
cbs_periods_conf(struct rm_ctx *ctx, const json_t *so, const char *pre,
    struct cbs_series *s)
{
	const json_t	*list = json_object_get(so, "periods"), *v;
	const char	*t, *hint;
	char		 path[160];
	size_t		 i, k;
	int		 rc = 0;

	if (list == NULL) {
		s->periods = CBS_YEAR;
		return 0;
	}
	snprintf(path, sizeof(path), "%speriods", pre);
	if (!json_is_array(list) || json_array_size(list) == 0) {
		cbs_host->conf_error(ctx, path, "expected a list of period "
		    "types: \"year\", \"quarter\", \"month\"");
		return -1;
	}
	json_array_foreach(list, i, v) {
		snprintf(path, sizeof(path), "%speriods[%zu]", pre, i);
		t = json_string_value(v);
		for (k = 0; t != NULL && k < NELEM(cbs_ptypes); k++)
			if (strcmp(t, cbs_ptypes[k]) == 0)
				break;
		if (t == NULL || k == NELEM(cbs_ptypes)) {
			hint = t != NULL ? cbs_host->did_you_mean(t, cbs_ptypes,
			    NELEM(cbs_ptypes)) : NULL;
			if (hint != NULL)
				cbs_host->conf_error(ctx, path, "unknown "
				    "period type; did you mean \"%s\"?", hint);
			else
				cbs_host->conf_error(ctx, path, "expected "
				    "\"year\", \"quarter\" or \"month\"");
			rc = -1;
			continue;
		}
		if (s->periods & (1u << k)) {
			cbs_host->conf_error(ctx, path, "\"%s\" is listed "
			    "twice", t);
			rc = -1;
		}
		s->periods |= 1u << k;
	}
	return rc;
}

static int
cbs_scale_conf(struct rm_ctx *ctx, const json_t *so, const char *pre,
    struct cbs_series *s)
{
	const json_t	*v = json_object_get(so, "scale");
	char		 path[160];

	s->scale = 1;
	if (v == NULL)
		return 0;
	if (json_is_number(v) && json_number_value(v) > 0 &&
	    isfinite(json_number_value(v))) {
		s->scale = json_number_value(v);
		return 0;
	}
	if (json_is_string(v) && cbs_scale(json_string_value(v),
	    &s->scale) == 0)
		return 0;
	snprintf(path, sizeof(path), "%sscale", pre);
	cbs_host->conf_error(ctx, path, "expected a number above 0 or a CBS "
	    "unit like \"x 1 000\"");
	return -1;
}

/*
 * "sum_into": the catalog region the values of "regions" are summed into
 * (numerators and denominators apart, so a share of the whole is the
 * whole's share); "growth_over": the change in per cent against the value
 * that many periods before, instead of the value.
 */
static int
cbs_combine_conf(struct rm_ctx *ctx, const json_t *so, const char *pre,
    struct cbs_series *s)
{
	const json_t	*into = json_object_get(so, "sum_into");
	const json_t	*g = json_object_get(so, "growth_over");
	const char	*id;
	char		 path[160];
	size_t		 i;
	int		 rc = 0;

	if (into != NULL) {
		snprintf(path, sizeof(path), "%ssum_into", pre);
		id = json_string_value(into);
		if (id == NULL || cbs_region_known(ctx, id) == 0) {
			cbs_host->conf_error(ctx, path, "expected the catalog "
			    "region the \"regions\" are summed into, e.g. "
			    "\"rga\"");
			rc = -1;
		} else if (json_object_get(so, "regions") == NULL) {
			cbs_host->conf_error(ctx, path, "needs \"regions\": "
			    "the catalog regions whose values are summed");
			rc = -1;
		} else {
			for (i = 0; i < s->nregions; i++)
				if (strcmp(s->regions[i].id, id) == 0)
					break;
			if (i < s->nregions) {
				cbs_host->conf_error(ctx, path, "region "
				    "\"%s\" is also in \"regions\": a sum "
				    "cannot hold itself", id);
				rc = -1;
			} else if ((s->sum_into = cbs_dup(ctx, path,
			    id)) == NULL)
				return -1;
		}
	}
	if (g == NULL)
		return rc;
	snprintf(path, sizeof(path), "%sgrowth_over", pre);
	if (!json_is_integer(g) || json_integer_value(g) < 1 ||
	    json_integer_value(g) > 100) {
		cbs_host->conf_error(ctx, path, "expected a whole number of "
		    "periods from 1 to 100 (5 for the growth over five years "
		    "of a yearly series)");
		return -1;
	}
	if (json_object_get(so, "scale") != NULL) {
		cbs_host->conf_error(ctx, path, "a growth in per cent does not "
		    "depend on the scale: leave \"scale\" out");
		return -1;
	}
	s->growth = (int)json_integer_value(g);
	return rc;
}

/*
 * Check series object so, at index idx of "series", into c->series[idx].
 * 0, or -1 after reporting every problem with its JSON path.
 */
int
cbs_series_conf(struct rm_ctx *ctx, struct cbs_conf *c, const json_t *so,
    size_t idx)
{
	struct cbs_series	*s = &c->series[idx];
	const json_t		*ind;
	char			 pre[64], path[96];
	int			 rc = 0;

	s->index = idx;
	snprintf(pre, sizeof(pre), "series[%zu].", idx);
	if (!json_is_object(so)) {
		snprintf(pre, sizeof(pre), "series[%zu]", idx);
		cbs_host->conf_error(ctx, pre, "expected an object with "
		    "\"indicator\", \"measure\" and \"regions\"");
		return -1;
	}
	snprintf(path, sizeof(path), "series[%zu]", idx);
	if (cbs_host->conf_keys(ctx, path, so, cbs_series_keys,
	    NELEM(cbs_series_keys)) != RM_OK)
		rc = -1;
	snprintf(path, sizeof(path), "%sindicator", pre);
	ind = json_object_get(so, "indicator");
	if (ind == NULL) {
		cbs_host->conf_error(ctx, path, "missing: give the catalog "
		    "indicator this series feeds");
		rc = -1;
	} else if (!json_is_string(ind) ||
	    !cbs_host->has_indicator(ctx, json_string_value(ind))) {
		cbs_host->conf_error(ctx, path, "unknown indicator%s%s%s",
		    json_is_string(ind) ? " \"" : "",
		    json_is_string(ind) ? json_string_value(ind) : "",
		    json_is_string(ind) ? "\"" : "");
		rc = -1;
	} else if ((s->indicator = cbs_dup(ctx, path,
	    json_string_value(ind))) == NULL)
		return -1;
	if (cbs_measures_conf(ctx, so, pre, s) == -1)
		rc = -1;
	if (cbs_filters_conf(ctx, c, so, pre, s) == -1)
		rc = -1;
	if (cbs_regions_conf(ctx, so, pre, s) == -1)
		rc = -1;
	if (cbs_periods_conf(ctx, so, pre, s) == -1)
		rc = -1;
	if (cbs_scale_conf(ctx, so, pre, s) == -1)
		rc = -1;
	if (cbs_combine_conf(ctx, so, pre, s) == -1)
		rc = -1;
	return rc;
}

/* The regions series s stores, and the i-th of them. */
static size_t
cbs_nout(const struct cbs_series *s)
{
	return s->region != NULL || s->sum_into != NULL ? 1 : s->nregions;
}

static const char *
cbs_out(const struct cbs_series *s, size_t i)
{
	if (s->sum_into != NULL)
		return s->sum_into;
	return s->region != NULL ? s->region : s->regions[i].id;
}

/*
 * Two series feeding the same (indicator, region) would fight over it.
 * 0, or -1 after reporting the first such pair.
 */
int
cbs_check_overlap(struct rm_ctx *ctx, const struct cbs_conf *c)
{
	const struct cbs_series	*a, *b;
	const char		*ra, *rb;
	char			 path[64];
	size_t			 i, j, x, y, na, nb;

	for (i = 0; i < c->nseries; i++) {
		b = &c->series[i];
		for (j = 0; j < i; j++) {
			a = &c->series[j];
			if (a->indicator == NULL || b->indicator == NULL ||
			    strcmp(a->indicator, b->indicator) != 0)
				continue;
			na = cbs_nout(a);
			nb = cbs_nout(b);
			for (x = 0; x < nb; x++) {
				rb = cbs_out(b, x);
				for (y = 0; y < na; y++) {
					ra = cbs_out(a, y);
					if (strcmp(ra, rb) != 0)
						continue;
					snprintf(path, sizeof(path),
					    "series[%zu]", i);
					cbs_host->conf_error(ctx, path,
					    "%s/%s already comes from "
					    "series[%zu]", b->indicator, rb, j);
					return -1;
				}
			}
		}
	}
	return 0;
}
