/* SPDX-License-Identifier: ISC */
/*
 * store_text.c: the text of a value that librrd 1.7.2 reads back as the
 * very same double, and the update arguments of one period.
 *
 * librrd loses the last bits of a value twice on the way in (both
 * measured against librrd and modelled exactly below):
 *  - rrd_update_r parses with its own rrd_strtod, which multiplies and
 *    divides by powers of ten in several rounded steps, so "%.17g" text
 *    often does not give back the double it came from (pi and 1e-300
 *    among them);
 *  - a GAUGE value v written after an interval of I seconds lands in the
 *    rows as ((v * I) / I * I) / I, which differs from v for some values
 *    unless I is a power of two (123456789.123 in a 28-day month does).
 * store_args.c writes the last day of a period over 65536 known seconds,
 * which makes the second exact; the text chosen here makes the first
 * exact, or, when no single text does, two texts a and b whose average
 * is v.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "store/store.h"
#include "store/store_private.h"

/*
 * What librrd's rrd_strtod makes of s, step by step as it does it: digits
 * accumulated in a double, then scaled by 10^|exp| through repeated
 * squaring, one rounding per set bit of the exponent.
 */
static double
rrd_text_value(const char *s)
{
	double	 num = 0.0, p10 = 10.0;
	int	 neg = 0, eneg = 0, exp = 0, e = 0, n;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	for (; *s >= '0' && *s <= '9'; s++)
		num = num * 10.0 + (*s - '0');
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++, exp--)
			num = num * 10.0 + (*s - '0');
	if (neg)
		num = -num;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '-' || *s == '+')
			eneg = *s++ == '-';
		for (; *s >= '0' && *s <= '9'; s++)
			e = e * 10 + (*s - '0');
		exp += eneg ? -e : e;
	}
	if (exp < -1021 || exp > 1024)
		return HUGE_VAL;
	for (n = exp < 0 ? -exp : exp; n != 0; n >>= 1, p10 *= p10)
		if (n & 1)
			num = exp < 0 ? num / p10 : num * p10;
	return num;
}

/*
 * The value librrd stores in the row of a day written as e: "U" for the
 * first 20864 s, then the value(s) over the remaining 65536 s.  The same
 * operations in the same order as rrd_update.c; the running sum starts at
 * zero because the previous day ended exactly on a step.
 */
static double
day_value(const struct enc *e)
{
	double	 sum = 0.0, a, b, I;

	if (e->n == 1) {
		I = KNOWN_SECS;
		a = rrd_text_value(e->text[0]);
		sum += a * I / I * I;
	} else {
		I = HALF_SECS;
		a = rrd_text_value(e->text[0]);
		b = rrd_text_value(e->text[1]);
		sum += a * I;
		sum += b * I / I * I;
	}
	return sum / (double)KNOWN_SECS;
}

/* 1 if a and b are the same double, NaN equal to NaN. */
int
store_same_value(double a, double b)
{
	if (isnan(a) || isnan(b))
		return isnan(a) && isnan(b);
	return a == b && signbit(a) == signbit(b);
}

/* The fewest significant digits that strtod reads back as x. */
static int
shortest_prec(double x)
{
	char	 buf[TEXT_LEN];
	int	 prec;

	for (prec = 1; prec < 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*e", prec - 1, x);
		if (strtod(buf, NULL) == x)
			break;
	}
	return prec;
}

/*
 * Try one text for x: the shortest digits D with exponent E, also with
 * trailing zeros added (D0e(E-1), D00e(E-2), ...).  That moves the
 * exponent to one that rrd_strtod applies in fewer rounding steps (one
 * for 10^1, 10^2, 10^4, 10^8, 10^16).  0 with e->text[0] set, or -1.
 */
