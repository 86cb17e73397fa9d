/* SPDX-License-Identifier: ISC */
/*
 * t_abi10: a plugin built against plugin ABI 1.0, before the host table
 * grew the helpers of 1.1.  It keeps its own copy of the 1.0 table, as
 * its old header had it, and emits like t_ok, so a test can see that a
 * newer host still loads and runs it.
 */
#include <stddef.h>
#include <string.h>

#include "regiomon-plugin.h"

/* struct rm_host as ABI 1.0 had it: never change this copy. */
struct rm_host_1_0 {
	uint16_t	 abi_major, abi_minor;
	uint32_t	 size;
	const char	*version;
	void	(*log)(struct rm_ctx *, int, const char *, ...)
		    __attribute__((__format__ (printf, 3, 4)));
	void	(*conf_error)(struct rm_ctx *, const char *, const char *, ...)
		    __attribute__((__format__ (printf, 3, 4)));
	int	(*emit)(struct rm_ctx *, const struct rm_obs *);
	int	(*http_get)(struct rm_ctx *, const struct rm_request *,
		    struct rm_response *);
	void	(*response_free)(struct rm_response *);
	const char *(*region_code)(struct rm_ctx *, const char *, const char *);
	const char *(*region_by_code)(struct rm_ctx *, const char *,
		    const char *);
	int	(*has_indicator)(struct rm_ctx *, const char *);
	int	(*has_region)(struct rm_ctx *, const char *);
	int	(*period_norm)(const char *, char *, size_t);
	const char *(*get_mark)(struct rm_ctx *);
	void	(*set_mark)(struct rm_ctx *, const char *);
};

static const struct rm_host_1_0 *host;

static int
t_init(struct rm_ctx *ctx, const json_t *conf, void **state)
{
	const char	*key;
	json_t		*v;

	/* The 1.0 way: every plugin its own unknown-key loop. */
	json_object_foreach((json_t *)conf, key, v) {
		if (strcmp(key, "obs") != 0) {
			host->conf_error(ctx, key, "unknown key");
			return RM_ERR;
		}
	}
	*state = (void *)conf;
	return RM_OK;
}

static int
t_collect(struct rm_ctx *ctx, void *state)
{
	const json_t	*conf = state, *row;
	struct rm_obs	 o;
	size_t		 i;

	host->log(ctx, RM_LOG_INFO, "ABI 1.0 plugin on host %s", host->version);
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

static void
t_fini(void *state)
{
	(void)state;
}

RM_EXPORT int
rm_plugin_init(const struct rm_host *h, struct rm_plugin *p)
{
	const struct rm_host_1_0	*old = (const struct rm_host_1_0 *)h;

	if (old->abi_major != 1 || old->size < sizeof(*old))
		return RM_ERR;
	host = old;
	p->abi_major = 1;
	p->abi_minor = 0;
	/* Its struct rm_plugin ended at fini, before describe (1.3). */
	p->size = offsetof(struct rm_plugin, fini) + sizeof(p->fini);
	p->name = "t_abi10";
	p->description = "test plugin: built for plugin ABI 1.0";
	p->init = t_init;
	p->collect = t_collect;
	p->fini = t_fini;
	return RM_OK;
}
