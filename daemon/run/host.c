/* SPDX-License-Identifier: ISC */
/*
 * host.c: the host table plugins call (struct rm_host) and the per-source
 * context behind it.  During a run the context writes validated lines to
 * the pipe to the parent; during check-config it collects config errors.
 * The parent validates every line again: this side only catches a
 * plugin's mistakes early, with the plugin's own words.  It also holds
 * the helpers every plugin needs (ABI 1.1): config checking, "did you
 * mean" and a growable buffer.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "net/net.h"
#include "run/run.h"

struct rm_ctx {
	struct regiomon		*rm;
	const struct source	*src;
	FILE			*out;		/* NULL: check-config */
	struct diags		*diags;		/* config errors go here */
	int			 failed;	/* an emit was refused */
	size_t			 nemitted;
	/* The last pair the catalog accepted ("": none); see host_emit. */
	char			 ok_ind[ID_MAX];
	char			 ok_reg[ID_MAX];
	enum freq		 ok_freq;
};

static void
host_log(struct rm_ctx *ctx, int prio, const char *fmt, ...)
{
	char		 buf[1536], safe[4 * sizeof(buf)];
	va_list		 ap;
	size_t		 i, o;
	unsigned char	 c;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (prio < RM_LOG_ERR)
		prio = RM_LOG_ERR;
	/*
	 * One log line, as written: a newline would start a line that looks
	 * like another source's, an escape sequence would rewrite the
	 * terminal.  Control characters are shown as \n, \xHH.
	 */
	for (i = o = 0; buf[i] != '\0'; i++) {
		c = (unsigned char)buf[i];
		if (c >= 0x20 && c != 0x7f)
			safe[o++] = (char)c;
		else if (c == '\n')
			o += (size_t)snprintf(safe + o, sizeof(safe) - o,
			    "\\n");
		else
			o += (size_t)snprintf(safe + o, sizeof(safe) - o,
			    "\\x%02x", c);
	}
	safe[o] = '\0';
	log_prio(prio, "%s: %s", ctx->src->name, safe);
}

static void
host_conf_error(struct rm_ctx *ctx, const char *path, const char *fmt, ...)
{
	char	 msg[1024], *where;
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (path == NULL || *path == '\0')
		xasprintf(&where, "sources[%zu].config", ctx->src->index);
	else if (path[0] == '[')
		xasprintf(&where, "sources[%zu].config%s", ctx->src->index,
		    path);
	else
		xasprintf(&where, "sources[%zu].config.%s", ctx->src->index,
		    path);
	if (ctx->diags != NULL)
		diag_add(ctx->diags, ctx->rm->conf->path, where, "%s", msg);
	else
		log_errx("%s: %s: %s", ctx->rm->conf->path, where, msg);
	free(where);
}

/*
 * Check an observation against the catalog: the ids exist and the period
 * has the indicator's frequency.  0, or -1 with err set.
 */
int
host_obs_check(const struct catalog *cat, const struct obs *ob, char *err,
    size_t errlen)
{
	const struct indicator	*ind;
	char			 per[PERIOD_MAX];

	if ((ind = catalog_indicator(cat, ob->indicator)) == NULL) {
		snprintf(err, errlen, "unknown indicator \"%s\"",
		    ob->indicator);
		return -1;
	}
	if (catalog_region(cat, ob->region) == NULL) {
		snprintf(err, errlen, "unknown region \"%s\"", ob->region);
		return -1;
	}
	if (ob->period.freq != ind->freq) {
		period_format(&ob->period, per, sizeof(per));
		snprintf(err, errlen, "period %s for %s, which is a %sly "
		    "series", per, ob->indicator, freq_name(ind->freq));
		return -1;
	}
	return 0;
}

