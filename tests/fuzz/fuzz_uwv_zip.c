/* SPDX-License-Identifier: ISC */
/*
 * fuzz_uwv_zip.c: the uwv plugin's ZIP reader (plugins/uwv/zip.c, on
 * libarchive) on arbitrary bytes: the catalogue (package_show) names one
 * ZIP resource and the input is that file (see tests/host/fuzzplug.c);
 * its CSV member goes on to the table reader.  The plugin must fail or
 * emit valid observations, without crashing, leaking or unpacking more
 * than its cap.
 */
#include <stdint.h>
#include <stdlib.h>

#include "fuzzplug.c"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const uz_data[] = { "data.zip", NULL };

static const struct fh_default uz_defaults[] = {
	{ "package_show", "{\"success\": true, \"result\": {\"resources\": "
	    "[{\"format\": \"ZIP\", \"url\": \"https://fuzz.example/files/"
	    "data.zip\", \"last_modified\": \"2023-05-17T08:12:40\"}]}}" },
	{ NULL, NULL }
};

static const char *const uz_indicators[] = {
	"vacancies", "month", "jobseekers", "month", NULL
};

static const struct fh_region uz_regions[] = {
	{ "groningen", "cbs", "PV20" },
	{ "drenthe", "cbs", "PV22" },
	{ "friesland", "cbs", "PV21" },
	{ NULL, NULL, NULL }
};

#define UZ_CONF \
	"{\"dataset\": \"d\", \"format\": \"zip\", \"columns\": " \
	"{\"period\": \"PEILDATUM\", \"region\": \"PROVINCIE\", \"value\": " \
	"\"AANTAL\", \"indicator\": \"REC_TYPE\"}, \"indicators\": " \
	"{\"Vacature\": \"vacancies\", \"Werkzoekende\": \"jobseekers\"}, " \
	"\"regions\": {\"Groningen\": \"groningen\", \"Drenthe\": " \
	"\"drenthe\", \"Frysl\xc3\xa2n\": \"friesland\"}, \"aggregate\": " \
	"\"sum\"}"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const struct rm_plugin	*p;

	p = fh_plugin(uz_data, uz_defaults, uz_indicators, uz_regions);
	fh_run(p, UZ_CONF, data, len);
	return 0;
}
