/* SPDX-License-Identifier: ISC */
/*
 * t_ok: emits the observations listed in its config, {"obs": [[indicator,
 * region, period, value-or-null, provisional], ...]}, so tests can drive
 * the host and the store with exact values.
 */
#define FAULT_NAME "t_ok"
#include "fault.h"

static int
fault_collect(struct rm_ctx *ctx, void *state)
{
	const json_t	*conf = state, *row;
	struct rm_obs	 o;
	size_t		 i;

	json_array_foreach(json_object_get(conf, "obs"), i, row) {
		memset(&o, 0, sizeof(o));
		o.indicator = json_string_value(json_array_get(row, 0));
		o.region = json_string_value(json_array_get(row, 1));
		o.period = json_string_value(json_array_get(row, 2));
		o.missing = json_is_null(json_array_get(row, 3));
		o.value = json_number_value(json_array_get(row, 3));
		o.provisional = json_is_true(json_array_get(row, 4));
		if (host->emit(ctx, &o) != RM_OK)
			return RM_ERR;
	}
	return RM_OK;
}
