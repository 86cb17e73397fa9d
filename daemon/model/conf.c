/* SPDX-License-Identifier: ISC */
/*
 * conf.c: reads regiomon.json into struct conf.  Every key of every object
 * is described by a static table, so one walker checks types, fills in
 * values and reports every problem (unknown keys with a "did you mean") as
 * "file: json.path: what was expected, what was found".  The small JSON
 * checking helpers at the top are shared with catalog.c.
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

/*
 * A config or catalog file is a few kilobytes; the cap only stops a
 * mistaken path (a device, a log file) from eating memory.
 */
#define JSON_FILE_MAX	(16 * 1024 * 1024)
#define QUOTE_MAX	48	/* bytes of a string shown in a message */
#define JPATH_MAX	256
#define KEYS_MAX	32	/* keys in one table */

#define NOWHERE		SIZE_MAX	/* K_OBJECT: checked, not stored */

/* Defaults for keys left out. */
#define DEF_CONNECT_TIMEOUT	10L
#define DEF_HTTP_TIMEOUT	300L
#define DEF_MAX_BYTES		((size_t)64 << 20)
#define DEF_RETRIES		3
#define DEF_CHILD_MEMORY	((size_t)1 << 30)
#define DEF_INTERVAL		86400L
#define DEF_TIMEOUT		300L

enum kind {
	K_PATH,		/* string, resolved against the config's directory */
	K_STRING,	/* non-empty string, copied */
	K_ID,		/* id_valid() string, borrowed */
	K_DURATION,	/* "90s", "1d": long seconds */
	K_SIZE,		/* "64M": size_t bytes */
	K_INT,		/* integer in [min, max]: int */
	K_BOOL,		/* int 0 or 1 */
	K_OBJECT,	/* any object, borrowed */
	K_SECTION,	/* an object checked against sub, same target */
	K_FUNC		/* fn does it all */
};

struct cctx;
struct keytab;

struct key {
	const char		*name;
	enum kind		 kind;
	int			 required;
	size_t			 off;		/* in the target struct */
	long			 min, max;	/* K_INT */
	const struct keytab	*sub;		/* K_SECTION */
	void			(*fn)(struct cctx *, json_t *, const char *);
};

struct keytab {
	const struct key	*v;
	size_t			 n;
};

/* What one conf_load call is working on. */
struct cctx {
	struct conf	*conf;
	struct diags	*d;
	const char	*file;
};

static void	cat_list(struct cctx *, json_t *, const char *);
static void	sources(struct cctx *, json_t *, const char *);
static void	owned_above(struct cctx *, json_t *, const char *);

#define CONF(f)		offsetof(struct conf, f)
#define SRC(f)		offsetof(struct source, f)

static const struct key http_keys[] = {
	{ "connect_timeout", K_DURATION, .off = CONF(http_connect_timeout) },
	{ "timeout", K_DURATION, .off = CONF(http_timeout) },
	{ "max_bytes", K_SIZE, .off = CONF(http_max_bytes) },
	{ "retries", K_INT, .off = CONF(http_retries), .min = 0, .max = 100 },
};
static const struct keytab http_tab = { http_keys, nitems(http_keys) };

static const struct key limits_keys[] = {
	{ "child_memory", K_SIZE, .off = CONF(child_memory) },
};
static const struct keytab limits_tab = { limits_keys, nitems(limits_keys) };

static const struct key store_keys[] = {
	{ "rrdcached", K_STRING, .off = CONF(rrdcached) },
};
static const struct keytab store_tab = { store_keys, nitems(store_keys) };

/*
 * "mail" is checked by mail/mailconf.c, "alerts" by alert/alert.c,
 * "report" by report/report.c, "daemon" by app/daemonconf.c; the loader
 * in app/setup.c calls them.
 */
