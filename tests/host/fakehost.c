/* SPDX-License-Identifier: ISC */
/*
 * fakehost.c: the fake host behind fakehost.h.  Test code, so it keeps
 * its records in file-scope state and treats running out of memory as a
 * failed test.  What the daemon decides, the daemon's code decides here:
 * emit() refuses what host_emit() refuses (host_obs_from, host_obs_check
 * on a real struct catalog, obs_format_line), the catalog lookups are
 * catalog_find.c's, periods are normalised by the daemon's host table and
 * http_get without a canned body or a test's function goes through
 * http.c.  tests/unit/test_host_agree.c holds the two hosts to that.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/suggest.h"
#include "core/core.h"
#include "model/model.h"
#include "net/net.h"
#include "run/run.h"
#include "fakehost.h"

struct rm_ctx {
	int	 unused;
};

static struct rm_ctx	 fh_the_ctx;
static struct catalog	 fh_cat;
static struct fh_obs	*fh_obsv;
static size_t		 fh_nobsv, fh_nrefusedv;
static struct fh_msg	*fh_logv, *fh_confv;
static size_t		 fh_nlogv, fh_nconfv;
static char		*fh_body;
static fh_http_fn	*fh_http;
static char		*fh_confdir;

static void *
fh_grow(void *p, size_t n, size_t size)
{
	if ((p = reallocarray(p, n, size)) == NULL) {
		fprintf(stderr, "fakehost: out of memory\n");
		abort();
	}
	return p;
}

static char *
fh_strdup(const char *s)
{
	char	*p;

	if (s == NULL)
		return NULL;
	if ((p = strdup(s)) == NULL) {
		fprintf(stderr, "fakehost: out of memory\n");
		abort();
	}
	return p;
}

static void
fh_add_msg(struct fh_msg **v, size_t *n, int prio, const char *path,
    const char *fmt, va_list ap)
{
	struct fh_msg	*m;

	*v = fh_grow(*v, *n + 1, sizeof(**v));
	m = &(*v)[(*n)++];
	m->prio = prio;
	m->path = fh_strdup(path);
	/* Format it all: a bad argument must show up here, not in the log. */
	if (vasprintf(&m->text, fmt, ap) == -1) {
		fprintf(stderr, "fakehost: out of memory\n");
		abort();
	}
	if (getenv("FAKEHOST_VERBOSE") != NULL)
		fprintf(stderr, "fakehost %s%s%s\n", path != NULL ? path : "",
		    path != NULL ? ": " : "", m->text);
}

static void
fh_log_fn(struct rm_ctx *ctx, int prio, const char *fmt, ...)
{
	va_list	 ap;

	(void)ctx;
	va_start(ap, fmt);
	fh_add_msg(&fh_logv, &fh_nlogv, prio, NULL, fmt, ap);
	va_end(ap);
}

static void
fh_conf_error_fn(struct rm_ctx *ctx, const char *path, const char *fmt, ...)
{
	va_list	 ap;

	(void)ctx;
	va_start(ap, fmt);
	fh_add_msg(&fh_confv, &fh_nconfv, RM_LOG_ERR,
	    path != NULL ? path : "", fmt, ap);
	va_end(ap);
}

/*
 * What host_emit() checks, with the daemon's functions, and the line it
 * would write; every refusal is logged (the daemon logs the first).
 */
static int
fh_emit_fn(struct rm_ctx *ctx, const struct rm_obs *o)
{
	struct fh_obs	*m;
	struct obs	 ob;
	char		 err[256], line[OBS_LINE_MAX];

	if (host_obs_from(o, &ob, err, sizeof(err)) == -1 ||
	    host_obs_check(&fh_cat, &ob, err, sizeof(err)) == -1)
		goto refuse;
	if (obs_format_line(&ob, line, sizeof(line)) == 0) {
		strlcpy(err, "cannot write to the parent", sizeof(err));
		goto refuse;
	}
	fh_obsv = fh_grow(fh_obsv, fh_nobsv + 1, sizeof(*fh_obsv));
	m = &fh_obsv[fh_nobsv++];
	m->indicator = fh_strdup(o->indicator);
	m->region = fh_strdup(o->region);
	m->period = fh_strdup(o->period);
	m->value = o->value;
	m->missing = o->missing;
	m->provisional = o->provisional;
	return RM_OK;
refuse:
	fh_nrefusedv++;
	fh_log_fn(ctx, RM_LOG_ERR, "observation refused: %s", err);
	return RM_ERR;
}

static int
fh_http_get_fn(struct rm_ctx *ctx, const struct rm_request *req,
    struct rm_response *resp)
{
	struct conf	 conf;
	char		 err[1024];

