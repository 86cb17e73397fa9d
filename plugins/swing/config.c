/* SPDX-License-Identifier: ISC */
/*
 * config.c: the swing plugin's config: every key checked, every problem
 * reported with its JSON path, catalog regions turned into Swing area
 * codes, scales prepared.  No I/O: the API key is read at collect time.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "swing.h"
#include "strv.h"

static const struct rm_conf_key sw_keys[] = {
	{ "base_url", 0, NULL }, { "api_key_file", 0, NULL },
	{ "series", 0, NULL }, { "regions", 0, NULL },
	{ "geo_level", 0, NULL }, { "period_level", 0, NULL },
	{ "period", 0, NULL }, { "missing", 0, NULL },
	{ "decimal", 0, NULL }, { "max_pages", 0, NULL }
};

static const struct rm_conf_key sw_series_keys[] = {
	{ "variable", 0, NULL }, { "indicator", 0, NULL },
	{ "scale", 0, NULL }, { "per", 0, NULL }
};

static const char *const sw_missing_default[] = {
	"?", "", "-", "x"
};

/* Free the state built by sw_init(); sw_fini(NULL) does nothing. */
void
sw_fini(void *arg)
{
	struct sw_state	*st = arg;
	size_t		 i;

	if (st == NULL)
		return;
	free(st->base);
	free(st->key_file);
	free(st->geo_level);
	free(st->period_level);
	free(st->period);
	for (i = 0; i < st->nseries; i++) {
		free(st->series[i].variable);
		free(st->series[i].indicator);
		free(st->series[i].per);
	}
	free(st->series);
	strv_free(st->regions, st->nregions);
	free(st->codes);
	strv_free(st->missing, st->nmissing);
	free(st);
}

