/* SPDX-License-Identifier: ISC */
/*
 * describe.c: `regiomon describe cbs_statline TABLE` (ABI 1.3): the
 * table's title, status and stamp, its measures (key, title, unit,
 * decimals; with the other API's key when it is asked too), its
 * dimensions with their codes (totals marked), its periods and which are
 * provisional, and the catalog regions it has codes for.  The pages are
 * read as a run reads them (cbs_get(), cbs_pages()); --source-config
 * turns the description into a source block (describe_src.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cbs.h"

static const char *const cbs_req_keys[] = {
	"what", "api", "base_url", "other_base_url", "source_config", "name",
	"indicator", "indicator_freq", "measure", "regions", "filters"
};

static const char *const cbs_def_bases[] = {
	"https://opendata.cbs.nl/ODataApi/odata",
	"https://opendata.cbs.nl/ODataFeed/odata",
	"https://datasets.cbs.nl/odata/v1/CBS"
};

static const char *const cbs_type_names[] = { "year", "quarter", "month" };

/* Every row of a paged entity, appended to the array arg. */
static int
cbs_desc_rows(struct cbs_run *run, json_t *rows, const char *url,
    size_t page, size_t first, void *arg)
{
	(void)url;
	(void)page;
	(void)first;
	if (json_array_extend(arg, rows) == -1) {
		cbs_host->log(run->ctx, RM_LOG_ERR, "out of memory");
		return -1;
	}
	return 0;
}

/* The rows of entity (file under a file: base), new; NULL logged. */
static json_t *
cbs_desc_list(struct cbs_run *run, const char *entity, const char *file)
{
	json_t	*rows;
	char	*url;

	if ((url = cbs_url(run->conf, entity, file)) == NULL ||
	    (rows = json_array()) == NULL) {
		free(url);
		cbs_host->log(run->ctx, RM_LOG_ERR, "out of memory");
		return NULL;
	}
	if (cbs_pages(run, url, entity, NULL, cbs_desc_rows, NULL,
	    rows) == -1) {
		json_decref(rows);
		rows = NULL;
	}
	free(url);
	return rows;
}

static const char *
cbs_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* A string member trimmed into o[key], if there is one. */
static void
cbs_set_trimmed(json_t *o, const char *key, const char *s)
{
	const char	*p;
	size_t		 n;

	if (s == NULL)
		return;
	cbs_trim(s, &p, &n);
	json_object_set_new(o, key, json_stringn(p, n));
}

/*
 * The table's measures as [{key, title, unit, decimals}], from
 * DataProperties (v3 Topic rows) or MeasureCodes (v4); the v3 rows that
 * are dimensions into *dims (v4 has its own Dimensions).  NULL logged.
 */
static json_t *
cbs_desc_measures(struct cbs_run *run, json_t **dims)
{
	json_t		*rows, *out, *m, *row, *dec;
	const char	*type;
	size_t		 i;
	int		 v4 = run->conf->api == CBS_V4;

	if (dims != NULL)
		*dims = NULL;
	rows = v4 ? cbs_desc_list(run, "MeasureCodes", "measure-codes.json") :
	    cbs_desc_list(run, "DataProperties", "data-properties.json");
	if (rows == NULL)
		return NULL;
	out = json_array();
	if (dims != NULL && !v4)
		*dims = json_array();
	json_array_foreach(rows, i, row) {
		type = cbs_str(row, "Type");
		if (!v4 && type != NULL && strcmp(type, "Topic") != 0) {
			if (dims != NULL && (strcmp(type, "Dimension") == 0 ||
			    strcmp(type, "GeoDimension") == 0 ||
			    strcmp(type, "GeoDetail") == 0 ||
			    strcmp(type, "TimeDimension") == 0))
				json_array_append(*dims, row);
			continue;
		}
		if (cbs_str(row, v4 ? "Identifier" : "Key") == NULL)
			continue;
		m = json_object();
		cbs_set_trimmed(m, "key", cbs_str(row, v4 ? "Identifier" :
		    "Key"));
		cbs_set_trimmed(m, "title", cbs_str(row, "Title"));
		cbs_set_trimmed(m, "unit", cbs_str(row, "Unit"));
		if (json_is_number(dec = json_object_get(row, "Decimals")))
			json_object_set_new(m, "decimals",
			    json_integer((json_int_t)json_number_value(dec)));
		json_array_append_new(out, m);
	}
	json_decref(rows);
	return out;
}

