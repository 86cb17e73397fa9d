/* SPDX-License-Identifier: ISC */
/*
 * t_garbage: writes a good observation line and then garbage straight to
 * stdout's pipe, bypassing emit(), as a buggy plugin that printf()s would.
 */
#include <stdio.h>
#include <unistd.h>

#define FAULT_NAME "t_garbage"
#include "fault.h"

static int
fault_collect(struct rm_ctx *ctx, void *state)
{
	const char	*junk = "this is { not JSON\n";
	int		 fd;

	(void)state;
	fault_emit_one(ctx);
	/* The pipe to the parent is the highest descriptor the child has. */
	for (fd = 3; fd < 64; fd++)
		if (write(fd, junk, strlen(junk)) > 0)
			break;
	return RM_OK;
}
