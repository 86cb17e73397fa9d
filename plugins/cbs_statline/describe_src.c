/* SPDX-License-Identifier: ISC */
/*
 * describe_src.c: `regiomon describe cbs_statline TABLE --source-config`:
 * the description (describe.c) turned into a source block that a run
 * accepts and that reads what was described: the measure by its key in
 * the API described, the regions checked against the table's region
 * codes, every other dimension pinned to its total (or --filter), and
 * the indicator's period type.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbs.h"

static const char *const cbs_src_types[] = { "year", "quarter", "month" };

static const char *
cbs_src_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/*
 * 1 if the table has dimension dim, with its codes in *codes: NULL when
 * they were not read (a recording without them).  0 if it has not.
 */
static int
cbs_desc_dim(const json_t *doc, const char *dim, const json_t **codes)
{
	const json_t	*d;
	size_t		 i;

	*codes = NULL;
	json_array_foreach(json_object_get(doc, "dimensions"), i, d)
		if (strcmp(cbs_src_str(d, "key"), dim) == 0) {
			*codes = json_object_get(d, "codes");
			return 1;
		}
	return 0;
}

static int
cbs_desc_has_code(const json_t *codes, const char *code)
{
	const json_t	*e;
	size_t		 i;

	json_array_foreach(codes, i, e)
		if (strcmp(cbs_src_str(e, "code"), code) == 0)
			return 1;
	return 0;
}

/* The measure key req names, as this API's key.  NULL logged. */
static const char *
cbs_desc_measure(struct rm_ctx *ctx, const json_t *doc, const char *want)
{
	const char	*keys[256], *hint;
	const json_t	*m;
	size_t		 i, n = 0;

	json_array_foreach(json_object_get(doc, "measures"), i, m) {
		if (strcmp(cbs_src_str(m, "key"), want) == 0 ||
		    (cbs_src_str(m, "v3_key") != NULL &&
		    strcmp(cbs_src_str(m, "v3_key"), want) == 0) ||
		    (cbs_src_str(m, "v4_code") != NULL &&
		    strcmp(cbs_src_str(m, "v4_code"), want) == 0))
			return cbs_src_str(m, "key");
		if (n < NELEM(keys))
			keys[n++] = cbs_src_str(m, "key");
	}
	hint = cbs_host->did_you_mean(want, keys, n);
	cbs_host->log(ctx, RM_LOG_ERR, "--measure %s: not a measure of table "
	    "%s%s%s%s", want, cbs_src_str(doc, "what"), hint != NULL ?
	    "; did you mean \"" : " (its measures are listed by describe "
	    "without --source-config)", hint != NULL ? hint : "",
	    hint != NULL ? "\"?" : "");
	return NULL;
}

/* series.filters: --filter DIM=CODE, every other dimension its total. */
static int
cbs_desc_filters(struct cbs_run *run, const json_t *req, const json_t *doc,
    json_t *series)
{
	const struct cbs_conf	*c = run->conf;
	const json_t		*d, *f, *codes, *e;
	json_t			*filters;
	const char		*s, *eq, *dim, *total;
	char			 name[80];
	size_t			 i, j;
	int			 rc = 0;

	filters = json_object();
	json_array_foreach(json_object_get(req, "filters"), i, f) {
		s = json_string_value(f);
		if ((eq = strchr(s, '=')) == NULL || eq == s ||
		    (size_t)(eq - s) >= sizeof(name)) {
			cbs_host->log(run->ctx, RM_LOG_ERR, "--filter %s: "
			    "expected DIM=CODE, e.g. Geslacht=T001038", s);
			rc = -1;
			continue;
		}
		memcpy(name, s, (size_t)(eq - s));
		name[eq - s] = '\0';
		if (!cbs_desc_dim(doc, name, &codes) ||
		    strcmp(name, c->region_dim) == 0 ||
		    strcmp(name, c->period_dim) == 0) {
			cbs_host->log(run->ctx, RM_LOG_ERR, "--filter %s: "
			    "table %s has no dimension \"%s\" to filter "
			    "(regions go in --region)", s, c->table, name);
			rc = -1;
		} else if (codes != NULL && !cbs_desc_has_code(codes,
		    eq + 1)) {
			cbs_host->log(run->ctx, RM_LOG_ERR, "--filter %s: "
			    "dimension %s of table %s has no code \"%s\"", s,
			    name, c->table, eq + 1);
			rc = -1;
		} else
			json_object_set_new(filters, name,
			    json_string(eq + 1));
	}
	json_array_foreach(json_object_get(doc, "dimensions"), i, d) {
		dim = cbs_src_str(d, "key");
		if (strcmp(dim, c->region_dim) == 0 ||
		    strcmp(dim, c->period_dim) == 0 ||
		    json_object_get(filters, dim) != NULL)
			continue;
		total = NULL;
		json_array_foreach(json_object_get(d, "codes"), j, e)
			if (json_is_true(json_object_get(e, "total"))) {
				total = cbs_src_str(e, "code");
				break;
			}
		if (total == NULL) {
			cbs_host->log(run->ctx, RM_LOG_ERR, "dimension %s of "
			    "table %s has no total: pin it with --filter "
			    "%s=CODE", dim, c->table, dim);
			rc = -1;
			continue;
		}
		json_object_set_new(filters, dim, json_string(total));
	}
	if (json_object_size(filters) > 0)
		json_object_set(series, "filters", filters);
	json_decref(filters);
	return rc;
}

