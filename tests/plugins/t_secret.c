/* SPDX-License-Identifier: ISC */
/*
 * t_secret: reads secret files, for the tests of what a run's child may
 * read.  Config {"declare": [paths], "read": [paths], "open": [paths]}:
 * init() declares each "declare" path with check_secret(); collect()
 * reads each "read" path with read_secret() and each "open" path with
 * open(2) itself, and logs "read PATH: ok VALUE" or "read PATH: ERROR"
 * (and "open PATH: ok" or "open PATH: strerror").  Then it emits one
 * observation, so the run succeeds whatever it could read.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#define FAULT_NAME "t_secret"
#define FAULT_OWN_INIT
#include "fault.h"

static int
fault_init(struct rm_ctx *ctx, const json_t *conf, void **state)
{
	const json_t	*p;
	size_t		 i;

	json_array_foreach(json_object_get(conf, "declare"), i, p)
		if (host->check_secret(ctx, "declare",
		    json_string_value(p)) != RM_OK)
			return RM_ERR;
	*state = (void *)conf;
	return RM_OK;
}

static int
fault_collect(struct rm_ctx *ctx, void *state)
{
	const json_t	*conf = state, *p;
	const char	*path;
	char		 buf[256], err[1024];
	size_t		 i;
	int		 fd;

	json_array_foreach(json_object_get(conf, "read"), i, p) {
		path = json_string_value(p);
		if (host->read_secret(path, buf, sizeof(buf), err,
		    sizeof(err)) == RM_OK)
			host->log(ctx, RM_LOG_WARNING, "read %s: ok %s", path,
			    buf);
		else
			host->log(ctx, RM_LOG_WARNING, "read %s: %s", path,
			    err);
	}
	json_array_foreach(json_object_get(conf, "open"), i, p) {
		path = json_string_value(p);
		if ((fd = open(path, O_RDONLY | O_NONBLOCK)) != -1) {
			close(fd);
			host->log(ctx, RM_LOG_WARNING, "open %s: ok", path);
		} else
			host->log(ctx, RM_LOG_WARNING, "open %s: %s", path,
			    strerror(errno));
	}
	fault_emit_one(ctx);
	return RM_OK;
}
