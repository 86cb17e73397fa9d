/* SPDX-License-Identifier: ISC */
/*
 * config.c: the eurostat plugin's config: every key checked, every problem
 * reported with its JSON path (regiomon check-config shows them all), the
 * catalog regions turned into NUTS codes.  No I/O.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "eurostat.h"

static const struct rm_conf_key es_keys[] = {
	{ "dataset", 0, NULL }, { "indicator", 0, NULL },
	{ "regions", 0, NULL }, { "filters", 0, NULL },
	{ "since", 0, NULL }, { "until", 0, NULL }, { "last", 0, NULL },
	{ "base_url", 0, NULL }, { "lang", 0, NULL }, { "scale", 0, NULL },
	{ "provisional_flags", 0, NULL }, { "missing_flags", 0, NULL }
};

static void
es_strv_free(char **v, size_t n)
{
	size_t	 i;

	for (i = 0; v != NULL && i < n; i++)
		free(v[i]);
	free(v);
}

/* Free the state built by es_init(); es_fini(NULL) does nothing. */
void
es_fini(void *arg)
{
	struct es_state	*st = arg;
	size_t		 i;

	if (st == NULL)
		return;
	free(st->base);
	free(st->dataset);
	free(st->lang);
	free(st->indicator);
	free(st->ind_dim);
	es_strv_free(st->ind_codes, st->nind);
	es_strv_free(st->ind_ids, st->nind);
	for (i = 0; i < st->nfilters; i++) {
		free(st->filters[i].dim);
		es_strv_free(st->filters[i].vals, st->filters[i].nvals);
	}
	free(st->filters);
	es_strv_free(st->regions, st->nregions);
	free(st->geos);
	free(st->prov_flags);
	free(st->miss_flags);
	free(st);
}

/* 1 if s is a Eurostat code: letters, digits and "_-.+" only. */
static int
es_code_ok(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("_-.+", *s) == NULL)
			return 0;
	return 1;
}

/* A copy of the non-empty string v, or NULL after reporting at path. */
static char *
es_strdup(struct rm_ctx *ctx, const json_t *v, const char *path,
    const char *what)
{
	char	*s;

	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		es_host->conf_error(ctx, path, "expected %s", what);
		return NULL;
	}
	if ((s = strdup(json_string_value(v))) == NULL)
		es_host->conf_error(ctx, path, "out of memory");
	return s;
}

/*
 * A string or a list of 1 to 50 strings at path, as a new vector of
 * codes.  0, or -1 after reporting.
 */
