/* SPDX-License-Identifier: ISC */
/*
 * fakehost.c: the host table the plugin fuzz targets hand a plugin,
 * included by fuzz_cbs_v3.c, fuzz_cbs_v4.c and fuzz_jsonstat.c.  The
 * plugin goes through its public entry points only (init, collect,
 * fini), so the targets keep working while the plugin's inside changes.
 * Every GET is answered from the fuzz input: the input is split at lines
 * "====" into parts; requests for a data entity get part 0, the other
 * requests, in the order they come, parts 1, 2, ... and past the last
 * part a valid default body the target names for that entity.  Emitted
 * observations are checked as the daemon checks them.  Test code: its
 * state is file-scope and reset for every input.
 */
#include <stdarg.h>
#include <stdint.h>
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

#define FH_SEP		"\n====\n"
#define FH_PARTS	16

struct rm_ctx {
	int	 unused;
};

/* A catalog region: id and its code in one scheme. */
struct fh_region {
	const char	*id;
	const char	*scheme;
	const char	*code;
};

/* A default answer: the entity (last path segment) and its body. */
struct fh_default {
	const char	*entity;
	const char	*body;
};

static struct rm_ctx		 fh_ctx;
static const char		*fh_part[FH_PARTS];
static size_t			 fh_len[FH_PARTS];
static size_t			 fh_nparts, fh_next;
static const char *const	*fh_data;	/* data entities */
static const struct fh_default	*fh_defaults;
static const char *const	*fh_indicators;
static const struct fh_region	*fh_regions;
static size_t			 fh_nobs;

static void
fh_log(struct rm_ctx *ctx, int prio, const char *fmt, ...)
{
	char	 buf[2048];
	va_list	 ap;

	(void)ctx;
	(void)prio;
	/* Format it all: a bad argument must show up here, not in the log. */
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (getenv("FUZZ_VERBOSE") != NULL)
		fprintf(stderr, "log: %s\n", buf);
}

static void
fh_conf_error(struct rm_ctx *ctx, const char *path, const char *fmt, ...)
{
	char	 buf[2048];
	va_list	 ap;

	(void)ctx;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* The targets' configs are valid: a config error is a bug. */
	fprintf(stderr, "fakehost: config error at %s: %s\n",
	    path != NULL ? path : "", buf);
	abort();
}

static int
fh_has_indicator(struct rm_ctx *ctx, const char *id)
{
	size_t	 i;

	(void)ctx;
	for (i = 0; id != NULL && fh_indicators[i] != NULL; i++)
		if (strcmp(fh_indicators[i], id) == 0)
			return 1;
	return 0;
}

static int
fh_has_region(struct rm_ctx *ctx, const char *id)
{
	size_t	 i;

	(void)ctx;
	for (i = 0; id != NULL && fh_regions[i].id != NULL; i++)
		if (strcmp(fh_regions[i].id, id) == 0)
			return 1;
	return 0;
}

static const char *
fh_region_code(struct rm_ctx *ctx, const char *region, const char *scheme)
{
	size_t	 i;

	(void)ctx;
	for (i = 0; fh_regions[i].id != NULL; i++)
		if (strcmp(fh_regions[i].id, region) == 0 &&
		    strcmp(fh_regions[i].scheme, scheme) == 0)
			return fh_regions[i].code;
	return NULL;
}

static const char *
fh_region_by_code(struct rm_ctx *ctx, const char *scheme, const char *code)
{
	size_t	 i;

	(void)ctx;
	for (i = 0; fh_regions[i].id != NULL; i++)
		if (strcmp(fh_regions[i].scheme, scheme) == 0 &&
		    strcmp(fh_regions[i].code, code) == 0)
			return fh_regions[i].id;
	return NULL;
}

static int
fh_period_norm(const char *in, char *out, size_t len)
{
	struct period	 p;

	if (in == NULL || period_parse(in, &p) == -1 ||
	    period_format(&p, out, len) == -1)
		return RM_ERR;
	return RM_OK;
}

/* What host.c checks, and the line the daemon would write for it. */
static int
fh_emit(struct rm_ctx *ctx, const struct rm_obs *o)
{
	struct obs	 ob;
	char		 line[OBS_LINE_MAX];

	memset(&ob, 0, sizeof(ob));
	if (o->indicator == NULL || !id_valid(o->indicator) ||
	    o->region == NULL || !id_valid(o->region) ||
	    !fh_has_indicator(ctx, o->indicator) ||
	    !fh_has_region(ctx, o->region) ||
	    period_parse(o->period, &ob.period) == -1)
		return RM_ERR;
	strlcpy(ob.indicator, o->indicator, sizeof(ob.indicator));
	strlcpy(ob.region, o->region, sizeof(ob.region));
	ob.missing = o->missing || o->value != o->value;
	ob.value = o->value;
	ob.provisional = o->provisional != 0;
	if (!ob.missing && (ob.value - ob.value) != 0)
		return RM_ERR;	/* infinite: the parent refuses it */
	if (obs_format_line(&ob, line, sizeof(line)) == 0)
		return RM_ERR;
	fh_nobs++;
	return RM_OK;
}

/* The entity a URL asks for: its last path segment, without the query. */
static void
fh_entity(const char *url, char *buf, size_t size)
{
	const char	*q, *s;
	size_t		 n;

	q = url + strcspn(url, "?#");
	for (s = q; s > url && s[-1] != '/'; s--)
		;
	n = (size_t)(q - s);
	if (n >= size)
		n = size - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
}

