/* SPDX-License-Identifier: ISC */
/*
 * text.c: text from outside (plugins, servers, files, the command line)
 * made safe to show.  Control characters (C0, DEL, C1) and bytes that are
 * not valid UTF-8 become visible escapes (\n, \r and \t for those three,
 * \xNN for another byte, \uNNNN for a C1 character or a bidi control or
 * line separator), so a newline cannot start a forged log line, an escape
 * sequence cannot rewrite a terminal and an override cannot reorder it;
 * valid UTF-8 ("—", Dutch text) is kept as it is.  The log writer (log.c)
 * and out_printf(), the command line's printing, escape here, so no
 * caller can forget it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

/*
 * Length of the valid UTF-8 sequence at s (at most n bytes), or 0 when
 * it is not one: overlong forms, surrogates and values past U+10FFFF are
 * refused.  *cp: the code point.
 */
size_t
utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t		 len, i;
	uint32_t	 c;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return len;
}

/*
 * 1 if code point c is a control character (C0, DEL, C1) or one that
 * reorders or breaks what a terminal or log viewer shows: the bidi marks,
 * embeddings, overrides and isolates, and the line and paragraph
 * separators.  Outside text could fake the look of a line with those.
 */
static int
is_control(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x061c ||
	    c == 0x200e || c == 0x200f || (c >= 0x2028 && c <= 0x202e) ||
	    (c >= 0x2066 && c <= 0x2069);
}

/*
 * 1 if s is clean text: valid UTF-8 without any control character (not
 * even a tab or a newline).  What input takes to show later.
 */
int
text_ok(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n = strlen(s), len;
	uint32_t		 c;

	while (n > 0) {
		if ((len = utf8_seq(p, n, &c)) == 0 || is_control(c))
			return 0;
		p += len;
		n -= len;
	}
	return 1;
}

/*
 * s (n bytes) made visible into dst (size bytes, always terminated,
 * never cut inside an escape or a character).  Returns the length
 * written.  dst needs 4 * n + 1 bytes to hold all of it.
 */
