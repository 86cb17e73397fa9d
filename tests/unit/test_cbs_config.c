/* SPDX-License-Identifier: ISC */
/*
 * test_cbs_config.c: the cbs_statline config through the plugin's init()
 * and the fake host: good configs and their defaults, and each mistake
 * reported at its JSON path, with a "did you mean" where one is close,
 * all in one pass.
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

static struct rm_plugin	 plug;

static int
setup(void **unused)
{
	(void)unused;
	fh_reset();
	fh_add_indicator("house-price", "year");
	fh_add_indicator("population", "year");
	fh_add_region("groningen", "cbs", "PV20");
	fh_add_region("assen", "cbs", "GM0106");
	fh_add_region("nl", "cbs", "NL01");
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

/* init() on text: RM_OK with *out set, or RM_ERR. */
static int
init_text(const char *text, struct cbs_conf **out)
{
	json_error_t	 jerr;
	json_t		*j;
	void		*st = NULL;
	int		 rc;

	if ((j = json_loads(text, 0, &jerr)) == NULL)
		fail_msg("bad test JSON: %s", jerr.text);
	rc = plug.init(fh_ctx(), j, &st);
	json_decref(j);
	*out = st;
	if (rc != RM_OK)
		assert_null(st);
	return rc;
}

static void
expect_error(const char *text, const char *path, const char *msg)
{
	struct cbs_conf	*c;

	assert_int_equal(init_text(text, &c), RM_ERR);
	if (!fh_conf_error_has(path, msg)) {
		fh_dump(stderr);
		fail_msg("no conf error at %s with \"%s\"", path, msg);
	}
}

static void
test_good_and_defaults(void **unused)
{
	struct cbs_conf	*c;

	(void)unused;
	assert_int_equal(init_text("{\"api\": \"v4\", \"table\": \"83625NED\", "
	    "\"series\": [{\"indicator\": \"house-price\", \"measure\": "
	    "\"M001534\", \"regions\": [\"groningen\", \"nl\", \"assen\"]}, "
	    "{\"indicator\": \"population\", \"measure_title\": \"Bevolking "
	    "op 1 januari\", \"filters\": {\"Geslacht\": \"T001038\"}, "
	    "\"region\": \"rga\", \"periods\": [\"year\", \"quarter\"], "
	    "\"scale\": \"x 1 000\"}]}", &c), RM_OK);
	assert_int_equal(fh_nconf_errors(), 0);
	assert_int_equal(c->api, CBS_V4);
	assert_string_equal(c->base, "https://datasets.cbs.nl/odata/v1/CBS");
	assert_string_equal(c->table, "83625NED");
	assert_int_equal(c->page_limit, CBS_PAGE_LIMIT);
	assert_string_equal(c->region_dim, "RegioS");
	assert_string_equal(c->period_dim, "Perioden");
	assert_int_equal(c->nseries, 2);
	assert_int_equal(c->series[0].nregions, 3);
	assert_string_equal(c->series[0].regions[2].id, "assen");
	assert_string_equal(c->series[0].regions[2].code, "GM0106");
	assert_int_equal(c->series[0].periods, CBS_YEAR);
	assert_true(c->series[0].scale == 1);
	assert_string_equal(c->series[1].region, "rga");
	assert_string_equal(c->series[1].terms[0].title,
	    "Bevolking op 1 januari");
	assert_int_equal(c->series[1].periods, CBS_YEAR | CBS_QUARTER);
	assert_true(c->series[1].scale == 1000);
	assert_int_equal(strlen(c->hash), 16);
	plug.fini(c);
	/* The table id keeps its case; the hash follows the config. */
	assert_int_equal(init_text("{\"api\": \"v3\", \"table\": \"03759ned\", "
	    "\"typed\": false, \"page_limit\": 5, \"region_dimension\": "
	    "\"Regions\", \"period_dimension\": \"Periods\", \"series\": "
	    "[{\"indicator\": \"population\", \"measure\": [\"A_1\", "
	    "\"B_2\"], \"per_measure_title\": \"Totale bevolking\", "
	    "\"regions\": [\"nl\"], \"scale\": 100}]}", &c), RM_OK);
	assert_string_equal(c->table, "03759ned");
	assert_string_equal(c->base, "https://opendata.cbs.nl/ODataApi/odata");
	assert_int_equal(c->typed, 0);
	assert_int_equal(c->page_limit, 5);
	assert_string_equal(c->region_dim, "Regions");
	assert_int_equal(c->series[0].nterms, 2);
	assert_string_equal(c->series[0].terms[1].key, "B_2");
	assert_string_equal(c->series[0].per->title, "Totale bevolking");
	plug.fini(c);
	plug.fini(NULL);
}

