/* SPDX-License-Identifier: ISC */
/*
 * config.c: the csv plugin's config: every key checked, every problem
 * reported with its JSON path, fixed indicator and region resolved
 * against the catalog, the state built.  No I/O.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv.h"
#include "strv.h"

#define CV_COLUMN \
	RM_CONF_STRING, "the name of a column in the header line"

const struct rm_conf_key cv_colkeys[CV_NCOLS] = {
	{ "indicator", CV_COLUMN }, { "region", CV_COLUMN },
	{ "period", CV_COLUMN }, { "value", CV_COLUMN },
	{ "status", CV_COLUMN }
};

/* Types are checked in cv_init's order, so only the names here. */
static const struct rm_conf_key cv_keys[] = {
	{ "url", 0, NULL }, { "separator", 0, NULL }, { "decimal", 0, NULL },
	{ "columns", 0, NULL }, { "indicator", 0, NULL },
	{ "region", 0, NULL }, { "region_scheme", 0, NULL },
	{ "missing", 0, NULL }, { "skip_unknown", 0, NULL }
};

static const char *const cv_schemes[] = {
	"id", "cbs", "nuts", "swing", "am"
};

static const char *const cv_missing_default[] = {
	"", ".", "-", "x", "?"
};

/* Free the state built by cv_init(); cv_fini(NULL) does nothing. */
void
cv_fini(void *arg)
{
	struct cv_state	*st = arg;
	size_t		 i;

	if (st == NULL)
		return;
	free(st->url);
	for (i = 0; i < CV_NCOLS; i++)
		free(st->col[i]);
	free(st->indicator);
	free(st->region);
	free(st->scheme);
	strv_free(st->missing, st->nmissing);
	free(st);
}

/*
 * The string at conf.key copied into *out, or *out untouched when the key
 * is absent.  0, or -1 after reporting a wrong type or running out of
 * memory.
 */
static int
cv_string(struct rm_ctx *ctx, const json_t *conf, const char *key,
    const char *what, char **out)
{
	const json_t	*v = json_object_get(conf, key);

	if (v == NULL)
		return 0;
	if (!json_is_string(v) || json_string_length(v) == 0) {
		cv_host->conf_error(ctx, key, "expected %s", what);
		return -1;
	}
	if (strlen(json_string_value(v)) != json_string_length(v)) {
		cv_host->conf_error(ctx, key, "expected %s, without NUL bytes",
		    what);
		return -1;
	}
	free(*out);
	if ((*out = strdup(json_string_value(v))) == NULL) {
		cv_host->conf_error(ctx, key, "out of memory");
		return -1;
	}
	return 0;
}

/* One of "," ";" "\t" (sep) or "," "." (decimal) into *c. */
static int
cv_char(struct rm_ctx *ctx, const json_t *conf, const char *key,
    const char *allowed, const char *what, char *c)
{
	const json_t	*v = json_object_get(conf, key);
	const char	*s;

	if (v == NULL)
		return 0;
	s = json_string_value(v);
	if (s == NULL) {
		cv_host->conf_error(ctx, key, "expected %s, got %s", what,
		    json_is_number(v) ? "a number" : json_is_array(v) ?
		    "an array" : json_is_object(v) ? "an object" :
		    json_is_null(v) ? "null" : "true or false");
		return -1;
	}
	/* Say what was there: "got \"|\"" finds the typo at a glance. */
	if (json_string_length(v) != 1 || s[0] == '\0' ||
	    strchr(allowed, s[0]) == NULL) {
		cv_host->conf_error(ctx, key, "expected %s, got \"%.32s\"",
		    what, s);
		return -1;
	}
	*c = s[0];
	return 0;
}

static int
cv_columns(struct rm_ctx *ctx, const json_t *conf, struct cv_state *st)
{
	const json_t	*cols = json_object_get(conf, "columns"), *v;
	char		 path[128];
	size_t		 i;
	int		 rc = 0;

	if (cols == NULL)
		return 0;
	if (!json_is_object(cols)) {
		cv_host->conf_error(ctx, "columns", "expected an object "
		    "mapping indicator, region, period, value and status to "
		    "header names");
		return -1;
	}
	if (cv_host->conf_keys(ctx, "columns", cols, cv_colkeys,
	    CV_NCOLS) != RM_OK)
		rc = -1;
	for (i = 0; i < CV_NCOLS; i++) {
		v = json_object_get(cols, cv_colkeys[i].name);
		if (!json_is_string(v) || json_string_length(v) == 0)
			continue;
		free(st->col[i]);
		if ((st->col[i] = strdup(json_string_value(v))) == NULL) {
			snprintf(path, sizeof(path), "columns.%s",
			    cv_colkeys[i].name);
			cv_host->conf_error(ctx, path, "out of memory");
			return -1;
		}
		st->col_given[i] = 1;
	}
	return rc;
}

