/* SPDX-License-Identifier: ISC */
/*
 * test_obs.c: observation lines, the format of the child's pipe, the
 * spool and `regiomon fetch`.  The fast writer prints a value exactly as
 * fmt_double() would; the fast reader gives bit for bit what jansson and
 * obs_from_json() give, and hands every line in another form (or wrong)
 * to them instead of accepting it.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static struct obs
mk(const char *ind, const char *reg, int year, enum freq f, int index,
    double v, int missing, int prov)
{
	struct obs	 ob;

	memset(&ob, 0, sizeof(ob));
	strlcpy(ob.indicator, ind, sizeof(ob.indicator));
	strlcpy(ob.region, reg, sizeof(ob.region));
	ob.period.year = year;
	ob.period.freq = f;
	ob.period.index = index;
	ob.value = v;
	ob.missing = missing;
	ob.provisional = prov;
	return ob;
}

/* The slow path: jansson and obs_from_json.  0, or -1. */
static int
slow(const char *line, size_t len, struct obs *ob)
{
	json_error_t	 jerr;
	json_t		*o;
	char		 err[256];
	int		 rc;

	if ((o = json_loadb(line, len, 0, &jerr)) == NULL)
		return -1;
	rc = obs_from_json(o, ob, err, sizeof(err));
	json_decref(o);
	return rc;
}

static void
assert_same(const struct obs *a, const struct obs *b)
{
	assert_string_equal(a->indicator, b->indicator);
	assert_string_equal(a->region, b->region);
	assert_int_equal(period_cmp(&a->period, &b->period), 0);
	assert_int_equal(a->missing, b->missing);
	assert_int_equal(a->provisional, b->provisional);
	if (!a->missing)
		assert_memory_equal(&a->value, &b->value, sizeof(double));
}

/* Write ob, read it back both ways: the same observation three times. */
static void
roundtrip(const struct obs *ob)
{
	struct obs	 fast, viaj;
	char		 line[OBS_LINE_MAX];
	size_t		 n;

	n = obs_format_line(ob, line, sizeof(line));
	assert_true(n > 0);
	assert_int_equal(line[n - 1], '\n');
	assert_int_equal(obs_parse_line(line, n - 1, &fast), 1);
	assert_int_equal(slow(line, n - 1, &viaj), 0);
	assert_same(&fast, &viaj);
	/* -0 is written "-0", which JSON readers take for the integer 0. */
	if (ob->missing || ob->value != 0 || !signbit(ob->value))
		assert_same(ob, &fast);
}

static void
test_format(void **unused)
{
	struct obs	 ob;
	char		 line[OBS_LINE_MAX];

	(void)unused;
	ob = mk("unemployment-rate", "groningen", 2020, FREQ_YEAR, 0, 4.4, 0,
	    0);
	obs_format_line(&ob, line, sizeof(line));
	assert_string_equal(line, "{\"indicator\": \"unemployment-rate\", "
	    "\"region\": \"groningen\", \"period\": \"2020\", \"value\": 4.4, "
	    "\"status\": \"final\"}\n");
	ob = mk("jobs", "rga", 2021, FREQ_QUARTER, 3, 0, 1, 1);
	obs_format_line(&ob, line, sizeof(line));
	assert_string_equal(line, "{\"indicator\": \"jobs\", \"region\": "
	    "\"rga\", \"period\": \"2021-Q3\", \"value\": null, \"status\": "
	    "\"provisional\"}\n");
	ob = mk("jobs", "rga", 2005, FREQ_MONTH, 2, -1000.25, 0, 0);
	obs_format_line(&ob, line, sizeof(line));
	assert_non_null(strstr(line, "\"period\": \"2005-02\", \"value\": "
	    "-1000.25,"));
	/* A buffer too small, a period out of range: nothing written. */
	assert_int_equal(obs_format_line(&ob, line, 100), 0);
	ob.period.index = 13;
	assert_int_equal(obs_format_line(&ob, line, sizeof(line)), 0);
}