static int
es_codes(struct rm_ctx *ctx, const json_t *v, const char *path,
    char ***out, size_t *nout)
{
	const json_t	*e;
	char		 sub[160];
	size_t		 i, n;
	int		 rc = 0;

	*out = NULL;
	*nout = 0;
	if (json_is_string(v))
		n = 1;
	else if (json_is_array(v) && json_array_size(v) > 0)
		n = json_array_size(v);
	else {
		es_host->conf_error(ctx, path, "expected a code or a list of "
		    "codes, e.g. \"TOTAL\" or [\"NL11\", \"NL13\"]");
		return -1;
	}
	if (n > ES_MAX_VALUES) {
		es_host->conf_error(ctx, path, "%zu values; the API takes at "
		    "most %d per filter: split the source in two", n,
		    ES_MAX_VALUES);
		return -1;
	}
	if ((*out = calloc(n, sizeof(char *))) == NULL) {
		es_host->conf_error(ctx, path, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		e = json_is_string(v) ? v : json_array_get(v, i);
		if (json_is_string(v))
			snprintf(sub, sizeof(sub), "%s", path);
		else
			snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
		if (((*out)[i] = es_strdup(ctx, e, sub, "a code")) == NULL) {
			rc = -1;
			continue;
		}
		(*nout)++;
		if (!es_code_ok((*out)[i])) {
			es_host->conf_error(ctx, sub, "expected a Eurostat "
			    "code (letters, digits, \"_\", \"-\"), got \"%s\"",
			    (*out)[i]);
			rc = -1;
		}
	}
	/* Keep the vector dense for es_fini: count what was filled in. */
	if (*nout != n) {
		for (i = 0; i < n; i++)
			free((*out)[i]);
		free(*out);
		*out = NULL;
		*nout = 0;
		return -1;
	}
	return rc;
}

/*
 * "indicator": an id, or {"dimension": ..., "map": {CODE: id}}.  Long
 * because both forms are checked to the last code.  0 or -1.
 */
static int
es_indicator(struct rm_ctx *ctx, const json_t *v, struct es_state *st)
{
	const json_t	*map, *e;
	const char	*code;
	char		 path[160];
	size_t		 i;
	int		 rc = 0;

	if (v == NULL) {
		es_host->conf_error(ctx, "indicator", "missing: give the "
		    "catalog indicator, or {\"dimension\": ..., \"map\": "
		    "{CODE: indicator}}");
		return -1;
	}
	if (json_is_string(v)) {
		if ((st->indicator = es_strdup(ctx, v, "indicator",
		    "an indicator id")) == NULL)
			return -1;
		if (!es_host->has_indicator(ctx, st->indicator)) {
			es_host->conf_error(ctx, "indicator", "unknown "
			    "indicator \"%s\"", st->indicator);
			return -1;
		}
		return 0;
	}
	if (!json_is_object(v)) {
		es_host->conf_error(ctx, "indicator", "expected an indicator "
		    "id or {\"dimension\": ..., \"map\": {CODE: indicator}}");
		return -1;
	}
	json_object_foreach((json_t *)v, code, e) {
		if (strcmp(code, "dimension") != 0 &&
		    strcmp(code, "map") != 0) {
			snprintf(path, sizeof(path), "indicator.%s", code);
			es_host->conf_error(ctx, path, "unknown key; expected "
			    "\"dimension\" and \"map\"");
			rc = -1;
		}
	}
	if ((st->ind_dim = es_strdup(ctx, json_object_get(v, "dimension"),
	    "indicator.dimension", "a dimension id, e.g. \"sectperf\"")) ==
	    NULL)
		rc = -1;
	else if (strcmp(st->ind_dim, "geo") == 0 ||
	    strcmp(st->ind_dim, "time") == 0) {
		es_host->conf_error(ctx, "indicator.dimension", "\"%s\" cannot "
		    "pick the indicator; it is the region or the period",
		    st->ind_dim);
		rc = -1;
	}
	map = json_object_get(v, "map");
	if (!json_is_object(map) || json_object_size(map) == 0) {
		es_host->conf_error(ctx, "indicator.map", "expected an object "
		    "mapping codes of the dimension to indicator ids");
		return -1;
	}
	if (json_object_size(map) > ES_MAX_VALUES) {
		es_host->conf_error(ctx, "indicator.map", "%zu codes; the API "
		    "takes at most %d per filter", json_object_size(map),
		    ES_MAX_VALUES);
		return -1;
	}
	st->ind_codes = calloc(json_object_size(map), sizeof(char *));
	st->ind_ids = calloc(json_object_size(map), sizeof(char *));
	if (st->ind_codes == NULL || st->ind_ids == NULL) {
		es_host->conf_error(ctx, "indicator.map", "out of memory");
		return -1;
	}
	i = 0;
	json_object_foreach((json_t *)map, code, e) {
		snprintf(path, sizeof(path), "indicator.map.%s", code);
		if (!es_code_ok(code)) {
			es_host->conf_error(ctx, path, "expected a Eurostat "
			    "code as the key");
			rc = -1;
			continue;
		}
		if ((st->ind_codes[i] = strdup(code)) == NULL ||
		    (st->ind_ids[i] = es_strdup(ctx, e, path,
		    "an indicator id")) == NULL) {
			free(st->ind_codes[i]);
			st->ind_codes[i] = NULL;
			rc = -1;
			continue;
		}
		st->nind = ++i;
		if (!es_host->has_indicator(ctx, st->ind_ids[i - 1])) {
			es_host->conf_error(ctx, path, "unknown indicator "
			    "\"%s\"", st->ind_ids[i - 1]);
			rc = -1;
		}
	}
	return rc;
}

static int
es_filters(struct rm_ctx *ctx, const json_t *v, struct es_state *st)
{
	const json_t	*e;
	const char	*dim;
	char		 path[160];
	struct es_filter *f;
	int		 rc = 0;

	if (v == NULL)
		return 0;
	if (!json_is_object(v)) {
		es_host->conf_error(ctx, "filters", "expected an object of "
		    "dimension: code(s), e.g. {\"unit\": \"PC\"}");
		return -1;
	}
	if ((st->filters = calloc(json_object_size(v) + 1,
	    sizeof(*st->filters))) == NULL) {
		es_host->conf_error(ctx, "filters", "out of memory");
		return -1;
	}
	json_object_foreach((json_t *)v, dim, e) {
		snprintf(path, sizeof(path), "filters.%s", dim);
		if (strcmp(dim, "geo") == 0) {
			es_host->conf_error(ctx, path, "regions are chosen "
			    "with \"regions\" (catalog ids), not a geo filter");
			rc = -1;
			continue;
		}
		if (strcmp(dim, "time") == 0) {
			es_host->conf_error(ctx, path, "periods are chosen "
			    "with \"since\", \"until\" or \"last\"");
			rc = -1;
			continue;
		}
		if (!es_code_ok(dim)) {
			es_host->conf_error(ctx, path, "expected a dimension "
			    "id");
			rc = -1;
			continue;
		}
		if (st->ind_dim != NULL && strcmp(dim, st->ind_dim) == 0) {
			es_host->conf_error(ctx, path, "this dimension is "
			    "already filtered by the codes of indicator.map");
			rc = -1;
			continue;
		}
		f = &st->filters[st->nfilters];
		if (es_codes(ctx, e, path, &f->vals, &f->nvals) == -1) {
			es_strv_free(f->vals, f->nvals);
			f->vals = NULL;
			f->nvals = 0;
			rc = -1;
			continue;
		}
		if ((f->dim = strdup(dim)) == NULL) {
			es_strv_free(f->vals, f->nvals);
			es_host->conf_error(ctx, path, "out of memory");
			return -1;
		}
		st->nfilters++;
		/* One indicator per cell: two codes would clash. */
		if (f->nvals > 1) {
			es_host->conf_error(ctx, path, "%zu codes would give "
			    "%zu values per region and period; give one, or "
			    "pick the indicator by this dimension with "
			    "indicator.dimension and indicator.map", f->nvals,
			    f->nvals);
			rc = -1;
		}
	}
	return rc;
}

static int
es_regions(struct rm_ctx *ctx, const json_t *v, struct es_state *st)
{
	const char	*code;
	char		 path[64];
	size_t		 i;
	int		 rc = 0;

	if (v == NULL) {
		es_host->conf_error(ctx, "regions", "missing: give the catalog "
		    "regions, e.g. [\"groningen\", \"drenthe\"]");
		return -1;
	}
	if (es_codes(ctx, v, "regions", &st->regions, &st->nregions) == -1)
		return -1;
	if ((st->geos = calloc(st->nregions, sizeof(char *))) == NULL) {
		es_host->conf_error(ctx, "regions", "out of memory");
		return -1;
	}
	for (i = 0; i < st->nregions; i++) {
		if (json_is_string(v))
			snprintf(path, sizeof(path), "regions");
		else
			snprintf(path, sizeof(path), "regions[%zu]", i);
		code = es_host->region_code(ctx, st->regions[i], "nuts");
		if (code == NULL) {
			es_host->conf_error(ctx, path, "region \"%s\" is not "
			    "in the catalog or has no NUTS code",
			    st->regions[i]);
			rc = -1;
			continue;
		}
		st->geos[i] = code;
	}
	return rc;
}

static int
es_period(struct rm_ctx *ctx, const json_t *conf, const char *key,
    char *out)
{
	const json_t	*v = json_object_get(conf, key);

	if (v == NULL)
		return 0;
	if (!json_is_string(v) ||
	    es_host->period_norm(json_string_value(v), out, ES_PERIOD) !=
	    RM_OK) {
		out[0] = '\0';
		es_host->conf_error(ctx, key, "expected a period like "
		    "\"2015\", \"2015-Q1\" or \"2015-01\"");
		return -1;
	}
	return 0;
}

/* Flag letters, lower-cased: "p" or "c:" */
static int
es_flags(struct rm_ctx *ctx, const json_t *conf, const char *key,
    const char *def, char **out)
{
	const json_t	*v = json_object_get(conf, key);
	const char	*s = def;
	size_t		 i;

	if (v != NULL) {
		if (!json_is_string(v)) {
			es_host->conf_error(ctx, key, "expected a string of "
			    "flag letters, e.g. \"%s\"", def);
			return -1;
		}
		s = json_string_value(v);
	}
	if ((*out = strdup(s)) == NULL) {
		es_host->conf_error(ctx, key, "out of memory");
		return -1;
	}
	for (i = 0; (*out)[i] != '\0'; i++)
		(*out)[i] = (char)tolower((unsigned char)(*out)[i]);
	return 0;
}

/*
 * A scale of 0.001 divides by 1000 rather than multiplying, so that a
 * value read as 12345 is stored as the double nearest 12.345, exactly as
 * the analyst would compute it.
 */
static int
es_scale(struct rm_ctx *ctx, const json_t *v, struct es_state *st)
{
	double	 s, inv;

	st->mul = 1;
	st->div = 0;
	if (v == NULL)
		return 0;
	if (!json_is_number(v) || !(json_number_value(v) > 0) ||
	    !isfinite(json_number_value(v))) {
		es_host->conf_error(ctx, "scale", "expected a positive number, "
		    "e.g. 0.001 for thousands to millions");
		return -1;
	}
	s = json_number_value(v);
	inv = 1 / s;
	if (s < 1 && inv == nearbyint(inv))
		st->div = inv;
	else
		st->mul = s;
	return 0;
}

static int
es_url_ok(const char *url, int *file)
{
	*file = strncasecmp(url, "file:", 5) == 0 && url[5] != '\0';
	return *file || strncasecmp(url, "http://", 7) == 0 ||
	    strncasecmp(url, "https://", 8) == 0;
}

/*
 * The config:
 *
 *	{"dataset": "lfst_r_lfu3rt",		the dataset code
 *	 "indicator": "unemployment-rate",	or {"dimension": "sectperf",
 *						    "map": {"TOTAL": "id"}}
 *	 "regions": ["groningen", "drenthe"],	catalog ids, by NUTS code
 *	 "filters": {"sex": "T", "unit": "PC"},	one code per dimension
 *	 "since": "2015", "until": "2024",	or "last": 5
 *	 "base_url": "https://...",		or "file:../share/demo/x"
 *	 "lang": "EN", "scale": 1,
 *	 "provisional_flags": "p",		status letters meaning
 *	 "missing_flags": "c:"}			provisional / no value
 *
 * Every problem is reported with its JSON path before RM_ERR, so the
 * function checks each key in turn rather than stopping at the first;
 * that makes it long.  The state put in *statep is new, for es_fini().
 * No I/O.
 */
int
es_init(struct rm_ctx *ctx, const json_t *conf, void **statep)
{
	struct es_state	*st;
	const json_t	*v;
	size_t		 i;
	int		 rc = RM_OK;

	*statep = NULL;
	if (!json_is_object(conf)) {
		es_host->conf_error(ctx, "", "expected an object with "
		    "\"dataset\", \"indicator\" and \"regions\"");
		return RM_ERR;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		es_host->conf_error(ctx, "", "out of memory");
		return RM_ERR;
	}
	if (es_host->conf_keys(ctx, "", conf, es_keys, NELEM(es_keys)) !=
	    RM_OK)
		rc = RM_ERR;
	v = json_object_get(conf, "dataset");
	if (v == NULL) {
		es_host->conf_error(ctx, "dataset", "missing: give the dataset "
		    "code, e.g. \"rd_e_gerdreg\"");
		rc = RM_ERR;
	} else if ((st->dataset = es_strdup(ctx, v, "dataset",
	    "a dataset code")) == NULL)
		rc = RM_ERR;
	else if (!es_code_ok(st->dataset)) {
		es_host->conf_error(ctx, "dataset", "expected a dataset code "
		    "like \"rd_e_gerdreg\", got \"%s\"", st->dataset);
		rc = RM_ERR;
	}
	if (es_indicator(ctx, json_object_get(conf, "indicator"), st) == -1)
		rc = RM_ERR;
	if (es_regions(ctx, json_object_get(conf, "regions"), st) == -1)
		rc = RM_ERR;
	if (es_filters(ctx, json_object_get(conf, "filters"), st) == -1)
		rc = RM_ERR;
	if (es_period(ctx, conf, "since", st->since) == -1 ||
	    es_period(ctx, conf, "until", st->until) == -1)
		rc = RM_ERR;
	if ((v = json_object_get(conf, "last")) != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > 1000) {
			es_host->conf_error(ctx, "last", "expected a number of "
			    "periods from 1 to 1000");
			rc = RM_ERR;
		} else if (st->since[0] != '\0' || st->until[0] != '\0') {
			es_host->conf_error(ctx, "last", "give \"last\" or "
			    "\"since\"/\"until\", not both");
			rc = RM_ERR;
		} else
			st->last = (long)json_integer_value(v);
	}
	v = json_object_get(conf, "base_url");
	if ((st->base = v != NULL ? es_strdup(ctx, v, "base_url", "a URL") :
	    strdup(ES_BASE)) == NULL) {
		if (v == NULL)
			es_host->conf_error(ctx, "base_url", "out of memory");
		rc = RM_ERR;
	} else if (!es_url_ok(st->base, &st->file)) {
		es_host->conf_error(ctx, "base_url", "expected an http://, "
		    "https:// or file: URL, got \"%s\"", st->base);
		rc = RM_ERR;
	} else {
		/* "BASE/" and "BASE" name the same directory. */
		i = strlen(st->base);
		while (i > 0 && st->base[i - 1] == '/')
			st->base[--i] = '\0';
	}
	v = json_object_get(conf, "lang");
	if ((st->lang = v != NULL ? es_strdup(ctx, v, "lang", "\"EN\", "
	    "\"FR\" or \"DE\"") : strdup("EN")) == NULL)
		rc = RM_ERR;
	else if (strcasecmp(st->lang, "EN") != 0 &&
	    strcasecmp(st->lang, "FR") != 0 &&
	    strcasecmp(st->lang, "DE") != 0) {
		es_host->conf_error(ctx, "lang", "expected \"EN\", \"FR\" or "
		    "\"DE\"");
		rc = RM_ERR;
	}
	if (es_scale(ctx, json_object_get(conf, "scale"), st) == -1)
		rc = RM_ERR;
	if (es_flags(ctx, conf, "provisional_flags", "p", &st->prov_flags) ==
	    -1 || es_flags(ctx, conf, "missing_flags", "c:",
	    &st->miss_flags) == -1)
		rc = RM_ERR;
	if (rc != RM_OK) {
		es_fini(st);
		return RM_ERR;
	}
	*statep = st;
	return RM_OK;
}
