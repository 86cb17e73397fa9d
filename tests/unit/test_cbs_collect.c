/* SPDX-License-Identifier: ISC */
/*
 * test_cbs_collect.c: whole cbs_statline runs through the fake host on
 * the small recorded-shape tables of tests/data/cbs/unit/ (file: base):
 * v4 long rows over two pages, v3 typed and untyped wide rows with a sum
 * and a share; which rows become observations, with which value, status
 * and period, and the errors for measures that cannot be resolved, an
 * unknown period type and an unknown period status.
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
#include "../../plugins/cbs_statline/combine.c"
#include "../../plugins/cbs_statline/config.c"
#include "../../plugins/cbs_statline/describe.c"
#include "../../plugins/cbs_statline/describe_src.c"
#include "../../plugins/cbs_statline/flat.c"
#include "../../plugins/cbs_statline/hints.c"
#include "../../plugins/cbs_statline/main.c"
#include "../../plugins/cbs_statline/meta.c"
#include "../../plugins/cbs_statline/obs.c"
#include "../../plugins/cbs_statline/odata.c"
#include "../../plugins/cbs_statline/resolve.c"
#include "../../plugins/cbs_statline/series.c"
#include "../../plugins/cbs_statline/status.c"
#include "../../plugins/cbs_statline/url.c"
#include "../../plugins/cbs_statline/v3.c"
#include "../../plugins/cbs_statline/v4.c"
#include "../../plugins/cbs_statline/widths.c"

#define UNIT_DIR	"tests/data/cbs/unit"

static struct rm_plugin	 plug;

static int
setup(void **unused)
{
	(void)unused;
	fh_reset();
	fh_set_confdir(UNIT_DIR);
	fh_add_indicator("house-price", "year");
	fh_add_indicator("share-65plus", "year");
	fh_add_indicator("house-price-q", "quarter");
	fh_add_indicator("house-price-m", "month");
	fh_add_region("groningen", "cbs", "PV20");
	fh_add_region("assen", "cbs", "GM0106");
	fh_add_region("nl", "cbs", "NL01");
	memset(&plug, 0, sizeof(plug));
	assert_int_equal(rm_plugin_init(fh_host(), &plug), RM_OK);
	return 0;
}

static int
teardown(void **unused)
{
	(void)unused;
	fh_reset();
	return 0;
}

/* init() and collect() on the config text; the collect's status. */
static int
run(const char *text)
{
	json_error_t	 jerr;
	json_t		*j;
	void		*st = NULL;
	int		 rc;

	if ((j = json_loads(text, 0, &jerr)) == NULL)
		fail_msg("bad test JSON: %s", jerr.text);
	if (plug.init(fh_ctx(), j, &st) != RM_OK) {
		fh_dump(stderr);
		fail_msg("init refused %s", text);
	}
	json_decref(j);
	rc = plug.collect(fh_ctx(), st);
	plug.fini(st);
	return rc;
}

/* The observation of region and period, or NULL. */
static const struct fh_obs *
obs(const char *region, const char *period)
{
	const struct fh_obs	*o;
	size_t			 i;

	for (i = 0; (o = fh_obs(i)) != NULL; i++)
		if (strcmp(o->region, region) == 0 &&
		    strcmp(o->period, period) == 0)
			return o;
	return NULL;
}

static void
expect(const char *region, const char *period, double value, int missing,
    int provisional)
{
	const struct fh_obs	*o = obs(region, period);

	if (o == NULL) {
		fh_dump(stderr);
		fail_msg("no observation %s %s", region, period);
	}
	assert_int_equal(o->missing, missing);
	if (!missing)
		assert_true(o->value == value);
	assert_int_equal(o->provisional, provisional);
}

#define V4_CONF(series) \
	"{\"api\": \"v4\", \"base_url\": \"file:v4\", \"table\": " \
	"\"99999NED\", \"series\": [" series "]}"

