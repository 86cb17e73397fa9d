/* SPDX-License-Identifier: ISC */
/*
 * keytab.c: one walker checks a JSON object against a static table of its
 * keys: types, ranges, unknown keys with a "did you mean", missing
 * required keys, each reported as "json.path: what was expected, what was
 * found" through the caller's callback, and the walk goes on past errors.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/keytab.h"
#include "common/suggest.h"

#define QUOTE_MAX	48	/* bytes of a string shown in a message */

/* Report one problem at path through the walk's callback. */
void
keytab_error(struct keytab_ctx *kt, const char *path, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	kt->error(kt, path, fmt, ap);
	va_end(ap);
}

/*
 * Write s into buf as a double-quoted string for a message: quotes,
 * backslashes and control characters escaped, cut after QUOTE_MAX bytes
 * (never inside a UTF-8 sequence) with "...".  Returns buf.
 */
const char *
keytab_quote(const char *s, char *buf, size_t size)
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
keytab_got(const json_t *v, char *buf, size_t size)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		return keytab_quote(json_string_value(v), buf, size);
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
keytab_jpath(char *buf, size_t size, const char *parent, const char *key,
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
 * Check that v is a valid id (see keytab_id_valid) and return it,
 * borrowed from v; else report what is wrong with it and return NULL.
 */
const char *
keytab_check_id(struct keytab_ctx *kt, const char *path, const json_t *v)
{
	const char	*s;
	char		 q[128];

	if (!json_is_string(v)) {
		keytab_error(kt, path, "expected a string, got %s",
		    keytab_got(v, q, sizeof(q)));
		return NULL;
	}
	s = json_string_value(v);
	if (keytab_id_valid(s))
		return s;
	keytab_quote(s, q, sizeof(q));
	if (strlen(s) >= KEYTAB_ID_MAX)
		keytab_error(kt, path, "invalid id %s: longer than %d bytes",
		    q, KEYTAB_ID_MAX - 1);
	else if (*s == '-' || *s == '_')
		keytab_error(kt, path,
		    "invalid id %s: must start with a-z or 0-9", q);
	else
		keytab_error(kt, path,
		    "invalid id %s: use a-z, 0-9, \"-\" and \"_\"", q);
	return NULL;
}

/*
 * Report an unknown key of the object at path, suggesting the closest of
 * the n allowed keys, or listing them all when none is close.
 */
void
keytab_unknown_key(struct keytab_ctx *kt, const char *path, const char *key,
    const char *const *keys, size_t n)
{
	const char	*hint;
	char		 q[128], list[512];
	size_t		 i, o = 0;
	int		 len;

	keytab_quote(key, q, sizeof(q));
	if ((hint = suggest_did_you_mean(key, keys, n)) != NULL) {
		keytab_error(kt, path, "unknown key %s; did you mean \"%s\"?",
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
	keytab_error(kt, path, "unknown key %s; expected one of: %s", q, list);
}

/* An integer in [min, max] into *out: 0, or -1 after an error. */
int
keytab_int(struct keytab_ctx *kt, json_t *v, const char *path, long min,
    long max, int *out)
{
	char		 q[128];
	json_int_t	 i;

	if (json_is_real(v)) {
		keytab_error(kt, path, "expected an integer, got %g",
		    json_real_value(v));
		return -1;
	}
	if (!json_is_integer(v)) {
		keytab_error(kt, path, "expected an integer, got %s",
		    keytab_got(v, q, sizeof(q)));
		return -1;
	}
	i = json_integer_value(v);
	if (i >= min && i <= max) {
		*out = (int)i;
		return 0;
	}
	if (max == INT_MAX)
		keytab_error(kt, path, "expected an integer >= %ld, "
		    "got %" JSON_INTEGER_FORMAT, min, i);
	else
		keytab_error(kt, path, "expected an integer from %ld "
		    "to %ld, got %" JSON_INTEGER_FORMAT, min, max, i);
	return -1;
}

/* The index of v in names[n], or -1 after an error listing them. */
int
keytab_oneof(struct keytab_ctx *kt, json_t *v, const char *path,
    const char *const *names, size_t n)
{
	char	 list[256], q[128];
	size_t	 i, o = 0;
	int	 len;

	for (i = 0; json_is_string(v) && i < n; i++)
		if (strcmp(json_string_value(v), names[i]) == 0)
			return (int)i;
	list[0] = '\0';
	for (i = 0; i < n; i++) {
		len = snprintf(list + o, sizeof(list) - o, "%s%s",
		    i > 0 ? ", " : "", names[i]);
		if (len < 0 || (size_t)len >= sizeof(list) - o)
			break;
		o += (size_t)len;
	}
	keytab_error(kt, path, "expected one of %s, got %s", list,
	    keytab_got(v, q, sizeof(q)));
	return -1;
}

/* 1 if v is a JSON array, else an error and 0. */
int
keytab_is_array(struct keytab_ctx *kt, json_t *v, const char *path)
{
	char	 q[128];

	if (json_is_array(v))
		return 1;
	keytab_error(kt, path, "expected an array, got %s",
	    keytab_got(v, q, sizeof(q)));
	return 0;
}

/*
 * Check one value against its key and store it at base + k->off.  One
 * switch over the kinds, kept in one piece so that the message for each
 * kind of value can be read side by side with the others and stays
 * worded alike.
 */
static void
convert(struct keytab_ctx *kt, const struct keytab_key *k, json_t *v,
    const char *path, void *base)
{
	void		*slot = (char *)base + k->off;
	const char	*s;
	char		 q[128];
	double		 x;
	long		 secs;
	size_t		 bytes;

	switch (k->kind) {
	case KT_STRING:
	case KT_TEXT:
		if (!json_is_string(v) || (k->kind == KT_TEXT &&
		    *json_string_value(v) == '\0'))
			keytab_error(kt, path, "expected a %s, got %s",
			    k->kind == KT_TEXT ? "non-empty string" : "string",
			    keytab_got(v, q, sizeof(q)));
		else
			*(const char **)slot = json_string_value(v);
		break;
	case KT_ID:
		if ((s = keytab_check_id(kt, path, v)) != NULL)
			*(const char **)slot = s;
		break;
	case KT_INT:
		(void)keytab_int(kt, v, path, k->min, k->max, (int *)slot);
		break;
	case KT_NUMBER:
	case KT_NONNEG:
		if (!json_is_number(v)) {
			keytab_error(kt, path, "expected a number, got %s",
			    keytab_got(v, q, sizeof(q)));
			break;
		}
		x = json_number_value(v);
		if (k->kind == KT_NONNEG && x < 0)
			keytab_error(kt, path,
			    "expected a number >= 0, got %g", x);
		else
			*(double *)slot = x;
		break;
	case KT_BOOL:
		if (!json_is_boolean(v))
			keytab_error(kt, path,
			    "expected true or false, got %s",
			    keytab_got(v, q, sizeof(q)));
		else
			*(int *)slot = json_is_true(v);
		break;
	case KT_DURATION:
		if (!json_is_string(v) ||
		    keytab_duration(json_string_value(v), &secs) == -1)
			keytab_error(kt, path,
			    "expected a duration like \"%s\", got %s",
			    k->eg != NULL ? k->eg : "1d",
			    keytab_got(v, q, sizeof(q)));
		else
			*(long *)slot = secs;
		break;
	case KT_SIZE:
		if (!json_is_string(v) ||
		    keytab_size(json_string_value(v), &bytes) == -1)
			keytab_error(kt, path,
			    "expected a size like \"%s\", got %s",
			    k->eg != NULL ? k->eg : "64M",
			    keytab_got(v, q, sizeof(q)));
		else
			*(size_t *)slot = bytes;
		break;
	case KT_OBJECT:
		if (!json_is_object(v))
			keytab_error(kt, path, "expected an object, got %s",
			    keytab_got(v, q, sizeof(q)));
		else
			*(json_t **)slot = v;
		break;
	case KT_SECTION:
		keytab_walk(kt, v, path, k->sub, base);
		break;
	case KT_FUNC:
		k->fn(kt, v, path, slot);
		break;
	}
}

/*
 * Check the object obj at path against tab, storing what is valid into
 * base: unknown keys, wrong values and missing required keys are each
 * reported, and the walk goes on so that every problem is.
 */
void
keytab_walk(struct keytab_ctx *kt, json_t *obj, const char *path,
    const struct keytab *tab, void *base)
{
	const char	*names[KEYTAB_KEYS_MAX], *key;
	json_t		*v;
	char		 sub[KEYTAB_JPATH_MAX], q[128];
	size_t		 i;

	if (!json_is_object(obj)) {
		keytab_error(kt, path, "expected an object, got %s",
		    keytab_got(obj, q, sizeof(q)));
		return;
	}
	json_object_foreach(obj, key, v) {
		for (i = 0; i < tab->n; i++)
			if (strcmp(tab->v[i].name, key) == 0)
				break;
		if (i == tab->n) {
			for (i = 0; i < tab->n && i < KEYTAB_KEYS_MAX; i++)
				names[i] = tab->v[i].name;
			keytab_unknown_key(kt, path, key, names, i);
			continue;
		}
		keytab_jpath(sub, sizeof(sub), path, key, 0);
		convert(kt, &tab->v[i], v, sub, base);
	}
	for (i = 0; i < tab->n; i++)
		if (tab->v[i].required &&
		    json_object_get(obj, tab->v[i].name) == NULL)
			keytab_error(kt, path, "missing required key \"%s\"",
			    tab->v[i].name);
}

/*
 * 1 if s is a valid id: [a-z0-9][a-z0-9_-]*, at most KEYTAB_ID_MAX-1
 * bytes.  Ids become path components, so this is what keeps "../" out of
 * paths.
 */
int
keytab_id_valid(const char *s)
{
	size_t	 i;

	if (s == NULL || *s == '\0' || strlen(s) >= KEYTAB_ID_MAX)
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		char c = s[i];

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			continue;
		if (i > 0 && (c == '_' || c == '-'))
			continue;
		return 0;
	}
	return 1;
}

/*
 * Parse a duration: a positive integer followed by s, m, h, d or w
 * ("90s", "6h", "1d", "7d").  0 and sets *secs, or -1.
 */
int
keytab_duration(const char *s, long *secs)
{
	char		*end;
	long		 n, mult;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	n = strtol(s, &end, 10);
	if (errno != 0 || end == s || n <= 0)
		return -1;
	switch (*end) {
	case 's':
		mult = 1;
		break;
	case 'm':
		mult = 60;
		break;
	case 'h':
		mult = 3600;
		break;
	case 'd':
		mult = 86400;
		break;
	case 'w':
		mult = 7 * 86400;
		break;
	default:
		return -1;
	}
	if (end[1] != '\0' || n > LONG_MAX / mult)
		return -1;
	*secs = n * mult;
	return 0;
}

/*
 * Parse a size: an integer with an optional k, M or G suffix (powers of
 * 2).  0 and sets *bytes, or -1.
 */
int
keytab_size(const char *s, size_t *bytes)
{
	char			*end;
	unsigned long long	 n, mult = 1;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno != 0 || end == s)
		return -1;
	switch (*end) {
	case '\0':
		break;
	case 'k':
	case 'K':
		mult = 1024;
		break;
	case 'M':
		mult = 1024 * 1024;
		break;
	case 'G':
		mult = 1024 * 1024 * 1024;
		break;
	default:
		return -1;
	}
	if (*end != '\0' && end[1] != '\0')
		return -1;
	if (n > SIZE_MAX / mult)
		return -1;
	*bytes = (size_t)(n * mult);
	return 0;
}