/* The value text is fmt_double's, also where the fast path does not go. */
static void
test_value_text(void **unused)
{
	static const double fixed[] = {
		0, -0.0, 1, -1, 4.4, 0.1, 0.0001, 0.00012, 0.00009999,
		1e-5, 123456789012345.0, 999999999999999.0, 1e15, 1e16,
		0.1 + 0.2, 1.0 / 3, M_PI, -2.5e-300, 1.7976931348623157e308,
		4.9e-324, 251570, 252000.5, 17282163, 1234.1, 1000.2,
		9007199254740993.0, 0.30000000000000004, 100.0 / 7
	};
	struct obs	 ob;
	char		 line[OBS_LINE_MAX], want[64], got[64], *p, *q;
	size_t		 i;
	unsigned	 seed = 12345;

	(void)unused;
	for (i = 0; i < nitems(fixed) + 20000; i++) {
		double v;

		if (i < nitems(fixed))
			v = fixed[i];
		else if (i % 4 == 0)
			/* Statistics: a few decimals, any magnitude. */
			v = (double)(rand_r(&seed) % 2000001 - 1000000) /
			    pow(10, rand_r(&seed) % 7);
		else if (i % 4 == 1)
			v = (double)rand_r(&seed) / RAND_MAX * 1e6;
		else if (i % 4 == 2)
			v = ldexp((double)rand_r(&seed), rand_r(&seed) % 120 -
			    60);
		else
			v = (double)(rand_r(&seed) % 100000) / 10.0 + 1000;
		ob = mk("x", "y", 2020, FREQ_YEAR, 0, v, 0, 0);
		obs_format_line(&ob, line, sizeof(line));
		p = strstr(line, "\"value\": ") + 9;
		q = strchr(p, ',');
		memcpy(got, p, (size_t)(q - p));
		got[q - p] = '\0';
		fmt_double(want, sizeof(want), v);
		if (strcmp(got, want) != 0)
			fail_msg("%.17g: wrote %s, fmt_double %s", v, got,
			    want);
		roundtrip(&ob);
	}
}

static void
test_roundtrip(void **unused)
{
	struct obs	 ob;

	(void)unused;
	ob = mk("a", "b", 1970, FREQ_YEAR, 0, 1, 0, 0);
	roundtrip(&ob);
	ob = mk("share-65plus_x", "gemeente-groningen", 9998, FREQ_MONTH, 12,
	    2.5, 0, 1);
	roundtrip(&ob);
	ob = mk("abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij"
	    "abc", "r", 2020, FREQ_QUARTER, 4, 0, 1, 0);
	assert_int_equal(strlen(ob.indicator), ID_MAX - 1);
	roundtrip(&ob);
}

