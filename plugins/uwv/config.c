/* SPDX-License-Identifier: ISC */
/*
 * config.c: the uwv plugin's config: the catalogue and resource choice,
 * the CSV dialect, and where indicator, region, period and value come
 * from.  Every problem is reported with its JSON path.  No I/O.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "uwv.h"
#include "strv.h"

#define UW_COLUMN \
	RM_CONF_STRING, "the name of a column in the header line"

static const struct rm_conf_key uw_colkeys[UW_NCOLS] = {
	{ "period", UW_COLUMN }, { "region", UW_COLUMN },
	{ "value", UW_COLUMN }, { "indicator", UW_COLUMN }
};

/* Types are checked in uw_init's order, so only the names here. */
static const struct rm_conf_key uw_keys[] = {
	{ "dataset", 0, NULL }, { "catalog_url", 0, NULL },
	{ "format", 0, NULL }, { "resource", 0, NULL },
	{ "select", 0, NULL }, { "member", 0, NULL },
	{ "encoding", 0, NULL }, { "separator", 0, NULL },
	{ "decimal", 0, NULL }, { "columns", 0, NULL },
	{ "indicator", 0, NULL }, { "indicators", 0, NULL },
	{ "region", 0, NULL }, { "regions", 0, NULL },
	{ "region_scheme", 0, NULL }, { "filter", 0, NULL },
	{ "aggregate", 0, NULL }, { "missing", 0, NULL }
};

static const char *const uw_schemes[] = {
	"cbs", "nuts", "swing", "am"
};

static const char *const uw_missing_default[] = {
	"", ".", "-", "x", "?"
};

static void
uw_pairs_free(struct uw_pair *p, size_t n)
{
	size_t	 i;

	for (i = 0; p != NULL && i < n; i++) {
		free(p[i].cell);
		free(p[i].id);
	}
	free(p);
}

/* Free the state built by uw_init(); uw_fini(NULL) does nothing. */
void
uw_fini(void *arg)
{
	struct uw_state	*st = arg;
	size_t		 i;

	if (st == NULL)
		return;
	free(st->catalog);
	free(st->dataset);
	free(st->resource);
	free(st->member);
	for (i = 0; i < UW_NCOLS; i++)
		free(st->col[i]);
	free(st->indicator);
	uw_pairs_free(st->inds, st->ninds);
	free(st->region);
	uw_pairs_free(st->regs, st->nregs);
	free(st->scheme);
	for (i = 0; i < st->nfilters; i++) {
		free(st->filters[i].col);
		strv_free(st->filters[i].vals, st->filters[i].nvals);
	}
	free(st->filters);
	strv_free(st->missing, st->nmissing);
	free(st);
}

/* The string at conf.key copied to *out; absent leaves *out.  0 or -1. */
static int
uw_string(struct rm_ctx *ctx, const json_t *conf, const char *key,
    const char *what, char **out)
{
	const json_t	*v = json_object_get(conf, key);

	if (v == NULL)
		return 0;
	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		uw_host->conf_error(ctx, key, "expected %s", what);
		return -1;
	}
	free(*out);
	if ((*out = strdup(json_string_value(v))) == NULL) {
		uw_host->conf_error(ctx, key, "out of memory");
		return -1;
	}
	return 0;
}

/* One of the words in names (case-insensitive) at key: its index. */
static int
uw_word(struct rm_ctx *ctx, const json_t *conf, const char *key,
    const char *const *names, size_t n, const char *what, int *out)
{
	const json_t	*v = json_object_get(conf, key);
	size_t		 i;

	if (v == NULL)
		return 0;
	for (i = 0; json_is_string(v) && i < n; i++) {
		if (strcasecmp(json_string_value(v), names[i]) == 0) {
			*out = (int)i;
			return 0;
		}
	}
	uw_host->conf_error(ctx, key, "expected %s", what);
	return -1;
}

/* {"cell": "id", ...} into pairs; ids checked by check().  0 or -1. */
static int
uw_pairs(struct rm_ctx *ctx, const json_t *v, const char *key,
    int (*check)(struct rm_ctx *, const char *), const char *what,
    struct uw_pair **out, size_t *nout)
{
	const json_t	*e;
	const char	*cell;
	char		 path[160];
	int		 rc = 0;

