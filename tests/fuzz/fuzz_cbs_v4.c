/* SPDX-License-Identifier: ISC */
/*
 * fuzz_cbs_v4.c: the cbs_statline plugin's v4 side (datasets.cbs.nl) on
 * arbitrary answers: an Observations page (part 0 of the input, also
 * every page its "@odata.nextLink" leads to), then Properties,
 * MeasureCodes, Dimensions and PeriodenCodes in the order the plugin asks
 * (parts 1, 2, ...; see tests/host/fuzzplug.c).  One series by measure
 * key with a filter and regions, one by title with a fixed region.  The
 * plugin must fail or emit valid observations, without crashing or
 * leaking.
 */
#include <stdint.h>
#include <stdlib.h>

#include "fuzzplug.c"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const v4_data[] = { "Observations", NULL };

static const struct fh_default v4_defaults[] = {
	{ "Properties", "{\"Identifier\":\"99999NED\",\"Modified\":"
	    "\"2026-01-01T00:00:00+01:00\",\"Status\":\"Regulier\"}" },
	{ "MeasureCodes", "{\"value\":["
	    "{\"Identifier\":\"M001534\",\"Title\":"
	    "\"Gemiddelde verkoopprijs\"},"
	    "{\"Identifier\":\"M000365\",\"Title\":\"Gemiddelde bevolking \"}"
	    "]}" },
	{ "Dimensions", "{\"value\":["
	    "{\"Identifier\":\"Geslacht\",\"Kind\":\"Dimension\"},"
	    "{\"Identifier\":\"RegioS\",\"Kind\":\"GeoDimension\"},"
	    "{\"Identifier\":\"Perioden\",\"Kind\":\"TimeDimension\"}]}" },
	{ "PeriodenCodes", "{\"value\":["
	    "{\"Identifier\":\"2019JJ00\",\"Status\":\"Definitief\"},"
	    "{\"Identifier\":\"2020JJ00\",\"Status\":\"NaderVoorlopig\"},"
	    "{\"Identifier\":\"2021JJ00\",\"Status\":\"Voorlopig\"},"
	    "{\"Identifier\":\"2020KW01\",\"Status\":\"Voorlopig\"},"
	    "{\"Identifier\":\"2020MM01\",\"Status\":null}]}" },
	{ NULL, NULL }
};

static const char *const v4_indicators[] = {
	"house-price", "year", "population", "year", NULL
};

static const struct fh_region v4_regions[] = {
	{ "nl", "cbs", "NL01" },
	{ "groningen", "cbs", "PV20" },
	{ "assen", "cbs", "GM0106" },
	{ NULL, NULL, NULL }
};

#define V4_CONF \
	"{\"api\": \"v4\", \"base_url\": " \
	"\"https://fuzz.example/odata/v1/CBS\"," \
	" \"table\": \"99999NED\", \"page_limit\": 5, \"series\": [" \
	"{\"indicator\": \"house-price\", \"measure\": \"M001534\", " \
	"\"filters\": {\"Geslacht\": \"T001038\"}, \"regions\": [\"nl\", " \
	"\"groningen\", \"assen\"], \"periods\": [\"year\", \"quarter\", " \
	"\"month\"]}, " \
	"{\"indicator\": \"population\", \"measure_title\": \"Gemiddelde " \
	"bevolking\", \"filters\": {\"Geslacht\": \"T001038\"}, " \
	"\"regions\": [\"groningen\"], \"scale\": 1000}]}"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const struct rm_plugin	*p;

	p = fh_plugin(v4_data, v4_defaults, v4_indicators, v4_regions);
	fh_run(p, V4_CONF, data, len);
	return 0;
}
