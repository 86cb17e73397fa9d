/* SPDX-License-Identifier: ISC */
/* t_wrongabi: claims to be built for plugin ABI major 99. */
#define FAULT_NAME "t_wrongabi"
#define FAULT_ABI_MAJOR 99
#include "fault.h"

static int
fault_collect(struct rm_ctx *ctx, void *state)
{
	(void)state;
	fault_emit_one(ctx);
	return RM_OK;
}