/* Lines the fast reader leaves to jansson, whatever jansson makes of it. */
static void
test_other_forms(void **unused)
{
	static const char *const lines[] = {
		/* Valid, but in another form. */
		"{\"indicator\":\"jobs\",\"region\":\"rga\","
		    "\"period\":\"2020\",\"value\":1,\"status\":\"final\"}",
		"{\"region\": \"rga\", \"indicator\": \"jobs\", \"period\": "
		    "\"2020\", \"value\": 1, \"status\": \"final\"}",
		"{\"indicator\": \"jobs\", \"region\": \"rga\", \"period\": "
		    "\"2020\", \"value\": 1}",
		"{\"indicator\": \"jobs\", \"region\": \"rga\", \"period\": "
		    "\"2020\", \"value\": 1, \"status\": \"final\", \"note\": "
		    "\"x\"}",
		"{\"indicator\": \"j\\u006fbs\", \"region\": \"rga\", "
		    "\"period\": \"2020\", \"value\": 1, "
		    "\"status\": \"final\"}",
		"{\"indicator\": \"jobs\", \"region\": \"rga\", \"period\": "
		    "\"2020\", \"value\": 1, \"status\": \"final\"} ",
		/* Another spelling of a period: a copy would keep it. */
		"{\"indicator\": \"jobs\", \"region\": \"rga\", \"period\": "
		    "\"2020M07\", \"value\": 1, \"status\": \"final\"}",
		"{\"indicator\": \"jobs\", \"region\": \"rga\", \"period\": "
		    "\"2020KW03\", \"value\": 1, \"status\": \"final\"}",
		"{\"mark\": \"v3 x\"}",
		/* Numbers jansson refuses or reads differently. */
		"{\"indicator\": \"jobs\", \"region\": \"rga\", \"period\": "
		    "\"2020\", \"value\": 01, \"status\": \"final\"}",
		"{\"indicator\": \"jobs\", \"region\": \"rga\", \"period\": "
		    "\"2020\", \"value\": 1., \"status\": \"final\"}",
		"{\"indicator\": \"jobs\", \"region\": \"rga\", \"period\": "
		    "\"2020\", \"value\": .5, \"status\": \"final\"}",
		"{\"indicator\": \"jobs\", \"region\": \"rga\", \"period\": "
		    "\"2020\", \"value\": +1, \"status\": \"final\"}",
		"{\"indicator\": \"jobs\", \"region\": \"rga\", \"period\": "
		    "\"2020\", \"value\": 1e400, \"status\": \"final\"}",
		"{\"indicator\": \"jobs\", \"region\": \"rga\", \"period\": "
		    "\"2020\", \"value\": 12345678901234567890, \"status\": "
		    "\"final\"}",
		"{\"indicator\": \"jobs\", \"region\": \"rga\", \"period\": "
		    "\"2020\", \"value\": NaN, \"status\": \"final\"}",
		"{\"indicator\": \"jobs\", \"region\": \"rga\", \"period\": "
		    "\"2020\", \"value\": -, \"status\": \"final\"}",
		/* Ids, periods and statuses that are wrong. */
		"{\"indicator\": \"Jobs\", \"region\": \"rga\", \"period\": "
		    "\"2020\", \"value\": 1, \"status\": \"final\"}",
		"{\"indicator\": \"-jobs\", \"region\": \"rga\", \"period\": "
		    "\"2020\", \"value\": 1, \"status\": \"final\"}",
		"{\"indicator\": \"\", \"region\": \"rga\", \"period\": "
		    "\"2020\", \"value\": 1, \"status\": \"final\"}",
		"{\"indicator\": \"jobs\", \"region\": \"rga\", \"period\": "
		    "\"2020H1\", \"value\": 1, \"status\": \"final\"}",
		"{\"indicator\": \"jobs\", \"region\": \"rga\", \"period\": "
		    "\"1969\", \"value\": 1, \"status\": \"final\"}",
		"{\"indicator\": \"jobs\", \"region\": \"rga\", \"period\": "
		    "\"2020\", \"value\": 1, \"status\": \"Final\"}",
		"{\"indicator\": \"jobs\", \"region\": \"rga\", \"period\": "
		    "\"2020\", \"value\": \"1\", \"status\": \"final\"}",
		"{\"indicator\": \"jobs\", \"region\": \"rga\", \"period\": "
		    "\"2020\", \"value\": 1, \"status\": \"final\"}x",
		"{\"indicator\": \"jobs\", \"region\": \"rga\", \"period\": "
		    "\"2020",
		"",
	};
	struct obs	 ob;
	size_t		 i;

	(void)unused;
	for (i = 0; i < nitems(lines); i++)
		if (obs_parse_line(lines[i], strlen(lines[i]), &ob) != 0)
			fail_msg("fast reader took line %zu: %s", i, lines[i]);
	/* The first lines are valid: jansson takes them as they are. */
	for (i = 0; i < 8; i++)
		assert_int_equal(slow(lines[i], strlen(lines[i]), &ob), 0);
	/* A NUL inside the period is no period for either reader. */
	{
		static const char nul[] = "{\"indicator\": \"jobs\", "
		    "\"region\": \"rga\", \"period\": \"2020\0x\", "
		    "\"value\": 1, \"status\": \"final\"}";

		assert_int_equal(obs_parse_line(nul, sizeof(nul) - 1, &ob), 0);
		assert_int_equal(slow(nul, sizeof(nul) - 1, &ob), -1);
	}
}

