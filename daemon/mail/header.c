/* SPDX-License-Identifier: ISC */
/*
 * header.c: the header lines of a message.  Values are stripped of
 * control characters, RFC 2047-encoded when not plain ASCII and folded
 * within LINE_LIM; the date is RFC 5322's, in local time.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "model/model.h"
#include "mail/mail.h"
#include "mail/mail_private.h"

#define EW_MAX		75	/* one encoded word, RFC 2047 section 2 */
#define EW_OVERHEAD	12	/* "=?UTF-8?Q?" and "?=" */
#define TOKEN_MAX	60	/* longer unbroken ASCII runs are encoded */

/* The valid UTF-8 sequence at s: core's reading (refuses overlong forms). */
#define utf8_len(s, n, cp)	utf8_seq((s), (n), (cp))

/*
 * A header value made safe: every run of control characters (C0, DEL,
 * C1, and the Unicode line and paragraph separators) becomes one space,
 * invalid UTF-8 becomes U+FFFD, and leading and trailing spaces go.
 * Titles and region names come from config and sources, so this is what
 * keeps a "\r\nBcc: x@y" in one of them from becoming a header.  New,
 * caller frees; NULL when out of memory.
 */
char *
mail_header_clean(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	struct mbuf		 b;
	size_t			 n = strlen(s), i, len;
	uint32_t		 cp;
	int			 space = 0;

	memset(&b, 0, sizeof(b));
	mbuf_add(&b, "", 0);
	for (i = 0; i < n; i += len) {
		if ((len = utf8_len(p + i, n - i, &cp)) == 0) {
			len = 1;
			cp = 0xfffd;
		}
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
		    cp == 0x2028 || cp == 0x2029 || cp == ' ') {
			space = 1;
			continue;
		}
		if (space && b.len > 0)
			mbuf_char(&b, ' ');
		space = 0;
		if (cp == 0xfffd && len == 1)
			mbuf_str(&b, "\xef\xbf\xbd");
		else
			mbuf_add(&b, p + i, len);
	}
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

/* 1 if c may stand for itself in a Q-encoded word, in any header. */
static int
q_literal(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '!' || c == '*' || c == '+' ||
	    c == '-' || c == '/';
}

static size_t
q_len(const unsigned char *s, size_t n)
{
	size_t	 i, len = 0;

	for (i = 0; i < n; i++)
		len += q_literal(s[i]) || s[i] == ' ' ? 1 : 3;
	return len;
}

/*
 * Whether a clean value must go out as encoded words: any non-ASCII byte,
 * a "=?" that a reader would take for the start of one, or a run without
 * spaces too long to fold.
 */
static int
needs_encoding(const char *s)
{
	size_t	 run = 0;

	if (strstr(s, "=?") != NULL)
		return 1;
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s >= 0x80)
			return 1;
		run = *s == ' ' ? 0 : run + 1;
		if (run > TOKEN_MAX)
			return 1;
	}
	return 0;
}

/*
 * Append s as RFC 2047 Q-encoded words, starting at column *col and
 * folding before a word that would pass LINE_LIM.  Words split only
 * between UTF-8 characters, and the folding white space between two
 * encoded words is not part of the text, so the value decodes back
 * exactly.
 */
static void
put_encoded(struct mbuf *b, const char *s, size_t *col)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n = strlen(s), i = 0, j, len, clen, room;
	uint32_t		 cp;

	while (i < n) {
		room = *col + EW_OVERHEAD < LINE_LIM ? LINE_LIM - *col : 0;
		if (room > EW_MAX)
			room = EW_MAX;
		if (room < EW_OVERHEAD)
			room = EW_OVERHEAD;
		room -= EW_OVERHEAD;
		/* Take whole characters while they fit. */
		for (j = i, len = 0; j < n; j += clen) {
			if ((clen = utf8_len(p + j, n - j, &cp)) == 0)
				clen = 1;
			if (len + q_len(p + j, clen) > room)
				break;
			len += q_len(p + j, clen);
		}
		/*
		 * Not even one character fits after the header name: start
		 * the words on the next line, where a whole word fits.
		 */
		if (j == i && *col > 1) {
			mbuf_str(b, "\r\n ");
			*col = 1;
			continue;
		}
		/* Cannot happen (a character takes at most 12); never loop. */
		if (j == i) {
			if ((clen = utf8_len(p + i, n - i, &cp)) == 0)
				clen = 1;
			j = i + clen;
			len = q_len(p + i, clen);
		}
		mbuf_str(b, "=?UTF-8?Q?");
		for (; i < j; i++) {
			if (q_literal(p[i]))
				mbuf_char(b, (char)p[i]);
			else if (p[i] == ' ')
				mbuf_char(b, '_');
			else {
				mbuf_char(b, '=');
				mbuf_char(b, HEXCHARS[p[i] >> 4]);
				mbuf_char(b, HEXCHARS[p[i] & 0xf]);
			}
		}
		mbuf_str(b, "?=");
		*col += len + EW_OVERHEAD;
		if (i < n) {
			mbuf_str(b, "\r\n ");
			*col = 1;
		}
	}
}