	if (!json_is_object(v) || json_object_size(v) == 0) {
		uw_host->conf_error(ctx, key, "expected an object mapping "
		    "cells of the file to %s ids", what);
		return -1;
	}
	if ((*out = calloc(json_object_size(v), sizeof(**out))) == NULL) {
		uw_host->conf_error(ctx, key, "out of memory");
		return -1;
	}
	json_object_foreach((json_t *)v, cell, e) {
		snprintf(path, sizeof(path), "%s.%s", key, cell);
		if (!json_is_string(e)) {
			uw_host->conf_error(ctx, path, "expected %s id", what);
			rc = -1;
			continue;
		}
		if (!check(ctx, json_string_value(e))) {
			uw_host->conf_error(ctx, path, "unknown %s \"%s\"",
			    what, json_string_value(e));
			rc = -1;
		}
		(*out)[*nout].cell = strdup(cell);
		(*out)[*nout].id = strdup(json_string_value(e));
		(*nout)++;
		if ((*out)[*nout - 1].cell == NULL ||
		    (*out)[*nout - 1].id == NULL) {
			uw_host->conf_error(ctx, path, "out of memory");
			return -1;
		}
	}
	return rc;
}

static int
uw_has_indicator(struct rm_ctx *ctx, const char *id)
{
	return uw_host->has_indicator(ctx, id);
}

static int
uw_has_region(struct rm_ctx *ctx, const char *id)
{
	return uw_host->has_region(ctx, id);
}

static int
uw_columns(struct rm_ctx *ctx, const json_t *conf, struct uw_state *st)
{
	const json_t	*cols = json_object_get(conf, "columns"), *v;
	char		 path[128];
	size_t		 i;
	int		 rc = 0;

	if (cols == NULL) {
		uw_host->conf_error(ctx, "columns", "missing: name the header "
		    "of the period, region and value columns, e.g. "
		    "{\"period\": \"PEILDATUM\", \"region\": \"PROVINCIE\", "
		    "\"value\": \"AANTAL\"}");
		return -1;
	}
	if (!json_is_object(cols)) {
		uw_host->conf_error(ctx, "columns", "expected an object "
		    "mapping period, region, value and indicator to header "
		    "names");
		return -1;
	}
	if (uw_host->conf_keys(ctx, "columns", cols, uw_colkeys,
	    UW_NCOLS) != RM_OK)
		rc = -1;
	for (i = 0; i < UW_NCOLS; i++) {
		snprintf(path, sizeof(path), "columns.%s", uw_colkeys[i].name);
		v = json_object_get(cols, uw_colkeys[i].name);
		if (!json_is_string(v) || json_string_length(v) == 0)
			continue;
		if ((st->col[i] = strdup(json_string_value(v))) == NULL) {
			uw_host->conf_error(ctx, path, "out of memory");
			return -1;
		}
	}
	for (i = 0; i < UW_NCOLS; i++) {
		snprintf(path, sizeof(path), "columns.%s", uw_colkeys[i].name);
		if (i == UW_PERIOD_COL || i == UW_VALUE) {
			if (st->col[i] == NULL) {
				uw_host->conf_error(ctx, path, "missing: name "
				    "the %s column", uw_colkeys[i].name);
				rc = -1;
			}
		}
	}
	return rc;
}

static int
uw_filters(struct rm_ctx *ctx, const json_t *v, struct uw_state *st)
{
	const json_t	*e, *x;
	const char	*col;
	struct uw_filter *f;
	char		 path[160];
	size_t		 i, n;

	if (v == NULL)
		return 0;
	if (!json_is_object(v)) {
		uw_host->conf_error(ctx, "filter", "expected an object of "
		    "column: value(s), e.g. {\"REC_TYPE\": \"Vacature\"}");
		return -1;
	}
	if ((st->filters = calloc(json_object_size(v) + 1,
	    sizeof(*st->filters))) == NULL) {
		uw_host->conf_error(ctx, "filter", "out of memory");
		return -1;
	}
	json_object_foreach((json_t *)v, col, e) {
		snprintf(path, sizeof(path), "filter.%s", col);
		n = json_is_string(e) ? 1 : json_array_size(e);
		if (n == 0) {
			uw_host->conf_error(ctx, path, "expected a cell value "
			    "or a non-empty list of them");
			return -1;
		}
		f = &st->filters[st->nfilters++];
		if ((f->col = strdup(col)) == NULL ||
		    (f->vals = calloc(n, sizeof(char *))) == NULL) {
			uw_host->conf_error(ctx, path, "out of memory");
			return -1;
		}
		for (i = 0; i < n; i++) {
			x = json_is_string(e) ? e : json_array_get(e, i);
			if (!json_is_string(x)) {
				snprintf(path, sizeof(path), "filter.%s[%zu]",
				    col, i);
				uw_host->conf_error(ctx, path, "expected a "
				    "string");
				return -1;
			}
			if ((f->vals[f->nvals] =
			    strdup(json_string_value(x))) == NULL) {
				uw_host->conf_error(ctx, path, "out of memory");
				return -1;
			}
			f->nvals++;
		}
	}
	return 0;
}