/* series.regions (or .region), each checked against the table. */
static int
cbs_desc_regions(struct cbs_run *run, const json_t *req, const json_t *doc,
    json_t *series)
{
	const struct cbs_conf	*c = run->conf;
	const json_t		*regs = json_object_get(req, "regions"), *r;
	const json_t		*codes;
	const char		*id, *code;
	size_t			 i;
	int			 rc = 0, has;

	has = cbs_desc_dim(doc, c->region_dim, &codes);
	if (json_array_size(regs) == 0) {
		cbs_host->log(run->ctx, RM_LOG_ERR, "--source-config needs "
		    "the regions: --region ID for each (%s)", has ?
		    "the table's \"regions\" lists those it has" :
		    "one, the table has no region dimension");
		return -1;
	}
	if (!has) {
		if (json_array_size(regs) > 1) {
			cbs_host->log(run->ctx, RM_LOG_ERR, "table %s has no "
			    "region dimension: give one --region, the region "
			    "its figures are for", c->table);
			return -1;
		}
		json_object_set_new(series, "region",
		    json_deep_copy(json_array_get(regs, 0)));
		return 0;
	}
	json_array_foreach(regs, i, r) {
		id = json_string_value(r);
		code = cbs_host->region_code(run->ctx, id, "cbs");
		if (code == NULL || (codes != NULL &&
		    !cbs_desc_has_code(codes, code))) {
			cbs_host->log(run->ctx, RM_LOG_ERR, "--region %s: %s",
			    id, code == NULL ? "the catalog gives it no CBS "
			    "code" : "its CBS code is not in the table");
			rc = -1;
		}
	}
	json_object_set_new(series, "regions", json_deep_copy(regs));
	return rc;
}

/* The source block of req's --source-config into doc.  0, or -1 logged. */
int
cbs_desc_source(struct cbs_run *run, const json_t *req, json_t *doc)
{
	const struct cbs_conf	*c = run->conf;
	const json_t		*ms = json_object_get(req, "measure");
	const char		*freq, *key, *ind;
	json_t			*series, *conf, *src;
	char			 name[64];
	size_t			 i;
	int			 rc = 0;

	ind = cbs_src_str(req, "indicator");
	freq = cbs_src_str(req, "indicator_freq");
	if (ind == NULL || json_array_size(ms) != 1) {
		cbs_host->log(run->ctx, RM_LOG_ERR, "--source-config needs "
		    "--indicator ID and one --measure KEY");
		return -1;
	}
	series = json_object();
	json_object_set_new(series, "indicator", json_string(ind));
	if ((key = cbs_desc_measure(run->ctx, doc,
	    json_string_value(json_array_get(ms, 0)))) == NULL)
		rc = -1;
	else
		json_object_set_new(series, "measure", json_string(key));
	if (cbs_desc_regions(run, req, doc, series) == -1)
		rc = -1;
	if (cbs_desc_filters(run, req, doc, series) == -1)
		rc = -1;
	for (i = 0; freq != NULL && i < NELEM(cbs_src_types); i++)
		if (strcmp(freq, cbs_src_types[i]) == 0)
			break;
	if (freq == NULL || i == NELEM(cbs_src_types) ||
	    !(json_array_size(json_object_get(doc, "period_types")) > 0)) {
		cbs_host->log(run->ctx, RM_LOG_ERR, "table %s has no periods "
		    "to read", c->table);
		rc = -1;
	} else {
		json_object_set_new(series, "periods",
		    json_pack("[s]", freq));
		if (json_object_get(json_object_get(doc, "periods"),
		    freq) == NULL) {
			cbs_host->log(run->ctx, RM_LOG_ERR, "indicator %s is a "
			    "%sly series, and table %s has no %ss", ind, freq,
			    c->table, freq);
			rc = -1;
		}
	}
	if (rc == -1) {
		json_decref(series);
		return -1;
	}
	conf = json_object();
	json_object_set_new(conf, "api", json_string(cbs_api_name(c->api)));
	if (json_object_get(req, "base_url") != NULL)
		json_object_set(conf, "base_url", json_object_get(req,
		    "base_url"));
	json_object_set_new(conf, "table", json_string(c->table));
	json_object_set_new(conf, "series", json_pack("[o]", series));
	if (cbs_src_str(req, "name") != NULL)
		snprintf(name, sizeof(name), "%s", cbs_src_str(req, "name"));
	else {
		snprintf(name, sizeof(name), "cbs-%s", c->table);
		for (i = 0; name[i] != '\0'; i++)
			if (name[i] >= 'A' && name[i] <= 'Z')
				name[i] = (char)(name[i] - 'A' + 'a');
	}
	src = json_pack("{s:s, s:s, s:o}", "name", name, "plugin",
	    "cbs_statline", "config", conf);
	json_object_set_new(doc, "source", src);
	return 0;
}

