/* SPDX-License-Identifier: ISC */
/*
 * main.c: the command line.  Global options, then one subcommand from the
 * table below; each subcommand lives in its own cmd_*.c file and gets the
 * loaded config, catalog and state it asked for.
 */
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "report/report.h"
#include "app/app.h"
#include "app/cmd.h"

#define STR_(x)		#x
#define STR(x)		STR_(x)

/* The exit status line every command's help ends with, but its own. */
#define EXIT_HELP(ok, fail, usage) \
	"\nexit status:\n" \
	"  0   " ok "\n" \
	"  1   " fail "\n" \
	"  2   usage: " usage "\n" \
	"  78  bad config: the config, the catalog or a source's plugin " \
	"config\n"

static const struct command commands[] = {
	{ "daemon", cmd_daemon, NEED_ALL_LOCKED, 0, 0, NULL,
	    "daemon",
	    "run the sources on their schedules until stopped",
	    "Runs in the foreground (systemd Type=notify); takes no "
	    "arguments.\n"
	    "  SIGHUP        reload config, catalog and plugins; a bad new "
	    "config is\n"
	    "                logged and the old one kept\n"
	    "  SIGTERM       finish the store step under way, save the "
	    "state, exit 0\n"
	    EXIT_HELP("stopped by SIGTERM or SIGINT",
		"could not start (state dir in use or another user's, "
		"plugins)", "any argument") },
	{ "run", cmd_run, NEED_ALL_LOCKED, 0, -1, NULL,
	    "run [SOURCE ...]",
	    "run every enabled source (or those named) once",
	    "  SOURCE ...    run only these sources, enabled or not "
	    "(default: every\n"
	    "                enabled source); then evaluate, mail and "
	    "report once\n"
	    EXIT_HELP("every source ran (mail that could not be sent yet "
		"stays queued)",
		"a source, storing, alert mail or the report failed; or "
		"the state dir\n      is in use (by the daemon) or another "
		"user's",
		"a SOURCE that is not in the config") },
	{ "fetch", cmd_fetch, NEED_CATALOG, 1, -1, NULL,
	    "fetch SOURCE\n"
	    "fetch --check [SOURCE ...]",
	    "run one source and print its observations",
	    "  SOURCE        the source (its \"name\" in the config) to run; "
	    "its\n"
	    "                observations are printed as JSON lines and "
	    "not stored\n"
	    "  --check       only check these sources (default: every "
	    "enabled one)\n"
	    "                against the services' live metadata "
	    "(cbs_statline: the\n"
	    "                table, measures, dimensions, region and "
	    "filter codes),\n"
	    "                without reading data, a line each; a plugin "
	    "that cannot\n"
	    "                check runs in full; nothing is stored "
	    "(`check-config\n"
	    "                --online [SOURCE ...]` is the same check)\n"
	    EXIT_HELP("the run (or check) succeeded", "the run failed "
		"(nothing is printed)", "no SOURCE, one not in the config, "
		"or another option") },
	{ "describe", cmd_describe, NEED_CATALOG, 1, -1,
	    "--api --base-url --other-base-url --name --indicator "
	    "--measure --region --filter --api-key-file --search",
	    "describe PLUGIN WHAT [--api API] [--base-url URL] [--json]\n"
	    "describe swing VARIABLE [--base-url URL] [--api-key-file FILE]\n"
	    "describe swing --search TEXT [--base-url URL]\n"
	    "      [--api-key-file FILE]\n"
	    "describe PLUGIN WHAT --source-config --indicator ID\n"
	    "      [--measure KEY] [--filter DIM=CODE]... [--region ID]...\n"
	    "      [--name NAME]",
	    "show what a table, dataset or variable offers",
	    "  PLUGIN WHAT        cbs_statline TABLE, eurostat DATASET or "
	    "swing VARIABLE\n"
	    "  --api API          cbs_statline: v3, v3-feed or v4 "
	    "(default v3)\n"
	    "  --base-url URL     the service (default the plugin's); a "
	    "file: URL reads\n"
	    "                     recorded responses, relative to the "
	    "config's dir\n"
	    "  --other-base-url URL  cbs_statline: the other API (v4 for "
	    "v3), to pair\n"
	    "                     each measure's v3 key with its v4 code\n"
	    "  --api-key-file FILE  swing: the file of the Open Data "
	    "Service's API key\n"
	    "  --search TEXT      swing: list the variables whose code or "
	    "title holds\n"
	    "                     TEXT (any case), with their titles and "
	    "units\n"
	    "  --json             the description as one JSON document\n"
	    "  --source-config    print a source block for \"sources\" "
	    "instead\n"
	    "  --indicator ID     the catalog indicator it feeds\n"
	    "  --measure KEY      cbs_statline: the measure (its v3 key or "
	    "v4 code)\n"
	    "  --filter DIM=CODE  pin dimension DIM to CODE (default: its "
	    "total)\n"
	    "  --region ID        a catalog region (repeat for more)\n"
	    "  --name NAME        the source's name (default from WHAT)\n"
	    EXIT_HELP("described", "the plugin could not describe it, "
		"or has no describe()", "unknown option, region or "
		"indicator") },
	{ "history", cmd_history, NEED_ALL, 1, 3, NULL,
	    "history INDICATOR/REGION [--json]\n"
	    "history INDICATOR REGION [--json]",
	    "print a stored series period by period",
	    "  INDICATOR/REGION  the series, as `silence add` takes it; "
	    "INDICATOR REGION\n"
	    "                    is the same: an indicator id of the "
	    "catalog (`regiomon\n"
	    "                    status` lists them) and a region id "
	    "(groningen, nl, ...)\n"
	    "  --json            one JSON document: \"points\", each with "
	    "\"period\",\n"
	    "                    \"value\" (null: unknown) and "
	    "\"provisional\"\n"
	    EXIT_HELP("printed", "nothing stored yet, or the file is "
		"unreadable", "unknown INDICATOR or REGION, or another "
		"argument") },
	{ "check-config", cmd_check_config, NEED_NOTHING, 0, -1, NULL,
	    "check-config\n"
	    "check-config --online [SOURCE ...]",
	    "validate the config, the catalog and every source's config",
	    "Checks the config (-c), its catalogs and every source's plugin "
	    "config,\n"
	    "and prints every error with its file and JSON path.\n"
	    "  --online      then check these sources (default: every "
	    "enabled one)\n"
	    "                against the services' live metadata, without "
	    "reading data\n"
	    "                or storing: the same as `regiomon fetch "
	    "--check [SOURCE ...]`,\n"
	    "                whose line per source it prints instead of "
	    "\"configuration OK\"\n"
	    "\nexit status:\n"
	    "  0   \"configuration OK\": no error found (--online: every "
	    "source checked)\n"
	    "  1   --online: a source failed its check (its problems are "
	    "printed)\n"
	    "  2   usage: an argument other than --online and, with it, "
	    "SOURCE names\n"
	    "      of the config\n"
	    "  78  an error in the config, a catalog or a source's plugin "
	    "config, or\n"
	    "      one of those files could not be read (every error is "
	    "printed)\n" },
	{ "plugins", cmd_plugins, NEED_CONF, 0, 1, NULL,
	    "plugins [--json]",
	    "list the plugins in the plugin dir",
	    "Lists each plugin of the plugin dir (-P, or \"plugin_dir\") "
	    "with its ABI\n"
	    "and description, or why it is refused.\n"
	    "  --json        one JSON document: \"plugins\", each with "
	    "\"name\", \"loaded\",\n"
	    "                and \"abi\" and \"description\", or the "
	    "\"error\" that refused it\n"
	    EXIT_HELP("every plugin loads", "a plugin is refused or the "
		"dir is unreadable", "any other argument") },
	{ "status", cmd_status, NEED_ALL, 0, -1,
	    "--challenge --region --state",
	    "status [--challenge N] [--region ID] [--state LIST] [--json]\n"
	    "       [--exit-status]",
	    "every series against its 2020 baseline, per challenge",
	    "  --challenge N  only challenge N of the strategy (1 to 6)\n"
	    "  --region ID    only the series of region ID\n"
	    "  --state LIST   only the series in these states, separated "
	    "by commas\n"
	    "                 (critical,warning; a wrong name lists them "
	    "all)\n"
	    "  --json         one JSON document instead of the table\n"
	    "  --exit-status  exit as a Nagios plugin does (below); "
	    "silenced series and\n"
	    "                 those not shown do not count\n"
	    "\nexit status:\n"
	    "  0   printed (--exit-status: OK, none shown is critical or "
	    "warning)\n"
	    "  1   the state could not be read (--exit-status: WARNING, one "
	    "shown is\n"
	    "      warning)\n"
	    "  2   usage: unknown option, challenge, region or state "
	    "(--exit-status:\n"
	    "      CRITICAL, one shown is critical)\n"
	    "  3   --exit-status: UNKNOWN, status could not judge (a usage "
	    "error, a bad\n"
	    "      config, no state dir, a state.json that could not be "
	    "read)\n"
	    "  78  bad config: the config, the catalog or a source's plugin "
	    "config\n" },
	{ "sources", cmd_sources, NEED_ALL, 0, 1, NULL,
	    "sources [--json]",
	    "the health of every source: state, runs, failures, last error",
	    "One line per source of the config: enabled, waiting or "
	    "disabled, its last\n"
	    "run and last success, consecutive failures, the "
	    "observations its last\n"
	    "good run stored, its next run (UTC) and its last error, "
	    "whole.\n"
	    "  --json        one JSON array instead of the table\n"
	    EXIT_HELP("printed", "the state could not be read",
		"an argument other than --json") },
	{ "forget", cmd_forget, NEED_ALL_LOCKED, 1, -1, "--source",
	    "forget INDICATOR/REGION ... [--yes]\n"
	    "forget --source NAME [--yes]",
	    "remove series (their RRD files and state) on purpose",
	    "  INDICATOR/REGION  a series to remove: its RRD file and its "
	    "state\n"
	    "  --source NAME     every series that source feeds (by the "
	    "state)\n"
	    "  --yes             do not ask; without it, asks on a "
	    "terminal and\n"
	    "                    refuses when standard input is not one\n"
	    EXIT_HELP("removed (or nothing to remove)", "not confirmed, "
		"a file could not be removed,\n      or the state dir is "
		"in use (by the daemon)",
		"no series, a malformed one, or an unknown source") },
	{ "silence", cmd_silence, NEED_CATALOG, 1, -1, "--until --comment",
	    "silence add INDICATOR[/REGION] --until YYYY-MM-DD\n"
	    "            --comment TEXT\n"
	    "silence list [--json]\n"
	    "silence remove ID",
	    "stop alert mail about a series until a date",
	    "  add INDICATOR[/REGION]  silence INDICATOR in every region, "
	    "or in REGION\n"
	    "  --until YYYY-MM-DD      the last day silenced (UTC), not "
	    "over yet\n"
	    "  --comment TEXT          why, one line (required)\n"
	    "  list                    every silence: id, series, until, "
	    "active/expired\n"
	    "  list --json             the same as {\"silences\": [...]}, "
	    "region null for\n"
	    "                          every region, with \"comment\" and "
	    "\"created\"\n"
	    "  remove ID               delete silence ID (an id from "
	    "`silence list`)\n"
	    EXIT_HELP("done", "no silence ID, or STATE/silences.json is "
		"unreadable", "unknown subcommand, id, date or series") },
	{ "test-mail", cmd_test_mail, NEED_CONF, 0, 0, NULL,
	    "test-mail",
	    "send a test message through the configured transport",
	    "Sends one message to the \"mail.to\" recipients via SMTP, or "
	    "to the\n"
	    "Maildir STATE/mail when no SMTP is configured; takes no "
	    "arguments.\n"
	    EXIT_HELP("the server or the Maildir took it", "it was not "
		"delivered (the reason is printed)", "any argument") },
	{ "graph", cmd_graph, NEED_ALL, 4, -1,
	    "-o --output -w --width -h --height --lang",
	    "graph INDICATOR REGION -o FILE.png|FILE.svg [-w WIDTH]\n"
	    "      [-h HEIGHT] [--lang nl|en]",
	    "draw one series: history, 2020 baseline, warning zones",
	    "  INDICATOR REGION     the series to draw\n"
	    "  -o, --output FILE    the file to write; .png or .svg picks "
	    "the format\n"
	    "  -w, --width WIDTH    in pixels, " STR(GRAPH_SIZE_MIN) " to "
	    STR(GRAPH_SIZE_MAX) " (default " STR(GRAPH_WIDTH) ")\n"
	    "  -h, --height HEIGHT  in pixels, " STR(GRAPH_SIZE_MIN) " to "
	    STR(GRAPH_SIZE_MAX) " (default " STR(GRAPH_HEIGHT) ")\n"
	    "  --lang nl|en         labels in Dutch or English (default: "
	    "\"report.lang\")\n"
	    EXIT_HELP("written", "nothing stored for the series yet, or "
		"drawing failed", "unknown series, option, size or file "
		"type") },
	{ "report", cmd_report, NEED_ALL, 0, -1, "-o --output --lang",
	    "report [-o DIR] [--lang nl|en] [--full]",
	    "write the static HTML report with a graph per series",
	    "  -o, --output DIR  write DIR/index.html and its graphs "
	    "(default:\n"
	    "                    \"report.dir\", STATE/report)\n"
	    "  --lang nl|en      Dutch or English (default: "
	    "\"report.lang\", nl)\n"
	    "  --full            draw every graph anew (by default a graph "
	    "whose\n"
	    "                    series is unchanged is kept from the "
	    "report in DIR)\n"
	    EXIT_HELP("written", "writing failed", "unknown option or "
		"language") },
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
		fprintf(fp, "  %-13s %s\n", commands[i].name,
		    commands[i].summary);
	fprintf(fp, "\n  -c FILE       config file (default %s)\n"
	    "  -P DIR        plugin dir (overrides the config)\n"
	    "  -S DIR        state dir (overrides the config)\n"
	    "  -v            debug logging\n"
	    "  --version     print the version\n"
	    "These options may also follow the command.\n"
	    "\nexit status: 0 ok, 1 failure, 2 usage, 78 bad config\n"
	    "`regiomon COMMAND --help` describes one command.\n",
	    REGIOMON_CONF);
}