size_t
text_visn(char *dst, size_t size, const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	char			 esc[8];
	size_t			 o = 0, len, elen;
	uint32_t		 c;

	if (size == 0)
		return 0;
	while (n > 0) {
		len = utf8_seq(p, n, &c);
		if (len == 0) {
			/* Not UTF-8: the byte. */
			elen = (size_t)snprintf(esc, sizeof(esc), "\\x%02x",
			    p[0]);
			len = 1;
		} else if (c == '\n' || c == '\r' || c == '\t')
			elen = (size_t)snprintf(esc, sizeof(esc), "\\%c",
			    c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
		else if (c < 0x20 || c == 0x7f)
			elen = (size_t)snprintf(esc, sizeof(esc), "\\x%02x",
			    (unsigned int)c);
		else if (is_control(c))
			elen = (size_t)snprintf(esc, sizeof(esc), "\\u%04x",
			    (unsigned int)c);
		else {
			memcpy(esc, p, len);
			elen = len;
		}
		if (o + elen >= size)
			break;
		memcpy(dst + o, esc, elen);
		o += elen;
		p += len;
		n -= len;
	}
	dst[o] = '\0';
	return o;
}

/* text_visn() of the string s. */
size_t
text_vis(char *dst, size_t size, const char *s)
{
	return text_visn(dst, size, s, strlen(s));
}

/*
 * src into dst (size bytes, always terminated) with the user and password
 * of every URL in it ("scheme://USER:PASS@host") replaced by "***", so
 * a credential in a URL never reaches a log line or the terminal.
 */
void
text_redact(char *dst, size_t size, const char *src)
{
	const char	*p = src, *u, *e;
	size_t		 o = 0, n;

	if (size == 0)
		return;
	while (*p != '\0' && o + 1 < size) {
		if ((u = strstr(p, "://")) == NULL) {
			n = strlen(p);
			u = p + n;
		} else
			u += 3;
		n = (size_t)(u - p);
		if (n > size - 1 - o)
			n = size - 1 - o;
		memcpy(dst + o, p, n);
		o += n;
		p += n;
		if (*p == '\0' || p != u)
			break;
		/*
		 * The authority ends at / ? # or anything not in a URL; the
		 * user and password end at its last @ ("u:p@ss@host").
		 */
		e = p + strcspn(p, "/?# \t\r\n\"'<>\\");
		if ((e = memrchr(p, '@', (size_t)(e - p))) == NULL)
			continue;
		if (o + 3 >= size - 1)
			break;		/* no room: cut, never the password */
		memcpy(dst + o, "***", 3);
		o += 3;
		p = e;
	}
	dst[o] = '\0';
}

/* One string argument of out_vprintf(), made visible, then formatted. */
static void
out_str(FILE *fp, const char *spec, const char *s)
{
	char	 small[1024], *big = NULL, *red;
	size_t	 n;

	if (s == NULL)
		s = "(null)";
	n = strlen(s);
	red = xcalloc(1, 2 * n + 4);
	text_redact(red, 2 * n + 4, s);
	n = strlen(red);
	if (4 * n + 1 <= sizeof(small))
		text_visn(small, sizeof(small), red, n);
	else {
		big = xcalloc(1, 4 * n + 1);
		text_visn(big, 4 * n + 1, red, n);
	}
	free(red);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	fprintf(fp, spec, big != NULL ? big : small);
#pragma GCC diagnostic pop
	free(big);
}

/*
 * printf() for the command line's output: the format is the program's
 * own and is written as it is (its newlines, its colours), but every %s
 * argument is outside text and is made visible first (text_vis(), with
 * any password in a URL taken out by text_redact()).  The
 * other conversions print as printf() prints them.
 */
void
out_vprintf(FILE *fp, const char *fmt, va_list ap)
{
	const char	*p, *q;
	char		 spec[64];
	int		 w;
	size_t		 n;
	int		 lmod;	/* 'H' hh, 'L' ll, 'D' L, or the letter */

	for (p = fmt; *p != '\0'; p++) {
		if (*p != '%') {
			fputc(*p, fp);
			continue;
		}
		if (p[1] == '%') {
			fputc('%', fp);
			p++;
			continue;
		}
		n = 0;
		spec[n++] = '%';
		for (q = p + 1; *q != '\0' && strchr("-+ #0", *q) != NULL;
		    q++)
			if (n < 16)
				spec[n++] = *q;
		/* Width and precision; a '*' takes its value now. */
		for (; *q == '*' || *q == '.' || (*q >= '0' && *q <= '9');
		    q++) {
			if (*q == '*') {
				/* Room kept for the rest: at most 40 here. */
				w = va_arg(ap, int);
				if (n < 28)
					n += (size_t)snprintf(spec + n, 12,
					    "%d", w);
			} else if (n < 40)
				spec[n++] = *q;
		}
		lmod = 0;
		if (q[0] == 'h' && q[1] == 'h')
			lmod = 'H';
		else if (q[0] == 'l' && q[1] == 'l')
			lmod = 'L';
		else if (*q == 'h' || *q == 'l' || *q == 'z' || *q == 'j' ||
		    *q == 't')
			lmod = *q;
		else if (*q == 'L')
			lmod = 'D';
		if (lmod == 'H' || lmod == 'L') {
			spec[n++] = *q++;
			spec[n++] = *q++;
		} else if (lmod != 0)
			spec[n++] = *q++;
		if (*q == '\0')
			break;
		spec[n++] = *q;
		spec[n] = '\0';
		p = q;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		switch (*q) {
		case 's':
			out_str(fp, spec, va_arg(ap, const char *));
			break;
		case 'd':
		case 'i':
		case 'u':
		case 'x':
		case 'X':
		case 'o':
		case 'c':
			if (lmod == 'l')
				fprintf(fp, spec, va_arg(ap, long));
			else if (lmod == 'L')
				fprintf(fp, spec, va_arg(ap, long long));
			else if (lmod == 'z')
				fprintf(fp, spec, va_arg(ap, size_t));
			else if (lmod == 'j')
				fprintf(fp, spec, va_arg(ap, intmax_t));
			else if (lmod == 't')
				fprintf(fp, spec, va_arg(ap, ptrdiff_t));
			else
				fprintf(fp, spec, va_arg(ap, int));
			break;
		case 'e':
		case 'E':
		case 'f':
		case 'F':
		case 'g':
		case 'G':
			if (lmod == 'D')
				fprintf(fp, spec, va_arg(ap, long double));
			else
				fprintf(fp, spec, va_arg(ap, double));
			break;
		case 'p':
			fprintf(fp, spec, va_arg(ap, void *));
			break;
		default:
			/* Not a conversion this program uses: as written. */
			fputs(spec, fp);
			break;
		}
#pragma GCC diagnostic pop
	}
}

void
out_printf(FILE *fp, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	out_vprintf(fp, fmt, ap);
	va_end(ap);
}