static int
cv_missing(struct rm_ctx *ctx, const json_t *conf, struct cv_state *st)
{
	const json_t	*list = json_object_get(conf, "missing");

	if (list != NULL && cv_host->conf_type(ctx, "missing", list,
	    RM_CONF_STRINGS, "a list of cells that mean \"no value\", e.g. "
	    "[\"\", \"-\"]") != RM_OK)
		return -1;
	if (strv_dup(list, cv_missing_default, NELEM(cv_missing_default),
	    &st->missing, &st->nmissing) == -1) {
		cv_host->conf_error(ctx, "missing", "out of memory");
		return -1;
	}
	return 0;
}

/*
 * Where each field comes from: a fixed value or a column.  Every column
 * defaults to the header of the same name; a header that lacks it is
 * reported when the file is read.
 */
static int
cv_sources(struct rm_ctx *ctx, struct cv_state *st)
{
	const char	*id;
	size_t		 i;
	int		 rc = 0;

	if (st->indicator != NULL && st->col_given[CV_INDICATOR]) {
		cv_host->conf_error(ctx, "indicator", "give a fixed "
		    "\"indicator\" or \"columns.indicator\", not both");
		rc = -1;
	} else if (st->indicator != NULL &&
	    !cv_host->has_indicator(ctx, st->indicator)) {
		cv_host->conf_error(ctx, "indicator", "unknown indicator "
		    "\"%s\"", st->indicator);
		rc = -1;
	}
	if (st->region != NULL && st->col_given[CV_REGION]) {
		cv_host->conf_error(ctx, "region", "give a fixed \"region\" or "
		    "\"columns.region\", not both");
		rc = -1;
	} else if (st->region != NULL && st->scheme != NULL) {
		/* A fixed region is written in the same scheme as cells. */
		id = cv_host->region_by_code(ctx, st->scheme, st->region);
		if (id == NULL) {
			cv_host->conf_error(ctx, "region", "no catalog region "
			    "has %s code \"%s\"", st->scheme, st->region);
			rc = -1;
		} else {
			free(st->region);
			if ((st->region = strdup(id)) == NULL) {
				cv_host->conf_error(ctx, "region",
				    "out of memory");
				return -1;
			}
		}
	}
	for (i = 0; i < CV_NCOLS; i++) {
		if ((i == CV_INDICATOR && st->indicator != NULL) ||
		    (i == CV_REGION && st->region != NULL)) {
			free(st->col[i]);
			st->col[i] = NULL;
		} else if (st->col[i] == NULL &&
		    (st->col[i] = strdup(cv_colkeys[i].name)) == NULL) {
			cv_host->conf_error(ctx, cv_colkeys[i].name,
			    "out of memory");
			return -1;
		}
	}
	return rc;
}

static int
cv_url_ok(const char *url)
{
	return strncasecmp(url, "http://", 7) == 0 ||
	    strncasecmp(url, "https://", 8) == 0 ||
	    (strncasecmp(url, "file:", 5) == 0 && url[5] != '\0');
}

/*
 * The config (every key but url optional; the indicator comes from a
 * fixed "indicator" or from "columns.indicator"):
 *
 *	{"url": "file:../share/demo/x.csv",	http, https or file URL
 *	 "separator": ";",			";" (default), "," or "\t"
 *	 "decimal": ",",			"," (default) or "."
 *	 "columns": {"indicator": "...", "region": "region",
 *	     "period": "period", "value": "value", "status": "status"},
 *	 "indicator": "unemployment-rate",	fixed, instead of a column
 *	 "region": "groningen",			fixed, instead of a column
 *	 "region_scheme": "id",			or "cbs", "nuts", "swing", "am"
 *	 "missing": ["", ".", "-", "x", "?"],	cells meaning "no value"
 *	 "skip_unknown": false}			true: skip unknown rows
 *
 * Header names match ignoring case and surrounding blanks.  The status
 * column is optional unless named.  region_scheme applies to a fixed
 * region too.  skip_unknown skips rows whose indicator is not in the
 * catalog or whose region code maps to no region; a region written as a
 * catalog id is checked by the host's emit(), which refuses unknown ids
 * (the host table has no lookup for region ids), so such a row fails the
 * run whatever skip_unknown says.
 *
 * init() checks the config and builds the state.  Every problem is
 * reported with its JSON path before returning RM_ERR, so one
 * check-config run shows them all.  No I/O: only the catalog is consulted.
 */
