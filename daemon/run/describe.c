/* SPDX-License-Identifier: ISC */
/*
 * describe.c: `regiomon describe`'s plugin side.  The plugin's describe()
 * (ABI 1.3) runs in a probe's child like any other plugin code, with a
 * context for a source of the plugin's own name whose config is the
 * request; it hands back one JSON object, which the child writes to the
 * parent through the probe's pipe.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "run/run.h"

/* A describe reads a few pages; a source's default timeout is its cap. */
#define DESCRIBE_TIMEOUT	300

struct describe_probe {
	struct regiomon		*rm;
	const struct plugin	*p;
	const struct source	*src;
};

/* In a probe's child: describe(); the JSON object is the report. */
static int
describe_probe(void *arg, int fd)
{
	struct describe_probe	*dp = arg;
	struct rm_ctx		*ctx;
	json_t			*doc = NULL;
	char			*text;
	int			 rc;

	ctx = host_ctx_new(dp->rm, dp->src, NULL, NULL);
	rc = dp->p->desc.describe(ctx, dp->src->config, &doc);
	host_ctx_free(ctx);
	if (rc != RM_OK || !json_is_object(doc)) {
		if (rc == RM_OK)
			log_warnx("%s: describe gave no JSON object",
			    dp->p->name);
		json_decref(doc);
		return 1;
	}
	text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (text == NULL)
		return 1;
	rc = write_all(fd, text, strlen(text)) == -1;
	free(text);
	return rc;
}

/*
 * Ask plugin p to describe what req names (see regiomon-plugin(7)), in a
 * probe's child.  0 with *doc new, or -1 with why set (the plugin has
 * logged its reasons).
 */
int
describe_run(struct regiomon *rm, const struct plugin *p, json_t *req,
    json_t **doc, char *why, size_t whylen)
{
	struct describe_probe	 dp;
	struct source		 src;
	json_error_t		 jerr;
	char			*report, pwhy[1024];
	size_t			 len;
	int			 rc, secs;

	*doc = NULL;
	if (!RM_PLUGIN_HAS(&p->desc, describe)) {
		snprintf(why, whylen, "plugin %s (ABI %u.%u) cannot describe "
		    "its sources: describe() came with ABI 1.3", p->name,
		    p->desc.abi_major, p->desc.abi_minor);
		return -1;
	}
	memset(&src, 0, sizeof(src));
	src.name = p->name;
	src.plugin = p->name;
	src.enabled = 1;
	src.config = req;
	src.timeout = DESCRIBE_TIMEOUT;
	dp.rm = rm;
	dp.p = p;
	dp.src = &src;
	secs = (int)env_long("REGIOMON_DESCRIBE_TIMEOUT", 1, 3600,
	    DESCRIBE_TIMEOUT);
	rc = probe_run_within(describe_probe, &dp, "describing", secs,
	    &report, &len, pwhy, sizeof(pwhy));
	if (rc == -1) {
		snprintf(why, whylen, "plugin %s %s", p->name, pwhy);
		return -1;
	}
	if (rc != 0) {
		snprintf(why, whylen, "plugin %s could not describe it (see "
		    "the messages above)", p->name);
		free(report);
		return -1;
	}
	*doc = json_loadb(report, len, 0, &jerr);
	free(report);
	if (!json_is_object(*doc)) {
		snprintf(why, whylen, "plugin %s: its description is not a "
		    "JSON object: %s", p->name, jerr.text);
		json_decref(*doc);
		*doc = NULL;
		return -1;
	}
	return 0;
}
