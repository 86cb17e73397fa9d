/* SPDX-License-Identifier: ISC */
/*
 * main.c: the uwv source plugin.  UWV publishes no statistics API, only
 * data files on data.overheid.nl; this plugin asks the CKAN catalogue
 * (package_show) for a dataset's current file, downloads the CSV or the
 * ZIP that holds it, and emits the file's rows mapped onto indicators,
 * regions and periods (table.c).  Nothing is downloaded when the
 * catalogue shows the file unchanged since the last successful run.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "uwv.h"

const struct rm_host	*uw_host;

/* The resource's format from CKAN's "format" or its URL: 1 ZIP, 0 CSV. */
static int
uw_is_zip(const json_t *res, const char *url)
{
	const json_t	*f = json_object_get(res, "format");
	const char	*fmt = json_string_value(f);
	size_t		 n = strcspn(url, "?#");

	if (fmt != NULL && strcasestr(fmt, "zip") != NULL)
		return 1;
	if (fmt != NULL && strcasestr(fmt, "csv") != NULL)
		return 0;
	return n >= 4 && strncasecmp(url + n - 4, ".zip", 4) == 0;
}

static int
uw_is_csv(const json_t *res, const char *url)
{
	const json_t	*f = json_object_get(res, "format");
	const char	*fmt = json_string_value(f);
	size_t		 n = strcspn(url, "?#");

	if (fmt != NULL && strcasestr(fmt, "csv") != NULL)
		return 1;
	return n >= 4 && strncasecmp(url + n - 4, ".csv", 4) == 0;
}

/* 1 if the resource is one this source wants. */
static int
uw_wanted(const struct uw_state *st, const json_t *res)
{
	const char	*url = json_string_value(json_object_get(res, "url"));
	const char	*name = json_string_value(json_object_get(res, "name"));

	if (url == NULL || *url == '\0')
		return 0;
	if (st->format == UW_FMT_ZIP && !uw_is_zip(res, url))
		return 0;
	if (st->format == UW_FMT_CSV && !uw_is_csv(res, url))
		return 0;
	if (st->format == UW_FMT_ANY && !uw_is_zip(res, url) &&
	    !uw_is_csv(res, url))
		return 0;
	if (st->resource != NULL && strcasestr(url, st->resource) == NULL &&
	    (name == NULL || strcasestr(name, st->resource) == NULL))
		return 0;
	return 1;
}

/* When CKAN says the resource last changed; "" if it does not say. */
static const char *
uw_modified(const json_t *res)
{
	static const char *const keys[] = {
		"last_modified", "metadata_modified", "created"
	};
	const char	*s;
	size_t		 i;

	for (i = 0; i < NELEM(keys); i++)
		if ((s = json_string_value(json_object_get(res, keys[i]))) !=
		    NULL && *s != '\0')
			return s;
	return "";
}

/*
 * A resource's URL resolved against the catalogue answer's URL.  A remote
 * catalogue may send us to any http(s) host (CKAN files live elsewhere),
 * never to a local file.  New, or NULL logged.
 */
static char *
uw_resource_url(struct rm_ctx *ctx, const char *base, const char *url)
{
	const char	*p;
	char		*out;
	size_t		 dlen;
	int		 n, remote = strncasecmp(base, "file:", 5) != 0;

	if (strncasecmp(url, "http://", 7) == 0 ||
	    strncasecmp(url, "https://", 8) == 0)
		n = asprintf(&out, "%s", url);
	else if (strncasecmp(url, "file:", 5) == 0 && !remote)
		n = asprintf(&out, "%s", url);
	else if (strchr(url, ':') != NULL && strcspn(url, ":") <
	    strcspn(url, "/?#")) {
		uw_host->log(ctx, RM_LOG_ERR, "resource URL \"%.200s\": only "
		    "http(s) URLs%s are followed", url, remote ? "" :
		    " and file: URLs");
		return NULL;
	} else if (url[0] == '/') {
		/* Origin-relative: after "scheme://host:port", or "file:". */
		if (remote && (p = strstr(base, "://")) != NULL)
			dlen = (size_t)(p + 3 - base) + strcspn(p + 3, "/?#");
		else
			dlen = remote ? 0 : 5;
		n = asprintf(&out, "%.*s%s", (int)dlen, base, url);
	} else {
		dlen = strcspn(base, "?#");
		while (dlen > 0 && base[dlen - 1] != '/')
			dlen--;
		n = asprintf(&out, "%.*s%s", (int)dlen, base, url);
	}
	if (n == -1) {
		uw_host->log(ctx, RM_LOG_ERR, "out of memory");
		return NULL;
	}
	return out;
}

static uint64_t
uw_hash(uint64_t h, const char *s)
{
	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	h ^= 0xff;
	return h * 0x100000001b3ULL;
}

/* Download one resource and fold it into the table.  0, or -1 logged. */
static int
uw_fetch_resource(struct rm_ctx *ctx, struct uw_state *st,
    const json_t *res, const char *url, struct uw_table *t)
{
	struct rm_request	 req;
	struct rm_response	 resp;
	int			 rc;

	memset(&req, 0, sizeof(req));
	req.url = url;
	t->file = url;
	t->fileno++;
	if (uw_host->http_get(ctx, &req, &resp) != RM_OK) {
		uw_host->response_free(&resp);
		return -1;
	}
	if (uw_is_zip(res, url) || (resp.len >= 4 &&
	    memcmp(resp.body, "PK\003\004", 4) == 0))
		rc = uw_zip(ctx, st, resp.body, resp.len, t);
	else
		rc = uw_text(ctx, st, resp.body, resp.len, t);
	uw_host->response_free(&resp);
	return rc;
}