static int
uw_missing(struct rm_ctx *ctx, const json_t *v, struct uw_state *st)
{
	if (v != NULL && uw_host->conf_type(ctx, "missing", v,
	    RM_CONF_STRINGS, "a list of cells that mean \"no value\", e.g. "
	    "[\"\", \"-\"]") != RM_OK)
		return -1;
	if (strv_dup(v, uw_missing_default, NELEM(uw_missing_default),
	    &st->missing, &st->nmissing) == -1) {
		uw_host->conf_error(ctx, "missing", "out of memory");
		return -1;
	}
	return 0;
}

/* Where indicator and region come from: exactly one way each. */
static int
uw_sources(struct rm_ctx *ctx, const json_t *conf, struct uw_state *st)
{
	const json_t	*v;
	int		 rc = 0, ways;

	ways = (st->indicator != NULL) + (st->col[UW_INDICATOR] != NULL);
	if (ways != 1) {
		uw_host->conf_error(ctx, "indicator", ways == 0 ? "missing: "
		    "give a fixed \"indicator\", or \"columns.indicator\" with "
		    "an \"indicators\" map" : "give a fixed \"indicator\" or "
		    "\"columns.indicator\", not both");
		rc = -1;
	} else if (st->indicator != NULL &&
	    !uw_host->has_indicator(ctx, st->indicator)) {
		uw_host->conf_error(ctx, "indicator", "unknown indicator "
		    "\"%s\"", st->indicator);
		rc = -1;
	}
	v = json_object_get(conf, "indicators");
	if (st->col[UW_INDICATOR] != NULL && v == NULL) {
		uw_host->conf_error(ctx, "indicators", "missing: map the cells "
		    "of column \"%s\" to indicator ids", st->col[UW_INDICATOR]);
		rc = -1;
	} else if (v != NULL && st->col[UW_INDICATOR] == NULL) {
		uw_host->conf_error(ctx, "indicators", "needs "
		    "\"columns.indicator\"");
		rc = -1;
	} else if (v != NULL && uw_pairs(ctx, v, "indicators",
	    uw_has_indicator, "indicator", &st->inds, &st->ninds) == -1)
		rc = -1;

	ways = (st->region != NULL) + (json_object_get(conf, "regions") !=
	    NULL) + (st->scheme != NULL);
	if (ways != 1) {
		uw_host->conf_error(ctx, "regions", ways == 0 ? "missing: map "
		    "the region cells with \"regions\" ({\"Groningen\": "
		    "\"groningen\"}), or give \"region_scheme\" or a fixed "
		    "\"region\"" : "give one of \"regions\", \"region_scheme\" "
		    "and \"region\"");
		rc = -1;
	} else if (st->region != NULL) {
		if (!uw_host->has_region(ctx, st->region)) {
			uw_host->conf_error(ctx, "region", "unknown region "
			    "\"%s\"", st->region);
			rc = -1;
		}
		if (st->col[UW_REGION] != NULL) {
			uw_host->conf_error(ctx, "region", "give a fixed "
			    "\"region\" or \"columns.region\", not both");
			rc = -1;
		}
	} else {
		if (st->col[UW_REGION] == NULL) {
			uw_host->conf_error(ctx, "columns.region", "missing: "
			    "name the region column");
			rc = -1;
		}
		if ((v = json_object_get(conf, "regions")) != NULL &&
		    uw_pairs(ctx, v, "regions", uw_has_region, "region",
		    &st->regs, &st->nregs) == -1)
			rc = -1;
	}
	return rc;
}