int
cv_init(struct rm_ctx *ctx, const json_t *conf, void **statep)
{
	struct cv_state	*st;
	const json_t	*v;
	const char	*key;
	size_t		 i;
	int		 rc = RM_OK;

	*statep = NULL;
	if (!json_is_object(conf)) {
		cv_host->conf_error(ctx, "", "expected an object with at least "
		    "\"url\"");
		return RM_ERR;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		cv_host->conf_error(ctx, "", "out of memory");
		return RM_ERR;
	}
	st->sep = ';';
	st->dec = ',';
	if (cv_host->conf_keys(ctx, "", conf, cv_keys, NELEM(cv_keys)) != RM_OK)
		rc = RM_ERR;
	if (json_object_get(conf, "url") == NULL) {
		cv_host->conf_error(ctx, "url", "missing: give the CSV's "
		    "http(s):// or file: URL");
		rc = RM_ERR;
	} else if (cv_string(ctx, conf, "url", "a URL", &st->url) == -1) {
		rc = RM_ERR;
	} else if (!cv_url_ok(st->url)) {
		cv_host->conf_error(ctx, "url", "expected an http://, https:// "
		    "or file: URL, got \"%s\"", st->url);
		rc = RM_ERR;
	}
	if (cv_char(ctx, conf, "separator", ";,\t",
	    "\";\", \",\" or \"\\t\"", &st->sep) == -1)
		rc = RM_ERR;
	if (cv_char(ctx, conf, "decimal", ",.", "\",\" or \".\"",
	    &st->dec) == -1)
		rc = RM_ERR;
	/* Check every key, so one run reports every problem. */
	if (cv_string(ctx, conf, "indicator", "an indicator id",
	    &st->indicator) == -1)
		rc = RM_ERR;
	if (cv_string(ctx, conf, "region", "a region id or code",
	    &st->region) == -1)
		rc = RM_ERR;
	if (cv_string(ctx, conf, "region_scheme", "a code scheme",
	    &st->scheme) == -1)
		rc = RM_ERR;
	if (st->scheme != NULL) {
		for (i = 0; i < NELEM(cv_schemes); i++)
			if (strcmp(st->scheme, cv_schemes[i]) == 0)
				break;
		if (i == NELEM(cv_schemes)) {
			key = cv_host->did_you_mean(st->scheme, cv_schemes,
			    NELEM(cv_schemes));
			if (key != NULL)
				cv_host->conf_error(ctx, "region_scheme",
				    "unknown scheme; did you mean \"%s\"?",
				    key);
			else
				cv_host->conf_error(ctx, "region_scheme",
				    "expected \"id\", \"cbs\", \"nuts\", "
				    "\"swing\" or \"am\"");
			/* Report, but map nothing through a bad scheme. */
			free(st->scheme);
			st->scheme = NULL;
			rc = RM_ERR;
		} else if (strcmp(st->scheme, "id") == 0) {
			free(st->scheme);
			st->scheme = NULL;
		}
	}
	if ((v = json_object_get(conf, "skip_unknown")) != NULL) {
		if (!json_is_boolean(v)) {
			cv_host->conf_error(ctx, "skip_unknown", "expected "
			    "true or false");
			rc = RM_ERR;
		} else
			st->skip_unknown = json_is_true(v);
	}
	if (cv_columns(ctx, conf, st) == -1)
		rc = RM_ERR;
	if (cv_missing(ctx, conf, st) == -1)
		rc = RM_ERR;
	if (cv_sources(ctx, st) == -1)
		rc = RM_ERR;
	if (rc != RM_OK) {
		cv_fini(st);
		return RM_ERR;
	}
	*statep = st;
	return RM_OK;
}