/*
 * Ask the catalogue for the dataset, pick its current resource (the
 * newest by CKAN's modification stamps; list order breaks ties) or all of
 * them, skip the download when the mark shows nothing changed, and read
 * each file into one table that is emitted only when every file was good.
 * The function is long because it reads as the steps above, in order.
 */
static int
uw_collect(struct rm_ctx *ctx, void *arg)
{
	struct uw_state		*st = arg;
	struct rm_request	 req;
	struct rm_response	 resp;
	struct uw_table		 t;
	json_error_t		 jerr;
	json_t			*doc = NULL;
	const json_t		*res, *r, *best = NULL, *err;
	const char		*old, *msg;
	char			*pkg = NULL, *url = NULL, mark[64];
	size_t			 i, nwanted = 0;
	uint64_t		 h = 0xcbf29ce484222325ULL;
	int			 rc = RM_ERR, n;

	memset(&t, 0, sizeof(t));
	if (st->file)
		n = asprintf(&pkg, "%s/%s.json", st->catalog, st->dataset);
	else
		n = asprintf(&pkg, "%s%sid=%s", st->catalog,
		    strchr(st->catalog, '?') != NULL ? "&" : "?", st->dataset);
	if (n == -1) {
		uw_host->log(ctx, RM_LOG_ERR, "out of memory");
		return RM_ERR;
	}
	memset(&req, 0, sizeof(req));
	req.url = pkg;
	if (uw_host->http_get(ctx, &req, &resp) != RM_OK) {
		if (resp.status == 404)
			uw_host->log(ctx, RM_LOG_ERR, "the catalogue has no "
			    "dataset \"%s\"", st->dataset);
		uw_host->response_free(&resp);
		goto done;
	}
	doc = json_loadb(resp.body, resp.len, 0, &jerr);
	uw_host->response_free(&resp);
	if (doc == NULL) {
		uw_host->log(ctx, RM_LOG_ERR, "%s: not JSON: line %d: %s", pkg,
		    jerr.line, jerr.text);
		goto done;
	}
	if (!json_is_true(json_object_get(doc, "success"))) {
		err = json_object_get(doc, "error");
		msg = json_string_value(json_object_get(err, "message"));
		uw_host->log(ctx, RM_LOG_ERR, "%s: package_show failed: %s",
		    pkg, msg != NULL ? msg : "\"success\" is not true");
		goto done;
	}
	res = json_object_get(json_object_get(doc, "result"), "resources");
	if (!json_is_array(res)) {
		uw_host->log(ctx, RM_LOG_ERR, "%s: expected result.resources, "
		    "a list", pkg);
		goto done;
	}
	json_array_foreach(res, i, r) {
		if (!uw_wanted(st, r))
			continue;
		nwanted++;
		h = uw_hash(h, json_string_value(json_object_get(r, "url")));
		h = uw_hash(h, uw_modified(r));
		if (best == NULL ||
		    strcmp(uw_modified(r), uw_modified(best)) >= 0)
			best = r;
	}
	if (best == NULL) {
		uw_host->log(ctx, RM_LOG_ERR, "dataset %s has no %s "
		    "resource%s%s%s among its %zu", st->dataset,
		    st->format == UW_FMT_ZIP ? "ZIP" :
		    st->format == UW_FMT_CSV ? "CSV" : "CSV or ZIP",
		    st->resource != NULL ? " matching \"" : "",
		    st->resource != NULL ? st->resource : "",
		    st->resource != NULL ? "\"" : "", json_array_size(res));
		goto done;
	}
	if (!st->all) {
		h = uw_hash(0xcbf29ce484222325ULL,
		    json_string_value(json_object_get(best, "url")));
		h = uw_hash(h, uw_modified(best));
	}
	snprintf(mark, sizeof(mark), "ckan %016llx", (unsigned long long)h);
	if ((old = uw_host->get_mark(ctx)) != NULL && strcmp(old, mark) == 0) {
		uw_host->log(ctx, RM_LOG_DEBUG, "dataset %s unchanged since "
		    "the last run", st->dataset);
		rc = RM_UNCHANGED;
		goto done;
	}
	json_array_foreach(res, i, r) {
		if (st->all ? !uw_wanted(st, r) : r != best)
			continue;
		url = uw_resource_url(ctx, pkg,
		    json_string_value(json_object_get(r, "url")));
		if (url == NULL || uw_fetch_resource(ctx, st, r, url, &t) == -1)
			goto done;
		free(url);
		url = NULL;
	}
	if (uw_emit(ctx, &t) == -1)
		goto done;
	uw_host->set_mark(ctx, mark);
	uw_host->log(ctx, RM_LOG_DEBUG, "%zu rows, %zu skipped, %zu "
	    "observations from %zu file(s)", t.rows, t.skipped, t.n,
	    st->all ? nwanted : 1);
	rc = RM_OK;
done:
	uw_table_free(&t);
	json_decref(doc);
	free(url);
	free(pkg);
	return rc;
}

RM_EXPORT int
rm_plugin_init(const struct rm_host *h, struct rm_plugin *p)
{
	/* conf_type came with ABI 1.1, after conf_keys. */
	if (h == NULL || h->abi_major != RM_ABI_MAJOR ||
	    !RM_HOST_HAS(h, conf_type))
		return RM_ERR;
	uw_host = h;
	RM_PLUGIN_INIT(p);
	p->name = "uwv";
	p->description = "UWV open data on data.overheid.nl: CKAN "
	    "package_show, then the CSV or the ZIP holding it";
	p->init = uw_init;
	p->collect = uw_collect;
	p->fini = uw_fini;
	return RM_OK;
}
