/* SPDX-License-Identifier: ISC */
/*
 * conf.c: reads regiomon.json into struct conf.  Every key of every object
 * is described by a static table, so one walker checks types, fills in
 * values and reports every problem (unknown keys with a "did you mean") as
 * "file: json.path: what was expected, what was found": the walker is
 * common/keytab.c's, and conf_kt_init() points its errors at the diags.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"

/* Install paths; the Makefile passes the real ones. */
#ifndef REGIOMON_STATEDIR
#define REGIOMON_STATEDIR	"/var/lib/regiomon"
#endif
#ifndef REGIOMON_PLUGINDIR
#define REGIOMON_PLUGINDIR	"/usr/lib/regiomon/plugins"
#endif
#ifndef REGIOMON_DATADIR
#define REGIOMON_DATADIR	"/usr/share/regiomon"
#endif

#define JPATH_MAX	KEYTAB_JPATH_MAX

/* Defaults for keys left out. */
#define DEF_CONNECT_TIMEOUT	10L
/*
 * Well below DEF_TIMEOUT: four attempts of a transfer that hangs (the
 * first and DEF_RETRIES retries, with their backoff) fit in one run.
 */
#define DEF_HTTP_TIMEOUT	60L
#define DEF_LOW_SPEED_LIMIT	1024	/* bytes a second ... */
#define DEF_LOW_SPEED_TIME	30L	/* ... for this long */
#define DEF_MAX_BYTES		((size_t)64 << 20)
#define DEF_RETRIES		3
#define DEF_CHILD_MEMORY	((size_t)1 << 30)
/*
 * A run's caps: the largest table the bench stores (tests/bench) has 4M
 * cells; 10M leaves room for it to grow 2.5 times.  A spool line is
 * about 110 bytes (at most OBS_LINE_MAX), so 10M observations are about
 * 1.1G of spool: 2G.  A plugin emitting lines forever hits one of them
 * within seconds instead of filling the disk.
 */
#define DEF_RUN_OBSERVATIONS	10000000
#define DEF_RUN_SPOOL		((size_t)2 << 30)
#define DEF_INTERVAL		86400L
#define DEF_TIMEOUT		300L

/* What one conf_load call is working on; ck.kt.arg points here. */
struct cctx {
	struct conf_kt	 ck;
	struct conf	*conf;
};

static keytab_fn	path_key;
static keytab_fn	string_key;
static keytab_fn	cat_list;
static keytab_fn	sources;
static keytab_fn	owned_above;
static keytab_fn	redirect_hosts;

#define CONF(f)		offsetof(struct conf, f)
#define SRC(f)		offsetof(struct source, f)

static const struct keytab_key http_keys[] = {
	{ "connect_timeout", KT_DURATION, .off = CONF(http_connect_timeout) },
	{ "timeout", KT_DURATION, .off = CONF(http_timeout) },
	{ "max_bytes", KT_SIZE, .off = CONF(http_max_bytes) },
	{ "retries", KT_INT, .off = CONF(http_retries), .min = 0, .max = 100 },
	{ "low_speed_limit", KT_SIZE, .off = CONF(http_low_speed_limit),
	    .eg = "1K" },
	{ "low_speed_time", KT_DURATION, .off = CONF(http_low_speed_time),
	    .eg = "30s" },
};
static const struct keytab http_tab = { http_keys, nitems(http_keys) };

static const struct keytab_key limits_keys[] = {
	{ "child_memory", KT_SIZE, .off = CONF(child_memory) },
	{ "run_observations", KT_INT, .off = CONF(run_observations),
	    .min = 0, .max = INT_MAX },
	{ "run_spool", KT_SIZE, .off = CONF(run_spool) },
};
static const struct keytab limits_tab = { limits_keys, nitems(limits_keys) };

static const struct keytab_key store_keys[] = {
	{ "rrdcached", KT_FUNC, .off = CONF(rrdcached), .fn = string_key },
};
static const struct keytab store_tab = { store_keys, nitems(store_keys) };

/*
 * "mail" is checked by mail/mailconf.c, "alerts" by alert/alertconf.c,
 * "report" by report/reportconf.c, "daemon" by app/daemonconf.c; the loader
 * in app/setup.c calls them.
 */