static int
uw_url_ok(const char *url, int *file)
{
	*file = strncasecmp(url, "file:", 5) == 0 && url[5] != '\0';
	return *file || strncasecmp(url, "http://", 7) == 0 ||
	    strncasecmp(url, "https://", 8) == 0;
}

/* Which dataset, where, and which of its files.  0 or -1. */
static int
uw_resource_conf(struct rm_ctx *ctx, const json_t *conf, struct uw_state *st)
{
	static const char *const fmts[] = { "any", "zip", "csv" };
	static const char *const sels[] = { "latest", "all" };
	size_t		 i;
	int		 rc = 0, w;

	if (json_object_get(conf, "dataset") == NULL) {
		uw_host->conf_error(ctx, "dataset", "missing: give the CKAN "
		    "dataset id, e.g. \"uwv-open-match-data\"");
		rc = -1;
	} else if (uw_string(ctx, conf, "dataset", "a dataset id",
	    &st->dataset) == -1)
		rc = -1;
	else {
		for (i = 0; st->dataset[i] != '\0'; i++)
			if (!isalnum((unsigned char)st->dataset[i]) &&
			    strchr("-_", st->dataset[i]) == NULL)
				break;
		if (st->dataset[i] != '\0') {
			uw_host->conf_error(ctx, "dataset", "expected a CKAN "
			    "id (letters, digits, \"-\", \"_\"), got \"%s\"",
			    st->dataset);
			rc = -1;
		}
	}
	if ((st->catalog = strdup(UW_CATALOG)) == NULL ||
	    uw_string(ctx, conf, "catalog_url", "a URL", &st->catalog) == -1)
		rc = -1;
	else if (!uw_url_ok(st->catalog, &st->file)) {
		uw_host->conf_error(ctx, "catalog_url", "expected an http://, "
		    "https:// or file: URL, got \"%s\"", st->catalog);
		rc = -1;
	} else if (st->file) {
		i = strlen(st->catalog);
		while (i > 0 && st->catalog[i - 1] == '/')
			st->catalog[--i] = '\0';
	}
	w = 0;
	if (uw_word(ctx, conf, "format", fmts, NELEM(fmts), "\"zip\", "
	    "\"csv\" or \"any\"", &w) == -1)
		rc = -1;
	st->format = (enum uw_fmt)w;
	w = 0;
	if (uw_word(ctx, conf, "select", sels, NELEM(sels), "\"latest\" or "
	    "\"all\"", &w) == -1)
		rc = -1;
	st->all = w;
	if (uw_string(ctx, conf, "resource", "a part of the resource's "
	    "name or URL", &st->resource) == -1)
		rc = -1;
	if ((st->member = strdup("*.csv")) == NULL ||
	    uw_string(ctx, conf, "member", "a file name pattern, e.g. "
	    "\"*.csv\"", &st->member) == -1)
		rc = -1;
	return rc;
}

/* How the file is written and how its rows combine.  0 or -1. */
static int
uw_dialect(struct rm_ctx *ctx, const json_t *conf, struct uw_state *st)
{
	static const char *const encs[] = { "auto", "utf-8", "cp1252",
	    "latin-1", "utf8", "latin1" };
	static const char *const aggs[] = { "none", "sum" };
	const json_t	*v;
	int		 rc = 0, w;

	st->sep = ';';
	st->dec = ',';
	w = 0;
	if (uw_word(ctx, conf, "encoding", encs, NELEM(encs), "\"auto\", "
	    "\"utf-8\" or \"cp1252\" (latin-1)", &w) == -1)
		rc = -1;
	st->enc = w == 0 ? UW_ENC_AUTO : w == 1 || w == 4 ? UW_ENC_UTF8 :
	    UW_ENC_CP1252;
	w = 0;
	if (uw_word(ctx, conf, "aggregate", aggs, NELEM(aggs), "\"none\" "
	    "(one row per region and period) or \"sum\"", &w) == -1)
		rc = -1;
	st->sum = w;
	if ((v = json_object_get(conf, "separator")) != NULL) {
		if (!json_is_string(v) || json_string_length(v) != 1 ||
		    strchr(";,\t", json_string_value(v)[0]) == NULL) {
			uw_host->conf_error(ctx, "separator", "expected \";\", "
			    "\",\" or \"\\t\"");
			rc = -1;
		} else
			st->sep = json_string_value(v)[0];
	}
	if ((v = json_object_get(conf, "decimal")) != NULL) {
		if (!json_is_string(v) || json_string_length(v) != 1 ||
		    strchr(",.", json_string_value(v)[0]) == NULL) {
			uw_host->conf_error(ctx, "decimal", "expected \",\" or "
			    "\".\"");
			rc = -1;
		} else
			st->dec = json_string_value(v)[0];
	}
	return rc;
}