/* Titles compare trimmed and ignoring ASCII case, as a run compares. */
static int
cbs_desc_title_eq(const json_t *a, const json_t *b)
{
	const char	*ta = cbs_str(a, "title"), *tb = cbs_str(b, "title");

	return ta != NULL && tb != NULL && strcasecmp(ta, tb) == 0;
}

static size_t
cbs_desc_title_count(const json_t *list, const json_t *m)
{
	const json_t	*e;
	size_t		 i, n = 0;

	json_array_foreach(list, i, e)
		n += cbs_desc_title_eq(e, m);
	return n;
}

/*
 * Pair the measures with the other API's: in order when both list the
 * same titles in the same order, else by a title each has once.  The
 * pair's keys go to "v3_key" and "v4_code".
 */
static void
cbs_desc_pair(json_t *ms, const json_t *other, int v4)
{
	json_t		*m, *o;
	size_t		 i, j, n = json_array_size(ms);
	int		 inorder = n == json_array_size(other);

	for (i = 0; inorder && i < n; i++)
		inorder = cbs_desc_title_eq(json_array_get(ms, i),
		    json_array_get(other, i));
	json_array_foreach(ms, i, m) {
		o = NULL;
		if (inorder)
			o = json_array_get(other, i);
		else if (cbs_desc_title_count(ms, m) == 1 &&
		    cbs_desc_title_count(other, m) == 1)
			for (j = 0; o == NULL && j < json_array_size(other);
			    j++)
				if (cbs_desc_title_eq(json_array_get(other, j),
				    m))
					o = json_array_get(other, j);
		json_object_set(m, v4 ? "v4_code" : "v3_key",
		    json_object_get(m, "key"));
		if (o != NULL)
			json_object_set(m, v4 ? "v3_key" : "v4_code",
			    json_object_get(o, "key"));
	}
}

/* 1 if code is a CBS total: "T" and six digits (T001038, T009002). */
static int
cbs_desc_total(const char *code)
{
	size_t	 i;

	if (code[0] != 'T' || strlen(code) != 7)
		return 0;
	for (i = 1; i < 7; i++)
		if (code[i] < '0' || code[i] > '9')
			return 0;
	return 1;
}

/* A dimension's kind: Dimension, GeoDimension, TimeDimension. */
static const char *
cbs_desc_kind(const json_t *d)
{
	const char	*k;

	if ((k = cbs_str(d, "Kind")) == NULL && (k = cbs_str(d,
	    "Type")) == NULL)
		k = "Dimension";
	return strcmp(k, "GeoDetail") == 0 ? "GeoDimension" : k;
}

/*
 * The periods of the time dimension's codes: per type its first and last
 * (canonical), the types, and the provisional ones.  Into doc.
 */
static void
cbs_desc_periods(const json_t *codes, json_t *doc)
{
	json_t		*range, *types, *prov, *row;
	const char	*st;
	char		 code[32], norm[RM_PERIOD_MAX], first[3][RM_PERIOD_MAX];
	char		 last[3][RM_PERIOD_MAX], text[64];
	unsigned	 t, seen = 0;
	size_t		 i, k;

	prov = json_array();
	json_array_foreach(codes, i, row) {
		if (cbs_str(row, "code") == NULL || cbs_trim_copy(cbs_str(row,
		    "code"), code, sizeof(code)) == -1)
			continue;
		if ((t = cbs_period_type(code)) == 0 ||
		    cbs_host->period_norm(code, norm, sizeof(norm)) != RM_OK)
			continue;
		k = t == CBS_YEAR ? 0 : t == CBS_QUARTER ? 1 : 2;
		if (!(seen & t) || strcmp(norm, first[k]) < 0)
			memcpy(first[k], norm, sizeof(norm));
		if (!(seen & t) || strcmp(norm, last[k]) > 0)
			memcpy(last[k], norm, sizeof(norm));
		seen |= t;
		st = cbs_str(row, "status");
		if (st != NULL && (strcmp(st, "Voorlopig") == 0 ||
		    strcmp(st, "NaderVoorlopig") == 0))
			json_array_append_new(prov, json_string(norm));
	}
	range = json_object();
	types = json_array();
	for (k = 0; k < 3; k++) {
		if (!(seen & (1u << k)))
			continue;
		snprintf(text, sizeof(text), "%s .. %s", first[k], last[k]);
		json_object_set_new(range, cbs_type_names[k],
		    json_string(text));
		json_array_append_new(types, json_string(cbs_type_names[k]));
	}
	json_object_set_new(doc, "periods", range);
	json_object_set_new(doc, "period_types", types);
	json_object_set_new(doc, "provisional", prov);
}

