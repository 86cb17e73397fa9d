/* SPDX-License-Identifier: ISC */
/* t_memhog: allocates and touches memory until it is stopped. */
#include <stdlib.h>

#define FAULT_NAME "t_memhog"
#include "fault.h"

static int
fault_collect(struct rm_ctx *ctx, void *state)
{
	char	*p;
	size_t	 i;

	(void)state;
	fault_emit_one(ctx);
	for (;;) {
		if ((p = malloc(64 << 20)) == NULL) {
			host->log(ctx, RM_LOG_ERR, "out of memory");
			return RM_ERR;
		}
		for (i = 0; i < (64u << 20); i += 4096)
			p[i] = 1;
	}
}
