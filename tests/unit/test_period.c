/* SPDX-License-Identifier: ISC */
/*
 * test_period.c: period.c's notations (every accepted spelling, its
 * canonical form and the ones refused), the UTC start and end of years,
 * quarters and months including leap years, ordering and succession.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/core.h"
#include "model/model.h"
#include "store/store.h"
#include "net/net.h"
#include "eval/eval.h"
#include "run/run.h"
#include "mail/mail.h"
#include "report/report.h"
#include "alert/alert.h"
#include "app/app.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define DAY		86400

static struct period
parse_ok(const char *s)
{
	struct period	 p;

	if (period_parse(s, &p) != 0)
		fail_msg("period_parse(\"%s\") refused", s);
	return p;
}

static struct period
mk(int year, enum freq f, int index)
{
	struct period	 p;

	p.year = year;
	p.freq = f;
	p.index = index;
	return p;
}

static void
test_notations(void **state)
{
	static const struct {
		const char	*in;
		const char	*canon;
		int		 year;
		enum freq	 freq;
		int		 index;
	} t[] = {
		{ "2020",	"2020",		2020, FREQ_YEAR, 0 },
		{ "2020JJ00",	"2020",		2020, FREQ_YEAR, 0 },
		{ "1970",	"1970",		1970, FREQ_YEAR, 0 },
		{ "9998",	"9998",		9998, FREQ_YEAR, 0 },
		{ "2020-Q3",	"2020-Q3",	2020, FREQ_QUARTER, 3 },
		{ "2020Q3",	"2020-Q3",	2020, FREQ_QUARTER, 3 },
		{ "2020KW03",	"2020-Q3",	2020, FREQ_QUARTER, 3 },
		{ "2021KW01",	"2021-Q1",	2021, FREQ_QUARTER, 1 },
		{ "2019-Q4",	"2019-Q4",	2019, FREQ_QUARTER, 4 },
		{ "2020-07",	"2020-07",	2020, FREQ_MONTH, 7 },
		{ "2020M07",	"2020-07",	2020, FREQ_MONTH, 7 },
		{ "2020MM07",	"2020-07",	2020, FREQ_MONTH, 7 },
		{ "2020MM12",	"2020-12",	2020, FREQ_MONTH, 12 },
		{ "1999M01",	"1999-01",	1999, FREQ_MONTH, 1 },
	};
	struct period	 p, q;
	char		 buf[PERIOD_MAX];
	size_t		 i;

	(void)state;
	for (i = 0; i < nitems(t); i++) {
		p = parse_ok(t[i].in);
		assert_int_equal(p.year, t[i].year);
		assert_int_equal(p.freq, t[i].freq);
		assert_int_equal(p.index, t[i].index);
		assert_true(period_valid(&p));
		assert_int_equal(period_format(&p, buf, sizeof(buf)), 0);
		assert_string_equal(buf, t[i].canon);
		/* The canonical form parses back to the same period. */
		q = parse_ok(buf);
		assert_int_equal(period_cmp(&p, &q), 0);
		assert_int_equal(q.index, p.index);
	}
	/* A buffer too small is refused, not truncated silently. */
	p = mk(2020, FREQ_QUARTER, 3);
	assert_int_equal(period_format(&p, buf, 7), -1);
	assert_int_equal(period_format(&p, buf, 8), 0);
	assert_string_equal(buf, "2020-Q3");
}

/* What snprintf() makes of p, and its length. */
static int
printf_period(const struct period *p, char *buf, size_t size)
{
	if (p->freq == FREQ_YEAR)
		return snprintf(buf, size, "%04d", p->year);
	if (p->freq == FREQ_QUARTER)
		return snprintf(buf, size, "%04d-Q%d", p->year, p->index);
	return snprintf(buf, size, "%04d-%02d", p->year, p->index);
}

/*
 * period_format() writes its digits by hand: the text snprintf() gives,
 * for every year and index, and the same refusal of a short buffer.
 */
static void
test_format_is_printf(void **state)
{
	static const enum freq	 f[] = { FREQ_YEAR, FREQ_QUARTER, FREQ_MONTH };
	static const int	 idx[] = { 0, 1, 4, 9, 10, 12, 99, 100, -1 };
	struct period		 p;
	char			 got[32], want[32];
	size_t			 i, k, n;
	int			 y;

	(void)state;
	for (y = -20; y <= 10020; y++) {
		for (i = 0; i < nitems(f) * nitems(idx); i++) {
			k = i % nitems(idx);
			p = mk(y, f[i / nitems(idx)], idx[k]);
			if (p.freq == FREQ_YEAR)
				p.index = 0;
			n = (size_t)printf_period(&p, want, sizeof(want));
			assert_int_equal(period_format(&p, got, sizeof(got)),
			    0);
			assert_string_equal(got, want);
			assert_int_equal(period_format(&p, got, n), -1);
			assert_int_equal(period_format(&p, got, n + 1), 0);
		}
	}
}

