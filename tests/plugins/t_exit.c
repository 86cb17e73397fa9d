/* SPDX-License-Identifier: ISC */
/*
 * t_exit: emits one observation, flushes it to the host, then calls
 * exit(0) instead of returning from collect(); it also prints a forged
 * observation line to stdout, without a newline or a flush.
 */
#include <stdio.h>
#include <stdlib.h>

#define FAULT_NAME "t_exit"
#include "fault.h"

static int
fault_collect(struct rm_ctx *ctx, void *state)
{
	(void)state;
	/* Not flushed: the host must flush it, to the log. */
	printf("{\"indicator\": \"unemployment-rate\", \"region\": "
	    "\"groningen\", \"period\": \"2022\", \"value\": 98, "
	    "\"status\": \"final\"}");
	fault_emit_one(ctx);
	exit(0);
}
