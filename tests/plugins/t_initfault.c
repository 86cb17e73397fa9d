/* SPDX-License-Identifier: ISC */
/*
 * t_initfault: its init(), which checks the config, crashes ("fault":
 * "segv") or hangs ("hang"); with no "fault" it accepts the config.
 */
#include <unistd.h>

#define FAULT_NAME "t_initfault"
#define FAULT_OWN_INIT
#include "fault.h"

static int
fault_init(struct rm_ctx *ctx, const json_t *conf, void **state)
{
	const char		*f;
	volatile int *volatile	 null = NULL;

	(void)ctx;
	*state = NULL;
	f = json_string_value(json_object_get(conf, "fault"));
	if (f != NULL && strcmp(f, "segv") == 0)
		return *null;
	if (f != NULL && strcmp(f, "hang") == 0)
		for (;;)
			pause();
	return RM_OK;
}

static int
fault_collect(struct rm_ctx *ctx, void *state)
{
	(void)state;
	fault_emit_one(ctx);
	return RM_OK;
}