static int
host_emit(struct rm_ctx *ctx, const struct rm_obs *o)
{
	struct obs	 ob;
	char		 err[256];

	memset(&ob, 0, sizeof(ob));
	if (o->indicator == NULL || !id_valid(o->indicator) ||
	    o->region == NULL || !id_valid(o->region)) {
		strlcpy(err, "invalid indicator or region id", sizeof(err));
		goto refuse;
	}
	strlcpy(ob.indicator, o->indicator, sizeof(ob.indicator));
	strlcpy(ob.region, o->region, sizeof(ob.region));
	if (period_parse(o->period, &ob.period) == -1) {
		snprintf(err, sizeof(err), "unknown period \"%s\"",
		    o->period != NULL ? o->period : "(null)");
		goto refuse;
	}
	/* NaN from a plugin is a bug (0/0), not "no value": say so. */
	if (!o->missing && !isfinite(o->value)) {
		snprintf(err, sizeof(err), "%s/%s %s: value %s; set missing "
		    "for a period without a value", ob.indicator, ob.region,
		    o->period, isnan(o->value) ? "is NaN" : "is infinite");
		goto refuse;
	}
	ob.missing = o->missing != 0;
	ob.value = o->value;
	ob.provisional = o->provisional != 0;
	/*
	 * A plugin emits the periods of a series one after another: the
	 * catalog (a list) is searched once per series, not once per cell.
	 */
	if (ob.period.freq != ctx->ok_freq ||
	    strcmp(ob.indicator, ctx->ok_ind) != 0 ||
	    strcmp(ob.region, ctx->ok_reg) != 0) {
		if (host_obs_check(ctx->rm->catalog, &ob, err,
		    sizeof(err)) == -1)
			goto refuse;
		strlcpy(ctx->ok_ind, ob.indicator, sizeof(ctx->ok_ind));
		strlcpy(ctx->ok_reg, ob.region, sizeof(ctx->ok_reg));
		ctx->ok_freq = ob.period.freq;
	}
	if (ctx->out == NULL || obs_write_line(ctx->out, &ob) == -1) {
		strlcpy(err, "cannot write to the parent", sizeof(err));
		goto refuse;
	}
	ctx->nemitted++;
	return RM_OK;
refuse:
	/* One refusal fails the run; log only the first to avoid a flood. */
	if (!ctx->failed)
		log_errx("%s: observation refused: %s", ctx->src->name, err);
	ctx->failed = 1;
	return RM_ERR;
}

static int
host_http_get(struct rm_ctx *ctx, const struct rm_request *req,
    struct rm_response *resp)
{
	char	 err[1024];

	if (http_get(ctx->rm->conf, ctx->rm->conf->dir, req, resp, err,
	    sizeof(err)) == RM_OK)
		return RM_OK;
	log_errx("%s: %s", ctx->src->name, err);
	return RM_ERR;
}

static const char *
host_region_code(struct rm_ctx *ctx, const char *region, const char *scheme)
{
	const struct region	*r;

	if ((r = catalog_region(ctx->rm->catalog, region)) == NULL)
		return NULL;
	return region_code(r, scheme);
}

static const char *
host_region_by_code(struct rm_ctx *ctx, const char *scheme, const char *code)
{
	const struct region	*r;

	r = catalog_region_by_code(ctx->rm->catalog, scheme, code);
	return r != NULL ? r->id : NULL;
}

static int
host_has_indicator(struct rm_ctx *ctx, const char *id)
{
	return catalog_indicator(ctx->rm->catalog, id) != NULL;
}

static int
host_has_region(struct rm_ctx *ctx, const char *id)
{
	return catalog_region(ctx->rm->catalog, id) != NULL;
}

static int
host_period_norm(const char *in, char *out, size_t len)
{
	struct period	 p;

	if (period_parse(in, &p) == -1 || period_format(&p, out, len) == -1)
		return RM_ERR;
	return RM_OK;
}

static const char *
host_get_mark(struct rm_ctx *ctx)
{
	json_t	*src;

	if (ctx->rm->state == NULL)
		return NULL;
	src = json_object_get(json_object_get(ctx->rm->state, "sources"),
	    ctx->src->name);
	return json_string_value(json_object_get(src, "mark"));
}

/* Marks travel to the parent in-band; it keeps them only on success. */
static void
host_set_mark(struct rm_ctx *ctx, const char *mark)
{
	json_t	*o;

	if (ctx->out == NULL || mark == NULL)
		return;
	o = json_pack("{s:s}", "mark", mark);
	if (o == NULL)
		return;
	json_dumpf(o, ctx->out, JSON_COMPACT);
	fputc('\n', ctx->out);
	json_decref(o);
}


