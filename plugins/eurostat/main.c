/* SPDX-License-Identifier: ISC */
/*
 * main.c: the eurostat source plugin.  It asks the Eurostat dissemination
 * API for one dataset as JSON-stat 2.0, filtered to the configured
 * dimension codes, NUTS regions and time window, and emits one
 * observation per indicator, region and period, with Eurostat's status
 * flags turned into "provisional" or "missing".
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eurostat.h"

const struct rm_host	*es_host;

/* Append s percent-encoded: everything but RFC 3986's unreserved set. */
static void
es_putq(struct rm_buf *b, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	char			 e[3];

	for (; *s != '\0'; s++) {
		if (isalnum((unsigned char)*s) || strchr("-._~", *s) != NULL) {
			es_host->buf_add(b, s, 1);
			continue;
		}
		e[0] = '%';
		e[1] = hex[(unsigned char)*s >> 4];
		e[2] = hex[(unsigned char)*s & 0xf];
		es_host->buf_add(b, e, 3);
	}
}

static void
es_puts(struct rm_buf *b, const char *s)
{
	es_host->buf_add(b, s, strlen(s));
}

/*
 * The request URL: BASE/DATASET?... or, for file: bases, BASE/DATASET.json.
 * New, free with es_host->release(); NULL when out of memory.
 */
char *
es_url(const struct es_state *st)
{
	struct rm_buf	*b;
	size_t		 i, j;

	if ((b = es_host->buf_new()) == NULL)
		return NULL;
	es_puts(b, st->base);
	es_puts(b, "/");
	es_putq(b, st->dataset);
	if (st->file) {
		es_puts(b, ".json");
		return es_host->buf_take(b, NULL);
	}
	es_puts(b, "?format=JSON&lang=");
	es_putq(b, st->lang);
	for (i = 0; i < st->nregions; i++) {
		es_puts(b, "&geo=");
		es_putq(b, st->geos[i]);
	}
	for (i = 0; i < st->nind; i++) {
		es_puts(b, "&");
		es_putq(b, st->ind_dim);
		es_puts(b, "=");
		es_putq(b, st->ind_codes[i]);
	}
	for (i = 0; i < st->nfilters; i++) {
		for (j = 0; j < st->filters[i].nvals; j++) {
			es_puts(b, "&");
			es_putq(b, st->filters[i].dim);
			es_puts(b, "=");
			es_putq(b, st->filters[i].vals[j]);
		}
	}
	if (st->since[0] != '\0') {
		es_puts(b, "&sinceTimePeriod=");
		es_putq(b, st->since);
	}
	if (st->until[0] != '\0') {
		es_puts(b, "&untilTimePeriod=");
		es_putq(b, st->until);
	}
	if (st->last > 0)
		es_host->buf_printf(b, "&lastTimePeriod=%ld", st->last);
	/* A failed append above makes this NULL. */
	return es_host->buf_take(b, NULL);
}

/*
 * Explain a refused request from the API's error body,
 * {"error":[{"status":413,"id":...,"label":"EXTRACTION_TOO_BIG: ..."}]}.
 * The host has already logged the URL and status.
 */
static void
es_refused(struct rm_ctx *ctx, const struct es_state *st, long status,
    const json_t *doc)
{
	const json_t	*err;
	const char	*label;

	err = json_object_get(doc, "error");
	if (json_is_array(err))
		err = json_array_get(err, 0);
	label = json_string_value(json_object_get(err, "label"));
	if (status == 413)
		es_host->log(ctx, RM_LOG_ERR, "dataset %s: Eurostat refuses "
		    "the extraction as too big (%s); narrow the request: fewer "
		    "\"regions\", one code per \"filters\" dimension, or a "
		    "shorter window with \"since\"/\"until\" or \"last\"",
		    st->dataset, label != NULL ? label : "HTTP 413, "
		    "EXTRACTION_TOO_BIG");
	else if (label != NULL)
		es_host->log(ctx, RM_LOG_ERR, "dataset %s: Eurostat says: %s "
		    "(HTTP %ld)", st->dataset, label, status);
	else if (status == 200)
		es_host->log(ctx, RM_LOG_ERR, "dataset %s: the answer is an "
		    "error object without a label", st->dataset);
}

