/* SPDX-License-Identifier: ISC */
/*
 * csvparse.c: the CSV reader shared by the csv and uwv plugins.  Records
 * are read from a buffer the caller keeps; quoted fields may hold the
 * separator, "" and line breaks.  Numbers are read strictly: a cell is a
 * number or an error, never "the digits up to the first odd character".
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csvparse.h"

/*
 * Start reading len bytes at buf, fields split by sep.  buf is borrowed
 * until csv_fini(); a UTF-8 byte order mark at its start is skipped.
 */
void
csv_init(struct csv *c, const char *buf, size_t len, char sep)
{
	memset(c, 0, sizeof(*c));
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		buf += 3;
		len -= 3;
	}
	c->p = buf;
	c->end = buf + len;
	c->sep = sep;
	c->lineno = 1;
}

static int
csv_putc(struct csv *c, char ch)
{
	char	*t;
	size_t	 n;

	if (c->textlen == c->textsize) {
		n = c->textsize > 0 ? c->textsize * 2 : 256;
		if ((t = realloc(c->text, n)) == NULL) {
			snprintf(c->err, sizeof(c->err), "out of memory");
			return -1;
		}
		c->text = t;
		c->textsize = n;
	}
	c->text[c->textlen++] = ch;
	return 0;
}

static int
csv_newfield(struct csv *c)
{
	size_t	*o, n;

	if (c->nfields == c->offsize) {
		n = c->offsize > 0 ? c->offsize * 2 : 16;
		if ((o = reallocarray(c->off, n, sizeof(*o))) == NULL) {
			snprintf(c->err, sizeof(c->err), "out of memory");
			return -1;
		}
		c->off = o;
		c->offsize = n;
	}
	c->off[c->nfields++] = c->textlen;
	return 0;
}

/* 1 if p starts a line end (LF, CRLF, or a CR that ends the buffer). */
static int
csv_eol(const struct csv *c, const char *p)
{
	return *p == '\n' ||
	    (*p == '\r' && (p + 1 == c->end || p[1] == '\n'));
}

/* Step over the line end at c->p. */
static void
csv_skip_eol(struct csv *c)
{
	if (*c->p == '\r')
		c->p++;
	if (c->p < c->end && *c->p == '\n') {
		c->p++;
		c->lineno++;
	}
}

/* Read a quoted field; c->p is just past the opening quote. */
static int
csv_quoted(struct csv *c)
{
	size_t	 opened = c->lineno;

	for (;;) {
		if (c->p == c->end) {
			snprintf(c->err, sizeof(c->err), "line %zu: quoted "
			    "field never closed", opened);
			return -1;
		}
		if (*c->p == '"') {
			if (c->p + 1 < c->end && c->p[1] == '"') {
				if (csv_putc(c, '"') == -1)
					return -1;
				c->p += 2;
				continue;
			}
			c->p++;
			break;
		}
		if (*c->p == '\0') {
			snprintf(c->err, sizeof(c->err), "line %zu: NUL byte",
			    c->lineno);
			return -1;
		}
		if (*c->p == '\n')
			c->lineno++;
		if (csv_putc(c, *c->p++) == -1)
			return -1;
	}
	if (c->p < c->end && *c->p != c->sep && !csv_eol(c, c->p)) {
		snprintf(c->err, sizeof(c->err), "line %zu: text after a "
		    "closing quote (a quote inside a quoted field is written "
		    "\"\")", c->lineno);
		return -1;
	}
	return 0;
}

/*
 * A quote only opens a quoted field at the field's start; elsewhere it is
 * text, which is how spreadsheets read 12" too.
 */
static int
csv_unquoted(struct csv *c)
{
	while (c->p < c->end && *c->p != c->sep && !csv_eol(c, c->p)) {
		if (*c->p == '\0') {
			snprintf(c->err, sizeof(c->err), "line %zu: NUL byte",
			    c->lineno);
			return -1;
		}
		if (csv_putc(c, *c->p++) == -1)
			return -1;
	}
	return 0;
}

/*
 * Read the next record.  Blank lines are skipped.  1 when a record was
 * read, 0 at the end, -1 on a malformed record (csv_error() says what and
 * on which line; reading on is not possible).
 */
