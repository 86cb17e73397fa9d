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

static void
check_sources(struct regiomon *rm, struct diags *d)
{
	const struct plugin	*p;
	const struct source	*src;
	char			 err[1024], where[64];
	size_t			 i;

	for (i = 0; i < rm->conf->nsources; i++) {
		src = &rm->conf->sources[i];
		/* What the config check refused is said already. */
		if (src->name == NULL || src->plugin == NULL ||
		    (src->config == NULL && json_object_get(json_array_get(
		    json_object_get(rm->conf->root, "sources"), src->index),
		    "config") != NULL))
			continue;
		snprintf(where, sizeof(where), "sources[%zu].plugin", i);
		p = plugins_get(&rm->plugins, rm->conf->plugin_dir,
		    src->plugin, err, sizeof(err));
		if (p == NULL) {
			diag_add(d, rm->conf->path, where, "cannot load plugin "
			    "\"%s\" from %s: %s", src->plugin,
			    rm->conf->plugin_dir, err);
			continue;
		}
		host_check_source(rm, p, src, d);
	}
}

int
cmd_check_config(struct regiomon *rm, const struct opts *o, int argc,
    char **argv)
{
	struct diags	 d;

	(void)argc;
	(void)argv;
	memset(&d, 0, sizeof(d));
	rm->verbose = o->verbose;
	/*
	 * Load by hand, and on past the config's own errors: the catalog
	 * and every plugin config are checked too, all reported at once.
	 */
	if ((rm->conf = setup_conf_all(o->conf_path, &d)) != NULL) {
		cmd_overrides(rm->conf, o);
		/* Not the default catalog for a "catalog" that went wrong. */
		if (rm->conf->ncatalogs > 0 && (d.n == 0 || json_array_size(
		    json_object_get(rm->conf->root, "catalog")) > 0))
			rm->catalog = catalog_load(rm->conf->catalogs,
			    rm->conf->ncatalogs, NULL, &d);
		if (rm->catalog != NULL)
			check_sources(rm, &d);
	}
	if (d.n > 0) {
		diag_print(&d, stderr);
		fprintf(stderr, "regiomon: %zu error%s\n", d.n,
		    d.n == 1 ? "" : "s");
		diag_free(&d);
		return EXIT_CONFIG;
	}
	printf("configuration OK\n");
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
	printf("plugin dir %s (host ABI %d.%d)\n", rm->conf->plugin_dir,
	    RM_ABI_MAJOR, RM_ABI_MINOR);
	for (i = 0; i < n; i++) {
		p = plugins_get(&rm->plugins, rm->conf->plugin_dir, names[i],
		    err, sizeof(err));
		if (p == NULL) {
			printf("  %-14s REFUSED: %s\n", names[i], err);
			bad = 1;
		} else {
			printf("  %-14s ABI %u.%u  %s\n", names[i],
			    p->desc.abi_major, p->desc.abi_minor,
			    p->desc.description != NULL ?
			    p->desc.description : "");
		}
		free(names[i]);
	}
	free(names);
	return bad ? 1 : 0;
}