/*
 * The codes of dimension d: [{code, title, total}] (and status for the
 * time dimension), from codes-DIM (v3: the entity DIM, v4: DIMCodes).
 * NULL logged.
 */
static json_t *
cbs_desc_codes(struct cbs_run *run, const char *dim)
{
	json_t		*rows, *out, *c, *row;
	const char	*code;
	char		 entity[96], file[96], trimmed[CBS_CODE_MAX + 1];
	size_t		 i;
	int		 v4 = run->conf->api == CBS_V4;

	snprintf(entity, sizeof(entity), "%s%s", dim, v4 ? "Codes" : "");
	snprintf(file, sizeof(file), "codes-%s.json", dim);
	if ((rows = cbs_desc_list(run, entity, file)) == NULL)
		return NULL;
	out = json_array();
	json_array_foreach(rows, i, row) {
		code = cbs_str(row, v4 ? "Identifier" : "Key");
		if (code == NULL || cbs_trim_copy(code, trimmed,
		    sizeof(trimmed)) == -1)
			continue;
		c = json_object();
		json_object_set_new(c, "code", json_string(trimmed));
		cbs_set_trimmed(c, "title", cbs_str(row, "Title"));
		if (cbs_desc_total(trimmed))
			json_object_set_new(c, "total", json_true());
		if (cbs_str(row, "Status") != NULL)
			json_object_set_new(c, "status",
			    json_string(cbs_str(row, "Status")));
		json_array_append_new(out, c);
	}
	json_decref(rows);
	return out;
}

/*
 * The dimensions [{key, title, kind, codes}] with their codes; the time
 * dimension's codes go to "periods" instead, the region dimension's
 * catalog regions to "regions".  Sets the run's region and period
 * dimension names.  0, or -1 logged.
 */
static int
cbs_desc_dims(struct cbs_run *run, json_t *dimrows, json_t *doc)
{
	struct cbs_conf	*c = run->conf;
	json_t		*dims, *d, *row, *codes, *regs, *e, *r;
	const char	*key, *kind, *id;
	char		*dup;
	size_t		 i, j;
	int		 unread;

	dims = json_array();
	regs = json_array();
	json_object_set_new(doc, "dimensions", dims);
	json_object_set_new(doc, "regions", regs);
	json_object_set_new(doc, "periods", json_object());
	json_object_set_new(doc, "period_types", json_array());
	json_object_set_new(doc, "provisional", json_array());
	json_array_foreach(dimrows, i, row) {
		key = cbs_str(row, c->api == CBS_V4 ? "Identifier" : "Key");
		if (key == NULL || !cbs_word_ok(key, "_", 64))
			continue;
		kind = cbs_desc_kind(row);
		/* A recording may lack a list: said, and left out. */
		if ((codes = cbs_desc_codes(run, key)) == NULL) {
			cbs_host->log(run->ctx, RM_LOG_WARNING, "dimension %s: "
			    "its codes were not read (above); described "
			    "without them", key);
			codes = json_array();
			unread = 1;
		} else
			unread = 0;
		if (strcmp(kind, "TimeDimension") == 0 ||
		    strcmp(kind, "GeoDimension") == 0) {
			if ((dup = strdup(key)) == NULL) {
				json_decref(codes);
				return -1;
			}
			if (strcmp(kind, "TimeDimension") == 0) {
				free(c->period_dim);
				c->period_dim = dup;
				cbs_desc_periods(codes, doc);
			} else {
				free(c->region_dim);
				c->region_dim = dup;
			}
		}
		if (strcmp(kind, "GeoDimension") == 0)
			json_array_foreach(codes, j, e) {
				id = cbs_host->region_by_code(run->ctx, "cbs",
				    cbs_str(e, "code"));
				if (id == NULL)
					continue;
				r = json_object();
				json_object_set(r, "code",
				    json_object_get(e, "code"));
				json_object_set_new(r, "region",
				    json_string(id));
				json_array_append_new(regs, r);
			}
		d = json_object();
		json_object_set_new(d, "key", json_string(key));
		cbs_set_trimmed(d, "title", cbs_str(row, "Title"));
		json_object_set_new(d, "kind", json_string(kind));
		if (unread)
			json_object_set_new(d, "codes_read", json_false());
		else
			json_object_set_new(d, "count",
			    json_integer((json_int_t)json_array_size(codes)));
		/* The periods are listed under "periods" and "provisional". */
		if (strcmp(kind, "TimeDimension") == 0 || unread)
			json_decref(codes);
		else
			json_object_set_new(d, "codes", codes);
		json_array_append_new(dims, d);
	}
	return 0;
}

