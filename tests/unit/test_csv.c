/* SPDX-License-Identifier: ISC */
/*
 * test_csv.c: the csv plugin and the shared CSV reader, driven through the
 * fake host: Dutch number formats, quoting, BOM and CRLF, missing cells,
 * status words, region codes, and every config and row error with the
 * path or line it must name.
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

#include "plugtest.c"
#include "../../plugins/lib/csvparse.c"
#include "../../plugins/lib/strv.c"
#include "../../plugins/csv/config.c"
#include "../../plugins/csv/main.c"

static int
setup(void **unused)
{
	(void)unused;
	fh_reset();
	fh_add_indicator("unemployment-rate", "year");
	fh_add_indicator("jobs", "year");
	fh_add_indicator("vacancies", "quarter");
	fh_add_region("groningen", "cbs", "PV20");
	fh_add_region("drenthe", "cbs", "PV22");
	fh_add_region("assen", "cbs", "GM0106");
	fh_add_region("rga", NULL, NULL);
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

#define CBS_CONF \
	"{\"url\": \"file:x.csv\", \"region_scheme\": \"cbs\", " \
	"\"columns\": {\"indicator\": \"indicator\"}}"

static void
test_dutch(void **unused)
{
	(void)unused;
	/* BOM, CRLF, quoted fields with ";" and a line break inside. */
	assert_int_equal(run(CBS_CONF,
	    "\xef\xbb\xbf" "indicator;region;period;value;status;note\r\n"
	    "unemployment-rate;PV20;2020;4,4;definitief;\"bron: CBS; x\"\r\n"
	    "unemployment-rate;PV20;2021;\"3,9\";;\r\n"
	    "vacancies;PV20;2022KW03;1.234;voorlopig;\"twee\r\nregels\"\r\n"
	    "unemployment-rate;PV22;2020;.;;\r\n"
	    "unemployment-rate;PV22;2021;-;final;\r\n"
	    "unemployment-rate;GM0106;2021;;;\"\"\"quoted\"\" note\"\r\n"
	    "jobs;PV22;2020;12.345.678;p;\r\n"
	    "jobs;PV20;2020JJ00;-0,25;Voorlopig;\r\n"
	    "vacancies;GM0106;2023-Q1; 1.234,5 ;nader voorlopig;\r\n"), RM_OK);
	assert_int_equal(fh_nobs(), 9);
	check_obs(0, "unemployment-rate", "groningen", "2020", 4.4, 0, 0);
	check_obs(1, "unemployment-rate", "groningen", "2021", 3.9, 0, 0);
	check_obs(2, "vacancies", "groningen", "2022-Q3", 1234, 0, 1);
	check_obs(3, "unemployment-rate", "drenthe", "2020", 0, 1, 0);
	check_obs(4, "unemployment-rate", "drenthe", "2021", 0, 1, 0);
	check_obs(5, "unemployment-rate", "assen", "2021", 0, 1, 0);
	check_obs(6, "jobs", "drenthe", "2020", 12345678, 0, 1);
	check_obs(7, "jobs", "groningen", "2020", -0.25, 0, 1);
	check_obs(8, "vacancies", "assen", "2023-Q1", 1234.5, 0, 1);
}

static void
test_fixture_file(void **unused)
{
	const char	*top = getenv("REGIOMON_TOP");
	char		 dir[4096];

	(void)unused;
	/* The same rows from the shipped fixture, through http.c's file:. */
	snprintf(dir, sizeof(dir), "%s/tests/data/csv",
	    top != NULL ? top : ".");
	fh_set_confdir(dir);
	assert_int_equal(run("{\"url\": \"file:dutch.csv\", \"region_scheme\": "
	    "\"cbs\", \"columns\": {\"indicator\": \"indicator\"}}", NULL),
	    RM_OK);
	assert_int_equal(fh_nobs(), 9);
	check_obs(0, "unemployment-rate", "groningen", "2020", 4.4, 0, 0);
	check_obs(8, "vacancies", "assen", "2023-Q1", 1234.5, 0, 0);

	assert_int_equal(run("{\"url\": \"file:nonexistent.csv\", "
	    "\"indicator\": \"jobs\"}", NULL), RM_ERR);
	expect_log("cannot read ");
	expect_log("nonexistent.csv: No such file or directory");
}

