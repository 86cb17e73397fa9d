/* SPDX-License-Identifier: ISC */
/*
 * describe.c: `regiomon describe swing VARIABLE` (ABI 1.3): what the Open
 * Data Service answers for one variable at a geo level and period level,
 * read by the run's own page loop (sw_fetch()): the geo and period
 * levels of its rows, its periods, how many areas it has and which
 * catalog regions among them, how many values are not numbers.  Over
 * http(s) its title and unit (Variables('V'): Name, Unit) and the geo
 * levels it is published at (Variables('V')/GeoLevels) are asked too;
 * the Values answer carries neither.  --source-config turns it into a
 * source block.  `describe swing --search TEXT` lists the variables
 * (Variables) whose code or title holds TEXT.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "swing.h"
#include "csvparse.h"

static const char *const sw_req_keys[] = {
	"what", "base_url", "api_key_file", "source_config", "name",
	"indicator", "indicator_freq", "regions", "search"
};

/*
 * GET url, with the API key header, as JSON.  New, or NULL logged (an
 * HTTP failure by the host).
 */
static json_t *
sw_desc_get(struct rm_ctx *ctx, const char *url, const char *keyhdr)
{
	const char		*hdrs[2] = { keyhdr, NULL };
	struct rm_request	 req;
	struct rm_response	 resp;
	json_error_t		 jerr;
	json_t			*doc;

	memset(&req, 0, sizeof(req));
	req.url = url;
	req.headers = keyhdr != NULL ? hdrs : NULL;
	if (sw_host->http_get(ctx, &req, &resp) != RM_OK) {
		sw_host->response_free(&resp);
		return NULL;
	}
	doc = json_loadb(resp.body, resp.len, 0, &jerr);
	sw_host->response_free(&resp);
	if (doc == NULL)
		sw_host->log(ctx, RM_LOG_ERR, "%s: not JSON: line %d: %s",
		    url, jerr.line, jerr.text);
	return doc;
}

/*
 * The "value" rows of url and of the pages its @odata.nextLinks lead to
 * (within its origin, at most st->max_pages), appended to rows.  0, or
 * -1 logged.
 */
static int
sw_desc_list(struct rm_ctx *ctx, const struct sw_state *st, const char *first,
    const char *keyhdr, json_t *rows)
{
	const char	*link;
	json_t		*doc;
	char		*url, *next;
	long		 page;
	int		 rc = -1;

	if ((url = strdup(first)) == NULL) {
		sw_host->log(ctx, RM_LOG_ERR, "out of memory");
		return -1;
	}
	for (page = 1; page <= st->max_pages; page++) {
		if ((doc = sw_desc_get(ctx, url, keyhdr)) == NULL)
			break;
		if (!json_is_array(json_object_get(doc, "value"))) {
			sw_host->log(ctx, RM_LOG_ERR, "%s: expected an OData "
			    "answer with a \"value\" list", url);
			json_decref(doc);
			break;
		}
		json_array_extend(rows, json_object_get(doc, "value"));
		link = json_string_value(json_object_get(doc,
		    "@odata.nextLink"));
		next = link != NULL ? sw_next_url(ctx, url, link) : NULL;
		json_decref(doc);
		if (link == NULL) {
			rc = 0;
			break;
		}
		if (next == NULL || strcmp(next, url) == 0) {
			if (next != NULL)
				sw_host->log(ctx, RM_LOG_ERR, "%s: "
				    "@odata.nextLink points at the same page",
				    url);
			free(next);
			break;
		}
		free(url);
		url = next;
	}
	if (page > st->max_pages)
		sw_host->log(ctx, RM_LOG_ERR, "%s: more than %ld pages", first,
		    st->max_pages);
	free(url);
	return rc;
}

/*
 * Over http(s), what the service says of the variable itself into doc:
 * "title" and "unit" from Variables('V') (its Name and Unit), and
 * "geo_levels" from Variables('V')/GeoLevels (each level's ExternalCode),
 * in place of the levels of the rows read.  A file: base holds Values
 * pages only.  Not there: said, and the description goes on without.
 */