static void
test_v4(void **unused)
{
	(void)unused;
	assert_int_equal(run(V4_CONF("{\"indicator\": \"house-price\", "
	    "\"measure_title\": \"gemiddelde VERKOOPPRIJS\", \"filters\": "
	    "{\"Geslacht\": \"T001038\"}, \"regions\": [\"groningen\", "
	    "\"nl\", \"assen\"]}")), RM_OK);
	/*
	 * Of the 11 rows: another measure, another sex, a region not asked
	 * for, a quarter and a month (only years asked for) are skipped.
	 */
	assert_int_equal(fh_nobs(), 6);
	expect("nl", "2019", 307978, 0, 0);
	expect("groningen", "2019", 241012.5, 0, 0);
	/* Impossible and Confidential are missing, whatever Value says. */
	expect("groningen", "2020", 0, 1, 1);
	expect("groningen", "2021", 0, 1, 1);
	/* "GM0106 " is trimmed; 2021 is Voorlopig. */
	expect("assen", "2021", 0.1, 0, 1);
	expect("nl", "2021", 400000, 0, 1);
	assert_string_equal(fh_obs(0)->indicator, "house-price");
}

static void
test_v4_period_types(void **unused)
{
	(void)unused;
	/* One frequency per indicator, as in the daemon's catalog. */
	assert_int_equal(run(V4_CONF("{\"indicator\": \"house-price-q\", "
	    "\"measure\": \"M001534\", \"regions\": [\"assen\"], "
	    "\"filters\": {\"Geslacht\": \"T001038\"}, "
	    "\"periods\": [\"quarter\"], \"scale\": 2}, "
	    "{\"indicator\": \"house-price-m\", "
	    "\"measure\": \"M001534\", \"regions\": [\"assen\"], "
	    "\"filters\": {\"Geslacht\": \"T001038\"}, "
	    "\"periods\": [\"month\"], \"scale\": 2}")), RM_OK);
	assert_int_equal(fh_nobs(), 2);
	expect("assen", "2020-Q1", 10, 0, 1);
	/* A null Status is final. */
	expect("assen", "2020-01", 12, 0, 0);
}

static void
test_v4_ambiguous_title(void **unused)
{
	(void)unused;
	/* Two measures share a title (one with a trailing blank). */
	assert_int_equal(run(V4_CONF("{\"indicator\": \"house-price\", "
	    "\"measure_title\": \"Seizoengecorrigeerd\", "
	    "\"regions\": [\"nl\"]}")), RM_ERR);
	/* Each candidate with what tells it apart: unit and group. */
	assert_true(fh_log_has(RM_LOG_ERR, "series[0].measure_title: title "
	    "\"Seizoengecorrigeerd\" matches 2 measures of table 99999NED: "
	    "M004210 (unit %, group \"M001906_1\"), D006409 (unit x 1000, "
	    "group \"3000795_1\"); give \"measure\" with one of those keys "
	    "instead"));
	assert_int_equal(fh_nobs(), 0);
}

static void
test_v4_unresolved(void **unused)
{
	(void)unused;
	assert_int_equal(run(V4_CONF("{\"indicator\": \"house-price\", "
	    "\"measure\": \"M001543\", \"regions\": [\"nl\"]}, "
	    "{\"indicator\": \"share-65plus\", \"measure_title\": "
	    "\"Gemiddelde bevolking per jaar\", \"filters\": {\"Geslact\": "
	    "\"T001038\"}, \"regions\": [\"nl\"]}")), RM_ERR);
	assert_true(fh_log_has(RM_LOG_ERR, "series[0].measure: measure "
	    "\"M001543\" is not in table 99999NED; did you mean "
	    "\"M001534\"?"));
	assert_true(fh_log_has(RM_LOG_ERR, "series[1].measure_title: no "
	    "measure of table 99999NED is titled \"Gemiddelde bevolking per "
	    "jaar\" (was the table redesigned?); close titles: \"Gemiddelde "
	    "bevolking \" (M000365)"));
	assert_true(fh_log_has(RM_LOG_ERR, "series[1].filters.Geslact: "
	    "table 99999NED has no dimension \"Geslact\"; did you mean "
	    "\"Geslacht\"? (it has: Geslacht, RegioS, Perioden)"));
	assert_int_equal(fh_nobs(), 0);
}