static void
test_fixed_and_renamed(void **unused)
{
	(void)unused;
	/* Comma-separated, decimal point, CBS-style headers, LF ends. */
	assert_int_equal(run("{\"url\": \"https://example.org/x.csv\", "
	    "\"separator\": \",\", \"decimal\": \".\", "
	    "\"indicator\": \"jobs\", \"region\": \"drenthe\", "
	    "\"columns\": {\"period\": \"Perioden\", \"value\": \"Banen\"}}",
	    "Perioden,Banen\n"
	    "2019,\"1,234.5\"\n"
	    "\n"
	    "2020JJ00,17\n"), RM_OK);
	assert_int_equal(fh_nobs(), 2);
	check_obs(0, "jobs", "drenthe", "2019", 1234.5, 0, 0);
	check_obs(1, "jobs", "drenthe", "2020", 17, 0, 0);

	/* A fixed region in a code scheme is mapped once, in init(). */
	setup(NULL);
	assert_int_equal(run("{\"url\": \"file:x\", \"separator\": \"\\t\", "
	    "\"indicator\": \"jobs\", \"region\": \"GM0106\", "
	    "\"region_scheme\": \"cbs\"}",
	    "period\tvalue\n2021\t5\n"), RM_OK);
	check_obs(0, "jobs", "assen", "2021", 5, 0, 0);
}

static void
test_missing_list(void **unused)
{
	(void)unused;
	assert_int_equal(run("{\"url\": \"file:x\", \"indicator\": \"jobs\", "
	    "\"region\": \"rga\", \"missing\": [\"n.v.t.\", \"\"]}",
	    "period;value\n2020;n.v.t.\n2021;\n2022;x\n"), RM_ERR);
	assert_int_equal(fh_nobs(), 2);
	check_obs(0, "jobs", "rga", "2020", 0, 1, 0);
	check_obs(1, "jobs", "rga", "2021", 0, 1, 0);
	expect_log("line 4, column \"value\": expected a number with a "
	    "decimal comma, got \"x\"");
}

static void
test_bad_number(void **unused)
{
	(void)unused;
	assert_int_equal(run(CBS_CONF,
	    "indicator;region;period;value\n"
	    "jobs;PV20;2020;4,4\n"
	    "\n"
	    "jobs;PV20;2021;abc\n"
	    "jobs;PV20;2022;4.4\n"
	    "jobs;PV20;2023;1.23.456\n"
	    "jobs;PV20;2024;4,4%\n"), RM_ERR);
	/* Blank lines count: the bad row is on line 4. */
	expect_log("line 4, column \"value\": expected a number with a "
	    "decimal comma, got \"abc\"");
	/* A dot that is not a thousands dot is an error, not 44 or 4.4. */
	expect_log("line 5, column \"value\": expected a number with a "
	    "decimal comma, got \"4.4\"");
	expect_log("line 6, column \"value\"");
	expect_log("line 7, column \"value\"");
	/* Nothing is emitted after the first bad row. */
	assert_int_equal(fh_nobs(), 1);
}

static void
test_bad_period(void **unused)
{
	(void)unused;
	assert_int_equal(run(CBS_CONF,
	    "indicator;region;period;value;note\n"
	    "jobs;PV20;2020;1;\"a\nb\"\n"
	    "jobs;PV20;2020H1;2;\n"), RM_ERR);
	/* The quoted line break makes the bad row line 4. */
	expect_log("line 4: period \"2020H1\": expected 2020, 2020-Q3 or "
	    "2020-07 (or CBS/Eurostat notation)");
}

