/* SPDX-License-Identifier: ISC */
/*
 * cmd_check.c: `regiomon check-config`, which reports every error in the
 * config, the catalog and each source's plugin config at once, and
 * `regiomon plugins`, which lists what the plugin dir holds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "run/run.h"
#include "app/app.h"
#include "app/cmd.h"

int
cmd_check_config(struct regiomon *rm, const struct opts *o, int argc,
    char **argv)
{
	struct diags	 d;
	size_t		 i;

	(void)argc;
	(void)argv;
	memset(&d, 0, sizeof(d));
	/*
	 * Loaded here, and on past the config's own errors: the catalog and
	 * every source's plugin config are checked too, all reported at
	 * once.
	 */
	setup_load(rm, o, SETUP_ALL | SETUP_CATALOG | SETUP_SOURCES, NULL, &d);
	if (d.n > 0) {
		diag_print(&d, stderr);
		out_printf(stderr, "regiomon: %zu error%s\n", d.n,
		    d.n == 1 ? "" : "s");
		diag_free(&d);
		return EXIT_CONFIG;
	}
	/* Not an error: the daemon starts, the source waits. */
	for (i = 0; i < rm->conf->nsources; i++)
		if (rm->conf->sources[i].waiting != NULL &&
		    rm->conf->sources[i].enabled)
			out_printf(stdout, "note: source %s is waiting: %s\n",
			    rm->conf->sources[i].name,
			    rm->conf->sources[i].waiting);
	out_printf(stdout, "configuration OK\n");
	return 0;
}

int
cmd_plugins(struct regiomon *rm, const struct opts *o, int argc, char **argv)
{
	const struct plugin	*p;
	char			**names, err[1024];
	size_t			 i, n;
	int			 bad = 0;

	(void)o;
	(void)argc;
	(void)argv;
	if (plugins_list(rm->conf->plugin_dir, &names, &n) == -1) {
		log_warn("%s", rm->conf->plugin_dir);
		return 1;
	}
	out_printf(stdout, "plugin dir %s (host ABI %d.%d)\n",
	    rm->conf->plugin_dir, RM_ABI_MAJOR, RM_ABI_MINOR);
	for (i = 0; i < n; i++) {
		p = plugins_get(&rm->plugins, rm->conf->plugin_dir, names[i],
		    err, sizeof(err));
		if (p == NULL) {
			out_printf(stdout, "  %-14s REFUSED: %s\n", names[i],
			    err);
			bad = 1;
		} else {
			out_printf(stdout, "  %-14s ABI %u.%u  %s\n", names[i],
			    p->desc.abi_major, p->desc.abi_minor,
			    p->desc.description != NULL ?
			    p->desc.description : "");
		}
		free(names[i]);
	}
	free(names);
	return bad ? 1 : 0;
}
