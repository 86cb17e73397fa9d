/* SPDX-License-Identifier: ISC */
/*
 * fuzz_jsonstat.c: the eurostat plugin's JSON-stat 2.0 decoder on
 * arbitrary answers (the whole input is the one response; see
 * tests/host/fuzzplug.c), through two configs: an indicator chosen by a
 * dimension's codes, and a fixed indicator with filters, a time window,
 * a scale and flag letters.  The plugin must fail or emit valid observations,
 * without crashing or leaking.
 */
#include <stdint.h>
#include <stdlib.h>

#include "fuzzplug.c"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const js_data[] = { "rd_e_gerdreg", "lfst_r_lfu3rt",
	NULL };

static const struct fh_default js_defaults[] = {
	{ NULL, NULL }
};

static const char *const js_indicators[] = {
	"unemployment-rate", "year", "rd-intensity", "year",
	"rd-intensity-business", "year", NULL
};

static const struct fh_region js_regions[] = {
	{ "groningen", "nuts", "NL11" },
	{ "drenthe", "nuts", "NL13" },
	{ "stuttgart", "nuts", "DE11" },
	{ "extremadura", "nuts", "ES43" },
	{ NULL, NULL, NULL }
};

#define JS_MAP_CONF \
	"{\"dataset\": \"rd_e_gerdreg\", \"base_url\": " \
	"\"https://fuzz.example/api\", \"regions\": [\"stuttgart\", " \
	"\"extremadura\", \"groningen\"], \"indicator\": {\"dimension\": " \
	"\"sectperf\", \"map\": {\"BES\": \"rd-intensity-business\", " \
	"\"TOTAL\": \"rd-intensity\"}}}"

#define JS_LFS_CONF \
	"{\"dataset\": \"lfst_r_lfu3rt\", \"base_url\": " \
	"\"https://fuzz.example/api\", \"regions\": [\"groningen\", " \
	"\"drenthe\"], \"indicator\": \"unemployment-rate\", \"filters\": " \
	"{\"sex\": \"T\"}, \"since\": \"2015\", \"until\": \"2024\", " \
	"\"scale\": 0.001, \"provisional_flags\": \"pe\", " \
	"\"missing_flags\": \":c\"}"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const struct rm_plugin	*p;

	p = fh_plugin(js_data, js_defaults, js_indicators, js_regions);
	fh_run(p, JS_MAP_CONF, data, len);
	fh_run(p, JS_LFS_CONF, data, len);
	return 0;
}
