/* SPDX-License-Identifier: ISC */
/*
 * describe.c: `regiomon describe eurostat DATASET` (ABI 1.3): the
 * dataset's label and stamp, every dimension with its codes and labels
 * (totals marked), the NUTS regions it has and which the catalog knows,
 * its time range and the periods any cell flags provisional.  The
 * dataset is fetched and read as a run reads it (es_get(), es_dims());
 * --filter DIM=CODE narrows the request, as a source's "filters" do.
 * --source-config turns it into a source block.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eurostat.h"

static const char *const es_req_keys[] = {
	"what", "base_url", "source_config", "name", "indicator",
	"indicator_freq", "regions", "filters"
};

static const char *
es_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* 1 if code is Eurostat's total of a dimension: "TOTAL" or "T". */
static int
es_is_total(const char *code)
{
	return strcmp(code, "TOTAL") == 0 || strcmp(code, "T") == 0;
}

/* "year", "quarter" or "month" of a canonical period, or NULL. */
static const char *
es_ptype(const char *p)
{
	size_t	 n = strlen(p);

	if (n == 4)
		return "year";
	if (n == 7 && p[5] == 'Q')
		return "quarter";
	return n == 7 ? "month" : NULL;
}

/* The time codes' range, types and provisional periods into doc. */
static void
es_desc_time(struct rm_ctx *ctx, const struct es_table *t, json_t *doc)
{
	const struct es_dim	*tm = &t->dims[t->time];
	json_t			*range, *types, *prov;
	const json_t		*val;
	const char		*type, *status;
	char			 p[ES_PERIOD], first[ES_PERIOD];
	char			 last[ES_PERIOD], text[2 * ES_PERIOD + 8];
	unsigned char		*flagged;
	size_t			 k, n;

	range = json_object();
	types = json_array();
	prov = json_array();
	first[0] = last[0] = '\0';
	if ((flagged = calloc(tm->size, 1)) == NULL) {
		es_host->log(ctx, RM_LOG_WARNING, "out of memory: provisional "
		    "periods not listed");
		flagged = NULL;
	}
	/* A period is provisional when any of its cells is flagged "p". */
	for (n = 0; flagged != NULL && n < t->total; n++) {
		es_cell(t, n, &val, &status);
		if (status != NULL && strchr(status, 'p') != NULL)
			flagged[(n / tm->stride) % tm->size] = 1;
	}
	for (k = 0; k < tm->size; k++) {
		if (es_host->period_norm(tm->codes[k], p, sizeof(p)) != RM_OK ||
		    (type = es_ptype(p)) == NULL)
			continue;
		if (first[0] == '\0' || strcmp(p, first) < 0)
			memcpy(first, p, sizeof(p));
		if (strcmp(p, last) > 0)
			memcpy(last, p, sizeof(p));
		if (json_object_get(range, type) == NULL) {
			json_object_set_new(range, type, json_string(""));
			json_array_append_new(types, json_string(type));
		}
		if (flagged != NULL && flagged[k])
			json_array_append_new(prov, json_string(p));
	}
	free(flagged);
	json_object_clear(range);
	if (first[0] != '\0') {
		snprintf(text, sizeof(text), "%s .. %s", first, last);
		json_object_set_new(range, "time", json_string(text));
	}
	json_object_set_new(doc, "periods", range);
	json_object_set_new(doc, "period_types", types);
	json_object_set_new(doc, "provisional", prov);
}

/* The dimensions with their codes, and the catalog's regions, into doc. */
static void
es_desc_dims(struct rm_ctx *ctx, const struct es_table *t, json_t *doc)
{
	const json_t	*jd, *labels;
	const char	*id;
	json_t		*dims, *d, *codes, *c, *regs;
	size_t		 i, k;

	dims = json_array();
	regs = json_array();
	json_object_set_new(doc, "dimensions", dims);
	json_object_set_new(doc, "regions", regs);
	for (i = 0; i < t->ndims; i++) {
		jd = json_object_get(json_object_get(t->doc, "dimension"),
		    t->dims[i].id);
		labels = json_object_get(json_object_get(jd, "category"),
		    "label");
		d = json_object();
		json_object_set_new(d, "key", json_string(t->dims[i].id));
		if (es_str(jd, "label") != NULL)
			json_object_set_new(d, "title",
			    json_string(es_str(jd, "label")));
		json_object_set_new(d, "count",
		    json_integer((json_int_t)t->dims[i].size));
		json_array_append_new(dims, d);
		/* The periods are under "periods" and "provisional". */
		if ((long)i == t->time)
			continue;
		codes = json_array();
		for (k = 0; k < t->dims[i].size; k++) {
			c = json_object();
			json_object_set_new(c, "code",
			    json_string(t->dims[i].codes[k]));
			if (es_str(labels, t->dims[i].codes[k]) != NULL)
				json_object_set_new(c, "title", json_string(
				    es_str(labels, t->dims[i].codes[k])));
			if (es_is_total(t->dims[i].codes[k]))
				json_object_set_new(c, "total", json_true());
			json_array_append_new(codes, c);
			if ((long)i != t->geo || (id = es_host->region_by_code(
			    ctx, "nuts", t->dims[i].codes[k])) == NULL)
				continue;
			json_array_append_new(regs, json_pack("{s:s, s:s}",
			    "code", t->dims[i].codes[k], "region", id));
		}
		json_object_set_new(d, "codes", codes);
	}
}

