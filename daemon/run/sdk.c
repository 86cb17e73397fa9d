/* SPDX-License-Identifier: ISC */
/*
 * sdk.c: the helpers the host table offers plugins since ABI 1.1:
 * checking a config object against a table of keys, and a growable
 * buffer.  The fake hosts of the tests call these same functions.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/suggest.h"
#include "core/core.h"
#include "model/model.h"
#include "run/run.h"
#include "run/run_private.h"

/* 1 if v is of type t (enum rm_conf_type), else 0. */
static int
sdk_conf_is(const json_t *v, int t)
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
sdk_conf_type(const struct rm_host *h, struct rm_ctx *ctx,
    const char *path, const json_t *v, int t, const char *what)
{
	char	 sub[512];
	size_t	 i;

	if (path == NULL)
		path = "";
	if (!sdk_conf_is(v, t)) {
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
sdk_conf_keys(const struct rm_host *h, struct rm_ctx *ctx,
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
			if (sdk_conf_type(h, ctx, sub, v, keys[i].type,
			    keys[i].what) != RM_OK)
				rc = RM_ERR;
			continue;
		}
		/* A longer table only loses its tail's hints. */
		for (i = 0; i < n && i < sizeof(cand) / sizeof(cand[0]); i++)
			cand[i] = keys[i].name;
		if ((hint = suggest_did_you_mean(key, cand, i)) != NULL)
			h->conf_error(ctx, sub, "unknown key; did you mean "
			    "\"%s\"?", hint);
		else
			h->conf_error(ctx, sub, "unknown key");
		rc = RM_ERR;
	}
	return rc;
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
sdk_buf_new(void)
{
	return calloc(1, sizeof(struct rm_buf));
}

/* Room for n more bytes and a NUL.  0, or -1 with b->oom set. */
static int
sdk_buf_grow(struct rm_buf *b, size_t n)
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
sdk_buf_add(struct rm_buf *b, const void *s, size_t n)
{
	if (b == NULL || sdk_buf_grow(b, n) == -1)
		return RM_ERR;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return RM_OK;
}

/* Append printf output.  RM_OK, or RM_ERR when out of memory. */
int
sdk_buf_printf(struct rm_buf *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (b == NULL)
		return RM_ERR;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || sdk_buf_grow(b, (size_t)n) == -1) {
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
sdk_buf_take(struct rm_buf *b, size_t *len)
{
	char	*p = NULL;

	if (len != NULL)
		*len = 0;
	if (b == NULL)
		return NULL;
	if (!b->oom && sdk_buf_grow(b, 0) == 0) {
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

/*
 * The host's read_secret (ABI 1.2): in a run's child from the source's
 * vault (vault.c), else secret_read(); RM_OK or RM_ERR.
 */
int
sdk_read_secret(const char *path, char *buf, size_t size, char *err,
    size_t errlen)
{
	int	 rc;

	if (vault_serve(path, buf, size, err, errlen, &rc))
		return rc;
	return secret_read(path, buf, size, NULL, err, errlen) == 0 ?
	    RM_OK : RM_ERR;
}
