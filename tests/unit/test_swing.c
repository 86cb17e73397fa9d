/* SPDX-License-Identifier: ISC */
/*
 * test_swing.c: the swing plugin through the fake host: Values rows with
 * every kind of ValueString (numbers, "?", "", null, Swing's -9999x
 * codes), exact TJ -> PJ scaling, ratios, rows of unknown areas, the
 * nextLink resolver and its refusals, the API key file, and every config
 * error with its JSON path.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "plugtest.c"
#include "../../plugins/lib/csvparse.c"
#include "../../plugins/lib/strv.c"
#include "../../plugins/swing/config.c"
#include "../../plugins/swing/describe.c"
#include "../../plugins/swing/main.c"

static char		 keyfile[64];

static int
setup(void **unused)
{
	(void)unused;
	fh_reset();
	fh_add_indicator("renewable-supply", "year");
	fh_add_indicator("built-environment-share", "year");
	fh_add_region("assen", "swing", "gemeente_106");
	fh_add_region("tynaarlo", "swing", "gemeente_1730");
	fh_add_region("groningen", "swing", "provincie_20");
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
	if (keyfile[0] != '\0')
		unlink(keyfile);
	keyfile[0] = '\0';
	return 0;
}

#define ROW(code, per, vs) \
	"{\"ExternalCode\":\"" code "\",\"GeoLevel\":\"gemeente\"," \
	"\"PeriodLevel\":\"year\",\"Period\":\"" per "\",\"ValueString\":" vs \
	"}"

#define FILE_CONF(series) \
	"{\"base_url\": \"file:/nonexistent\", \"series\": [" series "]}"

static void
test_values(void **unused)
{
	(void)unused;
	assert_int_equal(run(FILE_CONF("{\"variable\": \"hern_tot\", "
	    "\"indicator\": \"renewable-supply\", \"scale\": 0.001}"),
	    "{\"value\":["
	    ROW("gemeente_106", "2020", "\"1234.5\"") ","
	    ROW("gemeente_106", "2021", "\"?\"") ","
	    ROW("gemeente_363", "2021", "\"9999\"") ","
	    ROW("gemeente_1730", "2019", "\"\"") ","
	    ROW("gemeente_1730", "2020", "null") ","
	    ROW("gemeente_1730", "2021", "\"-99997\"") ","
	    ROW("gemeente_1730", "2022", "\"1e3\"") ","
	    ROW("provincie_20", "2022JJ00", "\"-0.5\"") "]}"), RM_OK);
	assert_int_equal(fh_nobs(), 7);
	/* Divided by 1000, so exactly what 1234.5 / 1000 gives. */
	check_obs(0, "renewable-supply", "assen", "2020", 1234.5 / 1000, 0, 0);
	check_obs(1, "renewable-supply", "assen", "2021", 0, 1, 0);
	check_obs(2, "renewable-supply", "tynaarlo", "2019", 0, 1, 0);
	check_obs(3, "renewable-supply", "tynaarlo", "2020", 0, 1, 0);
	check_obs(4, "renewable-supply", "tynaarlo", "2021", 0, 1, 0);
	check_obs(5, "renewable-supply", "tynaarlo", "2022", 1, 0, 0);
	check_obs(6, "renewable-supply", "groningen", "2022", -0.0005, 0, 0);

	/* Configured regions only, a decimal comma, "x" as missing. */
	setup(NULL);
	assert_int_equal(run("{\"base_url\": \"file:/x\", \"decimal\": \",\", "
	    "\"regions\": [\"tynaarlo\"], \"missing\": [\"x\"], \"series\": "
	    "[{\"variable\": \"v\", \"indicator\": \"renewable-supply\"}]}",
	    "{\"value\":["
	    ROW("gemeente_106", "2020", "\"1,5\"") ","
	    ROW("gemeente_1730", "2020", "\"2,25\"") ","
	    ROW("gemeente_1730", "2021", "\"x\"") "]}"), RM_OK);
	assert_int_equal(fh_nobs(), 2);
	check_obs(0, "renewable-supply", "tynaarlo", "2020", 2.25, 0, 0);
	check_obs(1, "renewable-supply", "tynaarlo", "2021", 0, 1, 0);
}

