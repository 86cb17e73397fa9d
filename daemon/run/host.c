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
#include <sys/stat.h>

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/suggest.h"
#include "core/core.h"
#include "model/model.h"
#include "net/net.h"
#include "run/run.h"

struct rm_ctx {
	struct regiomon		*rm;
	const struct source	*src;
	FILE			*out;		/* NULL: check-config */
	struct diags		*diags;		/* config errors go here */
	int			 secrets;	/* HOST_SECRETS_* */
	int			 report_fd;	/* a probe's report, or -1 */
	/* secret_wanted(): what a missing secret file is, where to get it */
	char			 want_what[64];
	char			 want_hint[256];
	char			 waiting[512];	/* "": not waiting */
	int			 failed;	/* an emit was refused */
	size_t			 nemitted;
	/* The last pair the catalog accepted ("": none); see host_emit. */
	char			 ok_ind[ID_MAX];
	char			 ok_reg[ID_MAX];
	enum freq		 ok_freq;
	char			*error;		/* the last error, whole */
	json_t			*warnings;	/* this run's, WARN_MAX */
};

/* Warnings of one run kept for `regiomon sources`; more are only logged. */
#define WARN_MAX	20

/*
 * Keep msg as the run's last error, whole: the child sends it to the
 * parent at its end (host_ctx_error()), where it becomes the source's
 * "last_error", not the log line, which is cut at 2 KB.
 */
static void
host_keep_error(struct rm_ctx *ctx, const char *msg)
{
	free(ctx->error);
	/* Out of memory: the log has the message still. */
	ctx->error = strdup(msg);
}

static void
host_log(struct rm_ctx *ctx, int prio, const char *fmt, ...)
{
	char		*buf;
	va_list		 ap;

	va_start(ap, fmt);
	if (vasprintf(&buf, fmt, ap) == -1)
		buf = NULL;
	va_end(ap);
	/* Out of memory in a collect: said, and the run goes on (B5). */
	if (buf == NULL) {
		log_errx("%s: out of memory for a log message",
		    ctx->src->name);
		return;
	}
	if (prio < RM_LOG_ERR)
		prio = RM_LOG_ERR;
	if (prio == RM_LOG_ERR)
		host_keep_error(ctx, buf);
	/* A warning is the run's news too: `sources` shows the last run's. */
	if (prio == RM_LOG_WARNING &&
	    json_array_size(ctx->warnings) < WARN_MAX) {
		if (ctx->warnings == NULL)
			ctx->warnings = json_array();
		json_array_append_new(ctx->warnings, json_string_nocheck(buf));
	}
	/* The log writer shows control characters as escapes (text.c). */
	log_prio(prio, "%s: %s", ctx->src->name, buf);
	free(buf);
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
	else {
		host_keep_error(ctx, msg);
		log_errx("%s: %s: %s", ctx->rm->conf->path, where, msg);
	}
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
		/* The fix: cbs_statline reads years unless told otherwise. */
		snprintf(err, errlen, "period %s for %s, which is a %sly "
		    "series: have the source give %sly periods (cbs_statline: "
		    "add \"periods\": [\"%s\"] to the series)", per,
		    ob->indicator, freq_name(ind->freq), freq_name(ind->freq),
		    freq_name(ind->freq));
		return -1;
	}
	return 0;
}

/*
 * The form checks of an emitted observation, before the catalog's (see
 * host_obs_check): valid ids, a period the daemon stores and a finite
 * value unless missing.  Fills *ob; 0, or -1 with err set.  The tests'
 * fake host (tests/host/) calls this too, so plugins meet one rule.
 */
int
host_obs_from(const struct rm_obs *o, struct obs *ob, char *err,
    size_t errlen)
{
	memset(ob, 0, sizeof(*ob));
	if (o->indicator == NULL || !id_valid(o->indicator) ||
	    o->region == NULL || !id_valid(o->region)) {
		snprintf(err, errlen, "invalid indicator or region id");
		return -1;
	}
	strlcpy(ob->indicator, o->indicator, sizeof(ob->indicator));
	strlcpy(ob->region, o->region, sizeof(ob->region));
	if (period_parse(o->period, &ob->period) == -1) {
		snprintf(err, errlen, "unknown period \"%s\"",
		    o->period != NULL ? o->period : "(null)");
		return -1;
	}
	/* NaN from a plugin is a bug (0/0), not "no value": say so. */
	if (!o->missing && !isfinite(o->value)) {
		snprintf(err, errlen, "%s/%s %s: value %s; set missing "
		    "for a period without a value", ob->indicator, ob->region,
		    o->period, isnan(o->value) ? "is NaN" : "is infinite");
		return -1;
	}
	ob->missing = o->missing != 0;
	ob->value = o->value;
	ob->provisional = o->provisional != 0;
	/* The one value range, so that whatever is accepted can be stored. */
	return obs_value_check(ob, err, errlen);
}