static void illustrative_series(struct keytab_ctx *, json_t *, const char *,
    void *);

/*
 * "illustrative": the config shows data that is not the region's real
 * state (the demo): a note, and the series ("indicator" or
 * "indicator/region") whose figures are invented.  Status, report and
 * mail say so.
 */
static const struct keytab_key illustrative_keys[] = {
	{ "note", KT_TEXT, .required = 1, .off = CONF(ill_note) },
	{ "series", KT_FUNC, .off = CONF(ill_series),
	    .fn = illustrative_series },
};
static const struct keytab illustrative_tab = { illustrative_keys,
	nitems(illustrative_keys) };

static const struct keytab_key top_keys[] = {
	{ "state_dir", KT_FUNC, .off = CONF(state_dir), .fn = path_key },
	{ "plugin_dir", KT_FUNC, .off = CONF(plugin_dir), .fn = path_key },
	{ "catalog", KT_FUNC, .fn = cat_list },
	{ "http", KT_SECTION, .sub = &http_tab },
	{ "limits", KT_SECTION, .sub = &limits_tab },
	{ "store", KT_SECTION, .sub = &store_tab },
	{ "sources", KT_FUNC, .fn = sources },
	{ "mail", KT_FUNC, .fn = owned_above },
	{ "alerts", KT_FUNC, .fn = owned_above },
	{ "report", KT_FUNC, .fn = owned_above },
	{ "daemon", KT_FUNC, .fn = owned_above },
	{ "illustrative", KT_SECTION, .sub = &illustrative_tab },
};
static const struct keytab top_tab = { top_keys, nitems(top_keys) };

static const struct keytab_key source_keys[] = {
	{ "name", KT_ID, .required = 1, .off = SRC(name) },
	{ "plugin", KT_ID, .required = 1, .off = SRC(plugin) },
	{ "interval", KT_DURATION, .off = SRC(interval) },
	{ "timeout", KT_DURATION, .off = SRC(timeout) },
	{ "enabled", KT_BOOL, .off = SRC(enabled) },
	{ "config", KT_OBJECT, .off = SRC(config) },
	{ "allow_redirect_hosts", KT_FUNC, .off = SRC(redirect_hosts),
	    .fn = redirect_hosts },
};
static const struct keytab source_tab = { source_keys, nitems(source_keys) };

/* A path, resolved against the config's directory; new, replaces *slot. */
static void
path_key(struct keytab_ctx *kt, json_t *v, const char *path, void *slot)
{
	struct cctx	*c = kt->arg;
	char		 q[128];

	if (!json_is_string(v) || *json_string_value(v) == '\0') {
		keytab_error(kt, path, "expected a path, got %s",
		    conf_got(v, q, sizeof(q)));
		return;
	}
	free(*(char **)slot);
	*(char **)slot = conf_path(c->conf, json_string_value(v));
}

/* A non-empty string, copied; new, replaces *slot. */
static void
string_key(struct keytab_ctx *kt, json_t *v, const char *path, void *slot)
{
	char	 q[128];

	if (!json_is_string(v) || *json_string_value(v) == '\0') {
		keytab_error(kt, path, "expected a non-empty string, got %s",
		    conf_got(v, q, sizeof(q)));
		return;
	}
	free(*(char **)slot);
	*(char **)slot = xstrdup(json_string_value(v));
}

static void
free_catalogs(struct conf *conf)
{
	size_t	 i;

	for (i = 0; i < conf->ncatalogs; i++)
		free(conf->catalogs[i]);
	free(conf->catalogs);
	conf->catalogs = NULL;
	conf->ncatalogs = 0;
}

