/* SPDX-License-Identifier: ISC */
/*
 * t_badvalue: logs a message with a newline and a terminal escape in it,
 * then emits a value of 0/0 (NaN) without setting missing ("inf" in the
 * config: an infinite one).
 */
#include <math.h>

#define FAULT_NAME "t_badvalue"
#include "fault.h"

static int
fault_collect(struct rm_ctx *ctx, void *state)
{
	const json_t	*conf = state;
	struct rm_obs	 o;

	host->log(ctx, RM_LOG_INFO, "forged\nregiomon: other: \x1b[31mred");
	memset(&o, 0, sizeof(o));
	o.indicator = "unemployment-rate";
	o.region = "groningen";
	o.period = "2021";
	o.value = json_is_true(json_object_get(conf, "inf")) ? INFINITY : NAN;
	return host->emit(ctx, &o);
}