static int
host_emit(struct rm_ctx *ctx, const struct rm_obs *o)
{
	struct obs	 ob;
	char		 err[512];

	if (host_obs_from(o, &ob, err, sizeof(err)) == -1)
		goto refuse;
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
	char	 err[HTTP_ERR_MAX];

	if (http_get_source(ctx->rm->conf, ctx->rm->conf->dir, ctx->src, req,
	    resp, err, sizeof(err)) == RM_OK)
		return RM_OK;
	host_keep_error(ctx, err);
	log_errx("%s: %s", ctx->src->name, err);
	return RM_ERR;
}

/*
 * Declare the secret file path, named at config key: in a config check's
 * probe it is reported to the parent (host_check_source()), which reads
 * it for each run's child of this source (vault.c); when checking a
 * config for check-config or the daemon (with secrets) it is read now,
 * as a run would.  A run's refusal fails that source's run alone.
 */
static int
host_check_secret(struct rm_ctx *ctx, const char *key, const char *path)
{
	struct stat	 st;
	char		 buf[4096], err[1024];
	int		 rc;

	/* The parent reads it for the run's child, and for no other. */
	if (ctx->report_fd != -1) {
		write_all(ctx->report_fd, "s", 2);
		write_all(ctx->report_fd, path, strlen(path) + 1);
	}
	if (ctx->secrets == HOST_SECRETS_NO)
		return RM_OK;
	/*
	 * Not there yet: the source waits for the admin, as
	 * "needs an API key in PATH (request one from ...)".
	 */
	if (lstat(path, &st) == -1 && errno == ENOENT) {
		snprintf(ctx->waiting, sizeof(ctx->waiting), "needs %s in "
		    "%s%s%s%s", ctx->want_what[0] != '\0' ? ctx->want_what :
		    "a secret file", path, ctx->want_hint[0] != '\0' ?
		    " (" : "", ctx->want_hint, ctx->want_hint[0] != '\0' ?
		    ")" : "");
		return RM_OK;
	}
	if (ctx->secrets == HOST_SECRETS_WAITING)
		return RM_OK;
	rc = sdk_read_secret(path, buf, sizeof(buf), err, sizeof(err));
	explicit_bzero(buf, sizeof(buf));
	if (rc != RM_OK)
		host_conf_error(ctx, key, "%s", err);
	return rc;
}