static void
test_top_errors(void **unused)
{
	(void)unused;
	expect_error("[]", "", "expected an object");
	expect_error("{\"api\": \"v5\", \"table\": \"T\", \"series\": []}",
	    "api", "unknown API; did you mean \"v3\"?");
	expect_error("{\"table\": \"T\"}", "api", "missing");
	expect_error("{\"api\": \"v4\", \"tabel\": \"T\"}", "tabel",
	    "unknown key; did you mean \"table\"?");
	expect_error("{\"api\": \"v4\"}", "table", "missing");
	expect_error("{\"api\": \"v4\"}", "series", "missing");
	expect_error("{\"api\": \"v4\", \"table\": \"83 625\"}", "table",
	    "expected a table id");
	expect_error("{\"api\": \"v4\", \"base_url\": \"ftp://x\"}",
	    "base_url", "expected an http://, https:// or file: URL");
	expect_error("{\"api\": \"v4\", \"base_url\": \"http://x/?a=1\"}",
	    "base_url", "without a query");
	expect_error("{\"api\": \"v4\", \"typed\": true}", "typed",
	    "applies to api \"v3\" and \"v3-feed\" only");
	expect_error("{\"api\": \"v3\", \"typed\": 1}", "typed",
	    "expected true");
	expect_error("{\"api\": \"v4\", \"page_limit\": 0}", "page_limit",
	    "expected a whole number of pages");
	expect_error("{\"api\": \"v4\", \"series\": []}", "series",
	    "expected a non-empty list");
}

static void
test_all_at_once(void **unused)
{
	(void)unused;
	/* One pass reports every problem. */
	expect_error("{\"api\": \"v4\", \"table\": \"T\", \"colour\": 1, "
	    "\"series\": [{\"indicator\": \"nope\", \"measure\": \"M1\", "
	    "\"regions\": [\"nowhere\", \"rga\", \"nl\", \"nl\"], "
	    "\"periods\": [\"yaer\", \"week\"], \"scale\": \"veel\", "
	    "\"filter\": {}}]}", "colour", "unknown key");
	assert_true(fh_conf_error_has("series[0].indicator",
	    "unknown indicator \"nope\""));
	assert_true(fh_conf_error_has("series[0].regions[0]",
	    "unknown region \"nowhere\""));
	/* rga is not in this test's catalog. */
	assert_true(fh_conf_error_has("series[0].regions[1]", "\"rga\""));
	assert_true(fh_conf_error_has("series[0].regions[3]",
	    "region \"nl\" is listed twice"));
	assert_true(fh_conf_error_has("series[0].periods[0]",
	    "unknown period type; did you mean \"year\"?"));
	assert_true(fh_conf_error_has("series[0].periods[1]",
	    "expected \"year\", \"quarter\" or \"month\""));
	assert_true(fh_conf_error_has("series[0].scale",
	    "expected a number above 0 or a CBS unit like \"x 1 000\""));
	assert_true(fh_conf_error_has("series[0].filter",
	    "unknown key; did you mean \"filters\"?"));
}

