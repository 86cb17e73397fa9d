/* SPDX-License-Identifier: ISC */
/* t_loadsegv: dereferences NULL in rm_plugin_init(), while being loaded. */
#define FAULT_NAME "t_loadsegv"
#define FAULT_LOAD_CRASH
#include "fault.h"

static int
fault_collect(struct rm_ctx *ctx, void *state)
{
	(void)state;
	fault_emit_one(ctx);
	return RM_OK;
}