static int
es_has_flag(const char *status, const char *flags)
{
	for (; status != NULL && *status != '\0'; status++)
		if (strchr(flags, tolower((unsigned char)*status)) != NULL)
			return 1;
	return 0;
}

/* 1 if period (canonical) lies in the configured window. */
static int
es_in_window(const struct es_state *st, const char *period)
{
	if (st->since[0] != '\0' &&
	    strncmp(period, st->since, strlen(st->since)) < 0)
		return 0;
	if (st->until[0] != '\0' &&
	    strncmp(period, st->until, strlen(st->until)) > 0)
		return 0;
	return 1;
}

/* Emit every selected cell of one indicator.  0, or -1 logged. */
static int
es_emit_indicator(struct rm_ctx *ctx, const struct es_state *st,
    const struct es_table *t, const char *indicator, size_t off,
    size_t *nemitted)
{
	const struct es_dim	*g = &t->dims[t->geo], *tm = &t->dims[t->time];
	const json_t		*val;
	const char		*status;
	struct rm_obs		 o;
	char			 period[ES_PERIOD];
	size_t			 r, k, n, first = 0;
	long			 gp;

	if (st->last > 0 && tm->size > (size_t)st->last)
		first = tm->size - (size_t)st->last;
	for (r = 0; r < st->nregions; r++) {
		if ((gp = es_pos(g, st->geos[r])) == -1) {
			es_host->log(ctx, RM_LOG_WARNING, "dataset %s has no "
			    "data for %s (NUTS %s)", st->dataset,
			    st->regions[r], st->geos[r]);
			continue;
		}
		for (k = first; k < tm->size; k++) {
			if (es_host->period_norm(tm->codes[k], period,
			    sizeof(period)) != RM_OK) {
				es_host->log(ctx, RM_LOG_ERR, "answer: time "
				    "code \"%.40s\" is not a period",
				    tm->codes[k]);
				return -1;
			}
			if (!es_in_window(st, period))
				continue;
			n = off + (size_t)gp * g->stride + k * tm->stride;
			es_cell(t, n, &val, &status);
			memset(&o, 0, sizeof(o));
			o.indicator = indicator;
			o.region = st->regions[r];
			o.period = period;
			if (val != NULL && !json_is_null(val) &&
			    !json_is_number(val)) {
				es_host->log(ctx, RM_LOG_ERR, "answer: "
				    "value[\"%zu\"] (%s, %s): expected a "
				    "number or null", n, g->codes[gp],
				    tm->codes[k]);
				return -1;
			}
			if (json_is_number(val) &&
			    !es_has_flag(status, st->miss_flags)) {
				o.value = json_number_value(val);
				o.value = st->div > 0 ? o.value / st->div :
				    o.value * st->mul;
			} else
				o.missing = 1;
			o.provisional = es_has_flag(status, st->prov_flags);
			if (es_host->emit(ctx, &o) != RM_OK)
				return -1;
			(*nemitted)++;
		}
	}
	return 0;
}

/* FNV-1a, to keep the request's identity in the mark. */
static uint64_t
es_hash(const char *s)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/*
 * GET url and decode the answer into *doc (new): a JSON-stat document, or
 * the API's refusal explained.  0, or -1 logged (*doc NULL).
 */
