/* SPDX-License-Identifier: ISC */
/*
 * fuzz_swing.c: the swing plugin (Klimaatmonitor's OData Values) on
 * arbitrary answers: the input is every Values page, the first and each
 * its @odata.nextLink leads to (see tests/host/fuzzplug.c), through two
 * configs: a variable with a scale and missing markers, and a ratio of
 * two variables with a decimal comma.  The plugin must fail or emit
 * valid observations, without crashing or leaking.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzzplug.c"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const sw_data[] = { "Values", NULL };

static const struct fh_default sw_defaults[] = {
	{ NULL, NULL }
};

static const char *const sw_indicators[] = {
	"renewable-supply", "year", "built-environment-share", "year", NULL
};

static const struct fh_region sw_regions[] = {
	{ "assen", "swing", "gemeente_106" },
	{ "tynaarlo", "swing", "gemeente_1730" },
	{ "groningen", "swing", "provincie_20" },
	{ NULL, NULL, NULL }
};

#define SW_BASE \
	"{\"base_url\": \"https://fuzz.example/jiveservices/odata\", " \
	"\"api_key_file\": \"%s\", \"max_pages\": 3, "

#define SW_VALUES_CONF SW_BASE \
	" \"missing\": [\"?\", \"x\"], \"series\": " \
	"[{\"variable\": \"hern_tot\", \"indicator\": \"renewable-supply\", " \
	"\"scale\": 0.001}]}"

#define SW_RATIO_CONF SW_BASE \
	"\"decimal\": \",\", \"regions\": [\"assen\", " \
	"\"tynaarlo\"], \"series\": [{\"variable\": \"energie_go\", " \
	"\"per\": \"energie_totaal_combi\", \"scale\": 100, " \
	"\"indicator\": \"built-environment-share\"}]}"

/* The API key file the https configs need, made once. */
static char	 sw_key[] = "/tmp/fuzz-swing-key-XXXXXX";
static char	*sw_conf[2];

static void
sw_cleanup(void)
{
	unlink(sw_key);
	free(sw_conf[0]);
	free(sw_conf[1]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const struct rm_plugin	*p;
	int			 fd;

	if (sw_conf[0] == NULL) {
		if ((fd = mkstemp(sw_key)) == -1 ||
		    write(fd, "fuzzkey\n", 8) != 8 || close(fd) == -1 ||
		    asprintf(&sw_conf[0], SW_VALUES_CONF, sw_key) == -1 ||
		    asprintf(&sw_conf[1], SW_RATIO_CONF, sw_key) == -1)
			abort();
		atexit(sw_cleanup);
	}
	p = fh_plugin(sw_data, sw_defaults, sw_indicators, sw_regions);
	fh_run(p, sw_conf[0], data, len);
	fh_run(p, sw_conf[1], data, len);
	return 0;
}