static const struct key top_keys[] = {
	{ "state_dir", K_PATH, .off = CONF(state_dir) },
	{ "plugin_dir", K_PATH, .off = CONF(plugin_dir) },
	{ "catalog", K_FUNC, .fn = cat_list },
	{ "http", K_SECTION, .sub = &http_tab },
	{ "limits", K_SECTION, .sub = &limits_tab },
	{ "store", K_SECTION, .sub = &store_tab },
	{ "sources", K_FUNC, .fn = sources },
	{ "mail", K_FUNC, .fn = owned_above },
	{ "alerts", K_FUNC, .fn = owned_above },
	{ "report", K_FUNC, .fn = owned_above },
	{ "daemon", K_FUNC, .fn = owned_above },
};
static const struct keytab top_tab = { top_keys, nitems(top_keys) };

static const struct key source_keys[] = {
	{ "name", K_ID, .required = 1, .off = SRC(name) },
	{ "plugin", K_ID, .required = 1, .off = SRC(plugin) },
	{ "interval", K_DURATION, .off = SRC(interval) },
	{ "timeout", K_DURATION, .off = SRC(timeout) },
	{ "enabled", K_BOOL, .off = SRC(enabled) },
	{ "config", K_OBJECT, .off = SRC(config) },
};
static const struct keytab source_tab = { source_keys, nitems(source_keys) };

/*
 * Write s into buf as a double-quoted string for a message: quotes,
 * backslashes and control characters escaped, cut after QUOTE_MAX bytes
 * (never inside a UTF-8 sequence) with "...".  Returns buf.
 */
const char *
conf_quote(const char *s, char *buf, size_t size)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 o = 0, i, len, lim;
	char			 esc[8];

	if (size < 8) {
		if (size > 0)
			buf[0] = '\0';
		return buf;
	}
	/* Keep room for '...', the closing quote and the NUL. */
	lim = size - 5;
	buf[o++] = '"';
	for (i = 0; p[i] != '\0'; i += len) {
		if (p[i] == '"' || p[i] == '\\') {
			esc[0] = '\\';
			esc[1] = (char)p[i];
			len = 1;
			esc[2] = '\0';
		} else if (p[i] < 0x20 || p[i] == 0x7f) {
			(void)snprintf(esc, sizeof(esc), "\\u%04x", p[i]);
			len = 1;
		} else {
			/* Copy a whole UTF-8 sequence or nothing. */
			len = 1;
			while (len < 4 && (p[i + len] & 0xc0) == 0x80)
				len++;
			memcpy(esc, p + i, len);
			esc[len] = '\0';
		}
		if (i >= QUOTE_MAX || o + strlen(esc) > lim) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		memcpy(buf + o, esc, strlen(esc));
		o += strlen(esc);
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

/*
 * How a value found in a file is shown after "got": a string quoted, any
 * other value by its type.  Returns buf or a static string.
 */
const char *
conf_got(const json_t *v, char *buf, size_t size)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		return conf_quote(json_string_value(v), buf, size);
	case JSON_INTEGER:
	case JSON_REAL:
		return "number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "boolean";
	case JSON_NULL:
		return "null";
	case JSON_ARRAY:
		return "array";
	default:
		return "object";
	}
}

/*
 * The JSON path of a member: "parent.key", or "parent[idx]" when key is
 * NULL.  A path that does not fit ends in "..."; it only labels a message.
 * Returns buf.
 */
const char *
conf_jpath(char *buf, size_t size, const char *parent, const char *key,
    size_t idx)
{
	int	 n;

	if (parent == NULL)
		parent = "";
	if (key == NULL)
		n = snprintf(buf, size, "%s[%zu]", parent, idx);
	else if (*parent == '\0')
		n = snprintf(buf, size, "%s", key);
	else
		n = snprintf(buf, size, "%s.%s", parent, key);
	if (n < 0)
		buf[0] = '\0';
	else if ((size_t)n >= size && size > 4)
		memcpy(buf + size - 4, "...", 4);
	return buf;
}

/*
 * Check that v is a valid id (see id_valid) and return it, borrowed from
 * v; else add a diag saying what is wrong with it and return NULL.
 */
