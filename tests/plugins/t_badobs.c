/* SPDX-License-Identifier: ISC */
/* t_badobs: emits an observation for an indicator the catalog lacks. */
#define FAULT_NAME "t_badobs"
#include "fault.h"

static int
fault_collect(struct rm_ctx *ctx, void *state)
{
	struct rm_obs	 o;

	(void)state;
	fault_emit_one(ctx);
	memset(&o, 0, sizeof(o));
	o.indicator = "no-such-indicator";
	o.region = "groningen";
	o.period = "2021";
	o.value = 1;
	return host->emit(ctx, &o);
}