/* A usage error without a command: the synopsis, not the whole list. */
static int
usage_error(void)
{
	fprintf(stderr, "usage: regiomon [-v] [-c FILE] [-P PLUGINDIR] "
	    "[-S STATEDIR] COMMAND [ARGS]\n"
	    "try `regiomon --help` for the commands\n");
	return EXIT_USAGE;
}

/* The usage lines of c: "usage: regiomon ..." then "       regiomon ...". */
void
cmd_usage(const struct command *c, FILE *fp)
{
	const char	*p = c->usage, *nl;
	int		 first = 1;

	for (; *p != '\0'; p = *nl != '\0' ? nl + 1 : nl, first = 0) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		/* A line that starts with blanks continues the one before. */
		if (*p == ' ')
			fprintf(fp, "                %.*s\n", (int)(nl - p), p);
		else
			fprintf(fp, "%s regiomon %.*s\n",
			    first ? "usage:" : "      ", (int)(nl - p), p);
	}
}

/*
 * A usage error in c's arguments, after whatever the command said about
 * it: its own usage line and where to read more, not the global help.
 */
static int
cmd_usage_error(const struct command *c)
{
	cmd_usage(c, stderr);
	fprintf(stderr, "try `regiomon %s --help` for more\n", c->name);
	return EXIT_USAGE;
}

