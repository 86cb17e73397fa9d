/* SPDX-License-Identifier: ISC */
/*
 * cmd_daemon.c: `regiomon daemon`, the command.  The loop itself is
 * daemon.c, the config's "daemon" object daemonconf.c, the schedule
 * sched.c.
 */
#include "core/core.h"
#include "model/model.h"
#include "app/app.h"
#include "app/cmd.h"

int
cmd_daemon(struct regiomon *rm, const struct opts *o, int argc, char **argv)
{
	/* main.c refused any argument. */
	(void)argc;
	(void)argv;
	return daemon_run(rm, o);
}
