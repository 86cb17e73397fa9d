/* SPDX-License-Identifier: ISC */
/*
 * fuzz_uwv_table.c: the uwv plugin's table reader (plugins/uwv/table.c:
 * encodings, separators, headers, periods, filters, sums) on an
 * arbitrary CSV file: the catalogue (package_show) names one CSV
 * resource and the input is that file (see tests/host/fuzzplug.c).  Two
 * configs: Open Match Data summed over filtered rows, and a fixed
 * indicator with regions by CBS code.  The plugin must fail or emit
 * valid observations, without crashing or leaking.
 */
#include <stdint.h>
#include <stdlib.h>

#include "fuzzplug.c"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const ut_data[] = { "data.csv", NULL };

static const struct fh_default ut_defaults[] = {
	{ "package_show", "{\"success\": true, \"result\": {\"resources\": "
	    "[{\"format\": \"CSV\", \"url\": \"https://fuzz.example/files/"
	    "data.csv\", \"last_modified\": \"2023-05-17T08:12:40\"}]}}" },
	{ NULL, NULL }
};

static const char *const ut_indicators[] = {
	"vacancies", "month", "jobseekers", "month", "ww-benefits", "month",
	NULL
};

static const struct fh_region ut_regions[] = {
	{ "groningen", "cbs", "PV20" },
	{ "drenthe", "cbs", "PV22" },
	{ "friesland", "cbs", "PV21" },
	{ NULL, NULL, NULL }
};

#define UT_OM_CONF \
	"{\"dataset\": \"d\", \"format\": \"csv\", \"columns\": " \
	"{\"period\": \"PEILDATUM\", \"region\": \"PROVINCIE\", \"value\": " \
	"\"AANTAL\", \"indicator\": \"REC_TYPE\"}, \"indicators\": " \
	"{\"Vacature\": \"vacancies\", \"Werkzoekende\": \"jobseekers\"}, " \
	"\"regions\": {\"Groningen\": \"groningen\", \"Drenthe\": " \
	"\"drenthe\", \"Frysl\xc3\xa2n\": \"friesland\"}, \"aggregate\": " \
	"\"sum\", \"filter\": {\"BEROEP\": [\"x\", \"y\"]}}"

#define UT_WW_CONF \
	"{\"dataset\": \"d\", \"format\": \"csv\", \"separator\": \",\", " \
	"\"decimal\": \".\", \"encoding\": \"utf-8\", \"indicator\": " \
	"\"ww-benefits\", \"region_scheme\": \"cbs\", \"columns\": " \
	"{\"period\": \"periode\", \"region\": \"regio\", \"value\": " \
	"\"waarde\"}}"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const struct rm_plugin	*p;

	p = fh_plugin(ut_data, ut_defaults, ut_indicators, ut_regions);
	fh_run(p, UT_OM_CONF, data, len);
	fh_run(p, UT_WW_CONF, data, len);
	return 0;
}
