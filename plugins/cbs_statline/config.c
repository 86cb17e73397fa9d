/* SPDX-License-Identifier: ISC */
/*
 * config.c: the cbs_statline config, checked and turned into a struct
 * cbs_conf.  Every problem is reported with its JSON path (and a "did you
 * mean" where one is close) before init() fails, so one check-config run
 * shows them all.  No I/O: regions are looked up in the host's catalog.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbs.h"
static const struct rm_conf_key cbs_keys[] = {
	{ "api", 0, NULL }, { "base_url", 0, NULL }, { "table", 0, NULL },
	{ "typed", 0, NULL }, { "page_limit", 0, NULL },
	{ "region_dimension", 0, NULL }, { "period_dimension", 0, NULL },
	{ "series", 0, NULL }
};

static const char *const cbs_apis[] = { "v3", "v3-feed", "v4" };

static const char *const cbs_bases[] = {
	"https://opendata.cbs.nl/ODataApi/odata",
	"https://opendata.cbs.nl/ODataFeed/odata",
	"https://datasets.cbs.nl/odata/v1/CBS"
};

const char *
cbs_api_name(enum cbs_api api)
{
	return cbs_apis[api];
}

static void
cbs_measure_free(struct cbs_measure *m)
{
	free(m->key);
	free(m->title);
	free(m->resolved);
}

static void
cbs_series_free(struct cbs_series *s)
{
	size_t	 i;

	free(s->indicator);
	for (i = 0; i < s->nterms; i++)
		cbs_measure_free(&s->terms[i]);
	free(s->terms);
	if (s->per != NULL)
		cbs_measure_free(s->per);
	free(s->per);
	for (i = 0; i < s->nfilters; i++) {
		free(s->filters[i].dim);
		free(s->filters[i].code);
		free(s->filters[i].padded);
	}
	free(s->filters);
	for (i = 0; i < s->nregions; i++) {
		free(s->regions[i].id);
		free(s->regions[i].code);
		free(s->regions[i].padded);
	}
	free(s->regions);
	free(s->region);
	free(s->sum_into);
}

/* Free a config; cbs_conf_free(NULL) does nothing. */
void
cbs_conf_free(struct cbs_conf *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	free(c->base);
	free(c->table);
	free(c->region_dim);
	free(c->period_dim);
	for (i = 0; i < c->nseries; i++)
		cbs_series_free(&c->series[i]);
	free(c->series);
	free(c);
}

