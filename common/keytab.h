/* SPDX-License-Identifier: ISC */
/*
 * common/keytab.h: checking a JSON object against a static table of its
 * keys, reporting every problem in one wording through a callback, and
 * the value rules behind the kinds of keys (ids, durations, sizes).  Needs
 * nothing but jansson, so the daemon and the plugins can share it.
 */
#ifndef REGIOMON_COMMON_KEYTAB_H
#define REGIOMON_COMMON_KEYTAB_H

#include <stdarg.h>
#include <stddef.h>

#include <jansson.h>

#define KEYTAB_ID_MAX	64	/* an id's bytes, with its NUL */
#define KEYTAB_JPATH_MAX 256	/* a JSON path in a message */
#define KEYTAB_KEYS_MAX	32	/* keys in one table */

enum keytab_kind {
	KT_STRING,	/* any string, borrowed: const char * */
	KT_TEXT,	/* non-empty string, borrowed: const char * */
	KT_ID,		/* keytab_id_valid() string, borrowed: const char * */
	KT_INT,		/* integer in [min, max]: int */
	KT_NUMBER,	/* any number: double */
	KT_NONNEG,	/* number >= 0: double */
	KT_BOOL,	/* true or false: int 0 or 1 */
	KT_DURATION,	/* "90s", "1d": long seconds */
	KT_SIZE,	/* "64M": size_t bytes */
	KT_OBJECT,	/* any object, borrowed: json_t * */
	KT_SECTION,	/* an object checked against sub, same target */
	KT_FUNC		/* fn checks and stores */
};

struct keytab_ctx;
struct keytab;

/* A KT_FUNC key's check: the value, its JSON path, base + off. */
typedef void	keytab_fn(struct keytab_ctx *, json_t *, const char *,
		    void *);
/* Where the errors go: the JSON path (may be ""), a printf format. */
typedef void	keytab_error_fn(struct keytab_ctx *, const char *,
		    const char *, va_list)
		    __attribute__((__format__ (printf, 3, 0)));

struct keytab_key {
	const char		*name;
	enum keytab_kind	 kind;
	int			 required;
	size_t			 off;		/* in the target struct */
	long			 min, max;	/* KT_INT */
	const char		*eg;		/* KT_DURATION, KT_SIZE */
	const struct keytab	*sub;		/* KT_SECTION */
	keytab_fn		*fn;		/* KT_FUNC */
};

struct keytab {
	const struct keytab_key	*v;
	size_t			 n;
};

/* One walk: where its errors go, and the caller's own context. */
struct keytab_ctx {
	keytab_error_fn	*error;
	void		*arg;
};

void	 keytab_walk(struct keytab_ctx *, json_t *, const char *,
	    const struct keytab *, void *);
void	 keytab_error(struct keytab_ctx *, const char *, const char *, ...)
	    __attribute__((__format__ (printf, 3, 4)));
void	 keytab_unknown_key(struct keytab_ctx *, const char *, const char *,
	    const char *const *, size_t);
const char *keytab_check_id(struct keytab_ctx *, const char *,
	    const json_t *);
int	 keytab_int(struct keytab_ctx *, json_t *, const char *, long, long,
	    int *);
int	 keytab_oneof(struct keytab_ctx *, json_t *, const char *,
	    const char *const *, size_t);
int	 keytab_is_array(struct keytab_ctx *, json_t *, const char *);

const char *keytab_quote(const char *, char *, size_t);
const char *keytab_got(const json_t *, char *, size_t);
const char *keytab_jpath(char *, size_t, const char *, const char *,
	    size_t);

int	 keytab_id_valid(const char *);
int	 keytab_duration(const char *, long *);
int	 keytab_size(const char *, size_t *);

#endif /* REGIOMON_COMMON_KEYTAB_H */