/* The one code of dimension dim to pin, from --filter or the table. */
static const char *
es_desc_pin(struct rm_ctx *ctx, const json_t *req, const struct es_dim *d,
    int *rc)
{
	const json_t	*f;
	const char	*s;
	size_t		 i, n = strlen(d->id);

	json_array_foreach(json_object_get(req, "filters"), i, f) {
		s = json_string_value(f);
		if (strncmp(s, d->id, n) != 0 || s[n] != '=')
			continue;
		if (es_pos(d, s + n + 1) == -1) {
			es_host->log(ctx, RM_LOG_ERR, "--filter %s: dimension "
			    "%s has no code \"%s\"", s, d->id, s + n + 1);
			*rc = -1;
		}
		return s + n + 1;
	}
	if (d->size == 1)
		return d->codes[0];
	for (i = 0; i < d->size; i++)
		if (es_is_total(d->codes[i]))
			return d->codes[i];
	es_host->log(ctx, RM_LOG_ERR, "dimension %s has %zu codes and no "
	    "total: pin it with --filter %s=CODE", d->id, d->size, d->id);
	*rc = -1;
	return NULL;
}

/* The source block into doc.  0, or -1 logged. */
static int
es_desc_source(struct rm_ctx *ctx, const json_t *req,
    const struct es_table *t, json_t *doc)
{
	const json_t	*regs = json_object_get(req, "regions"), *r;
	const char	*ind = es_str(req, "indicator"), *code, *freq;
	json_t		*conf, *filters;
	char		 name[80];
	size_t		 i;
	int		 rc = 0;

	if (ind == NULL || json_array_size(regs) == 0) {
		es_host->log(ctx, RM_LOG_ERR, "--source-config needs "
		    "--indicator ID and at least one --region ID");
		return -1;
	}
	if (json_object_get(req, "measure") != NULL) {
		es_host->log(ctx, RM_LOG_ERR, "--measure: a Eurostat dataset "
		    "has no measures; pin its unit with --filter unit=CODE");
		return -1;
	}
	json_array_foreach(regs, i, r) {
		code = es_host->region_code(ctx, json_string_value(r), "nuts");
		if (code == NULL || es_pos(&t->dims[t->geo], code) == -1) {
			es_host->log(ctx, RM_LOG_ERR, "--region %s: %s",
			    json_string_value(r), code == NULL ? "the catalog "
			    "gives it no NUTS code" : "its NUTS code is not "
			    "in the dataset");
			rc = -1;
		}
	}
	freq = es_str(req, "indicator_freq");
	if (freq == NULL || json_object_get(json_object_get(doc, "periods"),
	    "time") == NULL || !json_array_size(json_object_get(doc,
	    "period_types")) || strcmp(json_string_value(json_array_get(
	    json_object_get(doc, "period_types"), 0)), freq) != 0) {
		es_host->log(ctx, RM_LOG_ERR, "indicator %s is a %sly series; "
		    "the dataset's periods are not", ind, freq != NULL ? freq :
		    "?");
		rc = -1;
	}
	filters = json_object();
	for (i = 0; i < t->ndims; i++) {
		if ((long)i == t->geo || (long)i == t->time)
			continue;
		if ((code = es_desc_pin(ctx, req, &t->dims[i], &rc)) != NULL)
			json_object_set_new(filters, t->dims[i].id,
			    json_string(code));
	}
	if (rc == -1) {
		json_decref(filters);
		return -1;
	}
	conf = json_pack("{s:s, s:s, s:O, s:o}", "dataset", es_str(req,
	    "what"), "indicator", ind, "regions", regs, "filters", filters);
	if (es_str(req, "base_url") != NULL)
		json_object_set(conf, "base_url", json_object_get(req,
		    "base_url"));
	snprintf(name, sizeof(name), "%s", es_str(req, "name") != NULL ?
	    es_str(req, "name") : es_str(req, "what"));
	for (i = 0; name[i] != '\0'; i++)
		if (name[i] == '_')
			name[i] = '-';
	json_object_set_new(doc, "source", json_pack("{s:s, s:s, s:o}",
	    "name", name, "plugin", "eurostat", "config", conf));
	return 0;
}