static void
test_refused(void **state)
{
	static const char *bad[] = {
		"2020HJ01", "2020W101", "2020-13", "2020-Q5", "1969", "20201",
		"2020KW00", "2020KW05", "2020MM00", "2020MM13", "2020M13",
		"2020M00", "2020-00", "2020-Q0", "2020Q0", "2020JJ01",
		"2020-07x", "2020 ", " 2020", "2020-Q3 ", "2020MM07\n",
		"2020-7", "2020-Q03", "9999", "0000", "abcd", "", "202",
		"2020-W10", "2020/07", "2020SJ01", "1969-12",
	};
	struct period	 p;
	size_t		 i;

	(void)state;
	for (i = 0; i < nitems(bad); i++)
		if (period_parse(bad[i], &p) != -1)
			fail_msg("period_parse(\"%s\") accepted", bad[i]);
	assert_int_equal(period_parse(NULL, &p), -1);
	p = mk(2020, FREQ_YEAR, 1);
	assert_false(period_valid(&p));
	p = mk(1969, FREQ_MONTH, 12);
	assert_false(period_valid(&p));
}

static void
test_bounds(void **state)
{
	struct period	 p;

	(void)state;
	/* 2020 ends at 2021-01-01T00:00Z; a leap year of 366 days. */
	p = mk(2020, FREQ_YEAR, 0);
	assert_int_equal(period_start(&p), 1577836800);
	assert_int_equal(period_end(&p), 1609459200);
	assert_int_equal(period_end(&p) - period_start(&p), 366 * DAY);
	p = mk(2019, FREQ_YEAR, 0);
	assert_int_equal(period_end(&p) - period_start(&p), 365 * DAY);
	p = mk(1970, FREQ_YEAR, 0);
	assert_int_equal(period_start(&p), 0);
	assert_int_equal(period_end(&p), 31536000);

	/* 2020-02 ends 2020-03-01T00:00Z after 29 days; 2019-02 has 28. */
	p = mk(2020, FREQ_MONTH, 2);
	assert_int_equal(period_start(&p), 1580515200);
	assert_int_equal(period_end(&p), 1583020800);
	assert_int_equal(period_end(&p) - period_start(&p), 29 * DAY);
	p = mk(2019, FREQ_MONTH, 2);
	assert_int_equal(period_end(&p) - period_start(&p), 28 * DAY);
	/* Century rules: 2000 is a leap year, 2100 is not. */
	p = mk(2000, FREQ_MONTH, 2);
	assert_int_equal(period_end(&p) - period_start(&p), 29 * DAY);
	p = mk(2100, FREQ_MONTH, 2);
	assert_int_equal(period_end(&p) - period_start(&p), 28 * DAY);
	/* December ends on New Year. */
	p = mk(2020, FREQ_MONTH, 12);
	assert_int_equal(period_start(&p), 1606780800);
	assert_int_equal(period_end(&p), 1609459200);
	p = mk(2020, FREQ_MONTH, 7);
	assert_int_equal(period_end(&p) - period_start(&p), 31 * DAY);
	p = mk(2020, FREQ_MONTH, 4);
	assert_int_equal(period_end(&p) - period_start(&p), 30 * DAY);

	/* Quarters: Q1 has 91 days in 2020 and 90 in 2019. */
	p = mk(2020, FREQ_QUARTER, 1);
	assert_int_equal(period_start(&p), 1577836800);
	assert_int_equal(period_end(&p), 1585699200);
	assert_int_equal(period_end(&p) - period_start(&p), 91 * DAY);
	p = mk(2019, FREQ_QUARTER, 1);
	assert_int_equal(period_end(&p) - period_start(&p), 90 * DAY);
	p = mk(2020, FREQ_QUARTER, 3);
	assert_int_equal(period_start(&p), 1593561600);
	assert_int_equal(period_end(&p) - period_start(&p), 92 * DAY);
	p = mk(2020, FREQ_QUARTER, 4);
	assert_int_equal(period_end(&p), 1609459200);

	/* The heartbeat base: the longest period of each frequency. */
	assert_int_equal(freq_max_seconds(FREQ_YEAR), 366 * DAY);
	assert_int_equal(freq_max_seconds(FREQ_QUARTER), 92 * DAY);
	assert_int_equal(freq_max_seconds(FREQ_MONTH), 31 * DAY);
}