/* jansson reads "-0" as the integer 0: +0, and so must the fast path. */
static void
test_integers(void **unused)
{
	static const char line[] = "{\"indicator\": \"jobs\", \"region\": "
	    "\"rga\", \"period\": \"2020\", \"value\": -0, \"status\": "
	    "\"final\"}";
	static const char big[] = "{\"indicator\": \"jobs\", \"region\": "
	    "\"rga\", \"period\": \"2020\", \"value\": 123456789012345678, "
	    "\"status\": \"final\"}";
	struct obs	 a, b;

	(void)unused;
	assert_int_equal(obs_parse_line(line, sizeof(line) - 1, &a), 1);
	assert_int_equal(slow(line, sizeof(line) - 1, &b), 0);
	assert_same(&a, &b);
	assert_false(signbit(a.value));
	assert_int_equal(obs_parse_line(big, sizeof(big) - 1, &a), 1);
	assert_int_equal(slow(big, sizeof(big) - 1, &b), 0);
	assert_same(&a, &b);
}

/*
 * The value text v in a spool line, read both ways: the same double.
 * Only integers too long for json_int_t are left to jansson.
 */
static void
same_value(const char *v)
{
	char		 line[256];
	struct obs	 a, b;
	int		 n;

	n = snprintf(line, sizeof(line), "{\"indicator\": \"jobs\", "
	    "\"region\": \"rga\", \"period\": \"2020\", \"value\": %s, "
	    "\"status\": \"final\"}", v);
	if (slow(line, (size_t)n, &b) != 0)
		fail_msg("%s: jansson refuses it", v);
	if (obs_parse_line(line, (size_t)n, &a) != 1) {
		if (strpbrk(v, ".eE") != NULL || strlen(v) <= 18)
			fail_msg("%s: left to jansson", v);
		return;
	}
	if (memcmp(&a.value, &b.value, sizeof(double)) != 0)
		fail_msg("%s: fast %.17g, jansson %.17g", v, a.value,
		    b.value);
}

/*
 * Short decimals take the fast path (digits / 10^k); its edges (2^53,
 * 10^22, 19 digits, signs, zeros) and random texts must give jansson's
 * double bit for bit, or the spool would change values.
 */
static void
test_decimals(void **unused)
{
	static const char *edge[] = {
		"0", "-0", "0.0", "-0.0", "-5", "7", "0.1", "-0.1", "0.05",
		"1003.9", "-1003.9", "9007199254740992", "9007199254740993",
		"900719925474099.3", "900719925474099.35",
		"0.0000000000000000000001", "0.00000000000000000000001",
		"1.0000000000000000000001", "1234567890123456789",
		"123456789012345678", "0.1234567890123456789",
		"1e3", "1.5E-2", "-2.5e+10", "4.35", "0.3", "2.675",
		"17976931348623157.0", "100000000000000000000.5",
	};
	char		 v[64];
	uint64_t	 x = 88172645463325252ULL;
	size_t		 i, len;
	int		 k, neg;

	(void)unused;
	for (i = 0; i < nitems(edge); i++)
		same_value(edge[i]);
	for (i = 0; i < 20000; i++) {
		/* xorshift64: any digits, any number of decimals. */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		k = (int)(x % 17);
		neg = (int)(x & 1);
		snprintf(v, sizeof(v), "%s%llu", neg ? "-" : "",
		    (unsigned long long)(x >> (1 + x % 40)));
		len = strlen(v);
		if (k > 0 && len > (size_t)(k + neg)) {
			memmove(v + len - k + 1, v + len - k, (size_t)k + 1);
			v[len - k] = '.';
		}
		/* JSON has no leading zeros: "012" is not a number. */
		if (v[neg] == '0' && v[neg + 1] != '.' && v[neg + 1] != '\0')
			continue;
		same_value(v);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_value_text),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_other_forms),
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_decimals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
