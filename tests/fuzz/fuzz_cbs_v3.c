/* SPDX-License-Identifier: ISC */
/*
 * fuzz_cbs_v3.c: the cbs_statline plugin's v3 side (ODataApi and
 * ODataFeed) on arbitrary answers: a TypedDataSet or UntypedDataSet page
 * (part 0 of the input, also every page its nextLink leads to), then
 * TableInfos, DataProperties, Perioden and the dimension lists in the
 * order the plugin asks (parts 1, 2, ...; see tests/host/fuzzplug.c).
 * A series sums two measures and divides by a third, with a filter and
 * three regions, typed and untyped.  Whatever the server says, the
 * plugin must fail or emit valid observations (the quarters and months
 * of these yearly indicators are refused, as the daemon refuses them),
 * without crashing or leaking.
 */
#include <stdint.h>
#include <stdlib.h>

#include "fuzzplug.c"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const v3_data[] = {
	"TypedDataSet", "UntypedDataSet", NULL
};

static const struct fh_default v3_defaults[] = {
	{ "TableInfos", "{\"value\":[{\"Identifier\":\"99998NED\","
	    "\"Modified\":\"2025-12-01T02:00:00\",\"Frequency\":"
	    "\"Perjaar\"}]}" },
	{ "DataProperties", "{\"value\":["
	    "{\"Type\":\"Dimension\",\"Key\":\"Geslacht\"},"
	    "{\"Type\":\"GeoDimension\",\"Key\":\"RegioS\"},"
	    "{\"Type\":\"TimeDimension\",\"Key\":\"Perioden\"},"
	    "{\"Type\":\"Topic\",\"Key\":\"TotaleBevolking_1\","
	    "\"Title\":\"Totale bevolking\"},"
	    "{\"Type\":\"Topic\",\"Key\":\"k_65Tot80Jaar_20\","
	    "\"Title\":\"65 tot 80 jaar\"},"
	    "{\"Type\":\"Topic\",\"Key\":\"k_80JaarOfOuder_21\","
	    "\"Title\":\"80 jaar of ouder\"}]}" },
	{ "Perioden", "{\"value\":["
	    "{\"Key\":\"2019JJ00\",\"Status\":\"Definitief\"},"
	    "{\"Key\":\"2020JJ00\",\"Status\":\"Voorlopig\"},"
	    "{\"Key\":\"2020KW01\",\"Status\":\"NaderVoorlopig\"},"
	    "{\"Key\":\"2020MM01\",\"Status\":null}]}" },
	{ "RegioS", "{\"value\":[{\"Key\":\"NL01  \"},{\"Key\":\"PV20  \"},"
	    "{\"Key\":\"GM0106\"}]}" },
	{ "Geslacht", "{\"value\":[{\"Key\":\"T001038\"},"
	    "{\"Key\":\"3000   \"}]}" },
	{ NULL, NULL }
};

static const char *const v3_indicators[] = {
	"share-65plus", "year", "population", "year", NULL
};

static const struct fh_region v3_regions[] = {
	{ "nl", "cbs", "NL01" },
	{ "groningen", "cbs", "PV20" },
	{ "assen", "cbs", "GM0106" },
	{ NULL, NULL, NULL }
};

#define V3_CONF(api, typed) \
	"{\"api\": \"" api "\", \"base_url\": \"https://fuzz.example/odata\"," \
	" \"table\": \"99998NED\", \"typed\": " typed ", \"page_limit\": 5, " \
	"\"series\": [{\"indicator\": \"share-65plus\", \"measure_title\": " \
	"[\"65 tot 80 jaar\", \"80 jaar of ouder\"], \"per_measure\": " \
	"\"TotaleBevolking_1\", \"scale\": 100, \"filters\": {\"Geslacht\": " \
	"\"T001038\"}, \"regions\": [\"nl\", \"groningen\", \"assen\"], " \
	"\"periods\": [\"year\", \"quarter\", \"month\"]}, " \
	"{\"indicator\": \"population\", \"measure\": \"TotaleBevolking_1\", " \
	"\"filters\": {\"Geslacht\": \"T001038\"}, \"regions\": [\"nl\"]}]}"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const struct rm_plugin	*p;

	p = fh_plugin(v3_data, v3_defaults, v3_indicators, v3_regions);
	fh_run(p, V3_CONF("v3-feed", "true"), data, len);
	fh_run(p, V3_CONF("v3", "false"), data, len);
	return 0;
}