/*
 * The edit distance behind plugins' "did you mean": a swap of neighbours
 * counts as one edit ("valeu" is one away from "value"), on three rows on
 * the stack; SIZE_MAX when b is longer than HOST_DYM_MAX, which no key or
 * title a person types reaches.
 */
#define HOST_DYM_MAX	255

size_t
host_edit_distance(const char *a, const char *b)
{
	size_t	 la = strlen(a), lb = strlen(b), i, j, best;
	size_t	 r0[HOST_DYM_MAX + 1], r1[HOST_DYM_MAX + 1];
	size_t	 r2[HOST_DYM_MAX + 1];
	size_t	*pp = r0, *p = r1, *cur = r2, *t;

	if (lb > HOST_DYM_MAX)
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		p[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			best = p[j - 1] + (a[i - 1] != b[j - 1]);
			if (p[j] + 1 < best)
				best = p[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && pp[j - 2] + 1 < best)
				best = pp[j - 2] + 1;
			cur[j] = best;
		}
		t = pp;
		pp = p;
		p = cur;
		cur = t;
	}
	return p[lb];
}

/*
 * The candidate s is a likely typo of (at most a third of its length,
 * and at least 1, edits away), or NULL.  Borrowed from cand.
 */
const char *
host_did_you_mean(const char *s, const char *const *cand, size_t n)
{
	const char	*best = NULL;
	size_t		 i, d, bestd = SIZE_MAX, limit;

	limit = strlen(s) / 3 > 0 ? strlen(s) / 3 : 1;
	for (i = 0; i < n; i++) {
		if (cand[i] != NULL &&
		    (d = host_edit_distance(s, cand[i])) < bestd) {
			bestd = d;
			best = cand[i];
		}
	}
	return bestd <= limit ? best : NULL;
}

/* 1 if v is of type t (enum rm_conf_type), else 0. */
static int
host_conf_is(const json_t *v, int t)
{
	switch (t) {
	case RM_CONF_ANY:
		return 1;
	case RM_CONF_STRING:
		return json_is_string(v) && json_string_length(v) > 0;
	case RM_CONF_BOOL:
		return json_is_boolean(v);
	case RM_CONF_NUMBER:
		return json_is_number(v);
	case RM_CONF_OBJECT:
		return json_is_object(v);
	case RM_CONF_ARRAY:
	case RM_CONF_STRINGS:
		return json_is_array(v);
	default:
		return 0;
	}
}

/*
 * Check v at path against type t, reporting through h->conf_error():
 * "expected <what>", or for a list of strings "expected a string" at the
 * first element that is not one.  RM_OK or RM_ERR.
 */
int
host_conf_type(const struct rm_host *h, struct rm_ctx *ctx,
    const char *path, const json_t *v, int t, const char *what)
{
	char	 sub[512];
	size_t	 i;

	if (path == NULL)
		path = "";
	if (!host_conf_is(v, t)) {
		h->conf_error(ctx, path, "expected %s",
		    what != NULL ? what : "another type");
		return RM_ERR;
	}
	if (t != RM_CONF_STRINGS)
		return RM_OK;
	for (i = 0; i < json_array_size(v); i++) {
		if (json_is_string(json_array_get(v, i)))
			continue;
		snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
		h->conf_error(ctx, sub, "expected a string");
		return RM_ERR;
	}
	return RM_OK;
}

/*
 * Check the keys of obj (at path, "" for the top) against keys[n], in
 * obj's order, reporting through h: unknown keys with a did-you-mean,
 * values of the wrong type.  RM_OK, or RM_ERR when one was reported.
 */
