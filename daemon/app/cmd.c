/* SPDX-License-Identifier: ISC */
/*
 * cmd.c: loading what a subcommand needs (config and catalog through
 * setup.c, then the state), and releasing it afterwards.  A bad config
 * or catalog prints every error and exits 78, whatever the command.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"
#include "net/net.h"
#include "run/run.h"
#include "app/app.h"
#include "app/cmd.h"

/*
 * Load what need asks for into rm; NEED_ALL_LOCKED takes the state dir
 * for the command name first (see statelock.c).  0, or the exit status
 * to return: EXIT_CONFIG for a bad config or catalog (every error
 * printed), 1 if the state dir is another regiomon's or another user's.
 */
int
cmd_open(struct regiomon *rm, const struct opts *o, enum need need,
    const char *name)
{
	struct diags	 d;
	int		 rc;

	memset(&d, 0, sizeof(d));
	rm->verbose = o->verbose;
	if (need == NEED_NOTHING)
		return 0;
	rc = setup_load(rm, o, SETUP_RRDCACHED |
	    (need >= NEED_CATALOG ? SETUP_CATALOG : 0), NULL, &d);
	if (rc == EXIT_CONFIG)
		goto bad;
	if (rc != 0 || need == NEED_CONF)
		return rc;
	if (need == NEED_ALL_LOCKED &&
	    state_dir_lock(rm->conf->state_dir, name) == -1)
		return 1;
	/* Only the commands that take the state dir save the state. */
	if (need >= NEED_ALL && (rm->state = state_load(rm->conf->state_dir,
	    need != NEED_ALL_LOCKED)) == NULL)
		return 1;
	/* A reader of a state dir that is not there: a typo, or no run yet. */
	if (need == NEED_ALL && access(rm->conf->state_dir, F_OK) == -1 &&
	    errno == ENOENT)
		log_warnx("%s does not exist: nothing is stored there yet",
		    rm->conf->state_dir);
	return 0;
bad:
	/* Under journald each line needs its priority (journalctl -p err). */
	if (log_journal()) {
		diag_log(&d);
		log_errx("%zu error%s in the config or the catalog; nothing "
		    "done", d.n, d.n == 1 ? "" : "s");
	} else
		diag_print(&d, stderr);
	diag_free(&d);
	return EXIT_CONFIG;
}

void
cmd_close(struct regiomon *rm)
{
	plugins_unload(&rm->plugins);
	json_decref(rm->state);
	catalog_free(rm->catalog);
	conf_free(rm->conf);
	memset(rm, 0, sizeof(*rm));
}

int
cmd_main(const struct command *c, const struct opts *o, int argc,
    char **argv)
{
	struct regiomon	 rm;
	int		 rc;

	memset(&rm, 0, sizeof(rm));
	if ((rc = cmd_open(&rm, o, c->need, c->name)) != 0) {
		cmd_close(&rm);
		return o->plugin ? EXIT_UNKNOWN : rc;
	}
	rc = c->fn(&rm, o, argc, argv);
	cmd_close(&rm);
	http_global_cleanup();
	return rc;
}