/* "catalog": a non-empty array of paths, replacing the default. */
static void
cat_list(struct keytab_ctx *kt, json_t *v, const char *path, void *slot)
{
	struct cctx	*c = kt->arg;
	struct conf	*conf = c->conf;
	json_t		*e;
	char		 sub[JPATH_MAX], q[128];
	size_t		 i;

	(void)slot;
	if (!json_is_array(v)) {
		keytab_error(kt, path, "expected an array of paths, got %s",
		    conf_got(v, q, sizeof(q)));
		return;
	}
	if (json_array_size(v) == 0) {
		keytab_error(kt, path,
		    "expected at least one catalog file, got []");
		return;
	}
	free_catalogs(conf);
	conf->catalogs = xcalloc(json_array_size(v), sizeof(char *));
	json_array_foreach(v, i, e) {
		conf_jpath(sub, sizeof(sub), path, NULL, i);
		if (!json_is_string(e) || *json_string_value(e) == '\0') {
			keytab_error(kt, sub, "expected a path, got %s",
			    conf_got(e, q, sizeof(q)));
			continue;
		}
		conf->catalogs[conf->ncatalogs++] =
		    conf_path(conf, json_string_value(e));
	}
}

/*
 * "mail", "alerts", "report" and "daemon" belong to the parts above this
 * one, which check them (app/setup.c calls each owner): here they are only
 * known keys.
 */
static void
owned_above(struct keytab_ctx *kt, json_t *v, const char *path, void *slot)
{
	(void)kt;
	(void)v;
	(void)path;
	(void)slot;
}

/*
 * 1 if s names a host as allow_redirect_hosts takes it: a DNS name or an
 * IPv4 address ("cdn.example.org"), or an IPv6 one in brackets, then an
 * optional ":port" (1 to 65535).  No scheme, user, path or wildcard.
 */
static int
redirect_host_valid(const char *s)
{
	const char	*p = s, *end;
	long		 port;
	char		*e;

	if (*p == '[') {
		if ((end = strchr(p, ']')) == NULL || end == p + 1)
			return 0;
		for (p++; p < end; p++)
			if (strchr("0123456789abcdefABCDEF:.", *p) == NULL)
				return 0;
		p = end + 1;
	} else {
		for (; *p != '\0' && *p != ':'; p++)
			if (strchr("abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-", *p) ==
			    NULL)
				return 0;
		if (p == s)
			return 0;
	}
	if (*p == '\0')
		return 1;
	if (*p != ':' || p[1] < '0' || p[1] > '9')
		return 0;
	errno = 0;
	port = strtol(p + 1, &e, 10);
	return errno == 0 && *e == '\0' && port >= 1 && port <= 65535;
}

/*
 * A source's "allow_redirect_hosts": the hosts (with a port where it is
 * not the scheme's default) that a redirect may send its requests to
 * besides its own origin.  The array is kept, borrowed from the root.
 */
static void
redirect_hosts(struct keytab_ctx *kt, json_t *v, const char *path,
    void *slot)
{
	json_t	*e;
	char	 sub[JPATH_MAX], q[128];
	size_t	 i;
	int	 ok = 1;

	if (!keytab_is_array(kt, v, path))
		return;
	json_array_foreach(v, i, e) {
		if (json_is_string(e) &&
		    redirect_host_valid(json_string_value(e)))
			continue;
		conf_jpath(sub, sizeof(sub), path, NULL, i);
		keytab_error(kt, sub, "expected a host name, or host:port, "
		    "like \"cdn.example.org\" (no scheme or path), got %s",
		    conf_got(e, q, sizeof(q)));
		ok = 0;
	}
	if (ok)
		*(json_t **)slot = v;
}

/* "illustrative.series": indicator ids, or "indicator/region". */
static void
illustrative_series(struct keytab_ctx *kt, json_t *v, const char *path,
    void *slot)
{
	json_t	*e;
	char	 sub[JPATH_MAX], q[128];
	size_t	 i;
	int	 ok = 1;

	if (!keytab_is_array(kt, v, path))
		return;
	json_array_foreach(v, i, e) {
		if (json_is_string(e) && *json_string_value(e) != '\0')
			continue;
		conf_jpath(sub, sizeof(sub), path, NULL, i);
		keytab_error(kt, sub, "expected an indicator id, or "
		    "\"indicator/region\", got %s", conf_got(e, q, sizeof(q)));
		ok = 0;
	}
	if (ok)
		*(json_t **)slot = v;
}

/*
 * "sources": an array of source objects.  Names must be unique; each
 * source's "config" goes unchecked to its plugin, an empty object if
 * absent.
 */