/*
 * The config:
 *
 *	{"dataset": "uwv-open-match-data",	CKAN package id
 *	 "catalog_url": "https://data.overheid.nl/data/api/3/action/"
 *	     "package_show",			or "file:DIR" (DIR/DATASET.json)
 *	 "format": "zip",			"zip", "csv" or "any"
 *	 "resource": "open match",		substring of name or URL
 *	 "select": "latest",			or "all"
 *	 "member": "*.csv",			ZIP member to read
 *	 "encoding": "auto",			"utf-8", "cp1252" ("latin-1")
 *	 "separator": ";", "decimal": ",",
 *	 "columns": {"period": "PEILDATUM", "region": "PROVINCIE",
 *	     "value": "AANTAL", "indicator": "REC_TYPE"},
 *	 "indicator": "x" or "indicators": {"Vacature": "vacancies"},
 *	 "regions": {"Groningen": "groningen"},	or "region_scheme": "cbs",
 *						or a fixed "region"
 *	 "filter": {"COL": ["a", "b"]},		keep only these rows
 *	 "aggregate": "sum",			or "none"
 *	 "missing": ["", ".", "-", "x", "?"]}
 *
 * Rows whose indicator or region cell is not mapped are skipped; that is
 * what the maps are for.  Every problem is reported with its JSON path
 * before RM_ERR; the state put in *statep is new, for uw_fini().  No I/O.
 */
int
uw_init(struct rm_ctx *ctx, const json_t *conf, void **statep)
{
	struct uw_state	*st;
	size_t		 i;
	int		 rc = RM_OK;

	*statep = NULL;
	if (!json_is_object(conf)) {
		uw_host->conf_error(ctx, "", "expected an object with at least "
		    "\"dataset\" and \"columns\"");
		return RM_ERR;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		uw_host->conf_error(ctx, "", "out of memory");
		return RM_ERR;
	}
	if (uw_host->conf_keys(ctx, "", conf, uw_keys, NELEM(uw_keys)) !=
	    RM_OK)
		rc = RM_ERR;
	if (uw_resource_conf(ctx, conf, st) == -1)
		rc = RM_ERR;
	if (uw_dialect(ctx, conf, st) == -1)
		rc = RM_ERR;
	if (uw_string(ctx, conf, "indicator", "an indicator id",
	    &st->indicator) == -1)
		rc = RM_ERR;
	if (uw_string(ctx, conf, "region", "a region id", &st->region) == -1)
		rc = RM_ERR;
	if (uw_string(ctx, conf, "region_scheme", "a code scheme",
	    &st->scheme) == -1)
		rc = RM_ERR;
	else if (st->scheme != NULL) {
		for (i = 0; i < NELEM(uw_schemes); i++)
			if (strcmp(st->scheme, uw_schemes[i]) == 0)
				break;
		if (i == NELEM(uw_schemes)) {
			uw_host->conf_error(ctx, "region_scheme", "expected "
			    "\"cbs\", \"nuts\", \"swing\" or \"am\"");
			rc = RM_ERR;
		}
	}
	if (uw_columns(ctx, conf, st) == -1)
		rc = RM_ERR;
	if (uw_sources(ctx, conf, st) == -1)
		rc = RM_ERR;
	if (uw_filters(ctx, json_object_get(conf, "filter"), st) == -1)
		rc = RM_ERR;
	if (uw_missing(ctx, json_object_get(conf, "missing"), st) == -1)
		rc = RM_ERR;
	if (rc != RM_OK) {
		uw_fini(st);
		return RM_ERR;
	}
	*statep = st;
	return RM_OK;
}
