/* SPDX-License-Identifier: ISC */
/*
 * mbuf.c: the growing byte buffer a message is built in.  After one
 * failed allocation it stays failed, so a builder checks once at the end.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "mail/mail_private.h"

/*
 * Append n bytes of s to b, keeping b->p NUL-terminated.  Out of memory
 * sets b->oom and every later append does nothing.
 */
void
mbuf_add(struct mbuf *b, const void *s, size_t n)
{
	char	*np;
	size_t	 ncap;

	if (b->oom)
		return;
	if (n >= b->cap - b->len || b->p == NULL) {
		ncap = b->cap == 0 ? 4096 : b->cap;
		while (ncap - b->len <= n) {
			if (ncap > SIZE_MAX / 2) {
				b->oom = 1;
				return;
			}
			ncap *= 2;
		}
		if ((np = realloc(b->p, ncap)) == NULL) {
			b->oom = 1;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* Append the string s to b. */
void
mbuf_str(struct mbuf *b, const char *s)
{
	mbuf_add(b, s, strlen(s));
}

/* Append the character c to b. */
void
mbuf_char(struct mbuf *b, char c)
{
	mbuf_add(b, &c, 1);
}

/* Append printf's output to b. */
void
mbuf_printf(struct mbuf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n == -1) {
		b->oom = 1;
		return;
	}
	mbuf_add(b, s, (size_t)n);
	free(s);
}