	memset(resp, 0, sizeof(*resp));
	if (fh_http != NULL)
		return fh_http(req, resp);
	if (fh_body != NULL) {
		resp->status = 200;
		resp->body = fh_strdup(fh_body);
		resp->len = strlen(fh_body);
		return RM_OK;
	}
	memset(&conf, 0, sizeof(conf));
	conf.http_connect_timeout = 5;
	conf.http_timeout = 10;
	conf.http_retries = 0;
	if (http_get(&conf, fh_confdir, req, resp, err, sizeof(err)) ==
	    RM_OK)
		return RM_OK;
	fh_log_fn(ctx, RM_LOG_ERR, "%s", err);
	return RM_ERR;
}

static const char *
fh_region_code_fn(struct rm_ctx *ctx, const char *region, const char *scheme)
{
	const struct region	*r;

	(void)ctx;
	if ((r = catalog_region(&fh_cat, region)) == NULL)
		return NULL;
	return region_code(r, scheme);
}

static const char *
fh_region_by_code_fn(struct rm_ctx *ctx, const char *scheme,
    const char *code)
{
	const struct region	*r;

	(void)ctx;
	r = catalog_region_by_code(&fh_cat, scheme, code);
	return r != NULL ? r->id : NULL;
}

static int
fh_has_indicator_fn(struct rm_ctx *ctx, const char *id)
{
	(void)ctx;
	return id != NULL && catalog_indicator(&fh_cat, id) != NULL;
}

static int
fh_has_region_fn(struct rm_ctx *ctx, const char *id)
{
	(void)ctx;
	return id != NULL && catalog_region(&fh_cat, id) != NULL;
}

static int
fh_period_norm_fn(const char *in, char *out, size_t len)
{
	if (in == NULL)
		return RM_ERR;
	return host_table()->period_norm(in, out, len);
}

static const char *
fh_get_mark_fn(struct rm_ctx *ctx)
{
	(void)ctx;
	return NULL;
}

static void
fh_set_mark_fn(struct rm_ctx *ctx, const char *mark)
{
	(void)ctx;
	(void)mark;
}

/* The daemon's own helpers, reporting through this table. */
static const struct rm_host fh_table;

static int
fh_conf_keys_fn(struct rm_ctx *ctx, const char *path, const json_t *obj,
    const struct rm_conf_key *keys, size_t n)
{
	return sdk_conf_keys(&fh_table, ctx, path, obj, keys, n);
}

static int
fh_conf_type_fn(struct rm_ctx *ctx, const char *path, const json_t *v,
    int t, const char *what)
{
	return sdk_conf_type(&fh_table, ctx, path, v, t, what);
}

static const struct rm_host fh_table = {
	.abi_major = RM_ABI_MAJOR,
	.abi_minor = RM_ABI_MINOR,
	.size = sizeof(struct rm_host),
	.version = "fakehost",
	.log = fh_log_fn,
	.conf_error = fh_conf_error_fn,
	.emit = fh_emit_fn,
	.http_get = fh_http_get_fn,
	.response_free = http_response_free,
	.region_code = fh_region_code_fn,
	.region_by_code = fh_region_by_code_fn,
	.has_indicator = fh_has_indicator_fn,
	.has_region = fh_has_region_fn,
	.period_norm = fh_period_norm_fn,
	.get_mark = fh_get_mark_fn,
	.set_mark = fh_set_mark_fn,
	.did_you_mean = suggest_did_you_mean,
	.edit_distance = suggest_edit_distance,
	.conf_keys = fh_conf_keys_fn,
	.conf_type = fh_conf_type_fn,
	.buf_new = sdk_buf_new,
	.buf_add = sdk_buf_add,
	.buf_printf = sdk_buf_printf,
	.buf_take = sdk_buf_take,
	.release = host_release,
	.read_secret = sdk_read_secret,
};

static void
fh_free_msgs(struct fh_msg *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(v[i].path);
		free(v[i].text);
	}
	free(v);
}

/* Forget what was recorded (emits, logs, config errors) only. */
void
fh_clear(void)
{
	size_t	 i;

	for (i = 0; i < fh_nobsv; i++) {
		free(fh_obsv[i].indicator);
		free(fh_obsv[i].region);
		free(fh_obsv[i].period);
	}
	free(fh_obsv);
	fh_obsv = NULL;
	fh_nobsv = fh_nrefusedv = 0;
	fh_free_msgs(fh_logv, fh_nlogv);
	fh_free_msgs(fh_confv, fh_nconfv);
	fh_logv = fh_confv = NULL;
	fh_nlogv = fh_nconfv = 0;
}

/* Forget everything: records, catalog, canned body, http_get, confdir. */
void
fh_reset(void)
{
	size_t	 i;

	fh_clear();
	for (i = 0; i < fh_cat.nindicators; i++)
		free((char *)fh_cat.indicators[i].id);
	free(fh_cat.indicators);
	for (i = 0; i < fh_cat.nregions; i++) {
		free((char *)fh_cat.regions[i].id);
		json_decref(fh_cat.regions[i].codes);
	}
	free(fh_cat.regions);
	free(fh_cat.rslot);
	memset(&fh_cat, 0, sizeof(fh_cat));
	free(fh_body);
	fh_body = NULL;
	fh_http = NULL;
	free(fh_confdir);
	fh_confdir = NULL;
}