static int
encode_one(double x, struct enc *e)
{
	char	 digits[TEXT_LEN], *p;
	long	 exp10;
	int	 prec, zeros, len;

	prec = shortest_prec(fabs(x));
	snprintf(digits, sizeof(digits), "%.*e", prec - 1, fabs(x));
	if ((p = strchr(digits, 'e')) == NULL)
		return -1;
	exp10 = strtol(p + 1, NULL, 10) - (prec - 1);
	*p = '\0';
	if (digits[1] == '.')
		memmove(digits + 1, digits + 2, strlen(digits + 2) + 1);
	e->n = 1;
	for (zeros = 0; zeros <= 16; zeros++) {
		len = snprintf(e->text[0], sizeof(e->text[0]), "%s%s%.*se%ld",
		    signbit(x) ? "-" : "", digits, zeros, "0000000000000000",
		    exp10 - zeros);
		if (len < 0 || (size_t)len >= sizeof(e->text[0]))
			return -1;
		if (store_same_value(day_value(e), x))
			return 0;
	}
	return -1;
}

/*
 * The decimal digits of v at p, not terminated; their number (at most
 * 20).  By hand, for the hot paths below.
 */
size_t
store_digits(char *p, unsigned long long v)
{
	char	 d[20];
	size_t	 n = 0, i;

	do
		d[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	for (i = 0; i < n; i++)
		p[i] = d[n - 1 - i];
	return n;
}

/*
 * The common case first: x is a decimal of few digits (4.4, 1234.5,
 * 530e6), M / 10^k for an integer M below 2^53.  Written as the digits of
 * M * 10^(j - k) with exponent -j, j the next of 0, 1, 2, 4, 8, 16 (the
 * exponents rrd_strtod applies in one step), the text is read as an
 * exact integer divided once by an exact power of ten: one rounding, the
 * same as the division that gave back x here.  No printing of x and no
 * strtod, which made the general way below most of the cost of a write.
 * 0 with e->text[0] set, or -1 to go the general way.
 */
static int
encode_decimal(double x, struct enc *e)
{
	static const double	 p10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6,
				    1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
				    1e14, 1e15, 1e16 };
	static const int	 one_step[] = { 0, 1, 2, 4, 4, 8, 8, 8, 8,
				    16, 16, 16, 16, 16, 16, 16, 16 };
	double			 ax = fabs(x), m = 0;
	char			*p;
	int			 k, j;

	for (k = 0; k <= 16; k++) {
		m = nearbyint(ax * p10[k]);
		if (m >= 0x1p53)
			return -1;
		if (m / p10[k] == ax)
			break;
	}
	if (k > 16 || (m *= p10[(j = one_step[k]) - k]) >= 0x1p53)
		return -1;
	e->n = 1;
	p = e->text[0];
	if (signbit(x))
		*p++ = '-';
	p += store_digits(p, (unsigned long long)m);
	*p++ = 'e';
	*p++ = '-';
	p += store_digits(p, (unsigned long long)j);
	*p = '\0';
	return store_same_value(day_value(e), x) ? 0 : -1;
}

/*
 * Two texts a, b with a + b == 2x exactly: a is 2x as text and b the
 * small remainder 2x - a (exact, a being within a few ulps of 2x), which
 * rrd_strtod may misread by far less than an ulp of 2x.
 */
static int
encode_two(double x, struct enc *e)
{
	double	 a, r;

	e->n = 2;
	snprintf(e->text[1], sizeof(e->text[1]), "%.17g", 2 * x);
	a = rrd_text_value(e->text[1]);
	r = 2 * x - a;
	if (r == 0)
		strlcpy(e->text[0], "0", sizeof(e->text[0]));
	else
		snprintf(e->text[0], sizeof(e->text[0]), "%.17g", r);
	return store_same_value(day_value(e), x) ? 0 : -1;
}

/*
 * How to write x so that it reads back bit-exactly.  -0 is stored as 0
 * (librrd adds it to a running sum that starts at +0).  0, or -1 (logged)
 * for a value out of range or, never seen so far, one with no exact text.
 */
int
store_encode(double x, const char *path, struct enc *e)
{
	memset(e, 0, sizeof(*e));
	if (isnan(x))
		return 0;
	if (!isfinite(x) || fabs(x) > OBS_VALUE_MAX) {
		log_errx("%s: value %g out of range", path, x);
		return -1;
	}
	if (x == 0) {
		e->n = 1;
		strlcpy(e->text[0], "0", sizeof(e->text[0]));
		return 0;
	}
	if (encode_decimal(x, e) == 0 || encode_one(x, e) == 0 ||
	    encode_two(x, e) == 0)
		return 0;
	log_errx("%s: no exact text for value %.17g", path, x);
	return -1;
}
