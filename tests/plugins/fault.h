/* SPDX-License-Identifier: ISC */
/*
 * fault.h: the boilerplate the test-only fault plugins share.  Each one
 * defines FAULT_NAME and fault_collect() and includes this file.
 */
#include <stdlib.h>
#include <string.h>

#include "regiomon-plugin.h"

static const struct rm_host *host;

static int	fault_collect(struct rm_ctx *, void *);

#ifndef FAULT_OWN_INIT
static int
fault_init(struct rm_ctx *ctx, const json_t *conf, void **state)
{
	(void)ctx;
	*state = (void *)conf;
	return RM_OK;
}
#else
static int	fault_init(struct rm_ctx *, const json_t *, void **);
#endif

static void
fault_fini(void *state)
{
	(void)state;
}

/* Emit one good observation, so a test sees it is never stored. */
static __attribute__((unused)) void
fault_emit_one(struct rm_ctx *ctx)
{
	struct rm_obs	 o;

	memset(&o, 0, sizeof(o));
	o.indicator = "unemployment-rate";
	o.region = "groningen";
	o.period = "2021";
	o.value = 99;
	host->emit(ctx, &o);
}

RM_EXPORT int
rm_plugin_init(const struct rm_host *h, struct rm_plugin *p)
{
#ifdef FAULT_LOAD_CRASH
	volatile int *volatile null = NULL;

	if (*null == 0)
		return RM_ERR;
#endif
#ifdef FAULT_LOAD_EXIT
	exit(0);
#endif
	if (h->abi_major != RM_ABI_MAJOR)
		return RM_ERR;
	host = h;
	RM_PLUGIN_INIT(p);
	p->name = FAULT_NAME;
	p->description = "test plugin: " FAULT_NAME;
	p->init = fault_init;
	p->collect = fault_collect;
	p->fini = fault_fini;
#ifdef FAULT_ABI_MAJOR
	p->abi_major = FAULT_ABI_MAJOR;
#endif
	return RM_OK;
}