/* 1 if s is 1 to max bytes of "A-Za-z0-9" and the bytes in extra. */
int
cbs_word_ok(const char *s, const char *extra, size_t max)
{
	size_t	 n = strlen(s), i;

	if (n == 0 || n > max)
		return 0;
	for (i = 0; i < n; i++) {
		if ((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9'))
			continue;
		if (strchr(extra, s[i]) == NULL)
			return 0;
	}
	return 1;
}

/*
 * 1 if v is a JSON string of 1 to max bytes without control characters
 * or an embedded NUL.
 */
int
cbs_text_ok(const json_t *v, size_t max)
{
	const char	*s = json_string_value(v);
	size_t		 i, n;

	if (s == NULL || (n = json_string_length(v)) == 0 || n > max ||
	    strlen(s) != n)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

/* A copy of s (new), or NULL after reporting at path. */
char *
cbs_dup(struct rm_ctx *ctx, const char *path, const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		cbs_host->conf_error(ctx, path, "out of memory");
	return p;
}



static int
cbs_api_conf(struct rm_ctx *ctx, const json_t *conf, struct cbs_conf *c)
{
	const json_t	*v = json_object_get(conf, "api");
	const char	*s = json_string_value(v), *hint;
	size_t		 i;

	if (v == NULL) {
		cbs_host->conf_error(ctx, "api", "missing: give \"v3\" "
		    "(ODataApi), \"v3-feed\" (ODataFeed) or \"v4\"");
		return -1;
	}
	for (i = 0; s != NULL && i < NELEM(cbs_apis); i++) {
		if (strcmp(s, cbs_apis[i]) == 0) {
			c->api = (enum cbs_api)i;
			return 0;
		}
	}
	hint = s != NULL ? cbs_host->did_you_mean(s, cbs_apis,
	    NELEM(cbs_apis)) : NULL;
	if (hint != NULL)
		cbs_host->conf_error(ctx, "api", "unknown API; did you mean "
		    "\"%s\"?", hint);
	else
		cbs_host->conf_error(ctx, "api", "expected \"v3\", "
		    "\"v3-feed\" or \"v4\"");
	return -1;
}

static int
cbs_base_conf(struct rm_ctx *ctx, const json_t *conf, struct cbs_conf *c)
{
	const json_t	*v = json_object_get(conf, "base_url");
	const char	*s = c->api < NELEM(cbs_bases) ? cbs_bases[c->api] :
			    cbs_bases[0];
	size_t		 n;

	if (v != NULL) {
		s = json_string_value(v);
		if (!cbs_text_ok(v, 1024) || (strncmp(s, "http://", 7) != 0 &&
		    strncmp(s, "https://", 8) != 0 &&
		    (strncmp(s, "file:", 5) != 0 || s[5] == '\0'))) {
			cbs_host->conf_error(ctx, "base_url", "expected an "
			    "http://, https:// or file: URL, e.g. \"%s\"",
			    cbs_bases[c->api]);
			return -1;
		}
		if (strchr(s, '?') != NULL || strchr(s, '#') != NULL) {
			cbs_host->conf_error(ctx, "base_url", "expected the "
			    "service's base URL, without a query");
			return -1;
		}
	}
	if ((c->base = cbs_dup(ctx, "base_url", s)) == NULL)
		return -1;
	n = strlen(c->base);
	while (n > 0 && c->base[n - 1] == '/')
		c->base[--n] = '\0';
	c->is_file = strncmp(c->base, "file:", 5) == 0;
	return 0;
}

/* The simple top-level keys: table, typed, page_limit, dimensions. */
static int
cbs_top_conf(struct rm_ctx *ctx, const json_t *conf, struct cbs_conf *c)
{
	const json_t	*v;
	int		 rc = 0;

	v = json_object_get(conf, "table");
	if (v == NULL) {
		cbs_host->conf_error(ctx, "table", "missing: give the table "
		    "id, e.g. \"83625NED\" (case as CBS writes it)");
		rc = -1;
	} else if (!json_is_string(v) ||
	    !cbs_word_ok(json_string_value(v), "_-", 32)) {
		cbs_host->conf_error(ctx, "table", "expected a table id like "
		    "\"83625NED\" or \"03759ned\"");
		rc = -1;
	} else if ((c->table = cbs_dup(ctx, "table",
	    json_string_value(v))) == NULL)
		return -1;
	c->typed = 1;
	if ((v = json_object_get(conf, "typed")) != NULL) {
		if (!json_is_boolean(v)) {
			cbs_host->conf_error(ctx, "typed", "expected true "
			    "(TypedDataSet) or false (UntypedDataSet)");
			rc = -1;
		} else if (c->api == CBS_V4) {
			cbs_host->conf_error(ctx, "typed", "applies to api "
			    "\"v3\" and \"v3-feed\" only");
			rc = -1;
		} else
			c->typed = json_is_true(v);
	}
	c->page_limit = CBS_PAGE_LIMIT;
	if ((v = json_object_get(conf, "page_limit")) != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > 1000000) {
			cbs_host->conf_error(ctx, "page_limit", "expected a "
			    "whole number of pages from 1 to 1000000");
			rc = -1;
		} else
			c->page_limit = (long)json_integer_value(v);
	}
	c->region_dim = cbs_dup(ctx, "region_dimension", "RegioS");
	c->period_dim = cbs_dup(ctx, "period_dimension", "Perioden");
	if (c->region_dim == NULL || c->period_dim == NULL)
		return -1;
	if ((v = json_object_get(conf, "region_dimension")) != NULL) {
		if (!json_is_string(v) ||
		    !cbs_word_ok(json_string_value(v), "_", 64)) {
			cbs_host->conf_error(ctx, "region_dimension",
			    "expected a dimension name like \"RegioS\"");
			rc = -1;
		} else {
			free(c->region_dim);
			if ((c->region_dim = cbs_dup(ctx, "region_dimension",
			    json_string_value(v))) == NULL)
				return -1;
		}
	}
	if ((v = json_object_get(conf, "period_dimension")) != NULL) {
		if (!json_is_string(v) ||
		    !cbs_word_ok(json_string_value(v), "_", 64)) {
			cbs_host->conf_error(ctx, "period_dimension",
			    "expected a dimension name like \"Perioden\"");
			rc = -1;
		} else {
			free(c->period_dim);
			if ((c->period_dim = cbs_dup(ctx, "period_dimension",
			    json_string_value(v))) == NULL)
				return -1;
		}
	}
	return rc;
}

/* The config's hash, so a changed config downloads again. */
static int
cbs_hash_conf(struct rm_ctx *ctx, const json_t *conf, struct cbs_conf *c)
{
	char		*text;
	uint64_t	 h;

	if ((text = json_dumps(conf, JSON_COMPACT | JSON_SORT_KEYS)) == NULL) {
		cbs_host->conf_error(ctx, "", "out of memory");
		return -1;
	}
	h = cbs_hash(text, strlen(text), 0);
	free(text);
	snprintf(c->hash, sizeof(c->hash), "%016llx", (unsigned long long)h);
	return 0;
}

/*
 * Check conf and build *out (new, free with cbs_conf_free()).  0, or -1
 * after reporting every problem found with conf_error().
 */
int
cbs_conf_parse(struct rm_ctx *ctx, const json_t *conf, struct cbs_conf **out)
{
	struct cbs_conf	*c;
	const json_t	*series;
	size_t		 i, n;
	int		 rc = 0;

	*out = NULL;
	if (!json_is_object(conf)) {
		cbs_host->conf_error(ctx, "", "expected an object with "
		    "\"api\", \"table\" and \"series\"");
		return -1;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		cbs_host->conf_error(ctx, "", "out of memory");
		return -1;
	}
	if (cbs_host->conf_keys(ctx, "", conf, cbs_keys, NELEM(cbs_keys)) !=
	    RM_OK)
		rc = -1;
	if (cbs_api_conf(ctx, conf, c) == -1)
		rc = -1;
	/* Each on its own, so one run reports every problem. */
	if (cbs_base_conf(ctx, conf, c) == -1)
		rc = -1;
	if (cbs_top_conf(ctx, conf, c) == -1)
		rc = -1;
	if (cbs_hash_conf(ctx, conf, c) == -1)
		rc = -1;
	series = json_object_get(conf, "series");
	if (series == NULL || !json_is_array(series) ||
	    (n = json_array_size(series)) == 0) {
		cbs_host->conf_error(ctx, "series", series == NULL ?
		    "missing: give a list of series" : "expected a non-empty "
		    "list of series objects");
		rc = -1;
		goto done;
	}
	if (c->region_dim == NULL || c->period_dim == NULL)
		goto done;
	if ((c->series = calloc(n, sizeof(*c->series))) == NULL) {
		cbs_host->conf_error(ctx, "series", "out of memory");
		rc = -1;
		goto done;
	}
	c->nseries = n;
	for (i = 0; i < n; i++)
		if (cbs_series_conf(ctx, c, json_array_get(series, i), i) == -1)
			rc = -1;
	if (rc == 0 && cbs_check_overlap(ctx, c) == -1)
		rc = -1;
done:
	if (rc == -1) {
		cbs_conf_free(c);
		return -1;
	}
	*out = c;
	return 0;
}
