/* SPDX-License-Identifier: ISC */
/* t_segv: emits one observation, then dereferences NULL. */
#define FAULT_NAME "t_segv"
#include "fault.h"

static int
fault_collect(struct rm_ctx *ctx, void *state)
{
	volatile int *volatile p = NULL;

	(void)state;
	fault_emit_one(ctx);
	host->log(ctx, RM_LOG_INFO, "about to crash");
	return *p;
}