static int
fh_http_get(struct rm_ctx *ctx, const struct rm_request *req,
    struct rm_response *resp)
{
	const char	*body = NULL;
	char		 entity[128];
	size_t		 len = 0, i;

	(void)ctx;
	memset(resp, 0, sizeof(*resp));
	fh_entity(req->url, entity, sizeof(entity));
	for (i = 0; fh_data[i] != NULL; i++)
		if (strcmp(entity, fh_data[i]) == 0)
			break;
	if (fh_data[i] != NULL) {
		body = fh_part[0];
		len = fh_len[0];
	} else if (fh_next < fh_nparts) {
		body = fh_part[fh_next];
		len = fh_len[fh_next++];
	} else {
		for (i = 0; fh_defaults[i].entity != NULL; i++)
			if (strcmp(fh_defaults[i].entity, entity) == 0)
				break;
		if (fh_defaults[i].entity == NULL) {
			resp->status = 404;
			return RM_ERR;
		}
		body = fh_defaults[i].body;
		len = strlen(body);
	}
	/* Host-owned and NUL-terminated, as http.c hands it over. */
	if ((resp->body = malloc(len + 1)) == NULL)
		abort();
	memcpy(resp->body, body, len);
	resp->body[len] = '\0';
	resp->len = len;
	resp->status = 200;
	return RM_OK;
}

static void
fh_response_free(struct rm_response *resp)
{
	free(resp->body);
	memset(resp, 0, sizeof(*resp));
}

static const char *
fh_get_mark(struct rm_ctx *ctx)
{
	(void)ctx;
	return NULL;
}

static void
fh_set_mark(struct rm_ctx *ctx, const char *mark)
{
	(void)ctx;
	(void)mark;
}

/* The daemon's own helpers, reporting through this table. */
static const struct rm_host fh_table;

static int
fh_conf_keys(struct rm_ctx *ctx, const char *path, const json_t *obj,
    const struct rm_conf_key *keys, size_t n)
{
	return sdk_conf_keys(&fh_table, ctx, path, obj, keys, n);
}

static int
fh_conf_type(struct rm_ctx *ctx, const char *path, const json_t *v,
    int t, const char *what)
{
	return sdk_conf_type(&fh_table, ctx, path, v, t, what);
}

static const struct rm_host fh_table = {
	.abi_major = RM_ABI_MAJOR,
	.abi_minor = RM_ABI_MINOR,
	.size = sizeof(struct rm_host),
	.version = "fuzz",
	.log = fh_log,
	.conf_error = fh_conf_error,
	.emit = fh_emit,
	.http_get = fh_http_get,
	.response_free = fh_response_free,
	.region_code = fh_region_code,
	.region_by_code = fh_region_by_code,
	.has_indicator = fh_has_indicator,
	.has_region = fh_has_region,
	.period_norm = fh_period_norm,
	.get_mark = fh_get_mark,
	.set_mark = fh_set_mark,
	.did_you_mean = suggest_did_you_mean,
	.edit_distance = suggest_edit_distance,
	.conf_keys = fh_conf_keys,
	.conf_type = fh_conf_type,
	.buf_new = sdk_buf_new,
	.buf_add = sdk_buf_add,
	.buf_printf = sdk_buf_printf,
	.buf_take = sdk_buf_take,
	.release = host_release,
	.read_secret = sdk_read_secret,
};

/* Split the input into the parts the GETs are answered with. */
static void
fh_split(const uint8_t *data, size_t len)
{
	const char	*p = (const char *)data, *e = p + len, *s;
	size_t		 sl = strlen(FH_SEP);

	fh_nparts = 0;
	fh_next = 1;
	while (fh_nparts < FH_PARTS) {
		s = memmem(p, (size_t)(e - p), FH_SEP, sl);
		fh_part[fh_nparts] = p;
		fh_len[fh_nparts++] = s != NULL ? (size_t)(s - p) :
		    (size_t)(e - p);
		if (s == NULL)
			break;
		p = s + sl;
	}
}

/*
 * Run the plugin once on the input with the config text conf: init,
 * collect, fini.  The plugin must not crash, leak or refuse the config.
 */
static void
fh_run(const struct rm_plugin *plug, const char *conf, const uint8_t *data,
    size_t len)
{
	json_error_t	 jerr;
	json_t		*j;
	void		*state = NULL;

	fh_split(data, len);
	fh_nobs = 0;
	if ((j = json_loads(conf, 0, &jerr)) == NULL) {
		fprintf(stderr, "fakehost: bad config: %s\n", jerr.text);
		abort();
	}
	if (plug->init(&fh_ctx, j, &state) != RM_OK) {
		fprintf(stderr, "fakehost: init refused %s\n", conf);
		abort();
	}
	json_decref(j);
	plug->collect(&fh_ctx, state);
	plug->fini(state);
}

/* The plugin's descriptor, filled in once. */
static const struct rm_plugin *
fh_plugin(const char *const *data, const struct fh_default *defaults,
    const char *const *indicators, const struct fh_region *regions)
{
	static struct rm_plugin	 plug;
	static int		 done;

	fh_data = data;
	fh_defaults = defaults;
	fh_indicators = indicators;
	fh_regions = regions;
	if (!done) {
		log_init(0, 0);
		if (rm_plugin_init(&fh_table, &plug) != RM_OK)
			abort();
		done = 1;
	}
	return &plug;
}