static void
test_ratio(void **unused)
{
	(void)unused;
	/* The fake host answers every request alike: a variable per itself. */
	assert_int_equal(run(FILE_CONF("{\"variable\": \"energie_go\", "
	    "\"per\": \"energie_totaal_combi\", \"scale\": 100, "
	    "\"indicator\": \"built-environment-share\"}"),
	    "{\"value\":["
	    ROW("gemeente_106", "2020", "\"3.3\"") ","
	    ROW("gemeente_106", "2021", "\"0\"") ","
	    ROW("gemeente_1730", "2021", "\"?\"") "]}"), RM_OK);
	assert_int_equal(fh_nobs(), 3);
	check_obs(0, "built-environment-share", "assen", "2020", 100, 0, 0);
	check_obs(1, "built-environment-share", "assen", "2021", 0, 1, 0);
	check_obs(2, "built-environment-share", "tynaarlo", "2021", 0, 1, 0);
}

static void
test_page_errors(void **unused)
{
	(void)unused;
	assert_int_equal(run(FILE_CONF("{\"variable\": \"v\", \"indicator\": "
	    "\"renewable-supply\"}"), "{\"value\":[" ROW("gemeente_106",
	    "2020", "\"12 TJ\"") "]}"), RM_ERR);
	expect_log("v page 1: value[0] (gemeente_106, 2020): ValueString "
	    "\"12 TJ\" is not a number");
	setup(NULL);
	assert_int_equal(run(FILE_CONF("{\"variable\": \"v\", \"indicator\": "
	    "\"renewable-supply\"}"), "{\"value\":[" ROW("gemeente_106",
	    "twintig", "\"1\"") "]}"), RM_ERR);
	expect_log("Period \"twintig\" is not a period");
	setup(NULL);
	assert_int_equal(run(FILE_CONF("{\"variable\": \"v\", \"indicator\": "
	    "\"renewable-supply\"}"), "{\"value\":[{\"Period\":\"2020\"}]}"),
	    RM_ERR);
	expect_log("expected \"ExternalCode\" and \"Period\" strings");
	setup(NULL);
	assert_int_equal(run(FILE_CONF("{\"variable\": \"v\", \"indicator\": "
	    "\"renewable-supply\"}"), "{\"odata.error\": {}}"), RM_ERR);
	expect_log("expected an OData answer with a \"value\" list");
	setup(NULL);
	/* Every page says "next: me": the loop is caught. */
	assert_int_equal(run(FILE_CONF("{\"variable\": \"v\", \"indicator\": "
	    "\"renewable-supply\"}"), "{\"value\":[], \"@odata.nextLink\": "
	    "\"v.json\"}"), RM_ERR);
	expect_log("@odata.nextLink points at the same page");
}

static void
expect_next(const char *cur, const char *link, const char *want)
{
	char	*got = sw_next_url(fh_ctx(), cur, link);

	if (want == NULL) {
		assert_null(got);
		return;
	}
	if (got == NULL) {
		fh_dump(stderr);
		fail_msg("%s + %s refused", cur, link);
	}
	assert_string_equal(got, want);
	free(got);
}

static void
test_next_url(void **unused)
{
	const char	*cur = "https://h.example:8443/odata/Variables('x')/"
			    "Values?$top=10";

	(void)unused;
	expect_next(cur, "https://h.example:8443/odata/Variables('x')/Values"
	    "?$skip=10", "https://h.example:8443/odata/Variables('x')/Values"
	    "?$skip=10");
	expect_next(cur, "?$skip=20", "https://h.example:8443/odata/"
	    "Variables('x')/Values?$skip=20");
	expect_next(cur, "/odata/x?$skip=30", "https://h.example:8443/odata/"
	    "x?$skip=30");
	expect_next(cur, "Values?$skip=40", "https://h.example:8443/odata/"
	    "Variables('x')/Values?$skip=40");
	expect_next("file:../share/demo/swing/hern_tot.json",
	    "hern_tot-2.json", "file:../share/demo/swing/hern_tot-2.json");
	expect_next(cur, "https://h.example/odata/x", NULL);
	expect_log("leaves https://h.example:8443; refused");
	expect_next(cur, "https://h.example:8443.evil.example/odata/x", NULL);
	expect_next(cur, "http://h.example:8443/odata/x", NULL);
	expect_next(cur, "file:///etc/passwd", NULL);
	expect_next("file:/x/y.json", "https://h.example/", NULL);
	expect_next(cur, "gopher://h.example:8443/", NULL);
	expect_log("only http(s) and file: links are followed");
}

