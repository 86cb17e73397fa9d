/* SPDX-License-Identifier: ISC */
/*
 * test_eurostat.c: the eurostat plugin through the fake host: JSON-stat
 * 2.0 in every form the standard allows (index objects and arrays, sparse
 * and dense values, one status for all), the row-major index, status
 * flags, the time window, exact scaling, the request URL, the API's error
 * object, and every config error with its JSON path.
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
#include "../../plugins/lib/strv.c"
#include "../../plugins/eurostat/config.c"
#include "../../plugins/eurostat/describe.c"
#include "../../plugins/eurostat/jsonstat.c"
#include "../../plugins/eurostat/main.c"

static int
setup(void **unused)
{
	(void)unused;
	fh_reset();
	fh_add_indicator("unemployment-rate", "year");
	fh_add_indicator("unemployment-q", "quarter");
	fh_add_indicator("rd-intensity", "year");
	fh_add_indicator("rd-intensity-business", "year");
	fh_add_region("groningen", "nuts", "NL11");
	fh_add_region("drenthe", "nuts", "NL13");
	fh_add_region("stuttgart", "nuts", "DE11");
	fh_add_region("extremadura", "nuts", "ES43");
	fh_add_region("assen", "cbs", "GM0106");
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

/* The capture quoted in notes/other-sources.md, section 1. */
static const char capture[] =
    "{\"version\":\"2.0\",\"class\":\"dataset\",\"updated\":"
    "\"2026-03-18T23:00:00+0100\","
    "\"value\":{\"0\":2.22,\"1\":2.26,\"6\":0.67,\"7\":0.71,\"13\":6.9},"
    "\"status\":{\"0\":\"e\",\"13\":\"b\",\"17\":\"|C\"},"
    "\"id\":[\"freq\",\"sectperf\",\"unit\",\"geo\",\"time\"],"
    "\"size\":[1,2,1,3,3],"
    "\"dimension\":{"
    "\"freq\":{\"category\":{\"index\":{\"A\":0}}},"
    "\"sectperf\":{\"category\":{\"index\":{\"TOTAL\":0,\"BES\":1}}},"
    "\"unit\":{\"category\":{\"index\":{\"PC_GDP\":0}}},"
    "\"geo\":{\"category\":{\"index\":{\"EU27_2020\":0,\"DE11\":1,"
    "\"ES43\":2}}},"
    "\"time\":{\"category\":{\"index\":{\"2022\":0,\"2023\":1,"
    "\"2024\":2}}}}}";

#define CAPTURE_CONF \
	"{\"dataset\": \"rd_e_gerdreg\", \"regions\": [\"stuttgart\", " \
	"\"extremadura\"], \"indicator\": {\"dimension\": \"sectperf\", " \
	"\"map\": {\"BES\": \"rd-intensity-business\", " \
	"\"TOTAL\": \"rd-intensity\"}}}"

static void
test_capture(void **unused)
{
	(void)unused;
	assert_int_equal(run(CAPTURE_CONF, capture), RM_OK);
	assert_int_equal(fh_nobs(), 12);
	/* Map order first: BES = 1, so BES/DE11/2023 = 1*9 + 1*3 + 1 = 13. */
	check_obs(0, "rd-intensity-business", "stuttgart", "2022", 0, 1, 0);
	check_obs(1, "rd-intensity-business", "stuttgart", "2023", 6.9, 0, 0);
	check_obs(5, "rd-intensity-business", "extremadura", "2024", 0, 1,
	    0);
	check_obs(9, "rd-intensity", "extremadura", "2022", 0.67, 0, 0);
	check_obs(10, "rd-intensity", "extremadura", "2023", 0.71, 0, 0);
	check_obs(11, "rd-intensity", "extremadura", "2024", 0, 1, 0);
}