static void
sw_desc_meta(struct rm_ctx *ctx, const struct sw_state *st,
    const char *keyhdr, json_t *doc)
{
	const char	*var = st->series[0].variable, *s;
	json_t		*v, *rows, *geo, *row;
	char		*url;
	size_t		 i;

	if (st->file)
		return;
	if (asprintf(&url, "%s/Variables('%s')", st->base, var) == -1)
		goto oom;
	v = sw_desc_get(ctx, url, keyhdr);
	free(url);
	if (json_is_string(json_object_get(v, "Name")))
		json_object_set(doc, "title", json_object_get(v, "Name"));
	if ((s = json_string_value(json_object_get(v, "Unit"))) != NULL &&
	    *s != '\0')
		json_object_set_new(doc, "unit", json_string(s));
	if (!json_is_string(json_object_get(v, "Name")))
		sw_host->log(ctx, RM_LOG_WARNING, "Variables('%s') gave no "
		    "\"Name\": the variable's title and unit are not known",
		    var);
	json_decref(v);
	if (asprintf(&url, "%s/Variables('%s')/GeoLevels", st->base,
	    var) == -1)
		goto oom;
	rows = json_array();
	geo = json_array();
	if (sw_desc_list(ctx, st, url, keyhdr, rows) == 0) {
		json_array_foreach(rows, i, row)
			if ((s = json_string_value(json_object_get(row,
			    "ExternalCode"))) != NULL)
				json_array_append_new(geo, json_string(s));
		json_object_set(doc, "geo_levels", geo);
	} else
		sw_host->log(ctx, RM_LOG_WARNING, "the geo levels variable "
		    "%s is published at are not known; those of the rows "
		    "read are shown", var);
	json_decref(geo);
	json_decref(rows);
	free(url);
	return;
oom:
	sw_host->log(ctx, RM_LOG_ERR, "out of memory");
}

/*
 * describe swing --search TEXT: every variable of the service's list
 * (Variables; a file: base's variables.json) whose code or title holds
 * TEXT, ignoring case, as {code, title, unit}.  The list's rows have
 * ExternalCode and Name; a Unit is shown when a row has one.
 */
static json_t *
sw_desc_search(struct rm_ctx *ctx, const struct sw_state *st,
    const char *text, const char *keyhdr)
{
	const char	*code, *name, *unit;
	json_t		*rows, *hits, *row, *doc = NULL, *e;
	char		*url, title[256];
	size_t		 i;

	if (asprintf(&url, st->file ? "%s/variables.json" : "%s/Variables",
	    st->base) == -1) {
		sw_host->log(ctx, RM_LOG_ERR, "out of memory");
		return NULL;
	}
	rows = json_array();
	if (sw_desc_list(ctx, st, url, keyhdr, rows) == -1)
		goto done;
	hits = json_array();
	json_array_foreach(rows, i, row) {
		code = json_string_value(json_object_get(row, "ExternalCode"));
		name = json_string_value(json_object_get(row, "Name"));
		unit = json_string_value(json_object_get(row, "Unit"));
		if (code == NULL || (strcasestr(code, text) == NULL &&
		    (name == NULL || strcasestr(name, text) == NULL)))
			continue;
		e = json_pack("{s:s}", "code", code);
		if (name != NULL)
			json_object_set_new(e, "title", json_string(name));
		if (unit != NULL && *unit != '\0')
			json_object_set_new(e, "unit", json_string(unit));
		json_array_append_new(hits, e);
	}
	snprintf(title, sizeof(title), "the variables whose code or title "
	    "holds \"%s\" (of %zu)", text, json_array_size(rows));
	doc = json_pack("{s:s, s:s, s:s, s:s, s:o}", "plugin", "swing",
	    "what", text, "title", title, "base_url", st->base, "variables",
	    hits);
done:
	json_decref(rows);
	free(url);
	return doc;
}

static const char *
sw_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Add s to the array of distinct strings a (in first-seen order). */
static void
sw_distinct(json_t *a, const char *s)
{
	const json_t	*e;
	size_t		 i;

	if (s == NULL)
		return;
	json_array_foreach(a, i, e)
		if (strcmp(json_string_value(e), s) == 0)
			return;
	json_array_append_new(a, json_string(s));
}

