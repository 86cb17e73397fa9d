/* SPDX-License-Identifier: ISC */
/*
 * t_termignore: ignores SIGTERM (which a plugin must not do), emits one
 * observation and sleeps forever: only SIGKILL ends it.
 */
#include <signal.h>
#include <unistd.h>

#define FAULT_NAME "t_termignore"
#include "fault.h"

static int
fault_collect(struct rm_ctx *ctx, void *state)
{
	(void)state;
	signal(SIGTERM, SIG_IGN);
	fault_emit_one(ctx);
	for (;;)
		pause();
	return RM_OK;
}