const char *
conf_check_id(struct diags *d, const char *file, const char *where,
    const json_t *v)
{
	const char	*s;
	char		 q[128];

	if (!json_is_string(v)) {
		diag_add(d, file, where, "expected a string, got %s",
		    conf_got(v, q, sizeof(q)));
		return NULL;
	}
	s = json_string_value(v);
	if (id_valid(s))
		return s;
	conf_quote(s, q, sizeof(q));
	if (strlen(s) >= ID_MAX)
		diag_add(d, file, where, "invalid id %s: longer than %d bytes",
		    q, ID_MAX - 1);
	else if (*s == '-' || *s == '_')
		diag_add(d, file, where,
		    "invalid id %s: must start with a-z or 0-9", q);
	else
		diag_add(d, file, where,
		    "invalid id %s: use a-z, 0-9, \"-\" and \"_\"", q);
	return NULL;
}

/*
 * Report an unknown key of the object at where, suggesting the closest of
 * the n allowed keys, or listing them all when none is close.
 */
void
conf_unknown_key(struct diags *d, const char *file, const char *where,
    const char *key, const char *const *keys, size_t n)
{
	const char	*hint;
	char		 q[128], list[512];
	size_t		 i, o = 0;
	int		 len;

	conf_quote(key, q, sizeof(q));
	if ((hint = did_you_mean(key, keys, n)) != NULL) {
		diag_add(d, file, where, "unknown key %s; did you mean \"%s\"?",
		    q, hint);
		return;
	}
	list[0] = '\0';
	for (i = 0; i < n; i++) {
		len = snprintf(list + o, sizeof(list) - o, "%s%s",
		    i > 0 ? ", " : "", keys[i]);
		if (len < 0 || (size_t)len >= sizeof(list) - o)
			break;
		o += (size_t)len;
	}
	diag_add(d, file, where, "unknown key %s; expected one of: %s", q,
	    list);
}

/*
 * Parse a JSON document from memory.  A syntax error is reported as
 * "NAME:LINE:COLUMN: jansson's message".  Returns a new reference or NULL.
 */
static json_t *
parse(const char *buf, size_t len, const char *name, struct diags *d)
{
	json_error_t	 err;
	json_t		*root;
	char		*pos;

	/*
	 * Duplicate keys are refused: with them the later value would
	 * silently win, which is never what the author meant.  Any value is
	 * accepted at the top so that the caller can say "expected an
	 * object, got array" instead of jansson's token talk.
	 */
	root = json_loadb(buf, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES,
	    &err);
	if (root != NULL)
		return root;
	if (err.line >= 0) {
		xasprintf(&pos, "%s:%d:%d", name, err.line, err.column);
		diag_add(d, pos, NULL, "%s", err.text);
		free(pos);
	} else
		diag_add(d, name, NULL, "%s", err.text);
	return NULL;
}

/*
 * Read and parse the JSON file at path, reporting a file that cannot be
 * read ("cannot read: strerror") or parsed, under path.  Returns a new
 * reference, or NULL with the diag added.
 */