static void
test_field_count(void **unused)
{
	(void)unused;
	assert_int_equal(run(CBS_CONF,
	    "indicator;region;period;value\r\n"
	    "jobs;PV20;2020;1\r\n"
	    "jobs;PV20;2021;2;extra\r\n"
	    "jobs;PV20\r\n"), RM_ERR);
	expect_log("line 3: 5 fields, but the header line has 4 "
	    "(separator \";\")");
	expect_log("line 4: 2 fields, but the header line has 4");
}

static void
test_status(void **unused)
{
	(void)unused;
	assert_int_equal(run(CBS_CONF,
	    "indicator;region;period;value;status\n"
	    "jobs;PV20;2020;1;Final\n"
	    "jobs;PV20;2021;2;P\n"
	    "jobs;PV20;2022;3;revised\n"), RM_ERR);
	check_obs(0, "jobs", "groningen", "2020", 1, 0, 0);
	check_obs(1, "jobs", "groningen", "2021", 2, 0, 1);
	expect_log("line 4, column \"status\": expected final or "
	    "provisional, got \"revised\"");

	/* A status column the config names must be there. */
	setup(NULL);
	assert_int_equal(run("{\"url\": \"file:x\", \"indicator\": \"jobs\", "
	    "\"region\": \"rga\", \"columns\": {\"status\": \"Status\"}}",
	    "period;value\n2020;1\n"), RM_ERR);
	expect_log("line 1: no column \"Status\" (columns.status) in the "
	    "header line, which has \"period\", \"value\"");
}

static void
test_regions(void **unused)
{
	(void)unused;
	assert_int_equal(run(CBS_CONF,
	    "indicator;region;period;value\n"
	    "jobs;PV20;2020;1\n"
	    "jobs;GM9999;2020;2\n"), RM_ERR);
	expect_log("line 3, column \"region\": expected a region cbs code, "
	    "got \"GM9999\"");

	/* skip_unknown: unknown codes and indicators skip, with debug lines. */
	setup(NULL);
	assert_int_equal(run("{\"url\": \"file:x\", \"region_scheme\": "
	    "\"cbs\", \"skip_unknown\": true, "
	    "\"columns\": {\"indicator\": \"Onderwerp\"}}",
	    "Onderwerp;region;period;value\n"
	    "jobs;PV20;2020;1\n"
	    "jobs;GM9999;2020;2\n"
	    "inwoners;PV22;2020;3\n"
	    "jobs;PV22;2020;4\n"), RM_OK);
	assert_int_equal(fh_nobs(), 2);
	check_obs(0, "jobs", "groningen", "2020", 1, 0, 0);
	check_obs(1, "jobs", "drenthe", "2020", 4, 0, 0);
	assert_true(fh_log_has(RM_LOG_DEBUG, "line 3: skipped, no region "
	    "has cbs code \"GM9999\""));
	assert_true(fh_log_has(RM_LOG_DEBUG, "line 4: skipped, unknown "
	    "indicator \"inwoners\""));

	/* Region ids: the host refuses an unknown one. */
	setup(NULL);
	assert_int_equal(run("{\"url\": \"file:x\", "
	    "\"columns\": {\"indicator\": \"indicator\"}}",
	    "indicator,region,period,value\n"), RM_ERR);
	expect_log("line 1: no column \"region\" (columns.region)");
	setup(NULL);
	assert_int_equal(run("{\"url\": \"file:x\", "
	    "\"columns\": {\"indicator\": \"indicator\"}}",
	    "indicator;region;period;value\n"
	    "jobs;groningen;2020;1\n"
	    "jobs;atlantis;2020;1\n"), RM_ERR);
	expect_log("line 3: observation refused");
}