/* 1 if argv asks for help, after printing the command's help. */
int
cmd_wants_help(const struct command *c, int argc, char **argv)
{
	int	 i;

	/* "-h" only alone: `graph ... -h 200` is a height. */
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 ||
		    (argc == 2 && strcmp(argv[i], "-h") == 0)) {
			cmd_usage(c, stdout);
			printf("\n%s.\n\n%s", c->summary, c->help);
			return 1;
		}
	}
	return 0;
}

/* 1 if a is one of c's options that take a value. */
static int
takes_value(const struct command *c, const char *a)
{
	const char	*p = c->valopts;
	size_t		 n = strlen(a);

	while (p != NULL && *p != '\0') {
		if (strncmp(p, a, n) == 0 && (p[n] == ' ' || p[n] == '\0'))
			return 1;
		p += strcspn(p, " ");
		p += strspn(p, " ");
	}
	return 0;
}

/*
 * The global option a, with its value next (or attached: "-cFILE",
 * "--config=FILE"), into o.  1 and *used set to the arguments taken, 0 if
 * a is none (or its value would be "--help", which asks for help), -1
 * (said) if its value is missing.
 */
static int
global_option(const char *a, const char *next, struct opts *o, int *used)
{
	static const struct {
		const char	*s, *l;
		size_t		 off;
	} v[] = {
		{ "-c", "--config", offsetof(struct opts, conf_path) },
		{ "-P", "--plugin-dir", offsetof(struct opts, plugin_dir) },
		{ "-S", "--state-dir", offsetof(struct opts, state_dir) },
	};
	const char	**slot;
	size_t		  i, n;

	if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
		o->verbose = 1;
		*used = 1;
		return 1;
	}
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		slot = (const char **)((char *)o + v[i].off);
		n = strlen(v[i].l);
		if ((strncmp(a, v[i].l, n) == 0 && a[n] == '=') ||
		    (strncmp(a, v[i].s, 2) == 0 && a[2] != '\0')) {
			*slot = a[1] == '-' ? a + n + 1 : a + 2;
			*used = 1;
			return 1;
		}
		if (strcmp(a, v[i].s) != 0 && strcmp(a, v[i].l) != 0)
			continue;
		if (next != NULL && strcmp(next, "--help") == 0)
			return 0;
		if (next == NULL) {
			fprintf(stderr, "regiomon: %s needs a value\n", a);
			return -1;
		}
		*slot = next;
		*used = 2;
		return 1;
	}
	return 0;
}