static void
test_v4_open_dimension(void **unused)
{
	(void)unused;
	/* Geslacht left open; a fixed region on a table with regions. */
	assert_int_equal(run(V4_CONF("{\"indicator\": \"house-price\", "
	    "\"measure\": \"M001534\", \"regions\": [\"nl\"]}, "
	    "{\"indicator\": \"share-65plus\", \"measure\": \"M001534\", "
	    "\"region\": \"nl\", \"filters\": {\"Geslacht\": \"3000\"}}")),
	    RM_ERR);
	assert_true(fh_log_has(RM_LOG_ERR, "series[0].filters: table "
	    "99999NED also has the dimension(s) Geslacht: give each a code in "
	    "\"filters\""));
	assert_true(fh_log_has(RM_LOG_ERR, "series[1].region: table "
	    "99999NED has a region dimension (RegioS): list the regions with "
	    "\"regions\""));
	assert_int_equal(fh_nobs(), 0);
}

/* Run one page file through a v4 series with the table's statuses. */
static int
page(const char *file)
{
	struct cbs_conf	*c;
	struct cbs_run	 r;
	struct cbs_emit	 em;
	json_t		*j;
	void		*st = NULL;
	int		 rc;

	j = json_loads(V4_CONF("{\"indicator\": \"house-price\", "
	    "\"measure\": \"M001534\", \"regions\": [\"nl\"], "
	    "\"filters\": {\"Geslacht\": \"T001038\"}}"), 0, NULL);
	assert_int_equal(plug.init(fh_ctx(), j, &st), RM_OK);
	json_decref(j);
	c = st;
	memset(&r, 0, sizeof(r));
	r.ctx = fh_ctx();
	r.conf = c;
	assert_int_equal(cbs_measures(&r), 0);
	assert_int_equal(cbs_statuses(&r), 0);
	memset(&em, 0, sizeof(em));
	em.series = &c->series[0];
	rc = cbs_pages(&r, file, "Observations", NULL, cbs_v4_rows, NULL, &em);
	cbs_with_free(&em.with);
	free(r.status);
	plug.fini(st);
	return rc;
}

static void
test_v4_unknown_period_and_status(void **unused)
{
	(void)unused;
	/* 2020X000 is of a region not asked for: skipped, not judged. */
	assert_int_equal(page("file:v4/99999NED/observations-bad-period.json"),
	    -1);
	assert_true(fh_log_has(RM_LOG_ERR, "value[1].Perioden: unknown "
	    "period code \"2020HJ01\": expected YYYYJJ00 (year), YYYYKWnn "
	    "(quarter) or YYYYMMnn (month)"));
	assert_int_equal(fh_nobs(), 0);
	assert_int_equal(page("file:v4/99999NED/observations-bad-status.json"),
	    -1);
	assert_true(fh_log_has(RM_LOG_ERR, "series[0]: period 2022JJ00: "
	    "unknown status in PeriodenCodes: expected Definitief, Voorlopig "
	    "or NaderVoorlopig"));
}

#define V3_CONF(typed) \
	"{\"api\": \"v3\", \"base_url\": \"file:v3\", \"table\": " \
	"\"99998NED\", \"typed\": " typed ", \"series\": [{\"indicator\": " \
	"\"share-65plus\", \"measure_title\": [\"65 tot 80 jaar\", " \
	"\"80 jaar of ouder\"], \"per_measure\": \"TotaleBevolking_1\", " \
	"\"scale\": 100, \"filters\": {\"Geslacht\": \"T001038\"}, " \
	"\"regions\": [\"nl\", \"groningen\", \"assen\"]}]}"