/* The rows' levels, periods, areas and regions into doc. */
static void
sw_desc_rows(struct rm_ctx *ctx, const json_t *rows, json_t *doc)
{
	const json_t	*row, *vs;
	const char	*code;
	json_t		*geo, *plev, *areas, *regs, *range, *types;
	char		 p[SW_PERIOD], first[SW_PERIOD], last[SW_PERIOD];
	char		 text[2 * SW_PERIOD + 8];
	double		 num;
	size_t		 i, missing = 0;

	geo = json_array();
	plev = json_array();
	areas = json_array();
	regs = json_array();
	first[0] = last[0] = '\0';
	json_array_foreach(rows, i, row) {
		sw_distinct(geo, sw_str(row, "GeoLevel"));
		sw_distinct(plev, sw_str(row, "PeriodLevel"));
		vs = json_object_get(row, "ValueString");
		if (!json_is_string(vs) || csv_number(json_string_value(vs),
		    '.', &num) == -1)
			missing++;
		code = sw_str(row, "ExternalCode");
		sw_distinct(areas, code);
		if (code != NULL &&
		    sw_host->region_by_code(ctx, "swing", code) != NULL)
			sw_distinct(regs, code);
		if (sw_str(row, "Period") == NULL ||
		    sw_host->period_norm(sw_str(row, "Period"), p,
		    sizeof(p)) != RM_OK)
			continue;
		if (first[0] == '\0' || strcmp(p, first) < 0)
			memcpy(first, p, sizeof(p));
		if (strcmp(p, last) > 0)
			memcpy(last, p, sizeof(p));
	}
	json_object_set_new(doc, "geo_levels", geo);
	json_object_set_new(doc, "period_levels", plev);
	json_object_set_new(doc, "values", json_pack("{s:I, s:I, s:I}",
	    "rows", (json_int_t)json_array_size(rows), "areas",
	    (json_int_t)json_array_size(areas), "not_a_number",
	    (json_int_t)missing));
	json_decref(areas);
	/* The regions as {code, region}, in the order of the answer. */
	areas = json_array();
	json_array_foreach(regs, i, row)
		json_array_append_new(areas, json_pack("{s:O, s:s}", "code",
		    row, "region", sw_host->region_by_code(ctx, "swing",
		    json_string_value(row))));
	json_decref(regs);
	json_object_set_new(doc, "regions", areas);
	range = json_object();
	types = json_array();
	if (first[0] != '\0') {
		snprintf(text, sizeof(text), "%s .. %s", first, last);
		json_object_set_new(range, strlen(first) == 4 ? "year" :
		    first[5] == 'Q' ? "quarter" : "month", json_string(text));
		json_array_append_new(types, json_string(strlen(first) == 4 ?
		    "year" : first[5] == 'Q' ? "quarter" : "month"));
	}
	json_object_set_new(doc, "periods", range);
	json_object_set_new(doc, "period_types", types);
}

/* The source block into doc.  0, or -1 logged. */
static int
sw_desc_source(struct rm_ctx *ctx, const json_t *req,
    const struct sw_state *st, json_t *doc)
{
	const json_t	*regs = json_object_get(req, "regions"), *r, *e;
	const char	*ind = sw_str(req, "indicator"), *code, *freq;
	json_t		*conf;
	char		 name[80];
	size_t		 i, j;
	int		 rc = 0, found;

	if (ind == NULL) {
		sw_host->log(ctx, RM_LOG_ERR, "--source-config needs "
		    "--indicator ID");
		return -1;
	}
	if (json_object_get(req, "measure") != NULL ||
	    json_object_get(req, "filters") != NULL) {
		sw_host->log(ctx, RM_LOG_ERR, "--measure and --filter: a "
		    "Swing variable has neither; the variable is WHAT");
		return -1;
	}
	freq = sw_str(req, "indicator_freq");
	if (freq == NULL || json_object_get(json_object_get(doc, "periods"),
	    freq) == NULL) {
		sw_host->log(ctx, RM_LOG_ERR, "indicator %s is a %sly series, "
		    "and variable %s has no %s values", ind, freq != NULL ?
		    freq : "?", st->series[0].variable, freq != NULL ? freq :
		    "such");
		rc = -1;
	}
	json_array_foreach(regs, i, r) {
		code = sw_host->region_code(ctx, json_string_value(r),
		    "swing");
		found = 0;
		json_array_foreach(json_object_get(doc, "regions"), j, e)
			found |= code != NULL &&
			    strcmp(sw_str(e, "code"), code) == 0;
		if (!found) {
			sw_host->log(ctx, RM_LOG_ERR, "--region %s: %s",
			    json_string_value(r), code == NULL ? "the catalog "
			    "gives it no Swing code" : "the variable has no "
			    "values for its code");
			rc = -1;
		}
	}
	if (rc == -1)
		return -1;
	conf = json_pack("{s:[{s:s, s:s}]}", "series", "variable",
	    st->series[0].variable, "indicator", ind);
	if (json_array_size(regs) > 0)
		json_object_set(conf, "regions", (json_t *)regs);
	if (sw_str(req, "base_url") != NULL)
		json_object_set_new(conf, "base_url",
		    json_string(sw_str(req, "base_url")));
	if (st->key_file != NULL)
		json_object_set_new(conf, "api_key_file",
		    json_string(st->key_file));
	snprintf(name, sizeof(name), "%s", sw_str(req, "name") != NULL ?
	    sw_str(req, "name") : st->series[0].variable);
	for (i = 0; name[i] != '\0'; i++)
		if (name[i] == '_')
			name[i] = '-';
	json_object_set_new(doc, "source", json_pack("{s:s, s:s, s:o}",
	    "name", name, "plugin", "swing", "config", conf));
	return 0;
}

