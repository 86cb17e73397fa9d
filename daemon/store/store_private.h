/* SPDX-License-Identifier: ISC */
/*
 * store.h: what store.c shares with store_text.c (exact values) and
 * store_cached.c (rrdcached). Private to those three.
 */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>

#define DAY		86400L
#define KNOWN_SECS	65536L		/* per day; a power of two */
#define HALF_SECS	32768L
#define TEXT_LEN	48		/* one value as text */
#define ARG_LEN		64		/* "TIME:VALUE" */

/* How one period is written: no value (missing), one text or two. */
struct enc {
	int	n;
	char	text[2][TEXT_LEN];
};

/* Update arguments: n strings of ARG_LEN bytes each in buf. */
struct args {
	char	*buf;
	size_t	 n, cap;
};

/* store.c */
const char **store_argv(const struct args *);

/* store_text.c */
int	store_encode(double, const char *, struct enc *);
int	store_same_value(double, double);
size_t	store_digits(char *, unsigned long long);

/* store_cached.c */
const char *cached_addr(void);
int	cached_flush(const char *);
void	cached_forget(const char *);
int	cached_update(const char *, const char *, const struct args *);

#endif
