/* SPDX-License-Identifier: ISC */
/* t_abort: emits one observation, then aborts. */
#include <stdlib.h>

#define FAULT_NAME "t_abort"
#include "fault.h"

static int
fault_collect(struct rm_ctx *ctx, void *state)
{
	(void)state;
	fault_emit_one(ctx);
	abort();
}