int
host_conf_keys(const struct rm_host *h, struct rm_ctx *ctx,
    const char *path, const json_t *obj, const struct rm_conf_key *keys,
    size_t n)
{
	const char	*key, *hint, *cand[64];
	json_t		*v;
	char		 sub[512];
	size_t		 i;
	int		 rc = RM_OK;

	if (path == NULL)
		path = "";
	json_object_foreach((json_t *)obj, key, v) {
		snprintf(sub, sizeof(sub), "%s%s%s", path,
		    *path != '\0' ? "." : "", key);
		for (i = 0; i < n; i++)
			if (strcmp(key, keys[i].name) == 0)
				break;
		if (i < n) {
			if (host_conf_type(h, ctx, sub, v, keys[i].type,
			    keys[i].what) != RM_OK)
				rc = RM_ERR;
			continue;
		}
		/* A longer table only loses its tail's hints. */
		for (i = 0; i < n && i < sizeof(cand) / sizeof(cand[0]); i++)
			cand[i] = keys[i].name;
		if ((hint = host_did_you_mean(key, cand, i)) != NULL)
			h->conf_error(ctx, sub, "unknown key; did you mean "
			    "\"%s\"?", hint);
		else
			h->conf_error(ctx, sub, "unknown key");
		rc = RM_ERR;
	}
	return rc;
}

static const struct rm_host host;

static int
host_conf_keys_fn(struct rm_ctx *ctx, const char *path, const json_t *obj,
    const struct rm_conf_key *keys, size_t n)
{
	return host_conf_keys(&host, ctx, path, obj, keys, n);
}

static int
host_conf_type_fn(struct rm_ctx *ctx, const char *path, const json_t *v,
    int t, const char *what)
{
	return host_conf_type(&host, ctx, path, v, t, what);
}

struct rm_buf {
	char	*p;
	size_t	 len, size;
	int	 oom;		/* an append failed: take gives NULL */
};

/*
 * Plugins run out of memory without stopping the daemon (B6), so these
 * use malloc, not xmalloc, and report failure instead.
 */
struct rm_buf *
host_buf_new(void)
{
	return calloc(1, sizeof(struct rm_buf));
}

/* Room for n more bytes and a NUL.  0, or -1 with b->oom set. */
static int
host_buf_grow(struct rm_buf *b, size_t n)
{
	size_t	 size;
	char	*p;

	if (b->oom || n > SIZE_MAX / 2 - b->len - 1)
		goto oom;
	if (b->len + n + 1 <= b->size)
		return 0;
	for (size = b->size > 0 ? b->size : 64; size < b->len + n + 1;)
		size *= 2;
	if ((p = realloc(b->p, size)) == NULL)
		goto oom;
	b->p = p;
	b->size = size;
	return 0;
oom:
	b->oom = 1;
	return -1;
}

/* Append n bytes of s.  RM_OK, or RM_ERR when out of memory. */
int
host_buf_add(struct rm_buf *b, const void *s, size_t n)
{
	if (b == NULL || host_buf_grow(b, n) == -1)
		return RM_ERR;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return RM_OK;
}

/* Append printf output.  RM_OK, or RM_ERR when out of memory. */
int
host_buf_printf(struct rm_buf *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (b == NULL)
		return RM_ERR;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || host_buf_grow(b, (size_t)n) == -1) {
		b->oom = 1;
		return RM_ERR;
	}
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, b->size - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return RM_OK;
}

/*
 * End b: its bytes, NUL-terminated and new (host_release() frees them),
 * their length in *len; NULL if an append failed.
 */
char *
host_buf_take(struct rm_buf *b, size_t *len)
{
	char	*p = NULL;

	if (len != NULL)
		*len = 0;
	if (b == NULL)
		return NULL;
	if (!b->oom && host_buf_grow(b, 0) == 0) {
		b->p[b->len] = '\0';
		p = b->p;
		b->p = NULL;
		if (len != NULL)
			*len = b->len;
	}
	free(b->p);
	free(b);
	return p;
}

void
host_release(void *p)
{
	free(p);
}