static void
sources(struct keytab_ctx *kt, json_t *v, const char *path, void *slot)
{
	struct cctx	*c = kt->arg;
	struct conf	*conf = c->conf;
	struct source	*src;
	json_t		*e, *cfg;
	char		 sub[JPATH_MAX], name[JPATH_MAX], q[128];
	size_t		 i, j;

	(void)slot;
	if (!keytab_is_array(kt, v, path))
		return;
	conf->sources = xcalloc(json_array_size(v) + 1, sizeof(*src));
	json_array_foreach(v, i, e) {
		src = &conf->sources[conf->nsources++];
		src->index = i;
		src->interval = DEF_INTERVAL;
		src->timeout = DEF_TIMEOUT;
		src->enabled = 1;
		conf_jpath(sub, sizeof(sub), path, NULL, i);
		keytab_walk(kt, e, sub, &source_tab, src);
		if (!json_is_object(e))
			continue;
		if (json_object_get(e, "config") == NULL) {
			cfg = json_object();
			if (cfg == NULL || json_object_set_new(e, "config",
			    cfg) == -1)
				fatal(NULL);
			src->config = cfg;
		}
		if (src->name == NULL)
			continue;
		for (j = 0; j < i; j++) {
			if (conf->sources[j].name == NULL ||
			    strcmp(conf->sources[j].name, src->name) != 0)
				continue;
			conf_jpath(name, sizeof(name), sub, "name", 0);
			keytab_error(kt, name,
			    "duplicate source name %s (first at %s[%zu])",
			    conf_quote(src->name, q, sizeof(q)), path, j);
			break;
		}
	}
}

/*
 * An http.timeout set in the config must leave each source's run room for
 * a retry: one transfer that trickles or hangs until http.timeout must
 * not use up the source's timeout, or http.retries never happen.  With
 * retries the source's timeout must be at least twice http.timeout,
 * without them longer.  The default http.timeout is not held against a
 * source with a shorter timeout (a file: or exec source fetches nothing).
 */
static void
timeouts_check(struct cctx *c)
{
	struct conf		*conf = c->conf;
	const struct source	*src;
	char			 el[JPATH_MAX], sub[JPATH_MAX];
	size_t			 i;
	long			 need;

	if (json_object_get(json_object_get(conf->root, "http"),
	    "timeout") == NULL)
		return;
	need = conf->http_retries > 0 ? 2 * conf->http_timeout :
	    conf->http_timeout + 1;
	for (i = 0; i < conf->nsources; i++) {
		src = &conf->sources[i];
		if (src->timeout >= need)
			continue;
		conf_jpath(el, sizeof(el), "sources", NULL, src->index);
		conf_jpath(sub, sizeof(sub), el, "timeout", 0);
		keytab_error(&c->ck.kt, sub, "%lds leaves no room for %s "
		    "after a transfer that runs into http.timeout (%lds); "
		    "make this at least %lds or http.timeout shorter",
		    src->timeout, conf->http_retries > 0 ? "a retry" :
		    "the error", conf->http_timeout, need);
	}
}

static struct conf *
conf_new(const char *name, const char *dir)
{
	struct conf	*conf;

	conf = xcalloc(1, sizeof(*conf));
	conf->path = xstrdup(name);
	conf->dir = dir != NULL ? xstrdup(dir) : NULL;
	conf->state_dir = xstrdup(REGIOMON_STATEDIR);
	conf->plugin_dir = xstrdup(REGIOMON_PLUGINDIR);
	conf->catalogs = xcalloc(1, sizeof(char *));
	conf->catalogs[0] = xstrdup(REGIOMON_DATADIR "/catalog.json");
	conf->ncatalogs = 1;
	conf->http_connect_timeout = DEF_CONNECT_TIMEOUT;
	conf->http_timeout = DEF_HTTP_TIMEOUT;
	conf->http_max_bytes = DEF_MAX_BYTES;
	conf->http_retries = DEF_RETRIES;
	conf->http_low_speed_limit = DEF_LOW_SPEED_LIMIT;
	conf->http_low_speed_time = DEF_LOW_SPEED_TIME;
	conf->child_memory = DEF_CHILD_MEMORY;
	conf->run_observations = DEF_RUN_OBSERVATIONS;
	conf->run_spool = DEF_RUN_SPOOL;
	return conf;
}

