/* SPDX-License-Identifier: ISC */
/*
 * codes.c: the small text rules of CBS data: trimming and padding of
 * dimension codes, the type of a period code, numbers as untyped v3 cells
 * write them, scale factors written the CBS way ("x 1 000"), and a hash
 * for marks and loop detection.  Pure functions, no host calls.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cbs.h"

/* Cells of an untyped data set that mean "no value" (after trimming). */
static const char *const cbs_missing_symbols[] = {
	"", ".", "x", "-", "?"
};

static int
cbs_isblank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The span of the n bytes at s without surrounding blanks. */
void
cbs_trimn(const char *s, size_t n, const char **start, size_t *len)
{
	while (n > 0 && cbs_isblank(*s)) {
		s++;
		n--;
	}
	while (n > 0 && cbs_isblank(s[n - 1]))
		n--;
	*start = s;
	*len = n;
}

/* The span of s without surrounding blanks: *start and *len. */
void
cbs_trim(const char *s, const char **start, size_t *len)
{
	cbs_trimn(s, strlen(s), start, len);
}

/*
 * The n bytes at s trimmed into out.  0, or -1 when it does not fit
 * (out is then "").
 */
int
cbs_trim_copyn(const char *s, size_t n, char *out, size_t outlen)
{
	const char	*p;
	size_t		 len;

	cbs_trimn(s, n, &p, &len);
	if (len >= outlen) {
		if (outlen > 0)
			out[0] = '\0';
		return -1;
	}
	memcpy(out, p, len);
	out[len] = '\0';
	return 0;
}

/* s trimmed into out.  0, or -1 when it does not fit (out is then ""). */
int
cbs_trim_copy(const char *s, char *out, size_t outlen)
{
	return cbs_trim_copyn(s, strlen(s), out, outlen);
}

/*
 * code padded with spaces on the right to width, as v3 keys are
 * ("PV20" -> "PV20  " for RegioS).  0, or -1 when code is longer than
 * width or out is too small.
 */
int
cbs_pad(const char *code, size_t width, char *out, size_t outlen)
{
	size_t	 n = strlen(code);

	if (n > width || width >= outlen)
		return -1;
	memcpy(out, code, n);
	memset(out + n, ' ', width - n);
	out[width] = '\0';
	return 0;
}

/*
 * The type of a period code YYYYTTNN (trimmed): CBS_YEAR for JJ,
 * CBS_QUARTER for KW, CBS_MONTH for MM, 0 for anything else (HJ, W1,
 * X0, day codes, garbage).  The index is checked later, by the host's
 * period_norm(), which refuses 2020KW07.
 */
unsigned
cbs_period_type(const char *code)
{
	size_t	 i;

	if (strlen(code) != 8)
		return 0;
	for (i = 0; i < 4; i++)
		if (code[i] < '0' || code[i] > '9')
			return 0;
	if (code[6] < '0' || code[6] > '9' || code[7] < '0' || code[7] > '9')
		return 0;
	if (code[4] == 'J' && code[5] == 'J')
		return CBS_YEAR;
	if (code[4] == 'K' && code[5] == 'W')
		return CBS_QUARTER;
	if (code[4] == 'M' && code[5] == 'M')
		return CBS_MONTH;
	return 0;
}

/*
 * A plain decimal number: optional sign, digits with an optional
 * fraction, optional exponent; nothing else (no "nan", "inf", hex or
 * blanks).  0 with *v set, or -1.
 */
int
cbs_number(const char *s, double *v)
{
	const char	*p = s;
	char		*end;
	int		 digits = 0;

	if (*p == '-' || *p == '+')
		p++;
	for (; *p >= '0' && *p <= '9'; p++)
		digits++;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			digits++;
	if (digits == 0)
		return -1;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '-' || *p == '+')
			p++;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p != '\0')
		return -1;
	errno = 0;
	*v = strtod(s, &end);
	if (end != p || (errno == ERANGE && isinf(*v)))
		return -1;
	return 0;
}

/*
 * An UntypedDataSet cell of n bytes at s: a left-padded number
 * ("   183.3") or a missing-value symbol ("." , "x", "-", "?" or blank).
 * 0 with *v or *missing set, -1 for anything else.
 */
int
cbs_untypedn(const char *s, size_t n, double *v, int *missing)
{
	char		 buf[64];
	size_t		 i;

	*missing = 0;
	if (cbs_trim_copyn(s, n, buf, sizeof(buf)) == -1)
		return -1;
	for (i = 0; i < NELEM(cbs_missing_symbols); i++) {
		if (strcmp(buf, cbs_missing_symbols[i]) == 0) {
			*missing = 1;
			*v = 0;
			return 0;
		}
	}
	return cbs_number(buf, v);
}

/*
 * A scale factor written as CBS writes units: "x 1 000", "x1000",
 * "x 1 000 000" (blanks between digit groups), or a plain number "1000".
 * 0 with *out > 0, or -1.
 */
int
cbs_scale(const char *s, double *out)
{
	char		 digits[32];
	size_t		 n = 0;

	while (cbs_isblank(*s))
		s++;
	if (*s == 'x' || *s == 'X') {
		for (s++; *s != '\0'; s++) {
			if (*s == ' ')
				continue;
			if (*s < '0' || *s > '9' || n + 1 >= sizeof(digits))
				return -1;
			digits[n++] = *s;
		}
		digits[n] = '\0';
		if (n == 0)
			return -1;
		s = digits;
	}
	if (cbs_number(s, out) == -1 || !(*out > 0) || isinf(*out))
		return -1;
	return 0;
}

/* s made safe and short for a log line: controls as '?', cut with "...". */
const char *
cbs_show(const char *s, char *buf, size_t len)
{
	size_t	 i;

	if (len < 8) {
		if (len > 0)
			buf[0] = '\0';
		return buf;
	}
	for (i = 0; s[i] != '\0' && i < len - 4 && i < CBS_SHOWN; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ?
		    '?' : s[i];
	if (s[i] != '\0') {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}

/* FNV-1a over n bytes, continuing from h (start with 0). */
uint64_t
cbs_hash(const void *p, size_t n, uint64_t h)
{
	const unsigned char	*s = p;
	size_t			 i;

	if (h == 0)
		h = 0xcbf29ce484222325ULL;
	for (i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}