/* The table's title, status and stamp into doc.  0, or -1 logged. */
static int
cbs_desc_info(struct cbs_run *run, json_t *doc, json_t *about)
{
	const struct cbs_conf	*c = run->conf;
	const json_t		*info;
	json_t			*root;
	const char		*what;
	char			*url;

	what = c->api == CBS_V4 ? "Properties" : "TableInfos";
	url = cbs_url(c, what, c->api == CBS_V4 ? "properties.json" :
	    "table-infos.json");
	if (url == NULL) {
		cbs_host->log(run->ctx, RM_LOG_ERR, "out of memory");
		return -1;
	}
	if (cbs_get(run, url, what, 0, &root) == -1) {
		free(url);
		return -1;
	}
	free(url);
	info = c->api == CBS_V4 ? root :
	    json_array_get(json_object_get(root, "value"), 0);
	cbs_set_trimmed(doc, "title", cbs_str(info, "Title"));
	cbs_set_trimmed(about, "status", cbs_str(info, c->api == CBS_V4 ?
	    "Status" : "OutputStatus"));
	cbs_set_trimmed(about, "modified", cbs_str(info, "Modified"));
	cbs_set_trimmed(about, "frequency", cbs_str(info, "Frequency"));
	cbs_set_trimmed(about, "period", cbs_str(info, c->api == CBS_V4 ?
	    "TemporalCoverage" : "Period"));
	json_decref(root);
	return 0;
}

/* A config for describing: no series, the dimensions' usual names. */
static struct cbs_conf *
cbs_desc_conf(enum cbs_api api, const char *base, const char *table)
{
	struct cbs_conf	*c;
	size_t		 n;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->api = api;
	c->base = strdup(base);
	c->table = strdup(table);
	c->region_dim = strdup("RegioS");
	c->period_dim = strdup("Perioden");
	c->typed = 1;
	c->page_limit = CBS_PAGE_LIMIT;
	if (c->base == NULL || c->table == NULL || c->region_dim == NULL ||
	    c->period_dim == NULL) {
		cbs_conf_free(c);
		return NULL;
	}
	n = strlen(c->base);
	while (n > 0 && c->base[n - 1] == '/')
		c->base[--n] = '\0';
	c->is_file = strncmp(c->base, "file:", 5) == 0;
	return c;
}

/* The measures of the same table in the other API, or NULL (logged). */
static json_t *
cbs_desc_other(struct rm_ctx *ctx, const json_t *req, enum cbs_api api,
    const char *table)
{
	struct cbs_run	 run;
	struct cbs_conf	*c;
	const char	*base = cbs_str(req, "other_base_url");
	json_t		*ms;
	enum cbs_api	 other = api == CBS_V4 ? CBS_V3 : CBS_V4;

	/* A base of one's own says where to look; a default, the other's. */
	if (base == NULL && cbs_str(req, "base_url") != NULL)
		return NULL;
	if ((c = cbs_desc_conf(other, base != NULL ? base :
	    cbs_def_bases[other], table)) == NULL)
		return NULL;
	memset(&run, 0, sizeof(run));
	run.ctx = ctx;
	run.conf = c;
	if ((ms = cbs_desc_measures(&run, NULL)) == NULL)
		cbs_host->log(ctx, RM_LOG_WARNING, "table %s is not read in "
		    "API %s (above): its keys there are not shown", table,
		    cbs_api_name(other));
	cbs_conf_free(c);
	return ms;
}