/* 1 if s is an OData key: letters, digits and "_" only. */
static int
sw_code_ok(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

/*
 * The string at conf.key copied into *out (or def when absent).  what
 * says what was expected.  0, or -1 after reporting.
 */
static int
sw_string(struct rm_ctx *ctx, const json_t *conf, const char *key,
    const char *path, const char *def, const char *what, char **out)
{
	const json_t	*v = json_object_get(conf, key);

	if (v == NULL && def == NULL) {
		sw_host->conf_error(ctx, path, "missing: give %s", what);
		return -1;
	}
	if (v != NULL && (!json_is_string(v) || json_string_length(v) == 0 ||
	    strlen(json_string_value(v)) != json_string_length(v))) {
		sw_host->conf_error(ctx, path, "expected %s", what);
		return -1;
	}
	if ((*out = strdup(v != NULL ? json_string_value(v) : def)) == NULL) {
		sw_host->conf_error(ctx, path, "out of memory");
		return -1;
	}
	return 0;
}

/* See es_scale in eurostat.c: 0.001 divides by 1000, bit for bit. */
static int
sw_scale(struct rm_ctx *ctx, const json_t *v, const char *path,
    struct sw_series *s)
{
	double	 d, inv;

	s->mul = 1;
	s->div = 0;
	if (v == NULL)
		return 0;
	if (!json_is_number(v) || !(json_number_value(v) > 0) ||
	    !isfinite(json_number_value(v))) {
		sw_host->conf_error(ctx, path, "expected a positive number, "
		    "e.g. 0.001 for TJ to PJ");
		return -1;
	}
	d = json_number_value(v);
	inv = 1 / d;
	if (d < 1 && inv == nearbyint(inv))
		s->div = inv;
	else
		s->mul = d;
	return 0;
}

static int
sw_series(struct rm_ctx *ctx, const json_t *v, struct sw_state *st)
{
	const json_t	*e;
	struct sw_series *s;
	char		 path[64], sub[96];
	size_t		 i;
	int		 rc = 0;

	if (v == NULL) {
		sw_host->conf_error(ctx, "series", "missing: give a list of "
		    "{\"variable\": ..., \"indicator\": ...}");
		return -1;
	}
	if (!json_is_array(v) || json_array_size(v) == 0) {
		sw_host->conf_error(ctx, "series", "expected a non-empty list "
		    "of {\"variable\": ..., \"indicator\": ...}");
		return -1;
	}
	if ((st->series = calloc(json_array_size(v), sizeof(*s))) == NULL) {
		sw_host->conf_error(ctx, "series", "out of memory");
		return -1;
	}
	json_array_foreach(v, i, e) {
		snprintf(path, sizeof(path), "series[%zu]", i);
		s = &st->series[st->nseries++];
		if (!json_is_object(e)) {
			sw_host->conf_error(ctx, path, "expected an object "
			    "with \"variable\" and \"indicator\"");
			rc = -1;
			continue;
		}
		if (sw_host->conf_keys(ctx, path, e, sw_series_keys,
		    NELEM(sw_series_keys)) != RM_OK)
			rc = -1;
		snprintf(sub, sizeof(sub), "%s.variable", path);
		if (sw_string(ctx, e, "variable", sub, NULL, "a Swing variable "
		    "code, e.g. \"hern_tot\"", &s->variable) == -1)
			rc = -1;
		else if (!sw_code_ok(s->variable)) {
			sw_host->conf_error(ctx, sub, "expected a variable "
			    "code (letters, digits, \"_\"), got \"%s\"",
			    s->variable);
			rc = -1;
		}
		snprintf(sub, sizeof(sub), "%s.indicator", path);
		if (sw_string(ctx, e, "indicator", sub, NULL, "a catalog "
		    "indicator id", &s->indicator) == -1)
			rc = -1;
		else if (!sw_host->has_indicator(ctx, s->indicator)) {
			sw_host->conf_error(ctx, sub, "unknown indicator "
			    "\"%s\"", s->indicator);
			rc = -1;
		}
		snprintf(sub, sizeof(sub), "%s.scale", path);
		if (sw_scale(ctx, json_object_get(e, "scale"), sub, s) == -1)
			rc = -1;
		snprintf(sub, sizeof(sub), "%s.per", path);
		if (json_object_get(e, "per") == NULL)
			continue;
		if (sw_string(ctx, e, "per", sub, NULL, "a Swing variable "
		    "code to divide by, e.g. \"energie_totaal_combi\"",
		    &s->per) == -1)
			rc = -1;
		else if (!sw_code_ok(s->per)) {
			sw_host->conf_error(ctx, sub, "expected a variable "
			    "code (letters, digits, \"_\"), got \"%s\"",
			    s->per);
			rc = -1;
		}
	}
	return rc;
}

static int
sw_regions(struct rm_ctx *ctx, const json_t *v, struct sw_state *st)
{
	const json_t	*e;
	char		 path[64];
	size_t		 i, n;
	int		 rc = 0;

	if (v == NULL)
		return 0;
	if (!json_is_array(v) || json_array_size(v) == 0) {
		sw_host->conf_error(ctx, "regions", "expected a list of "
		    "catalog region ids, e.g. [\"assen\", \"tynaarlo\"]");
		return -1;
	}
	n = json_array_size(v);
	st->regions = calloc(n, sizeof(char *));
	st->codes = calloc(n, sizeof(char *));
	if (st->regions == NULL || st->codes == NULL) {
		sw_host->conf_error(ctx, "regions", "out of memory");
		return -1;
	}
	json_array_foreach(v, i, e) {
		snprintf(path, sizeof(path), "regions[%zu]", i);
		if (!json_is_string(e)) {
			sw_host->conf_error(ctx, path, "expected a region id");
			rc = -1;
			continue;
		}
		if ((st->regions[st->nregions] =
		    strdup(json_string_value(e))) == NULL) {
			sw_host->conf_error(ctx, path, "out of memory");
			return -1;
		}
		st->codes[st->nregions] = sw_host->region_code(ctx,
		    st->regions[st->nregions], "swing");
		if (st->codes[st->nregions] == NULL) {
			sw_host->conf_error(ctx, path, "region \"%s\" is not "
			    "in the catalog or has no swing code",
			    json_string_value(e));
			rc = -1;
		}
		st->nregions++;
	}
	return rc;
}

static int
sw_missing(struct rm_ctx *ctx, const json_t *v, struct sw_state *st)
{
	if (v != NULL && sw_host->conf_type(ctx, "missing", v,
	    RM_CONF_STRINGS, "a list of ValueStrings that mean \"no value\", "
	    "e.g. [\"?\", \"\"]") != RM_OK)
		return -1;
	if (strv_dup(v, sw_missing_default, NELEM(sw_missing_default),
	    &st->missing, &st->nmissing) == -1) {
		sw_host->conf_error(ctx, "missing", "out of memory");
		return -1;
	}
	return 0;
}

/*
 * For the waiting state, while the key file is not there yet: what it
 * holds and where to get one.  The Klimaatmonitor gives keys through its
 * contact page; another Swing service is named by its host.
 */
static void
sw_wanted(struct rm_ctx *ctx, const struct sw_state *st)
{
	const char	*base = st->base != NULL ? st->base : SW_BASE, *h;
	char		 hint[200];
	size_t		 n;

	if (!RM_HOST_HAS(sw_host, secret_wanted) ||
	    sw_host->secret_wanted == NULL)
		return;
	h = strstr(base, "://");
	h = h != NULL ? h + 3 : base;
	n = strcspn(h, "/:?#");
	if (n == strlen("klimaatmonitor.databank.nl") &&
	    strncasecmp(h, "klimaatmonitor.databank.nl", n) == 0)
		snprintf(hint, sizeof(hint), "request one from the "
		    "Klimaatmonitor (klimaatmonitor.databank.nl)");
	else
		snprintf(hint, sizeof(hint), "request one from the service "
		    "at %.*s", (int)(n < 120 ? n : 120), h);
	sw_host->secret_wanted(ctx, "an API key", hint);
}

/*
 * The config:
 *
 *	{"base_url": "https://klimaatmonitor.databank.nl/jiveservices/odata",
 *	 "api_key_file": "/etc/regiomon/klimaatmonitor.key",
 *	 "series": [{"variable": "hern_tot",
 *	     "indicator": "renewable-supply-sun-wind", "scale": 0.001}],
 *	 "regions": ["assen", ...],		default: every area the
 *						catalog has a swing code for
 *	 "geo_level": "gemeente", "period_level": "year",
 *	 "period": "all",			or "mrp" or a year
 *	 "missing": ["?", "", "-", "x"],	ValueStrings meaning no value
 *	 "decimal": ".", "max_pages": 1000}
 *
 * The key file is required for an http(s) base and read at collect time;
 * a file: base reads recorded pages, BASE/VARIABLE.json.  Every problem
 * is reported with its JSON path before RM_ERR, each key checked in turn,
 * which makes this long.  The state put in *statep is new, for sw_fini().
 */
int
sw_init(struct rm_ctx *ctx, const json_t *conf, void **statep)
{
	struct sw_state	*st;
	const json_t	*v;
	size_t		 i;
	int		 rc = RM_OK;

	*statep = NULL;
	if (!json_is_object(conf)) {
		sw_host->conf_error(ctx, "", "expected an object with "
		    "\"series\" and \"api_key_file\"");
		return RM_ERR;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		sw_host->conf_error(ctx, "", "out of memory");
		return RM_ERR;
	}
	st->dec = '.';
	st->max_pages = 1000;
	if (sw_host->conf_keys(ctx, "", conf, sw_keys, NELEM(sw_keys)) !=
	    RM_OK)
		rc = RM_ERR;
	if (sw_string(ctx, conf, "base_url", "base_url", SW_BASE, "a URL",
	    &st->base) == -1)
		rc = RM_ERR;
	else {
		st->file = strncasecmp(st->base, "file:", 5) == 0 &&
		    st->base[5] != '\0';
		if (!st->file && strncasecmp(st->base, "http://", 7) != 0 &&
		    strncasecmp(st->base, "https://", 8) != 0) {
			sw_host->conf_error(ctx, "base_url", "expected an "
			    "http://, https:// or file: URL, got \"%s\"",
			    st->base);
			rc = RM_ERR;
		}
		i = strlen(st->base);
		while (i > 0 && st->base[i - 1] == '/')
			st->base[--i] = '\0';
	}
	if (json_object_get(conf, "api_key_file") != NULL) {
		if (sw_string(ctx, conf, "api_key_file", "api_key_file", NULL,
		    "the path of the file holding the API key",
		    &st->key_file) == -1)
			rc = RM_ERR;
		else if (st->key_file[0] != '/') {
			sw_host->conf_error(ctx, "api_key_file", "expected an "
			    "absolute path, got \"%s\"", st->key_file);
			rc = RM_ERR;
		} else {
			sw_wanted(ctx, st);
			if (sw_host->check_secret != NULL &&
			    sw_host->check_secret(ctx, "api_key_file",
			    st->key_file) != RM_OK)
				rc = RM_ERR;
		}
	} else if (st->base != NULL && !st->file) {
		sw_host->conf_error(ctx, "api_key_file", "missing: the Open "
		    "Data Service needs a personal API key; put it in a file "
		    "readable by regiomon only and give its path");
		rc = RM_ERR;
	}
	if (sw_series(ctx, json_object_get(conf, "series"), st) == -1)
		rc = RM_ERR;
	if (sw_regions(ctx, json_object_get(conf, "regions"), st) == -1)
		rc = RM_ERR;
	if (sw_string(ctx, conf, "geo_level", "geo_level", "gemeente",
	    "a geo level, e.g. \"gemeente\"", &st->geo_level) == -1)
		rc = RM_ERR;
	else if (!sw_code_ok(st->geo_level)) {
		sw_host->conf_error(ctx, "geo_level", "expected a geo level "
		    "like \"gemeente\" or \"provincie\"");
		rc = RM_ERR;
	}
	if (sw_string(ctx, conf, "period_level", "period_level", "year",
	    "a period level, e.g. \"year\"", &st->period_level) == -1)
		rc = RM_ERR;
	else if (!sw_code_ok(st->period_level)) {
		sw_host->conf_error(ctx, "period_level", "expected a period "
		    "level like \"year\"");
		rc = RM_ERR;
	}
	if (sw_string(ctx, conf, "period", "period", "all", "\"all\", "
	    "\"mrp\" or a year", &st->period) == -1)
		rc = RM_ERR;
	else if (!sw_code_ok(st->period)) {
		sw_host->conf_error(ctx, "period", "expected \"all\", \"mrp\" "
		    "(most recent period) or a year like \"2022\"");
		rc = RM_ERR;
	}
	if (sw_missing(ctx, json_object_get(conf, "missing"), st) == -1)
		rc = RM_ERR;
	if ((v = json_object_get(conf, "decimal")) != NULL) {
		if (!json_is_string(v) || (strcmp(json_string_value(v), ".") !=
		    0 && strcmp(json_string_value(v), ",") != 0)) {
			sw_host->conf_error(ctx, "decimal", "expected \".\" or "
			    "\",\"");
			rc = RM_ERR;
		} else
			st->dec = json_string_value(v)[0];
	}
	if ((v = json_object_get(conf, "max_pages")) != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > 1000000) {
			sw_host->conf_error(ctx, "max_pages", "expected a "
			    "number of pages from 1 to 1000000");
			rc = RM_ERR;
		} else
			st->max_pages = (long)json_integer_value(v);
	}
	if (rc != RM_OK) {
		sw_fini(st);
		return RM_ERR;
	}
	*statep = st;
	return RM_OK;
}
