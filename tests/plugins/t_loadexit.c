/* SPDX-License-Identifier: ISC */
/* t_loadexit: calls exit(0) in rm_plugin_init(), while being loaded. */
#define FAULT_NAME "t_loadexit"
#define FAULT_LOAD_EXIT
#include "fault.h"

static int
fault_collect(struct rm_ctx *ctx, void *state)
{
	(void)state;
	fault_emit_one(ctx);
	return RM_OK;
}
