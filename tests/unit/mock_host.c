/* SPDX-License-Identifier: ISC */
/*
 * mock_host.c: the fake host behind mock_host.h.  Test code, so it keeps
 * its records in file-scope state and treats running out of memory as a
 * failed test.  Periods are normalised with the daemon's own period.c and
 * http_get without a canned body goes through the daemon's http.c, so a
 * plugin meets the same rules here as in the daemon.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/suggest.h"
#include "core/core.h"
#include "model/model.h"
#include "store/store.h"
#include "net/net.h"
#include "eval/eval.h"
#include "run/run.h"
#include "mail/mail.h"
#include "report/report.h"
#include "alert/alert.h"
#include "app/app.h"
#include "mock_host.h"

struct mock_region {
	char	*id;
	char	*scheme;
	char	*code;
};

struct rm_ctx {
	int	 unused;
};

static struct rm_ctx		 mock_the_ctx;
static struct mock_obs		*mock_obsv;
static size_t			 mock_nobsv;
static struct mock_msg		*mock_logv, *mock_confv;
static size_t			 mock_nlogv, mock_nconfv;
static char			**mock_indicators;
static size_t			 mock_nindicators;
static struct mock_region	*mock_regions;
static size_t			 mock_nregions;
static char			*mock_body;
static char			*mock_confdir;

static void *
mock_grow(void *p, size_t n, size_t size)
{
	if ((p = reallocarray(p, n, size)) == NULL) {
		fprintf(stderr, "mock_host: out of memory\n");
		abort();
	}
	return p;
}

static char *
mock_strdup(const char *s)
{
	char	*p;

	if (s == NULL)
		return NULL;
	if ((p = strdup(s)) == NULL) {
		fprintf(stderr, "mock_host: out of memory\n");
		abort();
	}
	return p;
}

static void
mock_add_msg(struct mock_msg **v, size_t *n, int prio, const char *path,
    const char *fmt, va_list ap)
{
	struct mock_msg	*m;

	*v = mock_grow(*v, *n + 1, sizeof(**v));
	m = &(*v)[(*n)++];
	m->prio = prio;
	m->path = mock_strdup(path);
	if (vasprintf(&m->text, fmt, ap) == -1) {
		fprintf(stderr, "mock_host: out of memory\n");
		abort();
	}
	if (getenv("MOCK_VERBOSE") != NULL)
		fprintf(stderr, "mock %s%s%s\n", path != NULL ? path : "",
		    path != NULL ? ": " : "", m->text);
}

static void
mock_log_fn(struct rm_ctx *ctx, int prio, const char *fmt, ...)
{
	va_list	 ap;

	(void)ctx;
	va_start(ap, fmt);
	mock_add_msg(&mock_logv, &mock_nlogv, prio, NULL, fmt, ap);
	va_end(ap);
}

static void
mock_conf_error_fn(struct rm_ctx *ctx, const char *path, const char *fmt,
    ...)
{
	va_list	 ap;

	(void)ctx;
	va_start(ap, fmt);
	mock_add_msg(&mock_confv, &mock_nconfv, RM_LOG_ERR,
	    path != NULL ? path : "", fmt, ap);
	va_end(ap);
}

static int
mock_has_indicator_fn(struct rm_ctx *ctx, const char *id)
{
	size_t	 i;

	(void)ctx;
	for (i = 0; id != NULL && i < mock_nindicators; i++)
		if (strcmp(mock_indicators[i], id) == 0)
			return 1;
	return 0;
}

static int
mock_has_region(const char *id)
{
	size_t	 i;

	for (i = 0; id != NULL && i < mock_nregions; i++)
		if (strcmp(mock_regions[i].id, id) == 0)
			return 1;
	return 0;
}

/* Like the daemon: refuse unknown ids and periods, log the first only. */
static int
mock_emit_fn(struct rm_ctx *ctx, const struct rm_obs *o)
{
	struct mock_obs	*m;
	struct period	 p;

	if (!mock_has_indicator_fn(ctx, o->indicator) ||
	    !mock_has_region(o->region) || period_parse(o->period, &p) == -1) {
		mock_log_fn(ctx, RM_LOG_ERR, "observation refused: %s/%s/%s",
		    o->indicator != NULL ? o->indicator : "(null)",
		    o->region != NULL ? o->region : "(null)",
		    o->period != NULL ? o->period : "(null)");
		return RM_ERR;
	}
	mock_obsv = mock_grow(mock_obsv, mock_nobsv + 1, sizeof(*mock_obsv));
	m = &mock_obsv[mock_nobsv++];
	m->indicator = mock_strdup(o->indicator);
	m->region = mock_strdup(o->region);
	m->period = mock_strdup(o->period);
	m->value = o->value;
	m->missing = o->missing;
	m->provisional = o->provisional;
	return RM_OK;
}