json_t *
conf_json_file(const char *path, struct diags *d)
{
	struct stat	 st;
	json_t		*root = NULL;
	char		*buf = NULL, *nbuf;
	size_t		 len = 0, cap = 0;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		goto fail;
	if (fstat(fd, &st) == -1)
		goto fail;
	if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		goto fail;
	}
	for (;;) {
		if (len == cap) {
			if (cap >= JSON_FILE_MAX) {
				diag_add(d, path, NULL, "cannot read: larger "
				    "than %d MiB", JSON_FILE_MAX >> 20);
				goto done;
			}
			cap = cap == 0 ? 8192 : cap * 2;
			if ((nbuf = realloc(buf, cap)) == NULL)
				fatal(NULL);
			buf = nbuf;
		}
		if ((n = read(fd, buf + len, cap - len)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	root = parse(buf, len, path, d);
	goto done;
fail:
	diag_add(d, path, NULL, "cannot read: %s", strerror(errno));
done:
	if (fd != -1)
		close(fd);
	free(buf);
	return root;
}

static void	walk(struct cctx *, json_t *, const char *,
		    const struct keytab *, void *);

/*
 * Check one value against its key and store it at base + k->off.  This is
 * one switch over the kinds, longer than most functions here, kept in one
 * piece so that the message for each kind of value can be read side by
 * side with the others and stays worded alike.
 */
static void
convert(struct cctx *c, const struct key *k, json_t *v, const char *path,
    void *base)
{
	void		*slot;
	const char	*s;
	char		 q[128];
	long		 secs;
	size_t		 bytes;
	json_int_t	 i;

	/* Even unused, base + NOWHERE would be out of bounds. */
	slot = k->off == NOWHERE ? NULL : (char *)base + k->off;
	switch (k->kind) {
	case K_PATH:
	case K_STRING:
		if (!json_is_string(v) || *json_string_value(v) == '\0') {
			diag_add(c->d, c->file, path, "expected a %s, got %s",
			    k->kind == K_PATH ? "path" : "non-empty string",
			    conf_got(v, q, sizeof(q)));
			break;
		}
		s = json_string_value(v);
		free(*(char **)slot);
		*(char **)slot = k->kind == K_PATH ? conf_path(c->conf, s) :
		    xstrdup(s);
		break;
	case K_ID:
		if ((s = conf_check_id(c->d, c->file, path, v)) != NULL)
			*(const char **)slot = s;
		break;
	case K_DURATION:
		if (!json_is_string(v) ||
		    duration_parse(json_string_value(v), &secs) == -1)
			diag_add(c->d, c->file, path,
			    "expected a duration like \"1d\", got %s",
			    conf_got(v, q, sizeof(q)));
		else
			*(long *)slot = secs;
		break;
	case K_SIZE:
		if (!json_is_string(v) ||
		    size_parse(json_string_value(v), &bytes) == -1)
			diag_add(c->d, c->file, path,
			    "expected a size like \"64M\", got %s",
			    conf_got(v, q, sizeof(q)));
		else
			*(size_t *)slot = bytes;
		break;
	case K_INT:
		if (json_is_real(v)) {
			diag_add(c->d, c->file, path,
			    "expected an integer, got %g", json_real_value(v));
			break;
		}
		if (!json_is_integer(v)) {
			diag_add(c->d, c->file, path,
			    "expected an integer, got %s",
			    conf_got(v, q, sizeof(q)));
			break;
		}
		i = json_integer_value(v);
		if (i < k->min || i > k->max) {
			diag_add(c->d, c->file, path,
			    "expected an integer from %ld to %ld, got %"
			    JSON_INTEGER_FORMAT, k->min, k->max, i);
			break;
		}
		*(int *)slot = (int)i;
		break;
	case K_BOOL:
		if (!json_is_boolean(v))
			diag_add(c->d, c->file, path,
			    "expected true or false, got %s",
			    conf_got(v, q, sizeof(q)));
		else
			*(int *)slot = json_is_true(v);
		break;
	case K_OBJECT:
		if (!json_is_object(v))
			diag_add(c->d, c->file, path,
			    "expected an object, got %s",
			    conf_got(v, q, sizeof(q)));
		else if (slot != NULL)
			*(json_t **)slot = v;
		break;
	case K_SECTION:
		walk(c, v, path, k->sub, base);
		break;
	case K_FUNC:
		k->fn(c, v, path);
		break;
	}
}

/*
 * Check the object obj at path against tab, storing what is valid into
 * base: unknown keys, wrong types and missing required keys each add a
 * diag, and the walk goes on so that every problem is reported.
 */
static void
walk(struct cctx *c, json_t *obj, const char *path, const struct keytab *tab,
    void *base)
{
	const char	*names[KEYS_MAX], *key;
	json_t		*v;
	char		 sub[JPATH_MAX], q[128];
	size_t		 i;

	if (!json_is_object(obj)) {
		diag_add(c->d, c->file, path, "expected an object, got %s",
		    conf_got(obj, q, sizeof(q)));
		return;
	}
	json_object_foreach(obj, key, v) {
		for (i = 0; i < tab->n; i++)
			if (strcmp(tab->v[i].name, key) == 0)
				break;
		if (i == tab->n) {
			for (i = 0; i < tab->n && i < KEYS_MAX; i++)
				names[i] = tab->v[i].name;
			conf_unknown_key(c->d, c->file, path, key, names, i);
			continue;
		}
		conf_jpath(sub, sizeof(sub), path, key, 0);
		convert(c, &tab->v[i], v, sub, base);
	}
	for (i = 0; i < tab->n; i++)
		if (tab->v[i].required &&
		    json_object_get(obj, tab->v[i].name) == NULL)
			diag_add(c->d, c->file, path,
			    "missing required key \"%s\"", tab->v[i].name);
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
cat_list(struct cctx *c, json_t *v, const char *path)
{
	struct conf	*conf = c->conf;
	json_t		*e;
	char		 sub[JPATH_MAX], q[128];
	size_t		 i;

	if (!json_is_array(v)) {
		diag_add(c->d, c->file, path,
		    "expected an array of paths, got %s",
		    conf_got(v, q, sizeof(q)));
		return;
	}
	if (json_array_size(v) == 0) {
		diag_add(c->d, c->file, path,
		    "expected at least one catalog file, got []");
		return;
	}
	free_catalogs(conf);
	conf->catalogs = xcalloc(json_array_size(v), sizeof(char *));
	json_array_foreach(v, i, e) {
		conf_jpath(sub, sizeof(sub), path, NULL, i);
		if (!json_is_string(e) || *json_string_value(e) == '\0') {
			diag_add(c->d, c->file, sub, "expected a path, got %s",
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
owned_above(struct cctx *c, json_t *v, const char *path)
{
	(void)c;
	(void)v;
	(void)path;
}

/*
 * "sources": an array of source objects.  Names must be unique; each
 * source's "config" goes unchecked to its plugin, an empty object if
 * absent.
 */
static void
sources(struct cctx *c, json_t *v, const char *path)
{
	struct conf	*conf = c->conf;
	struct source	*src;
	json_t		*e, *cfg;
	char		 sub[JPATH_MAX], name[JPATH_MAX], q[128];
	size_t		 i, j;

	if (!json_is_array(v)) {
		diag_add(c->d, c->file, path, "expected an array, got %s",
		    conf_got(v, q, sizeof(q)));
		return;
	}
	conf->sources = xcalloc(json_array_size(v) + 1, sizeof(*src));
	json_array_foreach(v, i, e) {
		src = &conf->sources[conf->nsources++];
		src->index = i;
		src->interval = DEF_INTERVAL;
		src->timeout = DEF_TIMEOUT;
		src->enabled = 1;
		conf_jpath(sub, sizeof(sub), path, NULL, i);
		walk(c, e, sub, &source_tab, src);
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
			diag_add(c->d, c->file, name,
			    "duplicate source name %s (first at %s[%zu])",
			    conf_quote(src->name, q, sizeof(q)), path, j);
			break;
		}
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
	conf->child_memory = DEF_CHILD_MEMORY;
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
	c.d = d;
	c.file = name;
	walk(&c, root, "", &top_tab, c.conf);
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

	if ((root = parse(buf, len, name, d)) == NULL)
		return NULL;
	return conf_build(root, name, NULL, d);
}

void
conf_free(struct conf *conf)
{
	if (conf == NULL)
		return;
	free(conf->path);
	free(conf->dir);
	free(conf->state_dir);
	free(conf->plugin_dir);
	free_catalogs(conf);
	free(conf->rrdcached);
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
