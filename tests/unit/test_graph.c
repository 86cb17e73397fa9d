/* SPDX-License-Identifier: ISC */
/*
 * test_graph.c: what graph_plan.c and graph_args.c (included to reach
 * their static helpers) decide before librrd draws (the y axis and
 * the threshold zones for each direction and kind of threshold, merged
 * provisional stretches, wrapped titles, escaped legends) and label.c's
 * words and numbers in Dutch and English.  The drawing itself is tested
 * end to end in tests/integration/test_graph.py.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../daemon/report/graph_plan.c"
#include "../../daemon/report/graph_args.c"

static struct indicator
ind_new(enum direction dir, int relative, double warning, double critical)
{
	struct indicator	 ind;

	memset(&ind, 0, sizeof(ind));
	ind.id = "x";
	ind.title = "Werkloosheid";
	ind.unit = "%";
	ind.freq = FREQ_YEAR;
	ind.direction = dir;
	ind.relative = relative;
	ind.warning = warning;
	ind.critical = critical;
	return ind;
}

static struct gplan
plan_with_base(double base)
{
	struct gplan	 g;

	memset(&g, 0, sizeof(g));
	g.has_base = 1;
	g.base.value = base;
	g.base.from_catalog = 1;
	return g;
}

static void
test_zones_lower_is_better(void **state)
{
	struct indicator	 ind;
	struct gplan		 g = plan_with_base(4.4);

	(void)state;
	ind = ind_new(DIR_LOWER_IS_BETTER, 0, 0.5, 1.0);
	plan_axis(&g, &ind, 4.4, 5.9);
	/* Above the baseline only: warning 4.9-5.4, critical 5.4-top. */
	assert_int_equal(g.nzones, 2);
	assert_false(g.zone_crit[0]);
	assert_true(fabs(g.zone[0][0] - 4.9) < 1e-9);
	assert_true(fabs(g.zone[0][1] - 5.4) < 1e-9);
	assert_true(g.zone_crit[1]);
	assert_true(fabs(g.zone[1][0] - 5.4) < 1e-9);
	assert_true(g.zone[1][1] == g.hi);
	assert_true(g.lo < 4.4 && g.hi > 5.9);
}

static void
test_zones_higher_is_better(void **state)
{
	struct indicator	 ind = ind_new(DIR_HIGHER_IS_BETTER, 0, 1, 2);
	struct gplan		 g = plan_with_base(66.5);

	(void)state;
	plan_axis(&g, &ind, 66.5, 67.0);
	/* Below the baseline; the warning threshold is brought into view. */
	assert_true(g.lo < 65.5);
	assert_int_equal(g.nzones, 1);
	assert_false(g.zone_crit[0]);
	assert_true(g.zone[0][0] == g.lo);
	assert_true(fabs(g.zone[0][1] - 65.5) < 1e-9);
}

static void
test_zones_neutral_relative(void **state)
{
	struct indicator	 ind = ind_new(DIR_NEUTRAL, 1, 10, 25);
	struct gplan		 g = plan_with_base(40);

	(void)state;
	/* 10% and 25% of 40: 36-44 is fine, beyond 30 and 50 critical. */
	plan_axis(&g, &ind, 28, 52);
	assert_int_equal(g.nzones, 4);
	assert_true(fabs(g.zone[0][0] - 44) < 1e-9);
	assert_true(fabs(g.zone[0][1] - 50) < 1e-9);
	assert_true(fabs(g.zone[1][0] - 50) < 1e-9);
	assert_true(fabs(g.zone[2][0] - 30) < 1e-9);
	assert_true(fabs(g.zone[2][1] - 36) < 1e-9);
	assert_true(fabs(g.zone[3][1] - 30) < 1e-9);
}

static void
test_zones_none(void **state)
{
	struct indicator	 ind = ind_new(DIR_LOWER_IS_BETTER, 1, 10, 25);
	struct gplan		 g = plan_with_base(0);

	(void)state;
	/* A relative threshold of a baseline of 0 has no place. */
	plan_axis(&g, &ind, 0, 3);
	assert_int_equal(g.nzones, 0);
	memset(&g, 0, sizeof(g));
	plan_axis(&g, &ind, 2, 3);
	assert_int_equal(g.nzones, 0);
	/* No negative axis for values that cannot be negative. */
	assert_true(g.lo >= 0);
	/* A flat series still gets an axis with room. */
	memset(&g, 0, sizeof(g));
	plan_axis(&g, &ind, 5, 5);
	assert_true(g.lo < 5 && g.hi > 5);
}

