/* SPDX-License-Identifier: ISC */
/*
 * period.c: statistical periods (years, quarters, months), their notations
 * (ours "2020", "2020-Q3", "2020-07"; CBS "2020JJ00", "2020KW03",
 * "2020MM07"; Eurostat "2020Q3", "2020M07") and their UTC start and end.
 * Unknown notations are refused, never guessed.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/core.h"

/* Read exactly n decimal digits from s. -1 if any is not a digit. */
static int
digits(const char *s, int n)
{
	int	 v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int
period_valid(const struct period *p)
{
	if (p->year < 1970 || p->year > 9998)
		return 0;
	switch (p->freq) {
	case FREQ_YEAR:
		return p->index == 0;
	case FREQ_QUARTER:
		return p->index >= 1 && p->index <= 4;
	case FREQ_MONTH:
		return p->index >= 1 && p->index <= 12;
	}
	return 0;
}

/*
 * Parse any known notation into *p.  0, or -1 for anything else: a period
 * type we do not store (half years, weeks, school years), a bad index, a
 * year before 1970 (RRD files cannot hold it) or trailing text.
 */
int
period_parse(const char *s, struct period *p)
{
	size_t	 len;
	int	 year;

	if (s == NULL)
		return -1;
	len = strlen(s);
	if (len < 4 || (year = digits(s, 4)) < 0)
		return -1;
	p->year = year;
	p->index = 0;
	if (len == 4) {
		p->freq = FREQ_YEAR;
	} else if (len == 8 && memcmp(s + 4, "JJ00", 4) == 0) {
		p->freq = FREQ_YEAR;
	} else if (len == 8 && memcmp(s + 4, "KW", 2) == 0) {
		p->freq = FREQ_QUARTER;
		p->index = digits(s + 6, 2);
	} else if (len == 8 && memcmp(s + 4, "MM", 2) == 0) {
		p->freq = FREQ_MONTH;
		p->index = digits(s + 6, 2);
	} else if (len == 7 && memcmp(s + 4, "-Q", 2) == 0) {
		p->freq = FREQ_QUARTER;
		p->index = digits(s + 6, 1);
	} else if (len == 6 && s[4] == 'Q') {
		p->freq = FREQ_QUARTER;
		p->index = digits(s + 5, 1);
	} else if (len == 7 && s[4] == '-') {
		p->freq = FREQ_MONTH;
		p->index = digits(s + 5, 2);
	} else if (len == 7 && s[4] == 'M') {
		p->freq = FREQ_MONTH;
		p->index = digits(s + 5, 2);
	} else {
		return -1;
	}
	return period_valid(p) ? 0 : -1;
}

/*
 * Canonical text: "2020", "2020-Q3", "2020-07".  0, or -1 if too long.
 * Digits by hand for the usual years and indexes: a plugin has every
 * period of a page normalized, and snprintf() was a tenth of its work.
 */
int
period_format(const struct period *p, char *buf, size_t size)
{
	char	 t[8], *q = t;
	int	 n, y = p->year, i = p->index;

	if (y < 0 || y > 9999 || (p->freq == FREQ_QUARTER && (i < 0 ||
	    i > 9)) || (p->freq == FREQ_MONTH && (i < 0 || i > 99))) {
		if (p->freq == FREQ_YEAR)
			n = snprintf(buf, size, "%04d", y);
		else if (p->freq == FREQ_QUARTER)
			n = snprintf(buf, size, "%04d-Q%d", y, i);
		else
			n = snprintf(buf, size, "%04d-%02d", y, i);
		return n < 0 || (size_t)n >= size ? -1 : 0;
	}
	*q++ = (char)('0' + y / 1000);
	*q++ = (char)('0' + y / 100 % 10);
	*q++ = (char)('0' + y / 10 % 10);
	*q++ = (char)('0' + y % 10);
	if (p->freq == FREQ_QUARTER) {
		*q++ = '-';
		*q++ = 'Q';
		*q++ = (char)('0' + i);
	} else if (p->freq != FREQ_YEAR) {
		*q++ = '-';
		*q++ = (char)('0' + i / 10);
		*q++ = (char)('0' + i % 10);
	}
	if ((size_t)(q - t) >= size)
		return -1;
	memcpy(buf, t, (size_t)(q - t));
	buf[q - t] = '\0';
	return 0;
}

/* First month (1-12) of the period. */
static int
first_month(const struct period *p)
{
	switch (p->freq) {
	case FREQ_YEAR:
		return 1;
	case FREQ_QUARTER:
		return 3 * (p->index - 1) + 1;
	default:
		return p->index;
	}
}

/*
 * The UTC instant a month starts, by arithmetic: timegm() took a tenth of
 * the time of writing a series (it normalizes a whole struct tm).  Years
 * are counted from March, so that the leap day ends a year, and in eras
 * of 400 years, which all have 146097 days; 719468 is the day number of
 * 1970-01-01 in that count.
 */
static time_t
utc(int year, int month)
{
	long	 y = year - (month <= 2), era, yoe, doy, doe;

	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * ((month + 9) % 12) + 2) / 5;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (time_t)(era * 146097 + doe - 719468) * 86400;
}

/* The UTC instant the period starts. */
time_t
period_start(const struct period *p)
{
	return utc(p->year, first_month(p));
}

/* The UTC instant the period ends, which is the next period's start. */
time_t
period_end(const struct period *p)
{
	struct period	 n;

	period_next(p, &n);
	return period_start(&n);
}

void
period_next(const struct period *p, struct period *n)
{
	int	 last = p->freq == FREQ_QUARTER ? 4 : 12;

	*n = *p;
	if (p->freq == FREQ_YEAR) {
		n->year++;
	} else if (p->index == last) {
		n->year++;
		n->index = 1;
	} else {
		n->index++;
	}
}

/* Order by start, then by length: 2020 < 2020-Q1 < 2020-01 never mixes. */
int
period_cmp(const struct period *a, const struct period *b)
{
	/* Months since year 0: the order of the start instants. */
	long	 ma = a->year * 12L + first_month(a);
	long	 mb = b->year * 12L + first_month(b);

	if (ma != mb)
		return ma < mb ? -1 : 1;
	if (a->freq != b->freq)
		return a->freq < b->freq ? -1 : 1;
	return 0;
}

int
freq_parse(const char *s, enum freq *f)
{
	if (s == NULL)
		return -1;
	if (strcmp(s, "year") == 0)
		*f = FREQ_YEAR;
	else if (strcmp(s, "quarter") == 0)
		*f = FREQ_QUARTER;
	else if (strcmp(s, "month") == 0)
		*f = FREQ_MONTH;
	else
		return -1;
	return 0;
}

const char *
freq_name(enum freq f)
{
	switch (f) {
	case FREQ_YEAR:
		return "year";
	case FREQ_QUARTER:
		return "quarter";
	default:
		return "month";
	}
}

/* The longest period of this frequency, in seconds (366, 92, 31 days). */
long
freq_max_seconds(enum freq f)
{
	switch (f) {
	case FREQ_YEAR:
		return 366L * 86400;
	case FREQ_QUARTER:
		return 92L * 86400;
	default:
		return 31L * 86400;
	}
}
