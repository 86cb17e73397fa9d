/* SPDX-License-Identifier: ISC */
/*
 * fuzz_obsline.c: obs_parse_line(), the fast reader of observation lines,
 * against jansson and obs_from_json(), the reader it stands in for.  What
 * the fast reader accepts, the slow one must accept too, with the same
 * observation bit for bit; and every observation must read back from the
 * line obs_format_line() writes for it.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "store/store.h"
#include "net/net.h"
#include "eval/eval.h"
#include "run/run.h"
#include "mail/mail.h"
#include "report/report.h"
#include "alert/alert.h"
#include "app/app.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * Bit for bit, but with signed zeros equal when zero_sign is 0: -0 is
 * written "-0", which JSON readers take for the integer 0.
 */
static int
same_obs(const struct obs *a, const struct obs *b, int zero_sign)
{
	if (strcmp(a->indicator, b->indicator) != 0 ||
	    strcmp(a->region, b->region) != 0 ||
	    period_cmp(&a->period, &b->period) != 0 ||
	    a->missing != b->missing || a->provisional != b->provisional)
		return 0;
	if (a->missing)
		return 1;
	if (!zero_sign && a->value == 0 && b->value == 0)
		return 1;
	return memcmp(&a->value, &b->value, sizeof(a->value)) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct obs	 fast, slow, again;
	json_error_t	 jerr;
	json_t		*o;
	char		 err[256], line[OBS_LINE_MAX];
	size_t		 n;

	if (obs_parse_line((const char *)data, len, &fast) != 1)
		return 0;
	if ((o = json_loadb((const char *)data, len, 0, &jerr)) == NULL)
		abort();
	if (obs_from_json(o, &slow, err, sizeof(err)) == -1)
		abort();
	json_decref(o);
	if (!same_obs(&fast, &slow, 1))
		abort();
	/* Written again and read again: the same observation. */
	if ((n = obs_format_line(&fast, line, sizeof(line))) == 0 ||
	    line[n - 1] != '\n' ||
	    obs_parse_line(line, n - 1, &again) != 1 ||
	    !same_obs(&fast, &again, 0))
		abort();
	return 0;
}