static void
test_provisional_stretches(void **state)
{
	struct gplan	 g;
	json_t		*s;
	struct period	 p;

	(void)state;
	memset(&g, 0, sizeof(g));
	period_parse("2015", &p);
	g.start = period_start(&p);
	period_parse("2024", &p);
	g.end = period_end(&p);
	s = json_pack("{s:[s,s,s,s,s]}", "provisional", "2024", "2022",
	    "2023", "2019", "1990");
	assert_non_null(s);
	plan_provisional(&g, s);
	/* 2022-2024 is one stretch, 2019 another, 1990 outside. */
	assert_int_equal(g.nprov, 2);
	period_parse("2019", &p);
	assert_int_equal(g.prov[0].start, period_start(&p));
	assert_int_equal(g.prov[0].end, period_end(&p));
	period_parse("2022", &p);
	assert_int_equal(g.prov[1].start, period_start(&p));
	period_parse("2024", &p);
	assert_int_equal(g.prov[1].end, period_end(&p));
	json_decref(s);
}

static void
test_title(void **state)
{
	char	 out[LEGEND_MAX];
	int	 pt;

	(void)state;
	pt = title_wrap("Werkloosheid", "Provincie Groningen", "%", 640, out,
	    sizeof(out));
	assert_int_equal(pt, 10);
	assert_string_equal(out,
	    "Werkloosheid \xe2\x80\x94 Provincie Groningen (%)");
	pt = title_wrap("Energievraag naar herkomst: aandeel gebouwde "
	    "omgeving", "Regio Groningen-Assen", "%", 540, out, sizeof(out));
	assert_int_equal(pt, 10);
	assert_string_equal(out, "Energievraag naar herkomst: aandeel "
	    "gebouwde omgeving\nRegio Groningen-Assen (%)");
	pt = title_wrap("Energievraag naar herkomst: aandeel gebouwde "
	    "omgeving", "Regio Groningen-Assen", "%", 200, out, sizeof(out));
	assert_int_equal(pt, 9);
	assert_non_null(strchr(out, '\n'));
}

static void
test_legend_escape(void **state)
{
	char	 out[64];

	(void)state;
	legend_escape("Basislijn 2020: 4,4% a\\l", out, sizeof(out));
	assert_string_equal(out, "Basislijn 2020\\: 4,4% a/l");
}

static void
test_labels(void **state)
{
	enum lang	 l;

	(void)state;
	assert_true(label_check());
	assert_string_equal(label(LANG_NL, L_BASELINE), "Basislijn");
	assert_string_equal(label(LANG_EN, L_BASELINE), "Baseline");
	assert_int_equal(label_lang("en", &l), 0);
	assert_int_equal(l, LANG_EN);
	assert_int_equal(label_lang("de", &l), -1);
	assert_string_equal(label_state(LANG_NL, "critical"), "Kritiek");
	assert_string_equal(label_state(LANG_EN, "improved"), "Improved");
	assert_string_equal(label_state(LANG_NL, "bogus"), "Geen gegevens");
}

/*
 * The y grid of [lo, hi] in lang: three to nine lines, and the labels of
 * every line (multiples of the step, printed as rrdtool prints them: the
 * value over 10^E of --units-exponent E with the format given, under a
 * decimal comma when a.comma asks for it) all different.  "18 18 18 17
 * 17" came from rrdtool's own choice over 17.6 to 18.4.  A label has
 * lang's decimal separator, and thousands grouped as label_num() groups
 * them wherever the axis can be (whole labels all of one size).
 */
static void
check_ygrid(double lo, double hi, enum lang lang)
{
	struct gargs	 a;
	struct gplan	 g;
	char		 labels[16][32], want[32], *end, *dot;
	double		 step, v;
	int		 i, j, n = 0, k, dec, e;

	memset(&a, 0, sizeof(a));
	memset(&g, 0, sizeof(g));
	g.lo = lo;
	g.hi = hi;
	args_ygrid(&a, &g, lang);
	assert_int_equal(a.n, 6);
	assert_string_equal(a.v[0], "--y-grid");
	assert_string_equal(a.v[2], "--units-exponent");
	assert_string_equal(a.v[4], "--left-axis-format");
	step = strtod(a.v[1], NULL);
	e = (int)strtol(a.v[3], NULL, 10);
	/* "%.Nlf" and for E 6, 9 literal groups: ".000" or ",000". */
	assert_int_equal(strncmp(a.v[5], "%.", 2), 0);
	dec = (int)strtol(a.v[5] + 2, &end, 10);
	assert_int_equal(strncmp(end, "lf", 2), 0);
	for (k = (int)ceil(lo / step - 1e-9); k * step <= hi + 1e-9; k++) {
		assert_true(n < 16);
		v = k * step;
		snprintf(labels[n], sizeof(labels[0]), "%.*f%s", dec,
		    v / pow(10, e), end + 2);
		if (a.comma && (dot = strchr(labels[n], '.')) != NULL)
			*dot = ',';
		/* Grouped: whole numbers as label_num() writes them. */
		if (e > 0)
			label_num(lang, v, 0, 0, want, sizeof(want));
		else {
			snprintf(want, sizeof(want), "%.*f", dec, v);
			if (lang == LANG_NL && (dot = strchr(want, '.')) !=
			    NULL)
				*dot = ',';
		}
		assert_string_equal(labels[n], want);
		n++;
	}
	/* Whole labels of 1 000 and more, all of one size: grouped. */
	if (e == 0 && step >= 1 && lo >= 1000 && floor(log10(lo) / 3) ==
	    floor(log10(hi) / 3) && hi < 1e12)
		fail_msg("[%g, %g] not grouped", lo, hi);
	assert_in_range(n, 3, 9);
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			assert_string_not_equal(labels[i], labels[j]);
	graph_args_free(&a);
}