/* What a secret file holds and where to get it, for the waiting state. */
static void
host_secret_wanted(struct rm_ctx *ctx, const char *what, const char *hint)
{
	snprintf(ctx->want_what, sizeof(ctx->want_what), "%s",
	    what != NULL ? what : "");
	snprintf(ctx->want_hint, sizeof(ctx->want_hint), "%s",
	    hint != NULL ? hint : "");
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


static const struct rm_host host;

static int
host_conf_keys_fn(struct rm_ctx *ctx, const char *path, const json_t *obj,
    const struct rm_conf_key *keys, size_t n)
{
	return sdk_conf_keys(&host, ctx, path, obj, keys, n);
}

static int
host_conf_type_fn(struct rm_ctx *ctx, const char *path, const json_t *v,
    int t, const char *what)
{
	return sdk_conf_type(&host, ctx, path, v, t, what);
}

static int
host_check_only(struct rm_ctx *ctx)
{
	return ctx->rm->check_only;
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
	.did_you_mean = suggest_did_you_mean,
	.edit_distance = suggest_edit_distance,
	.conf_keys = host_conf_keys_fn,
	.conf_type = host_conf_type_fn,
	.buf_new = sdk_buf_new,
	.buf_add = sdk_buf_add,
	.buf_printf = sdk_buf_printf,
	.buf_take = sdk_buf_take,
	.release = host_release,
	.read_secret = sdk_read_secret,
	.check_secret = host_check_secret,
	.secret_wanted = host_secret_wanted,
	.check_only = host_check_only,
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
	ctx->report_fd = -1;
	return ctx;
}

int
host_ctx_failed(const struct rm_ctx *ctx)
{
	return ctx->failed;
}

/* The last error the plugin logged or the host reported, or NULL. */
const char *
host_ctx_error(const struct rm_ctx *ctx)
{
	return ctx->error;
}

/* The warnings the plugin logged in this run (borrowed), or NULL. */
const json_t *
host_ctx_warnings(const struct rm_ctx *ctx)
{
	return ctx->warnings;
}

void
host_ctx_free(struct rm_ctx *ctx)
{
	if (ctx == NULL)
		return;
	free(ctx->error);
	json_decref(ctx->warnings);
	free(ctx);
}

struct check_probe {
	struct regiomon		*rm;
	const struct plugin	*p;
	struct source		*src;
	int			 secrets;
};

/*
 * A probe's report is a run of records of NUL-terminated strings, each
 * led by its kind: "d", then a diag's file, where ("": none) and msg;
 * "s", then the path of a secret file the plugin declared; or "w", then
 * why the source waits for the admin (a secret file not there yet).
 */
static void
check_report(int fd, const struct diag *e)
{
	const char	*where = e->where != NULL ? e->where : "";

	write_all(fd, "d", 2);
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
	/*
	 * From where a run's child calls it (child.c), so that a relative
	 * path in the plugin's config is checked where it will be used.
	 */
	if (cp->rm->conf->dir != NULL && chdir(cp->rm->conf->dir) == -1)
		diag_add(&d, cp->rm->conf->path, NULL, "chdir %s: %s",
		    cp->rm->conf->dir, strerror(errno));
	ctx = host_ctx_new(cp->rm, cp->src, NULL, &d);
	ctx->secrets = cp->secrets;
	ctx->report_fd = fd;
	rc = cp->p->desc.init(ctx, cp->src->config, &state);
	cp->p->desc.fini(state);
	for (i = 0; i < d.n; i++)
		check_report(fd, &d.v[i]);
	/* The waiting state: "w" and why. */
	if (ctx->waiting[0] != '\0') {
		write_all(fd, "w", 2);
		write_all(fd, ctx->waiting, strlen(ctx->waiting) + 1);
	}
	host_ctx_free(ctx);
	return rc == RM_OK ? 0 : 1;
}

/*
 * Check src's plugin config by running the plugin's init() and fini() in
 * a probe's child (see probe.c): both must do no I/O, and a plugin that
 * crashes or hangs there is reported like a bad config.  Errors go to
 * diags.  secrets is HOST_SECRETS_*.  A source that waits for a secret
 * file (secret_wanted()) gets the reason in *waiting (new), else NULL.
 * 0 or -1.
 */
int
host_check_source(struct regiomon *rm, const struct plugin *p,
    struct source *src, int secrets, char **waiting,
    struct diags *diags)
{
	struct check_probe	 cp;
	size_t			 before = diags->n, len, n;
	const char		*f[4], *r, *end;
	char			*report, why[256];
	int			 rc;

	cp.rm = rm;
	cp.p = p;
	cp.src = src;
	cp.secrets = secrets;
	*waiting = NULL;
	if ((rc = probe_run(check_probe, &cp, "checking its config", &report,
	    &len, why, sizeof(why))) == -1) {
		diag_add(diags, rm->conf->path, NULL, "sources[%zu]: plugin "
		    "%s %s", src->index, p->name, why);
		return -1;
	}
	/* Whole records only: a report cut at its cap drops the last. */
	conf_source_forget_secrets(src);
	for (r = report, end = report + len, n = 0; r < end; r += strlen(r) +
	    1) {
		f[n++] = r;
		if (strcmp(f[0], "s") == 0 && n == 2) {
			conf_source_add_secret(src, f[1]);
			n = 0;
		} else if (strcmp(f[0], "w") == 0 && n == 2) {
			free(*waiting);
			*waiting = xstrdup(f[1]);
			n = 0;
		} else if (strcmp(f[0], "d") == 0 && n == 4) {
			diag_add(diags, f[1], f[2][0] != '\0' ? f[2] : NULL,
			    "%s", f[3]);
			n = 0;
		} else if (n == 1 && strcmp(f[0], "s") != 0 &&
		    strcmp(f[0], "w") != 0 && strcmp(f[0], "d") != 0)
			break;	/* cannot be: both ends are this program */
	}
	free(report);
	if (rc != 0 && diags->n == before)
		diag_add(diags, rm->conf->path, NULL, "sources[%zu]: plugin "
		    "%s refused its config without saying why", src->index,
		    p->name);
	return rc == 0 && diags->n == before ? 0 : -1;
}