/* Index arrays, a dense value array, one status for every cell. */
static void
test_dense_forms(void **unused)
{
	(void)unused;
	assert_int_equal(run("{\"dataset\": \"x\", \"regions\": "
	    "[\"drenthe\", \"groningen\"], \"indicator\": \"unemployment-q\"}",
	    "{\"id\":[\"geo\",\"time\"],\"size\":[2,3],\"status\":\"p\","
	    "\"value\":[1.5,null,2.5,3,4,5e-1],"
	    "\"dimension\":{\"geo\":{\"category\":{\"index\":[\"NL11\","
	    "\"NL13\"]}},\"time\":{\"category\":{\"index\":[\"2023Q4\","
	    "\"2024-Q1\",\"2024Q2\"]}}}}"), RM_OK);
	assert_int_equal(fh_nobs(), 6);
	check_obs(0, "unemployment-q", "drenthe", "2023-Q4", 3, 0, 1);
	check_obs(2, "unemployment-q", "drenthe", "2024-Q2", 0.5, 0, 1);
	check_obs(3, "unemployment-q", "groningen", "2023-Q4", 1.5, 0, 1);
	check_obs(4, "unemployment-q", "groningen", "2024-Q1", 0, 1, 1);
}

#define LFS(extra) \
	"{\"dataset\": \"x\", \"regions\": [\"groningen\"], " \
	"\"indicator\": \"unemployment-rate\"" extra "}"

static const char years[] =
    "{\"id\":[\"sex\",\"geo\",\"time\"],\"size\":[2,1,5],"
    "\"value\":{\"5\":10,\"6\":11,\"7\":12345,\"8\":13,\"9\":14},"
    "\"status\":{\"6\":\"c\",\"8\":\":\",\"9\":\"EP\"},"
    "\"dimension\":{\"sex\":{\"category\":{\"index\":{\"F\":0,\"T\":1}}},"
    "\"geo\":{\"category\":{\"label\":{\"NL11\":\"Groningen\"}}},"
    "\"time\":{\"category\":{\"index\":{\"2020\":0,\"2021\":1,\"2022\":2,"
    "\"2023\":3,\"2024\":4}}}}}";

static void
test_flags_window_scale(void **unused)
{
	(void)unused;
	assert_int_equal(run(LFS(", \"filters\": {\"sex\": \"T\"}"), years),
	    RM_OK);
	assert_int_equal(fh_nobs(), 5);
	check_obs(0, "unemployment-rate", "groningen", "2020", 10, 0, 0);
	check_obs(1, "unemployment-rate", "groningen", "2021", 0, 1, 0);
	check_obs(3, "unemployment-rate", "groningen", "2023", 0, 1, 0);
	/* Flags are letters in any case, combined. */
	check_obs(4, "unemployment-rate", "groningen", "2024", 14, 0, 1);

	setup(NULL);
	assert_int_equal(run(LFS(", \"filters\": {\"sex\": \"T\"}, "
	    "\"since\": \"2021\", \"until\": \"2022JJ00\", \"scale\": 0.001, "
	    "\"missing_flags\": \"\", \"provisional_flags\": \"c\""), years),
	    RM_OK);
	assert_int_equal(fh_nobs(), 2);
	check_obs(0, "unemployment-rate", "groningen", "2021", 11 / 1000.0, 0,
	    1);
	/* Divided, not multiplied by 0.001: the nearest double to 12.345. */
	check_obs(1, "unemployment-rate", "groningen", "2022", 12.345, 0, 0);

	setup(NULL);
	assert_int_equal(run(LFS(", \"filters\": {\"sex\": \"T\"}, "
	    "\"last\": 2"), years), RM_OK);
	assert_int_equal(fh_nobs(), 2);
	check_obs(0, "unemployment-rate", "groningen", "2023", 0, 1, 0);
}

static void
test_url(void **unused)
{
	struct es_state	*st;
	char		*url;

	(void)unused;
	assert_int_equal(init_conf(LFS(", \"filters\": {\"sex\": \"T\", "
	    "\"age\": [\"Y15-74\"]}, \"since\": \"2015\", \"until\": "
	    "\"2024\", \"base_url\": \"https://h.example/api/\", "
	    "\"lang\": \"de\""), (void **)&st), RM_OK);
	url = es_url(st);
	assert_string_equal(url, "https://h.example/api/x?format=JSON&lang=de"
	    "&geo=NL11&sex=T&age=Y15-74&sinceTimePeriod=2015&"
	    "untilTimePeriod=2024");
	fh_host()->release(url);
	es_fini(st);

	assert_int_equal(init_conf(LFS(", \"last\": 3, \"base_url\": "
	    "\"file:../share/demo/eurostat/\""), (void **)&st), RM_OK);
	url = es_url(st);
	assert_string_equal(url, "file:../share/demo/eurostat/x.json");
	fh_host()->release(url);
	es_fini(st);
}