static void
test_malformed(void **unused)
{
	(void)unused;
	assert_int_equal(run(CBS_CONF, ""), RM_ERR);
	expect_log("empty file; expected a header line");

	setup(NULL);
	assert_int_equal(run(CBS_CONF,
	    "indicator;region;period;value\n"
	    "jobs;PV20;2020;\"1\n"), RM_ERR);
	expect_log("line 2: quoted field never closed");

	setup(NULL);
	assert_int_equal(run(CBS_CONF,
	    "indicator;region;period;value\n"
	    "jobs;PV20;2020;\"1\"x\n"), RM_ERR);
	expect_log("line 2: text after a closing quote");
}

static void
test_conf_errors(void **unused)
{
	void	*state;

	(void)unused;
	assert_int_equal(init_conf("{\"url\": \"file:x\", \"seperator\": "
	    "\";\", \"decimal\": \";\", \"indicator\": 5, "
	    "\"columns\": {\"valeu\": \"v\", \"period\": 2}, "
	    "\"region_scheme\": \"cbss\", \"skip_unknown\": \"yes\", "
	    "\"missing\": [\"-\", 1]}", &state), RM_ERR);
	assert_null(state);
	expect_conf_error("seperator", "unknown key; did you mean "
	    "\"separator\"?");
	expect_conf_error("decimal", "expected \",\" or \".\"");
	expect_conf_error("indicator", "expected an indicator id");
	/* A key that is there but wrong is not also "missing". */
	assert_false(fh_conf_error_has("indicator", "missing"));
	expect_conf_error("columns.valeu", "did you mean \"value\"?");
	expect_conf_error("columns.period", "expected the name of a column");
	expect_conf_error("region_scheme", "did you mean \"cbs\"?");
	expect_conf_error("skip_unknown", "expected true or false");
	expect_conf_error("missing[1]", "expected a string");

	setup(NULL);
	assert_int_equal(init_conf("{\"separator\": \"|\", \"zzz\": 1}",
	    &state), RM_ERR);
	expect_conf_error("url", "missing");
	expect_conf_error("separator", "expected \";\", \",\" or \"\\t\"");
	expect_conf_error("zzz", "unknown key");

	setup(NULL);
	assert_int_equal(init_conf("{\"url\": \"ftp://x/y.csv\", "
	    "\"indicator\": \"inwoners\", \"region\": \"PV99\", "
	    "\"region_scheme\": \"cbs\", \"columns\": {\"region\": \"r\"}}",
	    &state), RM_ERR);
	expect_conf_error("url", "expected an http://, https:// or file: URL");
	expect_conf_error("indicator", "unknown indicator \"inwoners\"");
	expect_conf_error("region", "not both");

	setup(NULL);
	assert_int_equal(init_conf("[]", &state), RM_ERR);
	expect_conf_error("", "expected an object");

	/* A good config leaves no errors behind. */
	setup(NULL);
	assert_int_equal(init_conf(CBS_CONF, &state), RM_OK);
	assert_non_null(state);
	assert_int_equal(fh_nconf_errors(), 0);
	plug.fini(state);
	plug.fini(NULL);
}

static void
test_plugin_init(void **unused)
{
	struct rm_host	 h = *fh_host();
	struct rm_plugin p;

	(void)unused;
	assert_string_equal(plug.name, "csv");
	assert_int_equal(plug.abi_major, RM_ABI_MAJOR);
	assert_int_equal(plug.size, sizeof(struct rm_plugin));
	h.abi_major = RM_ABI_MAJOR + 1;
	assert_int_equal(rm_plugin_init(&h, &p), RM_ERR);
	/* A 1.0 host lacks the config helpers csv needs. */
	h = *fh_host();
	h.size = offsetof(struct rm_host, did_you_mean);
	assert_int_equal(rm_plugin_init(&h, &p), RM_ERR);
}

