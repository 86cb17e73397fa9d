/* SPDX-License-Identifier: ISC */
/*
 * cmd_check.c: `regiomon check-config`, which reports every error in the
 * config, the catalog and each source's plugin config at once (and with
 * --online goes on to `fetch --check`), and `regiomon plugins`, which
 * lists what the plugin dir holds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "run/run.h"
#include "app/app.h"
#include "app/cmd.h"

/*
 * check-config --online [SOURCE ...]: `fetch --check [SOURCE ...]`
 * under the name the issue gives it, after the offline check above
 * found nothing: the same lines and exit statuses.  argv[0] is
 * "check-config", and stays the name in its messages.
 */
static int
check_online(struct regiomon *rm, const struct opts *o, int argc,
    char **argv)
{
	char	**args;
	int	   a, n = 0, rc;

	args = xcalloc((size_t)argc + 1, sizeof(*args));
	args[n++] = argv[0];
	args[n++] = "--check";
	for (a = 1; a < argc; a++)
		if (strcmp(argv[a], "--online") != 0)
			args[n++] = argv[a];
	rc = cmd_fetch(rm, o, n, args);
	free(args);
	return rc;
}

int
cmd_check_config(struct regiomon *rm, const struct opts *o, int argc,
    char **argv)
{
	struct diags	 d;
	size_t		 i;
	int		 a, online = 0;

	for (a = 1; a < argc; a++)
		online |= strcmp(argv[a], "--online") == 0;
	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--online") == 0 ||
		    (online && argv[a][0] != '-'))
			continue;
		out_printf(stderr, "regiomon: check-config: unexpected "
		    "\"%s\": its arguments are --online and, with it, "
		    "SOURCE names\n", argv[a]);
		return EXIT_USAGE;
	}
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
	if (online)
		return check_online(rm, o, argc, argv);
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

/*
 * One plugin for `plugins --json`: its name, whether it loads, and its ABI
 * and description, or the error that refused it.  New, or NULL.
 */
static json_t *
plugin_json(const char *name, const struct plugin *p, const char *err)
{
	char	 abi[32];

	if (p == NULL)
		return json_pack("{s:s, s:b, s:s}", "name", name, "loaded", 0,
		    "error", err);
	snprintf(abi, sizeof(abi), "%u.%u", p->desc.abi_major,
	    p->desc.abi_minor);
	return json_pack("{s:s, s:b, s:s, s:s?}", "name", name, "loaded", 1,
	    "abi", abi, "description", p->desc.description);
}

int
cmd_plugins(struct regiomon *rm, const struct opts *o, int argc, char **argv)
{
	const struct plugin	*p;
	json_t			*doc = NULL, *arr = NULL;
	char			**names, err[1024], abi[32], *text;
	size_t			 i, n;
	int			 a, bad = 0, oom = 0;

	(void)o;
	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--json") != 0) {
			out_printf(stderr, "regiomon: plugins: unexpected "
			    "argument \"%s\"\n", argv[a]);
			return EXIT_USAGE;
		}
	}
	/* --json: {"plugin_dir", "abi" (the host's), "plugins": [...]}. */
	snprintf(abi, sizeof(abi), "%d.%d", RM_ABI_MAJOR, RM_ABI_MINOR);
	if (argc > 1 && (doc = json_pack("{s:s, s:s, s:[]}", "plugin_dir",
	    rm->conf->plugin_dir, "abi", abi, "plugins")) == NULL) {
		log_errx("plugins: out of memory");
		return 1;
	}
	arr = json_object_get(doc, "plugins");
	if (plugins_list(rm->conf->plugin_dir, &names, &n) == -1) {
		log_warn("%s", rm->conf->plugin_dir);
		json_decref(doc);
		return 1;
	}
	if (doc == NULL)
		out_printf(stdout, "plugin dir %s (host ABI %d.%d)\n",
		    rm->conf->plugin_dir, RM_ABI_MAJOR, RM_ABI_MINOR);
	for (i = 0; i < n; i++) {
		p = plugins_get(&rm->plugins, rm->conf->plugin_dir, names[i],
		    err, sizeof(err));
		bad |= p == NULL;
		if (doc != NULL)
			oom |= json_array_append_new(arr,
			    plugin_json(names[i], p, err)) == -1;
		else if (p == NULL)
			out_printf(stdout, "  %-14s REFUSED: %s\n", names[i],
			    err);
		else
			out_printf(stdout, "  %-14s ABI %u.%u  %s\n", names[i],
			    p->desc.abi_major, p->desc.abi_minor,
			    p->desc.description != NULL ?
			    p->desc.description : "");
		free(names[i]);
	}
	free(names);
	if (doc != NULL) {
		text = oom ? NULL : json_dumps(doc, JSON_INDENT(2) |
		    JSON_PRESERVE_ORDER);
		json_decref(doc);
		if (text == NULL) {
			log_errx("plugins: out of memory");
			return 1;
		}
		fputs(text, stdout);
		putchar('\n');
		free(text);
	}
	return bad || fflush(stdout) == EOF ? 1 : 0;
}