/* The API req names (default v3).  0, or -1 logged. */
static int
cbs_desc_api(struct rm_ctx *ctx, const json_t *req, enum cbs_api *api)
{
	static const char *const names[] = { "v3", "v3-feed", "v4" };
	const char	*s = cbs_str(req, "api");
	size_t		 i;

	*api = CBS_V3;
	if (s == NULL)
		return 0;
	for (i = 0; i < NELEM(names); i++)
		if (strcmp(s, names[i]) == 0) {
			*api = (enum cbs_api)i;
			return 0;
		}
	cbs_host->log(ctx, RM_LOG_ERR, "--api %s: expected v3, v3-feed or v4",
	    s);
	return -1;
}

/* Only the options this plugin knows.  0, or -1 logged. */
static int
cbs_desc_check(struct rm_ctx *ctx, const json_t *req, const char **table)
{
	const char	*k, *base;
	const json_t	*v;
	size_t		 i;
	int		 rc = 0;

	json_object_foreach((json_t *)req, k, v) {
		for (i = 0; i < NELEM(cbs_req_keys); i++)
			if (strcmp(k, cbs_req_keys[i]) == 0)
				break;
		if (i == NELEM(cbs_req_keys)) {
			cbs_host->log(ctx, RM_LOG_ERR, "describe: \"%s\" is "
			    "not an option of cbs_statline", k);
			rc = -1;
		}
	}
	*table = cbs_str(req, "what");
	if (*table == NULL || !cbs_word_ok(*table, "_-", 32)) {
		cbs_host->log(ctx, RM_LOG_ERR, "describe: expected a table id "
		    "like \"83625NED\" or \"03759ned\"");
		rc = -1;
	}
	base = cbs_str(req, "base_url");
	if (base != NULL && strncmp(base, "http://", 7) != 0 &&
	    strncmp(base, "https://", 8) != 0 &&
	    strncmp(base, "file:", 5) != 0) {
		cbs_host->log(ctx, RM_LOG_ERR, "--base-url %s: expected an "
		    "http://, https:// or file: URL", base);
		rc = -1;
	}
	return rc;
}

int
cbs_describe(struct rm_ctx *ctx, const json_t *req, json_t **out)
{
	struct cbs_run	 run;
	struct cbs_conf	*c = NULL;
	enum cbs_api	 api;
	const char	*table, *base;
	json_t		*doc, *about, *ms = NULL, *dims = NULL, *other;
	int		 rc = RM_ERR;

	*out = NULL;
	if (cbs_desc_check(ctx, req, &table) == -1 ||
	    cbs_desc_api(ctx, req, &api) == -1)
		return RM_ERR;
	base = cbs_str(req, "base_url") != NULL ? cbs_str(req, "base_url") :
	    cbs_def_bases[api];
	if ((c = cbs_desc_conf(api, base, table)) == NULL) {
		cbs_host->log(ctx, RM_LOG_ERR, "out of memory");
		return RM_ERR;
	}
	memset(&run, 0, sizeof(run));
	run.ctx = ctx;
	run.conf = c;
	doc = json_pack("{s:s, s:s}", "plugin", "cbs_statline", "what",
	    table);
	about = json_pack("{s:s, s:s}", "api", cbs_api_name(api), "base_url",
	    c->base);
	json_object_set_new(doc, "title", json_null());
	json_object_set_new(doc, "about", about);
	if (cbs_desc_info(&run, doc, about) == -1 ||
	    (ms = cbs_desc_measures(&run, &dims)) == NULL)
		goto done;
	if (api == CBS_V4 && (dims = cbs_desc_list(&run, "Dimensions",
	    "dimensions.json")) == NULL)
		goto done;
	if ((other = cbs_desc_other(ctx, req, api, table)) != NULL) {
		cbs_desc_pair(ms, other, api == CBS_V4);
		json_decref(other);
	}
	json_object_set(doc, "measures", ms);
	if (cbs_desc_dims(&run, dims, doc) == -1)
		goto done;
	if (json_is_true(json_object_get(req, "source_config")) &&
	    cbs_desc_source(&run, req, doc) == -1)
		goto done;
	*out = doc;
	doc = NULL;
	rc = RM_OK;
done:
	json_decref(doc);
	json_decref(ms);
	json_decref(dims);
	cbs_conf_free(c);
	return rc;
}