/*
 * Append ASCII text s, folding at its spaces: the space stays at the
 * start of the next line, so unfolding (removing the CRLF) gives back s.
 */
static void
put_folded(struct mbuf *b, const char *s, size_t *col, size_t start)
{
	const char	*seg, *end;
	size_t		 len;

	for (seg = s; *seg != '\0'; seg = end) {
		/* A segment is its leading spaces and the word after them. */
		for (end = seg; *end == ' '; end++)
			;
		for (; *end != '\0' && *end != ' '; end++)
			;
		len = (size_t)(end - seg);
		if (*col + len > LINE_LIM && *col > start && *seg == ' ') {
			mbuf_str(b, "\r\n");
			*col = 0;
		}
		mbuf_add(b, seg, len);
		*col += len;
	}
}

/* "Name: value" with value (already clean) encoded or folded; CRLF. */
static void
put_header(struct mbuf *b, const char *name, const char *value)
{
	size_t	 col = strlen(name) + 2;

	mbuf_str(b, name);
	mbuf_str(b, ": ");
	if (needs_encoding(value))
		put_encoded(b, value, &col);
	else
		put_folded(b, value, &col, col);
	mbuf_str(b, "\r\n");
}

/*
 * The length of name as a quoted string's contents: a quote or backslash
 * takes a backslash before it, so a name of quotes doubles in length and
 * must be measured so, not by strlen(), to stay within a line.
 */
static size_t
quoted_len(const char *name)
{
	size_t	 n = 0;

	for (; *name != '\0'; name++)
		n += *name == '"' || *name == '\\' ? 2 : 1;
	return n;
}

/*
 * "From: name <addr>".  A plain ASCII name goes out as a quoted string,
 * anything else as encoded words (which a phrase may hold too, given the
 * restricted character set of q_literal).
 */
static void
put_from(struct mbuf *b, const char *name, const char *addr)
{
	size_t	 col = 6;

	mbuf_str(b, "From: ");
	if (name != NULL && *name != '\0') {
		if (needs_encoding(name) || quoted_len(name) > TOKEN_MAX)
			put_encoded(b, name, &col);
		else {
			mbuf_char(b, '"');
			for (; *name != '\0'; name++) {
				if (*name == '"' || *name == '\\') {
					mbuf_char(b, '\\');
					col++;
				}
				mbuf_char(b, *name);
				col++;
			}
			mbuf_char(b, '"');
			col += 2;
		}
		if (col + strlen(addr) + 3 > LINE_LIM) {
			mbuf_str(b, "\r\n");
			col = 0;
		}
		mbuf_str(b, " ");
	}
	mbuf_printf(b, "<%s>\r\n", addr);
}

static void
put_to(struct mbuf *b, char *const *to, size_t nto)
{
	size_t	 i, col = 4;

	mbuf_str(b, "To:");
	for (i = 0; i < nto; i++) {
		if (col + strlen(to[i]) + 2 > LINE_LIM && i > 0) {
			mbuf_str(b, "\r\n");
			col = 0;
		}
		mbuf_printf(b, " %s%s", to[i], i + 1 < nto ? "," : "");
		col += strlen(to[i]) + 2;
	}
	mbuf_str(b, "\r\n");
}

/*
 * RFC 5322 date in local time with its UTC offset; the names are spelt
 * out here because strftime's follow the locale.
 */
static void
put_date(struct mbuf *b, time_t t)
{
	static const char *const days[] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
	};
	static const char *const months[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
	};
	struct tm	 tm;
	long		 off;

	if (localtime_r(&t, &tm) == NULL) {
		gmtime_r(&t, &tm);
		tm.tm_gmtoff = 0;
	}
	off = tm.tm_gmtoff / 60;
	mbuf_printf(b, "Date: %s, %d %s %04d %02d:%02d:%02d %c%02ld%02ld\r\n",
	    days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
}

/*
 * Append the From, To, Subject and Date headers of h to b: from_name and
 * subject are the sender's name (or NULL) and the subject, already made
 * clean by mail_header_clean().
 */
void
header_put(struct mbuf *b, const struct mail_head *h, const char *from_name,
    const char *subject)
{
	put_from(b, from_name, h->from);
	put_to(b, h->to, h->nto);
	put_header(b, "Subject", *subject != '\0' ? subject :
	    "(no subject)");
	put_date(b, h->date);
}