static int
mock_http_get_fn(struct rm_ctx *ctx, const struct rm_request *req,
    struct rm_response *resp)
{
	struct conf	 conf;
	char		 err[1024];

	memset(resp, 0, sizeof(*resp));
	if (mock_body != NULL) {
		resp->status = 200;
		resp->body = mock_strdup(mock_body);
		resp->len = strlen(mock_body);
		return RM_OK;
	}
	memset(&conf, 0, sizeof(conf));
	conf.http_connect_timeout = 5;
	conf.http_timeout = 10;
	conf.http_retries = 0;
	if (http_get(&conf, mock_confdir, req, resp, err, sizeof(err)) ==
	    RM_OK)
		return RM_OK;
	mock_log_fn(ctx, RM_LOG_ERR, "%s", err);
	return RM_ERR;
}

static const char *
mock_region_code_fn(struct rm_ctx *ctx, const char *region,
    const char *scheme)
{
	size_t	 i;

	(void)ctx;
	for (i = 0; i < mock_nregions; i++)
		if (strcmp(mock_regions[i].id, region) == 0 &&
		    mock_regions[i].scheme != NULL &&
		    strcmp(mock_regions[i].scheme, scheme) == 0)
			return mock_regions[i].code;
	return NULL;
}

static const char *
mock_region_by_code_fn(struct rm_ctx *ctx, const char *scheme,
    const char *code)
{
	size_t	 i;

	(void)ctx;
	for (i = 0; i < mock_nregions; i++)
		if (mock_regions[i].scheme != NULL &&
		    strcmp(mock_regions[i].scheme, scheme) == 0 &&
		    strcmp(mock_regions[i].code, code) == 0)
			return mock_regions[i].id;
	return NULL;
}

static int
mock_period_norm_fn(const char *in, char *out, size_t len)
{
	struct period	 p;

	if (in == NULL || period_parse(in, &p) == -1 ||
	    period_format(&p, out, len) == -1)
		return RM_ERR;
	return RM_OK;
}

static const char *
mock_get_mark_fn(struct rm_ctx *ctx)
{
	(void)ctx;
	return NULL;
}

static void
mock_set_mark_fn(struct rm_ctx *ctx, const char *mark)
{
	(void)ctx;
	(void)mark;
}

/* The daemon's own helpers, reporting through this table. */
static const struct rm_host mock_table;

static int
mock_conf_keys_fn(struct rm_ctx *ctx, const char *path, const json_t *obj,
    const struct rm_conf_key *keys, size_t n)
{
	return sdk_conf_keys(&mock_table, ctx, path, obj, keys, n);
}

static int
mock_conf_type_fn(struct rm_ctx *ctx, const char *path, const json_t *v,
    int t, const char *what)
{
	return sdk_conf_type(&mock_table, ctx, path, v, t, what);
}

static const struct rm_host mock_table = {
	.abi_major = RM_ABI_MAJOR,
	.abi_minor = RM_ABI_MINOR,
	.size = sizeof(struct rm_host),
	.version = "mock",
	.log = mock_log_fn,
	.conf_error = mock_conf_error_fn,
	.emit = mock_emit_fn,
	.http_get = mock_http_get_fn,
	.response_free = http_response_free,
	.region_code = mock_region_code_fn,
	.region_by_code = mock_region_by_code_fn,
	.has_indicator = mock_has_indicator_fn,
	.period_norm = mock_period_norm_fn,
	.get_mark = mock_get_mark_fn,
	.set_mark = mock_set_mark_fn,
	.did_you_mean = suggest_did_you_mean,
	.edit_distance = suggest_edit_distance,
	.conf_keys = mock_conf_keys_fn,
	.conf_type = mock_conf_type_fn,
	.buf_new = sdk_buf_new,
	.buf_add = sdk_buf_add,
	.buf_printf = sdk_buf_printf,
	.buf_take = sdk_buf_take,
	.release = host_release,
	.read_secret = sdk_read_secret,
};

static void
mock_free_msgs(struct mock_msg *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(v[i].path);
		free(v[i].text);
	}
	free(v);
}