/*
 * Check root (stolen) and build the conf from it; what is wrong goes into
 * d and is left unset.
 */
static struct conf *
conf_build(json_t *root, const char *name, const char *dir, struct diags *d)
{
	struct cctx	 c;

	c.conf = conf_new(name, dir);
	c.conf->root = root;
	conf_kt_init(&c.ck, d, name, &c);
	keytab_walk(&c.ck.kt, root, "", &top_tab, c.conf);
	timeouts_check(&c);
	return c.conf;
}

static struct conf *
conf_load_file(const char *path, struct diags *d)
{
	struct conf	*conf;
	json_t		*root;
	char		*dir;
	char		*abs;

	if ((root = conf_json_file(path, d)) == NULL)
		return NULL;
	dir = path_dirname(path);
	/*
	 * Absolute, so that paths resolved against it stay right after a
	 * plugin's child process changes into it.
	 */
	if ((abs = realpath(dir, NULL)) != NULL) {
		free(dir);
		dir = abs;
	}
	conf = conf_build(root, path, dir, d);
	free(dir);
	return conf;
}

/*
 * Read the config file at path and check its shape: every problem goes
 * into d, as "path: json.path: message".  The sections other parts own
 * ("mail", "alerts", "report", "daemon") are not checked here: use
 * setup_conf() in app/setup.c, which checks them too.  Relative paths in
 * the file are resolved against its directory.  Returns a new conf
 * (caller frees with conf_free()) whenever the file parses, even with
 * errors in d: what is wrong is left unset.  NULL if it does not parse.
 */
struct conf *
conf_read(const char *path, struct diags *d)
{
	return conf_load_file(path, d);
}

/*
 * As conf_read, from len bytes at buf; name labels the diags, and
 * relative paths stay relative to the current directory.
 */
struct conf *
conf_read_buffer(const char *buf, size_t len, const char *name,
    struct diags *d)
{
	json_t	*root;

	if ((root = conf_json_parse(buf, len, name, d)) == NULL)
		return NULL;
	return conf_build(root, name, NULL, d);
}

/*
 * Add path to the secret files src's plugin declared (check_secret()),
 * once.
 */
void
conf_source_add_secret(struct source *src, const char *path)
{
	size_t	 i;

	for (i = 0; i < src->nsecrets; i++)
		if (strcmp(src->secrets[i], path) == 0)
			return;
	src->secrets = xreallocarray(src->secrets, src->nsecrets + 1,
	    sizeof(*src->secrets));
	src->secrets[src->nsecrets++] = xstrdup(path);
}

/* Forget the secret files src's plugin declared. */
void
conf_source_forget_secrets(struct source *src)
{
	size_t	 i;

	for (i = 0; i < src->nsecrets; i++)
		free(src->secrets[i]);
	free(src->secrets);
	src->secrets = NULL;
	src->nsecrets = 0;
}

void
conf_free(struct conf *conf)
{
	size_t	 i;

	if (conf == NULL)
		return;
	free(conf->path);
	free(conf->dir);
	free(conf->state_dir);
	free(conf->plugin_dir);
	free_catalogs(conf);
	free(conf->rrdcached);
	for (i = 0; i < conf->nshut; i++)
		free(conf->shut[i]);
	free(conf->shut);
	for (i = 0; i < conf->nsources; i++)
		conf_source_forget_secrets(&conf->sources[i]);
	for (i = 0; i < conf->nsources; i++)
		free(conf->sources[i].waiting);
	free(conf->sources);
	json_decref(conf->root);
	free(conf);
}

/* The source called name, borrowed until conf_free(), or NULL. */
const struct source *
conf_source(const struct conf *conf, const char *name)
{
	size_t	 i;

	for (i = 0; i < conf->nsources; i++)
		if (conf->sources[i].name != NULL &&
		    strcmp(conf->sources[i].name, name) == 0)
			return &conf->sources[i];
	return NULL;
}

/*
 * rel resolved against the config file's directory (unchanged when
 * absolute).  New, caller frees.
 */
char *
conf_path(const struct conf *conf, const char *rel)
{
	return path_join(conf->dir, rel);
}