static void
test_ygrid(void **state)
{
	double	 lo;
	int	 i, l;

	(void)state;
	for (l = 0; l < 2; l++) {
		enum lang lang = l == 0 ? LANG_NL : LANG_EN;

		check_ygrid(17.6, 18.4, lang);
		check_ygrid(0, 100, lang);
		check_ygrid(-3.2, 0.4, lang);
		check_ygrid(249000, 251000, lang);
		check_ygrid(580000, 602000, lang);
		check_ygrid(17300000, 18200000, lang);
		check_ygrid(-52000, -41000, lang);
		check_ygrid(900, 2100, lang);
		check_ygrid(1234.1, 1234.9, lang);
		check_ygrid(0.0012, 0.0019, lang);
		for (i = 1, lo = 0.37; i < 200; i++, lo = lo * 1.7 + 0.13)
			check_ygrid(lo, lo + lo * 0.01 * i + 0.001, lang);
	}
}

static void
test_numbers(void **state)
{
	static const struct {
		enum lang	 lang;
		double		 v;
		int		 maxdec, plus;
		const char	*want;
	} t[] = {
		{ LANG_NL, 4.4, 3, 0, "4,4" },
		{ LANG_EN, 4.4, 3, 0, "4.4" },
		{ LANG_NL, 2020, 3, 0, "2.020" },
		{ LANG_NL, 8339.1, 3, 0, "8.339,1" },
		{ LANG_EN, 8339.1, 3, 0, "8,339.1" },
		{ LANG_NL, 999.5, 3, 0, "999,5" },
		{ LANG_NL, 12345.5, 3, 0, "12.345,5" },
		{ LANG_EN, 1234567, 3, 0, "1,234,567" },
		{ LANG_NL, -1.1000000000000014, 1, 1, "-1,1" },
		{ LANG_NL, 3.3, 1, 1, "+3,3" },
		{ LANG_NL, 0.0001, 3, 1, "0" },
		{ LANG_NL, -0.0, 3, 0, "0" },
		{ LANG_NL, 5.633333333333333, 3, 0, "5,633" },
		{ LANG_EN, NAN, 3, 0, "-" },
	};
	char	 buf[64];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		label_num(t[i].lang, t[i].v, t[i].maxdec, t[i].plus, buf,
		    sizeof(buf));
		if (strcmp(buf, t[i].want) != 0)
			fail_msg("%zu: %.17g gave \"%s\", want \"%s\"", i,
			    t[i].v, buf, t[i].want);
	}
	label_value(LANG_NL, 4.4, "%", FMT_HUMAN_DEC, buf, sizeof(buf));
	assert_string_equal(buf, "4,4%");
	label_value(LANG_NL, 18, "PJ", FMT_HUMAN_DEC, buf, sizeof(buf));
	assert_string_equal(buf, "18 PJ");
	label_value(LANG_EN, 12500, "banen", FMT_HUMAN_DEC, buf, sizeof(buf));
	assert_string_equal(buf, "12,500 banen");
	/* An indicator's "decimals": at most that many, in either form. */
	label_value(LANG_NL, 37.6002, "%", 1, buf, sizeof(buf));
	assert_string_equal(buf, "37,6%");
	label_value(LANG_EN, 12345.678, "euro", 0, buf, sizeof(buf));
	assert_string_equal(buf, "12,346 euro");
	label_value(LANG_NL, 12345.678, "mln euro", 1, buf, sizeof(buf));
	assert_string_equal(buf, "12.345,7 mln euro");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zones_lower_is_better),
		cmocka_unit_test(test_zones_higher_is_better),
		cmocka_unit_test(test_zones_neutral_relative),
		cmocka_unit_test(test_zones_none),
		cmocka_unit_test(test_provisional_stretches),
		cmocka_unit_test(test_title),
		cmocka_unit_test(test_legend_escape),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_ygrid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