int
es_get(struct rm_ctx *ctx, const struct es_state *st, const char *url,
    json_t **doc)
{
	struct rm_request	 req;
	struct rm_response	 resp;
	json_error_t		 jerr;

	*doc = NULL;
	memset(&req, 0, sizeof(req));
	req.url = url;
	if (es_host->http_get(ctx, &req, &resp) != RM_OK) {
		if (resp.body != NULL && resp.len > 0)
			*doc = json_loadb(resp.body, resp.len, 0, NULL);
		es_refused(ctx, st, resp.status, *doc);
		goto fail;
	}
	if ((*doc = json_loadb(resp.body, resp.len, 0, &jerr)) == NULL) {
		es_host->log(ctx, RM_LOG_ERR, "%s: answer is not JSON: line "
		    "%d: %s", url, jerr.line, jerr.text);
		goto fail;
	}
	es_host->response_free(&resp);
	if (json_object_get(*doc, "error") != NULL &&
	    json_object_get(*doc, "id") == NULL) {
		es_refused(ctx, st, 200, *doc);
		json_decref(*doc);
		*doc = NULL;
		return -1;
	}
	return 0;
fail:
	es_host->response_free(&resp);
	json_decref(*doc);
	*doc = NULL;
	return -1;
}

/*
 * Fetch the dataset, decode it, emit.  The whole answer is one JSON-stat
 * document, so this is one page: parse, emit, free.  The mark is the
 * dataset's "updated" stamp plus a hash of the request, so a changed
 * config fetches anew even when Eurostat has not published.  Long
 * because it reads as those steps, in order, with one way out.
 */
static int
es_collect(struct rm_ctx *ctx, void *arg)
{
	const struct es_state	*st = arg;
	struct es_table		 t;
	const char		*updated, *old;
	char			*url, mark[160];
	size_t			 i, nemitted = 0;
	long			 pos;
	int			 rc = RM_ERR;

	memset(&t, 0, sizeof(t));
	if ((url = es_url(st)) == NULL) {
		es_host->log(ctx, RM_LOG_ERR, "out of memory");
		return RM_ERR;
	}
	if (es_get(ctx, st, url, &t.doc) == -1 || es_table(ctx, st, &t) == -1)
		goto done;
	updated = json_string_value(json_object_get(t.doc, "updated"));
	if (updated != NULL) {
		snprintf(mark, sizeof(mark), "%.100s %016llx", updated,
		    (unsigned long long)es_hash(url));
		old = es_host->get_mark(ctx);
		if (old != NULL && strcmp(old, mark) == 0) {
			es_host->log(ctx, RM_LOG_DEBUG, "dataset %s unchanged "
			    "since %s", st->dataset, updated);
			rc = RM_UNCHANGED;
			goto done;
		}
	}
	if (st->indicator != NULL)
		rc = es_emit_indicator(ctx, st, &t, st->indicator, t.base,
		    &nemitted);
	else {
		for (i = 0, rc = 0; i < st->nind && rc == 0; i++) {
			pos = es_pos(&t.dims[t.ind], st->ind_codes[i]);
			if (pos == -1) {
				es_host->log(ctx, RM_LOG_WARNING, "dataset %s "
				    "has no %s \"%s\"", st->dataset,
				    st->ind_dim, st->ind_codes[i]);
				continue;
			}
			rc = es_emit_indicator(ctx, st, &t, st->ind_ids[i],
			    t.base + (size_t)pos * t.dims[t.ind].stride,
			    &nemitted);
		}
	}
	if (rc != 0) {
		rc = RM_ERR;
		goto done;
	}
	if (updated != NULL)
		es_host->set_mark(ctx, mark);
	es_host->log(ctx, RM_LOG_DEBUG, "dataset %s: %zu observations",
	    st->dataset, nemitted);
	rc = RM_OK;
done:
	es_table_free(&t);
	es_host->release(url);
	return rc;
}

RM_EXPORT int
rm_plugin_init(const struct rm_host *h, struct rm_plugin *p)
{
	/* conf_keys and the buffer came with ABI 1.1, release last. */
	if (h == NULL || h->abi_major != RM_ABI_MAJOR ||
	    !RM_HOST_HAS(h, release))
		return RM_ERR;
	es_host = h;
	RM_PLUGIN_INIT(p);
	p->name = "eurostat";
	p->description = "Eurostat dissemination API (JSON-stat 2.0): one "
	    "dataset, filtered, by NUTS region";
	p->init = es_init;
	p->collect = es_collect;
	p->fini = es_fini;
	p->describe = es_describe;
	return RM_OK;
}