static void
test_answer_errors(void **unused)
{
	(void)unused;
	assert_int_equal(run(LFS(""), years), RM_ERR);
	expect_log("dimension \"sex\" has 2 codes (F, T); choose one with "
	    "filters.sex");

	setup(NULL);
	assert_int_equal(run(LFS(""), "{\"error\":[{\"status\":400,"
	    "\"label\":\"NO_RESULTS\"}]}"), RM_ERR);
	expect_log("Eurostat says: NO_RESULTS");

	setup(NULL);
	assert_int_equal(run(LFS(""), "{\"id\":[\"geo\",\"time\"],"
	    "\"size\":[1,2],\"value\":{\"1\":\"4,4\"},\"dimension\":{"
	    "\"geo\":{\"category\":{\"index\":{\"NL11\":0}}},"
	    "\"time\":{\"category\":{\"index\":{\"2020\":0,\"2021\":1}}}}}"),
	    RM_ERR);
	expect_log("value[\"1\"] (NL11, 2021): expected a number or null");
	/* The good cell before it was emitted; the host drops the run. */
	assert_int_equal(fh_nobs(), 1);

	setup(NULL);
	assert_int_equal(run(LFS(""), "{\"id\":[\"geo\",\"time\"],"
	    "\"size\":[1,3],\"value\":{},\"dimension\":{"
	    "\"geo\":{\"category\":{\"index\":{\"NL11\":0}}},"
	    "\"time\":{\"category\":{\"index\":{\"2020\":0,\"2021\":1}}}}}"),
	    RM_ERR);
	expect_log("dimension.time.category.index: expected 3 distinct "
	    "positions");

	setup(NULL);
	assert_int_equal(run(LFS(""), "[1, 2]"), RM_ERR);
	expect_log("not a JSON-stat 2.0 dataset");
	setup(NULL);
	assert_int_equal(run(LFS(""), "{\"id\": ["), RM_ERR);
	expect_log("answer is not JSON: line 1");
}

static void
test_conf_errors(void **unused)
{
	void	*st;

	(void)unused;
	assert_int_equal(init_conf("{\"datset\": \"x\", \"regions\": "
	    "[\"assen\", 7], \"filters\": {\"geo\": \"NL11\", \"time\": "
	    "\"2020\", \"sex\": [], \"unit\": [\"a b\"]}, \"indicator\": "
	    "\"nope\", \"last\": 0, \"scale\": 0, \"base_url\": "
	    "\"ftp://x\", \"missing_flags\": 3}", &st), RM_ERR);
	assert_null(st);
	expect_conf_error("datset", "did you mean \"dataset\"?");
	expect_conf_error("dataset", "missing");
	expect_conf_error("regions[1]", "expected a code");
	expect_conf_error("filters.geo", "chosen with \"regions\"");
	expect_conf_error("filters.time", "\"since\", \"until\" or \"last\"");
	expect_conf_error("filters.sex", "expected a code or a list");
	expect_conf_error("filters.unit[0]", "expected a Eurostat code");
	expect_conf_error("indicator", "unknown indicator \"nope\"");
	expect_conf_error("last", "from 1 to 1000");
	expect_conf_error("scale", "expected a positive number");
	expect_conf_error("base_url", "http://, https:// or file:");
	expect_conf_error("missing_flags", "a string of flag letters");

	setup(NULL);
	assert_int_equal(init_conf("{\"dataset\": \"x\", \"regions\": "
	    "[\"assen\"], \"indicator\": {\"dimension\": \"sex\", \"map\": "
	    "{\"T\": \"unemployment-rate\", \"F\": \"nope\"}, \"x\": 1}, "
	    "\"filters\": {\"sex\": \"T\"}, \"since\": \"2015\", \"last\": 2}",
	    &st), RM_ERR);
	expect_conf_error("regions[0]", "region \"assen\" is not in the "
	    "catalog or has no NUTS code");
	expect_conf_error("indicator.x", "unknown key");
	expect_conf_error("indicator.map.F", "unknown indicator \"nope\"");
	expect_conf_error("filters.sex", "already filtered by the codes of "
	    "indicator.map");
	expect_conf_error("last", "not both");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_capture, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dense_forms, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_flags_window_scale, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_url, setup, teardown),
		cmocka_unit_test_setup_teardown(test_answer_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_conf_errors, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
