/* SPDX-License-Identifier: ISC */
/*
 * example_plugin.c: a minimal regiomon source plugin to copy.  It GETs a
 * JSON object of period -> value, e.g. {"2020": 4.4, "2021": null}, and
 * emits one observation per member for one indicator and one region.
 * Build and test it as share/examples/Makefile and regiomon-plugin(7)
 * (BUILDING, TESTING) say.
 */
#include <stdlib.h>

#include "regiomon-plugin.h"

/* The host table: the only static a plugin keeps (read-only). */
static const struct rm_host *host;

/* The strings are borrowed from conf, which the state keeps a reference to. */
struct xp_state {
	json_t		*conf;
	const char	*url, *indicator, *region;
};

static void
xp_fini(void *arg)
{
	struct xp_state	*st = arg;

	if (st == NULL)
		return;
	json_decref(st->conf);
	free(st);
}

/* The config's keys and types; the host reports unknown and wrong ones. */
static const struct rm_conf_key xp_keys[] = {
	{ "url", RM_CONF_STRING, "a non-empty string" },
	{ "indicator", RM_CONF_STRING, "a non-empty string" },
	{ "region", RM_CONF_STRING, "a non-empty string" }
};

/* The string conf.key, or NULL (reported here if missing). */
static const char *
xp_string(struct rm_ctx *ctx, const json_t *conf, const char *key)
{
	const json_t	*v = json_object_get(conf, key);

	if (v == NULL)
		host->conf_error(ctx, key, "expected a non-empty string");
	return json_string_length(v) > 0 ? json_string_value(v) : NULL;
}

/*
 * init: check the source's "config" (borrowed), build the state.  Also run
 * by check-config: no I/O, and report every problem with its JSON path.
 */
static int
xp_init(struct rm_ctx *ctx, const json_t *conf, void **statep)
{
	struct xp_state	*st;
	int		 rc = RM_OK;

	*statep = NULL;
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return RM_ERR;
	st->conf = json_incref((json_t *)conf);
	if (host->conf_keys(ctx, "", conf, xp_keys, 3) != RM_OK)
		rc = RM_ERR;
	st->url = xp_string(ctx, conf, "url");
	st->indicator = xp_string(ctx, conf, "indicator");
	st->region = xp_string(ctx, conf, "region");
	if (st->url == NULL || st->indicator == NULL || st->region == NULL)
		rc = RM_ERR;
	if (st->indicator != NULL && !host->has_indicator(ctx, st->indicator)) {
		host->conf_error(ctx, "indicator", "not in the catalog");
		rc = RM_ERR;
	}
	if (st->region != NULL && !host->has_region(ctx, st->region)) {
		host->conf_error(ctx, "region", "not in the catalog");
		rc = RM_ERR;
	}
	if (rc != RM_OK)
		xp_fini(st);
	else
		*statep = st;
	return rc;
}

/*
 * collect, in a child: fetch through host->http_get only (it logs its own
 * failures) and emit.  On failure return RM_ERR: nothing is stored.
 */
static int
xp_collect(struct rm_ctx *ctx, void *arg)
{
	const struct xp_state	*st = arg;
	struct rm_request	 req = { .url = st->url };
	struct rm_response	 resp;
	char			 period[16];
	struct rm_obs		 o = { .indicator = st->indicator,
				    .region = st->region, .period = period };
	json_t			*doc, *v;
	const char		*key;
	int			 rc;

	rc = host->http_get(ctx, &req, &resp);
	doc = rc == RM_OK ? json_loadb(resp.body, resp.len, 0, NULL) : NULL;
	host->response_free(&resp);
	if (rc != RM_OK || !json_is_object(doc)) {
		if (rc == RM_OK)
			host->log(ctx, RM_LOG_ERR, "%s: expected a JSON object "
			    "of period: value", st->url);
		json_decref(doc);
		return RM_ERR;
	}
	json_object_foreach(doc, key, v) {
		if (host->period_norm(key, period, sizeof(period)) != RM_OK ||
		    !(json_is_number(v) || json_is_null(v))) {
			host->log(ctx, RM_LOG_ERR, "\"%s\": expected a period "
			    "and a number or null", key);
			rc = RM_ERR;
			break;
		}
		o.missing = json_is_null(v);
		o.value = json_number_value(v);
		if ((rc = host->emit(ctx, &o)) != RM_OK)
			break;			/* the host logged why */
	}
	json_decref(doc);
	return rc;
}

/*
 * The one exported symbol: check the host's ABI, fill in the descriptor.
 * conf_keys came with ABI 1.1 and is the newest member used here.
 */
RM_EXPORT int
rm_plugin_init(const struct rm_host *h, struct rm_plugin *p)
{
	if (h->abi_major != RM_ABI_MAJOR || !RM_HOST_HAS(h, conf_keys))
		return RM_ERR;
	host = h;
	RM_PLUGIN_INIT(p);
	p->name = "example";
	p->description = "a JSON object of period -> value, from a URL";
	p->init = xp_init;
	p->collect = xp_collect;
	p->fini = xp_fini;
	return RM_OK;
}