static void
check_v3(void)
{
	/* (a + b) / total * scale, as the plugin computes it. */
	expect("nl", "2019", (2711000.0 + 817000.0) / 17282163.0 * 100, 0, 0);
	expect("groningen", "2019", (100123.0 + 30456.0) / 585866.0 * 100, 0,
	    0);
	/* One term missing, or a total of 0 or missing: no value. */
	expect("groningen", "2020", 0, 1, 1);
	expect("assen", "2020", 0, 1, 1);
}

static void
test_v3_typed(void **unused)
{
	(void)unused;
	assert_int_equal(run(V3_CONF("true")), RM_OK);
	/* 2019KW04 (quarter) and the men's row are skipped. */
	assert_int_equal(fh_nobs(), 4);
	check_v3();
	/* TableInfos says Stopgezet. */
	assert_true(fh_log_has(RM_LOG_WARNING, "table 99998NED is "
	    "discontinued (Stopgezet)"));
}

static void
test_v3_untyped(void **unused)
{
	(void)unused;
	assert_int_equal(run(V3_CONF("false")), RM_OK);
	assert_int_equal(fh_nobs(), 4);
	check_v3();
}

static void
test_v3_code_not_in_table(void **unused)
{
	(void)unused;
	fh_add_region("drenthe", "cbs", "PV22");
	assert_int_equal(run("{\"api\": \"v3\", \"base_url\": \"file:v3\", "
	    "\"table\": \"99998NED\", \"series\": [{\"indicator\": "
	    "\"share-65plus\", \"measure\": \"TotaleBevolking_1\", "
	    "\"filters\": {\"Geslacht\": \"4000\"}, "
	    "\"regions\": [\"nl\", \"drenthe\"]}]}"), RM_ERR);
	assert_true(fh_log_has(RM_LOG_ERR, "series[0] share-65plus: region "
	    "\"drenthe\" (CBS code \"PV22\") is not in table 99998NED: its "
	    "RegioS has no code \"PV22\"; closest codes: "));
	assert_int_equal(fh_nobs(), 0);
}

static void
test_no_rows(void **unused)
{
	(void)unused;
	fh_add_region("drenthe", "cbs", "PV22");
	assert_int_equal(run(V4_CONF("{\"indicator\": \"house-price\", "
	    "\"measure\": \"M001534\", \"regions\": [\"drenthe\"], "
	    "\"filters\": {\"Geslacht\": \"T001038\"}}")), RM_OK);
	/* An empty combination is a warning, not a failure. */
	assert_true(fh_log_has(RM_LOG_WARNING, "series[0] house-price: table "
	    "99999NED has no data for this combination of measure, filters "
	    "and period types (0 rows)"));
}

/* growth_over: the period N periods before, of the same type. */
static void
test_period_back(void **unused)
{
	char	 out[32];

	(void)unused;
	assert_int_equal(cbs_period_back("2018JJ00", 9, out, sizeof(out)), 0);
	assert_string_equal(out, "2009JJ00");
	assert_int_equal(cbs_period_back("2020KW01", 1, out, sizeof(out)), 0);
	assert_string_equal(out, "2019KW04");
	assert_int_equal(cbs_period_back("2020KW03", 6, out, sizeof(out)), 0);
	assert_string_equal(out, "2019KW01");
	assert_int_equal(cbs_period_back("2020MM01", 1, out, sizeof(out)), 0);
	assert_string_equal(out, "2019MM12");
	assert_int_equal(cbs_period_back("2020MM07", 19, out, sizeof(out)), 0);
	assert_string_equal(out, "2018MM12");
	assert_int_equal(cbs_period_back("2020HJ01", 1, out, sizeof(out)), -1);
	assert_int_equal(cbs_period_back("0001JJ00", 1, out, sizeof(out)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_period_back),
		cmocka_unit_test_setup_teardown(test_v4, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v4_period_types, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_v4_ambiguous_title, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_v4_unresolved, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_v4_open_dimension, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_v4_unknown_period_and_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v3_typed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v3_untyped, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_v3_code_not_in_table,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_rows, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