static void
test_number(void **unused)
{
	static const struct {
		const char	*in;
		char		 dec;
		int		 ok;
		double		 v;
	} t[] = {
		{ "4,4", ',', 1, 4.4 },
		{ " -0,5 ", ',', 1, -0.5 },
		{ "+12", ',', 1, 12 },
		{ "1.234", ',', 1, 1234 },
		{ "1.234.567", ',', 1, 1234567 },
		{ "123.456,78", ',', 1, 123456.78 },
		{ "1,5e3", ',', 1, 1500 },
		{ "0,1", ',', 1, 0.1 },
		{ "4.4", ',', 0, 0 },
		{ "1.23", ',', 0, 0 },
		{ "1234.567", ',', 0, 0 },
		{ ".234", ',', 0, 0 },
		{ "1..234", ',', 0, 0 },
		{ "1.2345", ',', 0, 0 },
		{ "4,", ',', 0, 0 },
		{ "4,4,4", ',', 0, 0 },
		{ "4.4", '.', 1, 4.4 },
		{ ".5", '.', 1, 0.5 },
		{ "1,234.5", '.', 1, 1234.5 },
		{ "4,4", '.', 0, 0 },
		{ "", ',', 0, 0 },
		{ "-", ',', 0, 0 },
		{ "nan", '.', 0, 0 },
		{ "inf", '.', 0, 0 },
		{ "0x10", '.', 0, 0 },
		{ "1e999", '.', 0, 0 },
		{ "1 234", ',', 0, 0 },
		{ "12%", ',', 0, 0 },
		{ "1e", '.', 0, 0 },
	};
	double	 v;
	size_t	 i;

	(void)unused;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		v = -1;
		if (csv_number(t[i].in, t[i].dec, &v) != (t[i].ok ? 0 : -1))
			fail_msg("csv_number(\"%s\", '%c'): expected %s",
			    t[i].in, t[i].dec, t[i].ok ? "a number" : "-1");
		if (t[i].ok && v != t[i].v)
			fail_msg("csv_number(\"%s\"): %.17g", t[i].in, v);
	}
}

static void
test_reader(void **unused)
{
	static const char in[] = "a;\"b\"\"c\";\r\n\r\n\"d\ne\";f\rg\r";
	struct csv	 c;

	(void)unused;
	csv_init(&c, in, sizeof(in) - 1, ';');
	assert_int_equal(csv_next(&c), 1);
	assert_int_equal(csv_line(&c), 1);
	assert_int_equal(csv_nfields(&c), 3);
	assert_string_equal(csv_field(&c, 0), "a");
	assert_string_equal(csv_field(&c, 1), "b\"c");
	assert_string_equal(csv_field(&c, 2), "");
	assert_null(csv_field(&c, 3));
	assert_int_equal(csv_find(&c, "B\"C"), 1);
	assert_int_equal(csv_find(&c, "z"), -1);
	assert_int_equal(csv_next(&c), 1);
	assert_int_equal(csv_line(&c), 3);
	assert_string_equal(csv_field(&c, 0), "d\ne");
	/* A lone CR inside a line is text; one that ends the file is not. */
	assert_string_equal(csv_field(&c, 1), "f\rg");
	assert_int_equal(csv_next(&c), 0);
	csv_fini(&c);

	csv_init(&c, "a;b\0c\n", 6, ';');
	assert_int_equal(csv_next(&c), -1);
	assert_string_equal(csv_error(&c), "line 1: NUL byte");
	csv_fini(&c);

	/* A bare quote inside an unquoted field is text, as in spreadsheets. */
	csv_init(&c, "12\" pipe;x", 10, ';');
	assert_int_equal(csv_next(&c), 1);
	assert_string_equal(csv_field(&c, 0), "12\" pipe");
	csv_fini(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dutch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fixture_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fixed_and_renamed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_missing_list, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_number, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_period, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_field_count, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_regions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_conf_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_plugin_init, setup,
		    teardown),
		cmocka_unit_test(test_number),
		cmocka_unit_test(test_reader),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