/* Forget everything: records, catalog, canned body, confdir. */
void
mock_reset(void)
{
	size_t	 i;

	for (i = 0; i < mock_nobsv; i++) {
		free(mock_obsv[i].indicator);
		free(mock_obsv[i].region);
		free(mock_obsv[i].period);
	}
	free(mock_obsv);
	mock_obsv = NULL;
	mock_nobsv = 0;
	mock_free_msgs(mock_logv, mock_nlogv);
	mock_free_msgs(mock_confv, mock_nconfv);
	mock_logv = mock_confv = NULL;
	mock_nlogv = mock_nconfv = 0;
	for (i = 0; i < mock_nindicators; i++)
		free(mock_indicators[i]);
	free(mock_indicators);
	mock_indicators = NULL;
	mock_nindicators = 0;
	for (i = 0; i < mock_nregions; i++) {
		free(mock_regions[i].id);
		free(mock_regions[i].scheme);
		free(mock_regions[i].code);
	}
	free(mock_regions);
	mock_regions = NULL;
	mock_nregions = 0;
	free(mock_body);
	mock_body = NULL;
	free(mock_confdir);
	mock_confdir = NULL;
}

const struct rm_host *
mock_host(void)
{
	return &mock_table;
}

struct rm_ctx *
mock_ctx(void)
{
	return &mock_the_ctx;
}

void
mock_add_indicator(const char *id)
{
	mock_indicators = mock_grow(mock_indicators, mock_nindicators + 1,
	    sizeof(*mock_indicators));
	mock_indicators[mock_nindicators++] = mock_strdup(id);
}

/* A catalog region; scheme and code may be NULL for a region without. */
void
mock_add_region(const char *id, const char *scheme, const char *code)
{
	struct mock_region	*r;

	mock_regions = mock_grow(mock_regions, mock_nregions + 1,
	    sizeof(*mock_regions));
	r = &mock_regions[mock_nregions++];
	r->id = mock_strdup(id);
	r->scheme = mock_strdup(scheme);
	r->code = mock_strdup(code);
}

/* Answer every http_get with body (status 200); NULL: use http.c. */
void
mock_set_body(const char *body)
{
	free(mock_body);
	mock_body = mock_strdup(body);
}

/* The directory "file:REL" URLs are resolved against. */
void
mock_set_confdir(const char *dir)
{
	free(mock_confdir);
	mock_confdir = mock_strdup(dir);
}

size_t
mock_nobs(void)
{
	return mock_nobsv;
}

const struct mock_obs *
mock_obs(size_t i)
{
	return i < mock_nobsv ? &mock_obsv[i] : NULL;
}

size_t
mock_nlogs(void)
{
	return mock_nlogv;
}

const struct mock_msg *
mock_log(size_t i)
{
	return i < mock_nlogv ? &mock_logv[i] : NULL;
}

size_t
mock_nconf_errors(void)
{
	return mock_nconfv;
}

const struct mock_msg *
mock_conf_error(size_t i)
{
	return i < mock_nconfv ? &mock_confv[i] : NULL;
}

/* 1 if a line at prio (-1: any) contains text. */
int
mock_log_has(int prio, const char *text)
{
	size_t	 i;

	for (i = 0; i < mock_nlogv; i++)
		if ((prio == -1 || mock_logv[i].prio == prio) &&
		    strstr(mock_logv[i].text, text) != NULL)
			return 1;
	return 0;
}

/* 1 if a config error at exactly path contains text. */
int
mock_conf_error_has(const char *path, const char *text)
{
	size_t	 i;

	for (i = 0; i < mock_nconfv; i++)
		if (strcmp(mock_confv[i].path, path) == 0 &&
		    strstr(mock_confv[i].text, text) != NULL)
			return 1;
	return 0;
}

/* Print everything recorded, for a failing test's output. */
void
mock_dump(FILE *fp)
{
	size_t	 i;

	for (i = 0; i < mock_nconfv; i++)
		fprintf(fp, "conf_error %s: %s\n", mock_confv[i].path,
		    mock_confv[i].text);
	for (i = 0; i < mock_nlogv; i++)
		fprintf(fp, "log <%d> %s\n", mock_logv[i].prio,
		    mock_logv[i].text);
	for (i = 0; i < mock_nobsv; i++)
		fprintf(fp, "obs %s %s %s %.17g%s%s\n", mock_obsv[i].indicator,
		    mock_obsv[i].region, mock_obsv[i].period,
		    mock_obsv[i].value, mock_obsv[i].missing ? " missing" : "",
		    mock_obsv[i].provisional ? " provisional" : "");
}