static void
test_cmp_next(void **state)
{
	struct period	 a, b, n;

	(void)state;
	a = mk(2019, FREQ_MONTH, 12);
	b = mk(2020, FREQ_MONTH, 1);
	assert_true(period_cmp(&a, &b) < 0);
	assert_true(period_cmp(&b, &a) > 0);
	assert_int_equal(period_cmp(&a, &a), 0);
	period_next(&a, &n);
	assert_int_equal(period_cmp(&n, &b), 0);
	assert_int_equal(n.year, 2020);
	assert_int_equal(n.index, 1);
	assert_int_equal(period_end(&a), period_start(&n));

	a = mk(2019, FREQ_QUARTER, 4);
	period_next(&a, &n);
	assert_int_equal(n.year, 2020);
	assert_int_equal(n.index, 1);
	assert_int_equal(n.freq, FREQ_QUARTER);
	assert_true(period_cmp(&a, &n) < 0);

	a = mk(2019, FREQ_YEAR, 0);
	period_next(&a, &n);
	assert_int_equal(n.year, 2020);
	assert_int_equal(n.index, 0);

	a = mk(2020, FREQ_MONTH, 7);
	period_next(&a, &n);
	assert_int_equal(n.year, 2020);
	assert_int_equal(n.index, 8);

	/* Same start: year before quarter before month, never equal. */
	a = mk(2020, FREQ_YEAR, 0);
	b = mk(2020, FREQ_QUARTER, 1);
	n = mk(2020, FREQ_MONTH, 1);
	assert_true(period_cmp(&a, &b) < 0);
	assert_true(period_cmp(&b, &n) < 0);
	assert_true(period_cmp(&a, &n) < 0);
	a = mk(2020, FREQ_QUARTER, 2);
	b = mk(2020, FREQ_MONTH, 3);
	assert_true(period_cmp(&b, &a) < 0);
}

/* Walking 2015-2024 takes 120 months or 40 quarters, with no gaps. */
static void
test_walk(void **state)
{
	struct period	 p, n, end;
	int		 steps;

	(void)state;
	p = mk(2015, FREQ_MONTH, 1);
	end = mk(2025, FREQ_MONTH, 1);
	for (steps = 0; period_cmp(&p, &end) < 0; steps++) {
		period_next(&p, &n);
		assert_int_equal(period_end(&p), period_start(&n));
		p = n;
	}
	assert_int_equal(steps, 120);
	p = mk(2015, FREQ_QUARTER, 1);
	end = mk(2025, FREQ_QUARTER, 1);
	for (steps = 0; period_cmp(&p, &end) < 0; steps++)
		period_next(&p, &p);
	assert_int_equal(steps, 40);
}

/*
 * period.c computes month starts by arithmetic, not with timegm(); every
 * month of every valid year against the C library, and the order of
 * period_cmp against the start instants.
 */
static void
test_start_is_timegm(void **state)
{
	struct period	 p, prev;
	struct tm	 tm;
	int		 year, month;

	(void)state;
	prev = mk(1970, FREQ_MONTH, 1);
	for (year = 1970; year <= 9998; year++) {
		for (month = 1; month <= 12; month++) {
			memset(&tm, 0, sizeof(tm));
			tm.tm_year = year - 1900;
			tm.tm_mon = month - 1;
			tm.tm_mday = 1;
			p = mk(year, FREQ_MONTH, month);
			if (period_start(&p) != timegm(&tm))
				fail_msg("%d-%02d starts at %lld, not %lld",
				    year, month, (long long)period_start(&p),
				    (long long)timegm(&tm));
			if (year > 1970 || month > 1)
				assert_int_equal(period_cmp(&prev, &p), -1);
			prev = p;
		}
		p = mk(year, FREQ_YEAR, 0);
		assert_int_equal(period_end(&p) - period_start(&p),
		    ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ?
		    366 : 365) * DAY);
	}
}

static void
test_freq(void **state)
{
	enum freq	 f;

	(void)state;
	assert_int_equal(freq_parse("year", &f), 0);
	assert_int_equal(f, FREQ_YEAR);
	assert_int_equal(freq_parse("quarter", &f), 0);
	assert_int_equal(f, FREQ_QUARTER);
	assert_int_equal(freq_parse("month", &f), 0);
	assert_int_equal(f, FREQ_MONTH);
	assert_int_equal(freq_parse("week", &f), -1);
	assert_int_equal(freq_parse("Year", &f), -1);
	assert_int_equal(freq_parse(NULL, &f), -1);
	assert_string_equal(freq_name(FREQ_YEAR), "year");
	assert_string_equal(freq_name(FREQ_QUARTER), "quarter");
	assert_string_equal(freq_name(FREQ_MONTH), "month");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_notations),
		cmocka_unit_test(test_format_is_printf),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_cmp_next),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_start_is_timegm),
		cmocka_unit_test(test_freq),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