/* The request's dataset, base and filters into st.  0, or -1 logged. */
static int
es_desc_state(struct rm_ctx *ctx, const json_t *req, struct es_state *st)
{
	const json_t	*f;
	const char	*s, *eq, *k;
	size_t		 i;
	int		 rc = 0;

	json_object_foreach((json_t *)req, k, f) {
		for (i = 0; i < NELEM(es_req_keys); i++)
			if (strcmp(k, es_req_keys[i]) == 0)
				break;
		if (i == NELEM(es_req_keys) && strcmp(k, "measure") != 0) {
			es_host->log(ctx, RM_LOG_ERR, "describe: \"%s\" is not "
			    "an option of eurostat", k);
			rc = -1;
		}
	}
	s = es_str(req, "what");
	if (s == NULL || *s == '\0' || strchr(s, '/') != NULL) {
		es_host->log(ctx, RM_LOG_ERR, "describe: expected a dataset "
		    "code like \"lfst_r_lfu3rt\"");
		return -1;
	}
	st->dataset = strdup(s);
	st->base = strdup(es_str(req, "base_url") != NULL ?
	    es_str(req, "base_url") : ES_BASE);
	st->lang = strdup("EN");
	if (st->dataset == NULL || st->base == NULL || st->lang == NULL)
		goto oom;
	i = strlen(st->base);
	while (i > 0 && st->base[i - 1] == '/')
		st->base[--i] = '\0';
	st->file = strncmp(st->base, "file:", 5) == 0;
	if ((st->filters = calloc(json_array_size(json_object_get(req,
	    "filters")) + 1, sizeof(*st->filters))) == NULL)
		goto oom;
	json_array_foreach(json_object_get(req, "filters"), i, f) {
		s = json_string_value(f);
		if ((eq = strchr(s, '=')) == NULL || eq == s) {
			es_host->log(ctx, RM_LOG_ERR, "--filter %s: expected "
			    "DIM=CODE, e.g. unit=PC", s);
			rc = -1;
			continue;
		}
		st->filters[st->nfilters].dim = strndup(s, (size_t)(eq - s));
		st->filters[st->nfilters].vals = calloc(1, sizeof(char *));
		if (st->filters[st->nfilters].vals != NULL)
			st->filters[st->nfilters].nvals = 1;
		st->nfilters++;
		if (st->filters[st->nfilters - 1].dim == NULL ||
		    st->filters[st->nfilters - 1].vals == NULL ||
		    (st->filters[st->nfilters - 1].vals[0] =
		    strdup(eq + 1)) == NULL)
			goto oom;
	}
	return rc;
oom:
	es_host->log(ctx, RM_LOG_ERR, "out of memory");
	return -1;
}

int
es_describe(struct rm_ctx *ctx, const json_t *req, json_t **out)
{
	struct es_state	*st;
	struct es_table	 t;
	json_t		*doc = NULL;
	char		*url = NULL;
	int		 rc = RM_ERR;

	*out = NULL;
	memset(&t, 0, sizeof(t));
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		es_host->log(ctx, RM_LOG_ERR, "out of memory");
		return RM_ERR;
	}
	if (es_desc_state(ctx, req, st) == -1)
		goto done;
	if ((url = es_url(st)) == NULL) {
		es_host->log(ctx, RM_LOG_ERR, "out of memory");
		goto done;
	}
	if (es_get(ctx, st, url, &t.doc) == -1 || es_dims(ctx, st, &t) == -1)
		goto done;
	t.value = json_object_get(t.doc, "value");
	t.status = json_object_get(t.doc, "status");
	doc = json_pack("{s:s, s:s, s:O?, s:{s:s, s:O?, s:O?}}", "plugin",
	    "eurostat", "what", st->dataset, "title",
	    json_object_get(t.doc, "label"), "about", "base_url", st->base,
	    "updated", json_object_get(t.doc, "updated"), "source",
	    json_object_get(t.doc, "source"));
	if (doc == NULL) {
		es_host->log(ctx, RM_LOG_ERR, "out of memory");
		goto done;
	}
	es_desc_dims(ctx, &t, doc);
	es_desc_time(ctx, &t, doc);
	if (json_is_true(json_object_get(req, "source_config")) &&
	    es_desc_source(ctx, req, &t, doc) == -1)
		goto done;
	*out = doc;
	doc = NULL;
	rc = RM_OK;
done:
	json_decref(doc);
	es_table_free(&t);
	es_host->release(url);
	es_fini(st);
	return rc;
}
