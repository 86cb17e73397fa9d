/* SPDX-License-Identifier: ISC */
/* t_hang: emits one observation, then sleeps forever. */
#include <unistd.h>

#define FAULT_NAME "t_hang"
#include "fault.h"

static int
fault_collect(struct rm_ctx *ctx, void *state)
{
	(void)state;
	fault_emit_one(ctx);
	for (;;)
		pause();
	return RM_OK;
}