/*
 * Take the global options that follow the command out of argv into o:
 * `regiomon status -c FILE` is what people type, and it used to read the
 * default config instead.  The values of the command's own options are
 * left alone (`graph ... -h 200` keeps its height, `--comment -v` its
 * text).  The new argc, or -1.
 */
static int
hoist_globals(const struct command *c, int argc, char **argv,
    struct opts *o)
{
	int	 i, n = 1, used, rc;

	for (i = 1; i < argc; i += used) {
		used = 1;
		if (takes_value(c, argv[i]) && i + 1 < argc) {
			argv[n++] = argv[i];
			argv[n++] = argv[i + 1];
			used = 2;
			continue;
		}
		if ((rc = global_option(argv[i], i + 1 < argc ? argv[i + 1] :
		    NULL, o, &used)) == -1)
			return -1;
		if (rc == 0)
			argv[n++] = argv[i];
	}
	argv[n] = NULL;
	return n;
}

int
main(int argc, char **argv)
{
	struct opts	 o;
	const struct command *c = NULL;
	const char	*names[nitems(commands)], *hint;
	size_t		 i;
	int		 ch, rc;

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
			return usage_error();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		fprintf(stderr, "regiomon: no command given\n");
		return usage_error();
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[0], commands[i].name) == 0)
			c = &commands[i];
	if (c == NULL) {
		for (i = 0; i < nitems(commands); i++)
			names[i] = commands[i].name;
		out_printf(stderr, "regiomon: unknown command \"%s\"", argv[0]);
		if ((hint = did_you_mean(argv[0], names,
		    nitems(commands))) != NULL)
			fprintf(stderr, "; did you mean \"%s\"?", hint);
		fputc('\n', stderr);
		return usage_error();
	}
	/* status --exit-status: every failure is UNKNOWN, 3. */
	for (i = 1; c->fn == cmd_status && i < (size_t)argc; i++)
		o.plugin |= strcmp(argv[i], "--exit-status") == 0;
	if ((argc = hoist_globals(c, argc, argv, &o)) == -1) {
		cmd_usage_error(c);
		return o.plugin ? EXIT_UNKNOWN : EXIT_USAGE;
	}
	log_init(-1, o.verbose);
	if (cmd_wants_help(c, argc, argv))
		return 0;
	/* Count the arguments before loading anything the command needs. */
	if (argc - 1 < c->minargs || (c->maxargs != -1 &&
	    argc - 1 > c->maxargs)) {
		fprintf(stderr, "regiomon: %s: %s\n", c->name,
		    argc - 1 < c->minargs ? "missing arguments" :
		    "too many arguments");
		return cmd_usage_error(c);
	}
	/* A Nagios verdict of 2 is no usage error: status said its own. */
	if ((rc = cmd_main(c, &o, argc, argv)) == EXIT_USAGE && !o.plugin)
		cmd_usage_error(c);
	return rc;
}
