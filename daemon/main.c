/* SPDX-License-Identifier: ISC */
/*
 * main.c: the command line.  Global options, then one subcommand from the
 * table below; each subcommand lives in its own cmd_*.c file and gets the
 * loaded config, catalog and state it asked for.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regiomon.h"
#include "cmd.h"

static const struct command commands[] = {
	{ "daemon", cmd_daemon, NEED_ALL,
	    "", "run the sources on their schedules until stopped" },
	{ "run", cmd_run, NEED_ALL,
	    "[SOURCE ...]", "run every enabled source (or those named) once" },
	{ "fetch", cmd_fetch, NEED_CATALOG,
	    "SOURCE", "run one source and print its observations" },
	{ "history", cmd_history, NEED_ALL,
	    "INDICATOR REGION", "print a stored series period by period" },
	{ "check-config", cmd_check_config, NEED_NOTHING,
	    "", "validate the config, the catalog and every source's config" },
	{ "plugins", cmd_plugins, NEED_CONF,
	    "", "list the plugins in the plugin dir" },
	{ "status", cmd_status, NEED_ALL,
	    "[--challenge N] [--region ID] [--json]",
	    "every series against its 2020 baseline, per challenge" },
	{ "silence", cmd_silence, NEED_CATALOG,
	    "add|list|remove", "stop alert mail about a series until a date" },
	{ "test-mail", cmd_test_mail, NEED_CONF,
	    "", "send a test message through the configured transport" },
	{ "graph", cmd_graph, NEED_ALL,
	    "INDICATOR REGION -o FILE.png|FILE.svg [-w W] [-h H] [--lang L]",
	    "draw one series: history, 2020 baseline, warning zones" },
	{ "report", cmd_report, NEED_ALL,
	    "[-o DIR] [--lang nl|en]",
	    "write the static HTML report with a graph per series" },
};

static const struct option longopts[] = {
	{ "config",	required_argument,	NULL,	'c' },
	{ "help",	no_argument,		NULL,	'h' },
	{ "plugin-dir",	required_argument,	NULL,	'P' },
	{ "state-dir",	required_argument,	NULL,	'S' },
	{ "verbose",	no_argument,		NULL,	'v' },
	{ "version",	no_argument,		NULL,	'V' },
	{ NULL,		0,			NULL,	0 }
};

static void
usage(FILE *fp)
{
	size_t	 i;

	fprintf(fp, "usage: regiomon [-v] [-c FILE] [-P PLUGINDIR] "
	    "[-S STATEDIR] COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(fp, "  %-13s %-18s %s\n", commands[i].name,
		    commands[i].args, commands[i].help);
	fprintf(fp, "\n  -c FILE       config file (default %s)\n"
	    "  -P DIR        plugin dir (overrides the config)\n"
	    "  -S DIR        state dir (overrides the config)\n"
	    "  -v            debug logging\n"
	    "  --version     print the version\n"
	    "\nexit status: 0 ok, 1 failure, 2 usage, 78 bad config\n"
	    "`regiomon COMMAND --help` describes one command.\n",
	    REGIOMON_CONF);
}

/* 1 if argv asks for help, after printing the command's usage. */
int
cmd_wants_help(const struct command *c, int argc, char **argv)
{
	int	 i;

	/* "-h" only alone: `graph ... -h 200` is a height. */
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 ||
		    (argc == 2 && strcmp(argv[i], "-h") == 0)) {
			printf("usage: regiomon %s %s\n\n%s\n", c->name,
			    c->args, c->help);
			return 1;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts	 o;
	const struct command *c = NULL;
	size_t		 i;
	int		 ch;

	memset(&o, 0, sizeof(o));
	o.conf_path = REGIOMON_CONF;
	while ((ch = getopt_long(argc, argv, "+c:hP:S:vV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			o.conf_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'P':
			o.plugin_dir = optarg;
			break;
		case 'S':
			o.state_dir = optarg;
			break;
		case 'v':
			o.verbose = 1;
			break;
		case 'V':
			printf("regiomon %s (plugin ABI %d.%d)\n",
			    REGIOMON_VERSION, RM_ABI_MAJOR, RM_ABI_MINOR);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[0], commands[i].name) == 0)
			c = &commands[i];
	if (c == NULL) {
		fprintf(stderr, "regiomon: unknown command \"%s\"\n", argv[0]);
		usage(stderr);
		return EXIT_USAGE;
	}
	log_init(-1, o.verbose);
	if (cmd_wants_help(c, argc, argv))
		return 0;
	return cmd_main(c, &o, argc, argv);
}