static const char *
key_from(const char *text)
{
	static char	 hdr[128];
	struct sw_state	 st;
	char		*h;
	FILE		*fp;
	int		 fd, rc;

	snprintf(keyfile, sizeof(keyfile), "/tmp/test_swing.key.XXXXXX");
	if ((fd = mkstemp(keyfile)) == -1 || (fp = fdopen(fd, "w")) == NULL)
		fail_msg("mkstemp");
	fputs(text, fp);
	fclose(fp);
	memset(&st, 0, sizeof(st));
	st.key_file = keyfile;
	rc = sw_read_key(fh_ctx(), &st, &h);
	unlink(keyfile);
	keyfile[0] = '\0';
	if (rc == -1)
		return NULL;
	snprintf(hdr, sizeof(hdr), "%s", h);
	free(h);
	return hdr;
}

static void
test_key_file(void **unused)
{
	struct sw_state	 st;
	char		*h;

	(void)unused;
	assert_string_equal(key_from("  s3cr3t \r\nsecond line\n"),
	    "apikey: s3cr3t");
	assert_string_equal(key_from("no-newline"), "apikey: no-newline");
	assert_null(key_from(" \n"));
	expect_log("empty; expected the API key on the first line");
	assert_null(key_from("a\033b\n"));
	expect_log("the key holds control characters");
	memset(&st, 0, sizeof(st));
	st.key_file = "/nonexistent/key";
	assert_int_equal(sw_read_key(fh_ctx(), &st, &h), -1);
	expect_log("api_key_file /nonexistent/key: No such file or directory");
}

static void
test_conf_errors(void **unused)
{
	void	*st;

	(void)unused;
	assert_int_equal(init_conf("{\"base_url\": \"https://x/odata\", "
	    "\"serie\": [], \"regions\": [\"rga\", 3], \"geo_level\": "
	    "\"gemeente'\", \"period\": \"\", \"max_pages\": 0, \"missing\": "
	    "\"?\"}", &st), RM_ERR);
	assert_null(st);
	expect_conf_error("serie", "did you mean \"series\"?");
	expect_conf_error("series", "missing");
	expect_conf_error("api_key_file", "missing: the Open Data Service "
	    "needs a personal API key");
	expect_conf_error("regions[0]", "region \"rga\" is not in the "
	    "catalog or has no swing code");
	expect_conf_error("regions[1]", "expected a region id");
	expect_conf_error("geo_level", "expected a geo level");
	expect_conf_error("period", "expected \"all\", \"mrp\" or a year");
	expect_conf_error("max_pages", "from 1 to 1000000");
	expect_conf_error("missing", "expected a list");

	setup(NULL);
	assert_int_equal(init_conf("{\"base_url\": \"ftp://x\", "
	    "\"api_key_file\": \"k\", \"series\": [3, {\"variable\": "
	    "\"a\", \"indicator\": \"renewable-supply\", \"per\": \"b c\", "
	    "\"sclae\": 1}]}", &st), RM_ERR);
	expect_conf_error("base_url", "expected an http://, https:// or file:");
	expect_conf_error("api_key_file", "expected an absolute path");
	expect_conf_error("series[0]", "expected an object");
	expect_conf_error("series[1].per", "expected a variable code");
	expect_conf_error("series[1].sclae", "did you mean \"scale\"?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ratio, setup, teardown),
		cmocka_unit_test_setup_teardown(test_page_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_next_url, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conf_errors, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
