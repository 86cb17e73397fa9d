/* SPDX-License-Identifier: ISC */
/*
 * fuzz_period.c: period_parse() on arbitrary text.  Whatever it accepts
 * must format back and parse again to the same period, with a start
 * before its end.
 */
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct period	 p, q;
	char		 s[64], out[PERIOD_MAX];

	if (len >= sizeof(s))
		return 0;
	memcpy(s, data, len);
	s[len] = '\0';
	if (period_parse(s, &p) == -1)
		return 0;
	if (period_format(&p, out, sizeof(out)) == -1 ||
	    period_parse(out, &q) == -1 || period_cmp(&p, &q) != 0 ||
	    period_start(&p) >= period_end(&p))
		abort();
	return 0;
}
