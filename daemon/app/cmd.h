/* SPDX-License-Identifier: ISC */
/*
 * cmd.h: what the subcommands share: their table entry, the global options,
 * and the loading of config, catalog and state they need.
 */
#ifndef REGIOMON_CMD_H
#define REGIOMON_CMD_H

#include "core/core.h"
#include "model/model.h"
#include "run/run.h"

/*
 * `status --exit-status` is a Nagios plugin: 0 OK, 1 WARNING, 2 CRITICAL,
 * and 3 UNKNOWN for whatever kept it from judging (usage, config, state).
 */
#define EXIT_UNKNOWN	3

enum need {
	NEED_NOTHING,		/* the command loads what it needs itself */
	NEED_CONF,		/* config only */
	NEED_CATALOG,		/* config and catalog */
	NEED_ALL,		/* config, catalog and state */
	NEED_ALL_LOCKED		/* the same, the state dir taken first */
};

struct opts {
	const char	*conf_path;
	const char	*plugin_dir;
	const char	*state_dir;
	int		 verbose;
	int		 plugin;	/* status --exit-status: failing is 3 */
};

/*
 * One subcommand.  Its usage line(s), summary and help text live here, in
 * the table in main.c, and nowhere else: `--help`, the usage error and
 * the global list all print from it.
 */
struct command {
	const char	*name;
	int		(*fn)(struct regiomon *, const struct opts *, int,
			    char **);
	enum need	 need;
	int		 minargs;	/* arguments after the name */
	int		 maxargs;	/* -1: any number */
	const char	*valopts;	/* its options that take a value */
	const char	*usage;		/* "graph INDICATOR ...", a line each */
	const char	*summary;	/* one line, for `regiomon --help` */
	const char	*help;		/* arguments, options, exit status */
};

/* main.c */
int	cmd_wants_help(const struct command *, int, char **);
void	cmd_usage(const struct command *, FILE *);

/* cmd.c */
int	cmd_main(const struct command *, const struct opts *, int, char **);
int	cmd_open(struct regiomon *, const struct opts *, enum need,
	    const char *);
void	cmd_close(struct regiomon *);

/* cmd_args.c */
void	cmd_unknown(const char *, const char *, const char *,
	    const char *const *, size_t, int);
const struct indicator *cmd_indicator(const struct catalog *, const char *,
	    const char *);
const struct region *cmd_region(const struct catalog *, const char *,
	    const char *);
int	cmd_series(const struct catalog *, const char *, const char *, int,
	    char *, char *);
const char *cmd_opt_value(int, char **, int *, const char *, int *);
int	cmd_print_json(json_t *);

/* cmd_run.c */
int	run_source(struct regiomon *, const struct source *);
int	cmd_run(struct regiomon *, const struct opts *, int, char **);
int	cmd_fetch(struct regiomon *, const struct opts *, int, char **);

/* cmd_history.c */
int	cmd_history(struct regiomon *, const struct opts *, int, char **);

/* cmd_check.c */
int	cmd_check_config(struct regiomon *, const struct opts *, int,
	    char **);
int	cmd_plugins(struct regiomon *, const struct opts *, int, char **);

/* cmd_describe.c */
int	cmd_describe(struct regiomon *, const struct opts *, int, char **);

/* cmd_status.c */
int	cmd_status(struct regiomon *, const struct opts *, int, char **);

/* cmd_sources.c */
json_t	*sources_doc(struct regiomon *);

/* orphans.c */
json_t	*orphans_doc(struct regiomon *);
void	orphans_print(FILE *, const json_t *);
int	cmd_sources(struct regiomon *, const struct opts *, int, char **);

/* cmd_forget.c */
int	cmd_forget(struct regiomon *, const struct opts *, int, char **);

/* cmd_silence.c */
int	cmd_silence(struct regiomon *, const struct opts *, int, char **);

/* cmd_testmail.c */
int	cmd_test_mail(struct regiomon *, const struct opts *, int, char **);

/* cmd_graph.c */
int	cmd_graph(struct regiomon *, const struct opts *, int, char **);

/* cmd_report.c */
int	cmd_report(struct regiomon *, const struct opts *, int, char **);

/* cmd_daemon.c */
int	cmd_daemon(struct regiomon *, const struct opts *, int, char **);

/* daemon.c */
int	daemon_run(struct regiomon *, const struct opts *);

#endif /* REGIOMON_CMD_H */