/* The state of a run of req's variable.  NULL logged. */
static struct sw_state *
sw_desc_state(struct rm_ctx *ctx, const json_t *req)
{
	struct sw_state	*st;
	const char	*k, *base;
	const json_t	*v;
	size_t		 i;
	int		 bad = 0;

	json_object_foreach((json_t *)req, k, v) {
		for (i = 0; i < NELEM(sw_req_keys); i++)
			if (strcmp(k, sw_req_keys[i]) == 0)
				break;
		if (i == NELEM(sw_req_keys) && strcmp(k, "measure") != 0 &&
		    strcmp(k, "filters") != 0) {
			sw_host->log(ctx, RM_LOG_ERR, "describe: \"%s\" is not "
			    "an option of swing", k);
			bad = 1;
		}
	}
	if (sw_str(req, "search") != NULL) {
		if (sw_str(req, "what") != NULL ||
		    json_object_get(req, "source_config") != NULL) {
			sw_host->log(ctx, RM_LOG_ERR, "describe: --search "
			    "lists variables: give no VARIABLE and no "
			    "--source-config with it");
			bad = 1;
		}
	} else if (sw_str(req, "what") == NULL ||
	    strspn(sw_str(req, "what"), "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
	    strlen(sw_str(req, "what")) || *sw_str(req, "what") == '\0') {
		sw_host->log(ctx, RM_LOG_ERR, "describe: expected a variable "
		    "like \"hern_tot\"");
		bad = 1;
	}
	if (bad)
		return NULL;
	if ((st = calloc(1, sizeof(*st))) == NULL)
		goto fail;
	if ((st->series = calloc(1, sizeof(*st->series))) == NULL) {
		free(st);
		goto fail;
	}
	st->nseries = 1;
	base = sw_str(req, "base_url") != NULL ? sw_str(req, "base_url") :
	    SW_BASE;
	st->base = strdup(base);
	st->series[0].variable = strdup(sw_str(req, "what") != NULL ?
	    sw_str(req, "what") : "");
	st->geo_level = strdup("gemeente");
	st->period_level = strdup("year");
	st->period = strdup("all");
	if (sw_str(req, "api_key_file") != NULL)
		st->key_file = strdup(sw_str(req, "api_key_file"));
	st->dec = '.';
	st->max_pages = 1000;
	if (st->base == NULL || st->series[0].variable == NULL ||
	    st->geo_level == NULL || st->period_level == NULL ||
	    st->period == NULL || (sw_str(req, "api_key_file") != NULL &&
	    st->key_file == NULL)) {
		sw_fini(st);
		goto fail;
	}
	i = strlen(st->base);
	while (i > 0 && st->base[i - 1] == '/')
		st->base[--i] = '\0';
	st->file = strncasecmp(st->base, "file:", 5) == 0;
	if (!st->file && st->key_file == NULL) {
		sw_host->log(ctx, RM_LOG_ERR, "the Open Data Service needs "
		    "an API key: give --api-key-file FILE");
		sw_fini(st);
		return NULL;
	}
	return st;
fail:
	sw_host->log(ctx, RM_LOG_ERR, "out of memory");
	return NULL;
}

int
sw_describe(struct rm_ctx *ctx, const json_t *req, json_t **out)
{
	struct sw_state	*st;
	json_t		*doc = NULL, *rows;
	char		*keyhdr = NULL;
	int		 rc = RM_ERR;

	*out = NULL;
	if ((st = sw_desc_state(ctx, req)) == NULL)
		return RM_ERR;
	rows = json_array();
	if (st->key_file != NULL && sw_read_key(ctx, st, &keyhdr) == -1)
		goto done;
	if (sw_str(req, "search") != NULL) {
		if ((doc = sw_desc_search(ctx, st, sw_str(req, "search"),
		    keyhdr)) == NULL)
			goto done;
		goto found;
	}
	if (sw_fetch(ctx, st, &st->series[0], st->series[0].variable, keyhdr,
	    NULL, NULL, NULL, NULL, rows) == -1)
		goto done;
	doc = json_pack("{s:s, s:s, s:n, s:n, s:{s:s, s:s, s:s}}", "plugin",
	    "swing", "what", st->series[0].variable, "title", "unit", "about",
	    "base_url", st->base, "geo_level", st->geo_level, "period_level",
	    st->period_level);
	sw_desc_rows(ctx, rows, doc);
	sw_desc_meta(ctx, st, keyhdr, doc);
	if (json_is_true(json_object_get(req, "source_config")) &&
	    sw_desc_source(ctx, req, st, doc) == -1)
		goto done;
found:
	*out = doc;
	doc = NULL;
	rc = RM_OK;
done:
	if (keyhdr != NULL) {
		explicit_bzero(keyhdr, strlen(keyhdr));
		free(keyhdr);
	}
	json_decref(doc);
	json_decref(rows);
	sw_fini(st);
	return rc;
}