static void
test_series_errors(void **unused)
{
	(void)unused;
	expect_error("{\"api\": \"v4\", \"table\": \"T\", \"series\": "
	    "[{\"indicator\": \"house-price\", \"regions\": [\"nl\"]}]}",
	    "series[0].measure", "missing: give \"measure\"");
	expect_error("{\"api\": \"v4\", \"table\": \"T\", \"series\": "
	    "[{\"indicator\": \"house-price\", \"measure\": \"M1\", "
	    "\"measure_title\": \"x\", \"regions\": [\"nl\"]}]}",
	    "series[0].measure", "not both");
	/* v4 sums and shares are put together from rows (combine.c). */
	expect_error("{\"api\": \"v4\", \"table\": \"T\", \"series\": "
	    "[{\"indicator\": \"house-price\", \"measure\": [\"M1\", \"M2\"], "
	    "\"per_measure\": \"M3\", \"regions\": [\"assen\"], "
	    "\"sum_into\": \"assen\"}]}", "series[0].sum_into",
	    "a sum cannot hold itself");
	expect_error("{\"api\": \"v4\", \"table\": \"T\", \"series\": "
	    "[{\"indicator\": \"house-price\", \"measure\": \"M1\", "
	    "\"region\": \"nl\", \"sum_into\": \"rga\"}]}",
	    "series[0].sum_into", "needs \"regions\"");
	expect_error("{\"api\": \"v4\", \"table\": \"T\", \"series\": "
	    "[{\"indicator\": \"house-price\", \"measure\": \"M1\", "
	    "\"regions\": [\"assen\"], \"sum_into\": \"nowhere\"}]}",
	    "series[0].sum_into", "expected the catalog region");
	expect_error("{\"api\": \"v4\", \"table\": \"T\", \"series\": "
	    "[{\"indicator\": \"house-price\", \"measure\": \"M1\", "
	    "\"regions\": [\"nl\"], \"growth_over\": 0}]}",
	    "series[0].growth_over", "from 1 to 100");
	expect_error("{\"api\": \"v4\", \"table\": \"T\", \"series\": "
	    "[{\"indicator\": \"house-price\", \"measure\": \"M1\", "
	    "\"regions\": [\"nl\"], \"growth_over\": 5, \"scale\": 2}]}",
	    "series[0].growth_over", "leave \"scale\" out");
	expect_error("{\"api\": \"v4\", \"table\": \"T\", \"series\": "
	    "[{\"indicator\": \"house-price\", \"measure\": \"M1\", "
	    "\"regions\": [\"assen\"], \"sum_into\": \"rga\"}, "
	    "{\"indicator\": \"house-price\", \"measure\": \"M1\", "
	    "\"regions\": [\"groningen\"], \"sum_into\": \"rga\"}]}",
	    "series[1]", "house-price/rga already comes from series[0]");
	expect_error("{\"api\": \"v3\", \"table\": \"T\", \"series\": "
	    "[{\"indicator\": \"house-price\", \"measure\": \"M 1\", "
	    "\"regions\": [\"nl\"]}]}", "series[0].measure",
	    "expected a measure key like \"M001906\"");
	expect_error("{\"api\": \"v3\", \"table\": \"T\", \"series\": "
	    "[{\"indicator\": \"house-price\", \"measure_title\": [\"a\", "
	    "\"\"], \"regions\": [\"nl\"]}]}", "series[0].measure_title[1]",
	    "expected a measure title");
	expect_error("{\"api\": \"v4\", \"table\": \"T\", \"series\": "
	    "[{\"indicator\": \"house-price\", \"measure\": \"M1\"}]}",
	    "series[0].regions", "missing: give \"regions\"");
	expect_error("{\"api\": \"v4\", \"table\": \"T\", \"series\": "
	    "[{\"indicator\": \"house-price\", \"measure\": \"M1\", "
	    "\"regions\": [\"nl\"], \"region\": \"nl\"}]}",
	    "series[0].regions", "not both");
	expect_error("{\"api\": \"v4\", \"table\": \"T\", \"series\": "
	    "[{\"indicator\": \"house-price\", \"measure\": \"M1\", "
	    "\"regions\": []}]}", "series[0].regions",
	    "expected a list of catalog region ids");
	expect_error("{\"api\": \"v4\", \"table\": \"T\", \"series\": "
	    "[{\"indicator\": \"house-price\", \"measure\": \"M1\", "
	    "\"regions\": [\"nl\"], \"filters\": {\"RegioS\": \"PV20\"}}]}",
	    "series[0].filters.RegioS", "RegioS is chosen with \"regions\"");
	expect_error("{\"api\": \"v4\", \"table\": \"T\", \"series\": "
	    "[{\"indicator\": \"house-price\", \"measure\": \"M1\", "
	    "\"regions\": [\"nl\"], \"filters\": {\"Geslacht\": 3000}}]}",
	    "series[0].filters.Geslacht", "expected a code of the dimension");
	expect_error("{\"api\": \"v4\", \"table\": \"T\", \"series\": "
	    "[{\"indicator\": \"house-price\", \"measure\": \"M1\", "
	    "\"regions\": [\"nl\"], \"filters\": {\"Geslacht\": \"  \"}}]}",
	    "series[0].filters.Geslacht", "not blanks");
	expect_error("{\"api\": \"v4\", \"table\": \"T\", \"series\": "
	    "[{\"indicator\": \"house-price\", \"measure\": \"M1\", "
	    "\"regions\": [\"nl\"], \"periods\": [\"year\", \"year\"]}]}",
	    "series[0].periods[1]", "\"year\" is listed twice");
	expect_error("{\"api\": \"v4\", \"table\": \"T\", \"series\": "
	    "[{\"indicator\": \"house-price\", \"measure\": \"M1\", "
	    "\"regions\": [\"nl\"], \"scale\": -1}]}", "series[0].scale",
	    "expected a number above 0");
	expect_error("{\"api\": \"v4\", \"table\": \"T\", \"series\": [5]}",
	    "series[0]", "expected an object");
	/* Two series may not feed the same indicator and region. */
	expect_error("{\"api\": \"v4\", \"table\": \"T\", \"series\": "
	    "[{\"indicator\": \"house-price\", \"measure\": \"M1\", "
	    "\"regions\": [\"nl\", \"assen\"]}, {\"indicator\": "
	    "\"house-price\", \"measure\": \"M2\", \"regions\": [\"assen\"]}]}",
	    "series[1]", "house-price/assen already comes from series[0]");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good_and_defaults, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_top_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_all_at_once, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_series_errors, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
