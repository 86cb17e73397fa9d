/* SPDX-License-Identifier: ISC */
/*
 * test_cbs_codes.c: the text rules of the cbs_statline plugin: trimming
 * and padding of dimension codes as v3 pads them, period code types,
 * numbers in untyped v3 cells and their missing-value symbols, CBS-style
 * scale factors and the hash behind marks and loop detection.
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

#include "fakehost.c"
#include "../../plugins/lib/strv.c"
#include "../../plugins/cbs_statline/codes.c"

static void
test_pad(void **unused)
{
	char	 buf[16];

	(void)unused;
	assert_int_equal(cbs_pad("PV20", 6, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "PV20  ");
	assert_int_equal(cbs_pad("GM0106", 6, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "GM0106");
	assert_int_equal(cbs_pad("3000", 7, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "3000   ");
	assert_int_equal(cbs_pad("GM0363", 10, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "GM0363    ");
	/* Longer than the dimension's width, or than the buffer. */
	assert_int_equal(cbs_pad("GM01066", 6, buf, sizeof(buf)), -1);
	assert_int_equal(cbs_pad("A", 16, buf, sizeof(buf)), -1);
}

static void
test_trim(void **unused)
{
	char		 buf[8];
	const char	*p;
	size_t		 n;

	(void)unused;
	assert_int_equal(cbs_trim_copy("PV20  ", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "PV20");
	assert_int_equal(cbs_trim_copy("  T001143 ", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "T001143");
	assert_int_equal(cbs_trim_copy("   ", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	assert_int_equal(cbs_trim_copy("GM0363    x", buf, sizeof(buf)), -1);
	assert_string_equal(buf, "");
	cbs_trim("\t52052   ", &p, &n);
	assert_int_equal(n, 5);
	assert_memory_equal(p, "52052", 5);
}

static void
test_period_type(void **unused)
{
	(void)unused;
	assert_int_equal(cbs_period_type("2020JJ00"), CBS_YEAR);
	assert_int_equal(cbs_period_type("2020KW03"), CBS_QUARTER);
	assert_int_equal(cbs_period_type("2020MM07"), CBS_MONTH);
	/* The index is the host's to check: 2020KW07 is a quarter here. */
	assert_int_equal(cbs_period_type("2020KW07"), CBS_QUARTER);
	/* Types the daemon has no period for, and garbage. */
	assert_int_equal(cbs_period_type("2020HJ01"), 0);
	assert_int_equal(cbs_period_type("2020W101"), 0);
	assert_int_equal(cbs_period_type("2020X000"), 0);
	assert_int_equal(cbs_period_type("2012SJ00"), 0);
	assert_int_equal(cbs_period_type("1861TM66"), 0);
	assert_int_equal(cbs_period_type("20060101"), 0);
	assert_int_equal(cbs_period_type("2020JJ0"), 0);
	assert_int_equal(cbs_period_type("2020JJ000"), 0);
	assert_int_equal(cbs_period_type("20a0JJ00"), 0);
	assert_int_equal(cbs_period_type("2020JJ0x"), 0);
	assert_int_equal(cbs_period_type("2020jj00"), 0);
	assert_int_equal(cbs_period_type(""), 0);
}

static void
test_period_norm(void **unused)
{
	const struct rm_host	*h = fh_host();
	char			 buf[32];

	(void)unused;
	/* What the plugin hands the host after cbs_period_type(). */
	assert_int_equal(h->period_norm("2020JJ00", buf, sizeof(buf)), RM_OK);
	assert_string_equal(buf, "2020");
	assert_int_equal(h->period_norm("2020KW03", buf, sizeof(buf)), RM_OK);
	assert_string_equal(buf, "2020-Q3");
	assert_int_equal(h->period_norm("2020MM07", buf, sizeof(buf)), RM_OK);
	assert_string_equal(buf, "2020-07");
	assert_int_equal(h->period_norm("2020KW07", buf, sizeof(buf)), RM_ERR);
	assert_int_equal(h->period_norm("2020MM13", buf, sizeof(buf)), RM_ERR);
	assert_int_equal(h->period_norm("2020JJ01", buf, sizeof(buf)), RM_ERR);
}

/* s as flat.c hands a cell over: a span followed by more of the page. */
static int
untyped(const char *s, double *v, int *missing)
{
	char	 page[64];
	size_t	 n = strlen(s);

	assert_true(n + 2 < sizeof(page));
	memcpy(page, s, n);
	memcpy(page + n, "9}", 3);
	return cbs_untypedn(page, n, v, missing);
}

static void
test_untyped(void **unused)
{
	static const char *const symbols[] = {
		"       .", "       x", "-", "?", "", "        "
	};
	static const char *const bad[] = {
		"1,5", "12 345", "abc", "nan", "inf", "0x10", "+",
		"1e", "--1", "1.5.2", "..", "X", "1e999"
	};
	double	 v = -1;
	int	 missing = -1;
	size_t	 i;

	(void)unused;
	assert_int_equal(untyped("   183.3", &v, &missing), 0);
	assert_true(v == 183.3);
	assert_int_equal(missing, 0);
	assert_int_equal(untyped("  424681", &v, &missing), 0);
	assert_true(v == 424681);
	assert_int_equal(untyped("    -1.5", &v, &missing), 0);
	assert_true(v == -1.5);
	assert_int_equal(untyped("1e3", &v, &missing), 0);
	assert_true(v == 1000);
	for (i = 0; i < NELEM(symbols); i++) {
		v = 5;
		assert_int_equal(untyped(symbols[i], &v, &missing), 0);
		assert_int_equal(missing, 1);
	}
	/* Nothing is guessed: no decimal commas, words or specials. */
	for (i = 0; i < NELEM(bad); i++)
		assert_int_equal(untyped(bad[i], &v, &missing), -1);
}

static void
test_number(void **unused)
{
	double	 v;

	(void)unused;
	assert_int_equal(cbs_number("0.1", &v), 0);
	assert_true(v == 0.1);
	assert_int_equal(cbs_number(".5", &v), 0);
	assert_true(v == 0.5);
	assert_int_equal(cbs_number(" 1", &v), -1);
	assert_int_equal(cbs_number("1 ", &v), -1);
	assert_int_equal(cbs_number("", &v), -1);
}

static void
test_scale(void **unused)
{
	double	 v;

	(void)unused;
	assert_int_equal(cbs_scale("x 1 000", &v), 0);
	assert_true(v == 1000);
	assert_int_equal(cbs_scale("x1000", &v), 0);
	assert_true(v == 1000);
	assert_int_equal(cbs_scale("x 1 000 000", &v), 0);
	assert_true(v == 1e6);
	assert_int_equal(cbs_scale("0.001", &v), 0);
	assert_true(v == 0.001);
	assert_int_equal(cbs_scale("x", &v), -1);
	assert_int_equal(cbs_scale("x 1.000", &v), -1);
	assert_int_equal(cbs_scale("0", &v), -1);
	assert_int_equal(cbs_scale("-5", &v), -1);
	assert_int_equal(cbs_scale("duizend", &v), -1);
}

static void
test_show_and_hash(void **unused)
{
	char	 buf[CBS_SHOWN + 8], big[200];

	(void)unused;
	assert_string_equal(cbs_show("a\nb", buf, sizeof(buf)), "a?b");
	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cbs_show(big, buf, sizeof(buf));
	assert_int_equal(strlen(buf), CBS_SHOWN + 3);
	assert_string_equal(buf + CBS_SHOWN, "...");
	assert_true(cbs_hash("a", 1, 0) != cbs_hash("b", 1, 0));
	assert_true(cbs_hash("ab", 2, 0) ==
	    cbs_hash("b", 1, cbs_hash("a", 1, 0)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pad),
		cmocka_unit_test(test_trim),
		cmocka_unit_test(test_period_type),
		cmocka_unit_test(test_period_norm),
		cmocka_unit_test(test_untyped),
		cmocka_unit_test(test_number),
		cmocka_unit_test(test_scale),
		cmocka_unit_test(test_show_and_hash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