const struct rm_host *
fh_host(void)
{
	return &fh_table;
}

struct rm_ctx *
fh_ctx(void)
{
	return &fh_the_ctx;
}

/* A catalog indicator and its frequency: "year", "quarter" or "month". */
void
fh_add_indicator(const char *id, const char *freq)
{
	struct indicator	*ind;

	fh_cat.indicators = fh_grow(fh_cat.indicators, fh_cat.nindicators + 1,
	    sizeof(*fh_cat.indicators));
	ind = &fh_cat.indicators[fh_cat.nindicators++];
	memset(ind, 0, sizeof(*ind));
	ind->id = fh_strdup(id);
	if (freq_parse(freq, &ind->freq) == -1) {
		fprintf(stderr, "fakehost: %s: bad frequency \"%s\"\n", id,
		    freq != NULL ? freq : "(null)");
		abort();
	}
}

/* A catalog region; scheme and code may be NULL for a region without. */
void
fh_add_region(const char *id, const char *scheme, const char *code)
{
	struct region	*r;

	fh_cat.regions = fh_grow(fh_cat.regions, fh_cat.nregions + 1,
	    sizeof(*fh_cat.regions));
	r = &fh_cat.regions[fh_cat.nregions++];
	memset(r, 0, sizeof(*r));
	r->id = fh_strdup(id);
	if ((r->codes = json_object()) == NULL || (scheme != NULL &&
	    json_object_set_new(r->codes, scheme, json_string(code)) == -1)) {
		fprintf(stderr, "fakehost: out of memory\n");
		abort();
	}
	/* Lookups scan the array until the catalog is indexed again. */
	free(fh_cat.rslot);
	fh_cat.rslot = NULL;
	fh_cat.nrslot = 0;
}

/* Answer every http_get with body (status 200); NULL: use http.c. */
void
fh_set_body(const char *body)
{
	free(fh_body);
	fh_body = fh_strdup(body);
}

/* Answer every http_get with fn (before any body); NULL: none. */
void
fh_set_http(fh_http_fn *fn)
{
	fh_http = fn;
}

/* The directory "file:REL" URLs are resolved against. */
void
fh_set_confdir(const char *dir)
{
	free(fh_confdir);
	fh_confdir = fh_strdup(dir);
}

size_t
fh_nobs(void)
{
	return fh_nobsv;
}

const struct fh_obs *
fh_obs(size_t i)
{
	return i < fh_nobsv ? &fh_obsv[i] : NULL;
}

/* How many emits were refused since the last fh_clear(). */
size_t
fh_nrefused(void)
{
	return fh_nrefusedv;
}

size_t
fh_nlogs(void)
{
	return fh_nlogv;
}

const struct fh_msg *
fh_log(size_t i)
{
	return i < fh_nlogv ? &fh_logv[i] : NULL;
}

size_t
fh_nconf_errors(void)
{
	return fh_nconfv;
}

const struct fh_msg *
fh_conf_error(size_t i)
{
	return i < fh_nconfv ? &fh_confv[i] : NULL;
}

/* 1 if a line at prio (-1: any) contains text. */
int
fh_log_has(int prio, const char *text)
{
	size_t	 i;

	for (i = 0; i < fh_nlogv; i++)
		if ((prio == -1 || fh_logv[i].prio == prio) &&
		    strstr(fh_logv[i].text, text) != NULL)
			return 1;
	return 0;
}

/* 1 if a config error at exactly path contains text. */
int
fh_conf_error_has(const char *path, const char *text)
{
	size_t	 i;

	for (i = 0; i < fh_nconfv; i++)
		if (strcmp(fh_confv[i].path, path) == 0 &&
		    strstr(fh_confv[i].text, text) != NULL)
			return 1;
	return 0;
}

/* Print everything recorded, for a failing test's output. */
void
fh_dump(FILE *fp)
{
	size_t	 i;

	for (i = 0; i < fh_nconfv; i++)
		fprintf(fp, "conf_error %s: %s\n", fh_confv[i].path,
		    fh_confv[i].text);
	for (i = 0; i < fh_nlogv; i++)
		fprintf(fp, "log <%d> %s\n", fh_logv[i].prio, fh_logv[i].text);
	for (i = 0; i < fh_nobsv; i++)
		fprintf(fp, "obs %s %s %s %.17g%s%s\n", fh_obsv[i].indicator,
		    fh_obsv[i].region, fh_obsv[i].period, fh_obsv[i].value,
		    fh_obsv[i].missing ? " missing" : "",
		    fh_obsv[i].provisional ? " provisional" : "");
}