int
csv_next(struct csv *c)
{
	c->nfields = 0;
	c->textlen = 0;
	while (c->p < c->end && csv_eol(c, c->p))
		csv_skip_eol(c);
	if (c->p == c->end)
		return 0;
	c->recline = c->lineno;
	for (;;) {
		if (csv_newfield(c) == -1)
			return -1;
		if (c->p < c->end && *c->p == '"') {
			c->p++;
			if (csv_quoted(c) == -1)
				return -1;
		} else if (csv_unquoted(c) == -1)
			return -1;
		if (csv_putc(c, '\0') == -1)
			return -1;
		if (c->p == c->end)
			break;
		if (*c->p == c->sep) {
			c->p++;
			continue;
		}
		csv_skip_eol(c);
		break;
	}
	return 1;
}

size_t
csv_nfields(const struct csv *c)
{
	return c->nfields;
}

/* Field i of the current record, as written; borrowed until csv_next(). */
const char *
csv_field(const struct csv *c, size_t i)
{
	return i < c->nfields ? c->text + c->off[i] : NULL;
}

/*
 * Field i without leading and trailing blanks (spaces and tabs), which
 * hand-edited files are full of.  Trims in place; borrowed until
 * csv_next().
 */
const char *
csv_cell(struct csv *c, size_t i)
{
	char	*s, *e;

	if (i >= c->nfields)
		return NULL;
	s = c->text + c->off[i];
	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*e = '\0';
	return s;
}

/* The index of the first field equal to name (ignoring case and blanks). */
long
csv_find(const struct csv *c, const char *name)
{
	const char	*f;
	size_t		 i, n;

	for (i = 0; i < c->nfields; i++) {
		f = c->text + c->off[i];
		while (*f == ' ' || *f == '\t')
			f++;
		n = strlen(f);
		while (n > 0 && (f[n - 1] == ' ' || f[n - 1] == '\t'))
			n--;
		if (n == strlen(name) && strncasecmp(f, name, n) == 0)
			return (long)i;
	}
	return -1;
}

/* The line the current record starts on, 1-based. */
size_t
csv_line(const struct csv *c)
{
	return c->recline;
}

const char *
csv_error(const struct csv *c)
{
	return c->err;
}

void
csv_fini(struct csv *c)
{
	free(c->text);
	free(c->off);
	memset(c, 0, sizeof(*c));
}

static int
is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/*
 * Read a number written with decimal mark dec ('.' or ',').  Blanks
 * around it are allowed; a sign, digits, one decimal mark with digits after
 * it and an exponent are; nothing else is ("4,4%", "1 234", "nan", "0x10"
 * are errors).  0 and *v set, or -1.
 *
 * The other mark is a thousands separator only in full groups of three
 * after one to three leading digits: with dec ',' "1.234" is 1234,
 * "1.234.567,5" is 1234567.5, but "4.4", "1.23" and "1234.567" are
 * errors.  That catches a file with decimal points read as decimal-comma
 * unless every value in it has exactly three decimals.
 */
int
csv_number(const char *s, char dec, double *v)
{
	char		 buf[80], thou = dec == ',' ? '.' : ',';
	char		*end;
	size_t		 n = 0, group = 0, lead = 0, digits = 0;
	int		 grouped = 0;
	double		 d;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '+' || *s == '-')
		buf[n++] = *s++;
	/* Integer part, with thousands separators checked as we go. */
	for (; is_digit(*s) || *s == thou; s++) {
		if (*s == thou) {
			if ((grouped ? group != 3 : lead == 0 || lead > 3))
				return -1;
			grouped = 1;
			group = 0;
			continue;
		}
		if (grouped)
			group++;
		else
			lead++;
		digits++;
		if (n >= sizeof(buf) - 16)
			return -1;
		buf[n++] = *s;
	}
	if (grouped && group != 3)
		return -1;
	if (*s == dec) {
		buf[n++] = '.';
		s++;
		if (!is_digit(*s))
			return -1;
		for (; is_digit(*s); s++) {
			if (n >= sizeof(buf) - 16)
				return -1;
			buf[n++] = *s;
			digits++;
		}
	}
	if (digits == 0)
		return -1;
	if (*s == 'e' || *s == 'E') {
		buf[n++] = 'e';
		s++;
		if (*s == '+' || *s == '-')
			buf[n++] = *s++;
		if (!is_digit(*s))
			return -1;
		for (; is_digit(*s) && n < sizeof(buf) - 1; s++)
			buf[n++] = *s;
		if (is_digit(*s))
			return -1;
	}
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s != '\0')
		return -1;
	buf[n] = '\0';
	/*
	 * buf now holds only a sign, digits, '.' and an exponent.  strtod
	 * reads '.' in the C locale, which plugins never change (B7 rule 34).
	 */
	d = strtod(buf, &end);
	if (*end != '\0' || !isfinite(d))
		return -1;
	*v = d;
	return 0;
}