static const struct rm_host host = {
	.abi_major = RM_ABI_MAJOR,
	.abi_minor = RM_ABI_MINOR,
	.size = sizeof(struct rm_host),
	.version = REGIOMON_VERSION,
	.log = host_log,
	.conf_error = host_conf_error,
	.emit = host_emit,
	.http_get = host_http_get,
	.response_free = http_response_free,
	.region_code = host_region_code,
	.region_by_code = host_region_by_code,
	.has_indicator = host_has_indicator,
	.has_region = host_has_region,
	.period_norm = host_period_norm,
	.get_mark = host_get_mark,
	.set_mark = host_set_mark,
	.did_you_mean = host_did_you_mean,
	.edit_distance = host_edit_distance,
	.conf_keys = host_conf_keys_fn,
	.conf_type = host_conf_type_fn,
	.buf_new = host_buf_new,
	.buf_add = host_buf_add,
	.buf_printf = host_buf_printf,
	.buf_take = host_buf_take,
	.release = host_release,
};

const struct rm_host *
host_table(void)
{
	return &host;
}

/*
 * A context for src.  out: where observations go (NULL when only checking
 * the config); diags: where config errors go (NULL: logged).  New, free
 * with host_ctx_free().
 */
struct rm_ctx *
host_ctx_new(struct regiomon *rm, const struct source *src, FILE *out,
    struct diags *diags)
{
	struct rm_ctx	*ctx = xcalloc(1, sizeof(*ctx));

	ctx->rm = rm;
	ctx->src = src;
	ctx->out = out;
	ctx->diags = diags;
	return ctx;
}

int
host_ctx_failed(const struct rm_ctx *ctx)
{
	return ctx->failed;
}

void
host_ctx_free(struct rm_ctx *ctx)
{
	free(ctx);
}

struct check_probe {
	struct regiomon		*rm;
	const struct plugin	*p;
	const struct source	*src;
};

/* Write one diag to a probe's report: file, where ("": none), msg. */
static void
check_report(int fd, const struct diag *e)
{
	const char	*where = e->where != NULL ? e->where : "";

	write_all(fd, e->file, strlen(e->file) + 1);
	write_all(fd, where, strlen(where) + 1);
	write_all(fd, e->msg, strlen(e->msg) + 1);
}

/* In a probe's child: init() and fini(); the diags are the report. */
static int
check_probe(void *arg, int fd)
{
	struct check_probe	*cp = arg;
	struct diags		 d;
	struct rm_ctx		*ctx;
	void			*state = NULL;
	size_t			 i;
	int			 rc;

	memset(&d, 0, sizeof(d));
	ctx = host_ctx_new(cp->rm, cp->src, NULL, &d);
	rc = cp->p->desc.init(ctx, cp->src->config, &state);
	cp->p->desc.fini(state);
	for (i = 0; i < d.n; i++)
		check_report(fd, &d.v[i]);
	return rc == RM_OK ? 0 : 1;
}

/*
 * Check src's plugin config by running the plugin's init() and fini() in
 * a probe's child (see probe.c): both must do no I/O, and a plugin that
 * crashes or hangs there is reported like a bad config.  Errors go to
 * diags.  0 or -1.
 */
int
host_check_source(struct regiomon *rm, const struct plugin *p,
    const struct source *src, struct diags *diags)
{
	struct check_probe	 cp;
	size_t			 before = diags->n, len, n;
	const char		*f[3], *r, *end;
	char			*report, why[256];
	int			 rc;

	cp.rm = rm;
	cp.p = p;
	cp.src = src;
	if ((rc = probe_run(check_probe, &cp, "checking its config", &report,
	    &len, why, sizeof(why))) == -1) {
		diag_add(diags, rm->conf->path, NULL, "sources[%zu]: plugin "
		    "%s %s", src->index, p->name, why);
		return -1;
	}
	/* Whole triples only: a report cut at its cap drops the last. */
	for (r = report, end = report + len, n = 0; r < end; r += strlen(r) +
	    1) {
		f[n++] = r;
		if (n < 3)
			continue;
		diag_add(diags, f[0], f[1][0] != '\0' ? f[1] : NULL, "%s",
		    f[2]);
		n = 0;
	}
	free(report);
	if (rc != 0 && diags->n == before)
		diag_add(diags, rm->conf->path, NULL, "sources[%zu]: plugin "
		    "%s refused its config without saying why", src->index,
		    p->name);
	return rc == 0 && diags->n == before ? 0 : -1;
}
