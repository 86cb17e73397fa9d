/* SPDX-License-Identifier: ISC */
/*
 * regiomon.h: structs shared across the daemon's files and every non-static
 * prototype, grouped by the file that defines it.  Plugins never include
 * this; their header is regiomon-plugin.h.
 */
#ifndef REGIOMON_H
#define REGIOMON_H

#include <sys/types.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include <jansson.h>

#include "regiomon-plugin.h"

#ifndef REGIOMON_VERSION
#define REGIOMON_VERSION	"0.1.0"
#endif
#ifndef REGIOMON_CONF
#define REGIOMON_CONF		"/etc/regiomon/regiomon.json"
#endif
#ifndef REGIOMON_USER
#define REGIOMON_USER		"regiomon"
#endif

/* Exit codes of the command line (sysexits for the config). */
#define EXIT_USAGE	2
#define EXIT_CONFIG	78

#define ID_MAX		64	/* indicator, region and source ids */
#define PERIOD_MAX	16	/* "2020-Q3" and friends, with room */

#ifndef __dead
#define __dead		__attribute__((__noreturn__))
#endif

enum freq {
	FREQ_YEAR,
	FREQ_QUARTER,
	FREQ_MONTH
};

/* A statistical period: a year, a quarter (index 1-4) or a month (1-12). */
struct period {
	int		year;
	enum freq	freq;
	int		index;		/* 0 for a year */
};

enum direction {
	DIR_HIGHER_IS_BETTER,
	DIR_LOWER_IS_BETTER,
	DIR_NEUTRAL
};

/*
 * One error found while reading a file: the file, where in it (a JSON path
 * like "sources[1].interval" or "line 3, column 7") and what was expected.
 */
struct diag {
	char	*file;
	char	*where;
	char	*msg;
};

struct diags {
	struct diag	*v;
	size_t		 n;
};

/* The catalog: strings are borrowed from root, alive until catalog_free. */
struct region {
	const char	*id;
	const char	*name;
	const char	*kind;		/* province, gemeente, region, country */
	const char	*parent;	/* NULL unless a gemeente */
	json_t		*codes;		/* scheme -> code, borrowed */
	json_t		*members;	/* array of region ids, or NULL */
};

struct challenge {
	int		 number;
	const char	*id;
	const char	*title;
	const char	*title_en;
	const char	*question;
	const char	*question_en;
};

struct baseline {
	const char	*region;
	struct period	 period;
	double		 value;
	const char	*quote;
};

struct indicator {
	const char	*id;
	int		 challenge;
	const char	*title;
	const char	*title_en;
	const char	*unit;
	enum freq	 freq;
	enum direction	 direction;
	int		 relative;	/* thresholds in % of the baseline */
	double		 warning;
	double		 critical;
	double		 hysteresis;
	int		 confirm;	/* consecutive periods, >= 1 */
	long		 grace;		/* seconds */
	const char	*citation;
	const char	*source;
	struct baseline	*baselines;
	size_t		 nbaselines;
};

struct catalog {
	json_t			*root;		/* merged documents, owned */
	struct region		*regions;
	size_t			 nregions;
	struct challenge	*challenges;
	size_t			 nchallenges;
	struct indicator	*indicators;
	size_t			 nindicators;
};

struct source {
	const char	*name;
	const char	*plugin;
	long		 interval;	/* seconds */
	long		 timeout;	/* seconds */
	int		 enabled;
	json_t		*config;	/* the plugin's object, borrowed */
	size_t		 index;		/* position in "sources" */
};

struct conf {
	char		*path;		/* as given */
	char		*dir;		/* directory of path, for relative paths */
	json_t		*root;
	char		*state_dir;	/* absolute or relative to cwd */
	char		*plugin_dir;
	char		**catalogs;
	size_t		 ncatalogs;
	/* http */
	long		 http_connect_timeout;
	long		 http_timeout;
	size_t		 http_max_bytes;
	int		 http_retries;
	/* children */
	size_t		 child_memory;	/* bytes, 0: no limit */
	/* store */
	char		*rrdcached;	/* NULL: write files directly */
	struct source	*sources;
	size_t		 nsources;
};

/* An observation as it travels from child to parent and into the spool. */
struct obs {
	char		indicator[ID_MAX];
	char		region[ID_MAX];
	struct period	period;
	double		value;
	int		missing;
	int		provisional;
};

/* One period's value of a series, as stored. */
struct point {
	struct period	period;
	double		value;		/* NaN: missing */
};

/* A loaded plugin. */
struct plugin {
	char		*name;
	char		*path;
	void		*handle;
	struct rm_plugin desc;
};

struct plugins {
	struct plugin	*v;
	size_t		 n;
};

/* The parts a command works with; passed explicitly, no globals. */
struct regiomon {
	struct conf	*conf;
	struct catalog	*catalog;
	struct plugins	 plugins;
	json_t		*state;		/* STATE/state.json, see state.c */
	int		 verbose;
};

/* log.c */
void	log_init(int, int);
void	log_set_tag(const char *);
void	log_err(const char *, ...) __attribute__((__format__ (printf, 1, 2)));
void	log_errx(const char *, ...) __attribute__((__format__ (printf, 1, 2)));
void	log_warn(const char *, ...) __attribute__((__format__ (printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((__format__ (printf, 1, 2)));
void	log_notice(const char *, ...) __attribute__((__format__ (printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((__format__ (printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((__format__ (printf, 1, 2)));
void	log_prio(int, const char *, ...) __attribute__((__format__ (printf, 2, 3)));
void	log_vprio(int, const char *, va_list) __attribute__((__format__ (printf, 2, 0)));
__dead void fatal(const char *, ...) __attribute__((__format__ (printf, 1, 2)));
__dead void fatalx(const char *, ...) __attribute__((__format__ (printf, 1, 2)));

/* util.c */
size_t	strlcpy(char *, const char *, size_t);
void	*xcalloc(size_t, size_t);
char	*xstrdup(const char *);
int	xasprintf(char **, const char *, ...)
	    __attribute__((__format__ (printf, 2, 3)));
int	id_valid(const char *);
int	duration_parse(const char *, long *);
int	size_parse(const char *, size_t *);
int	mkdir_p(const char *, mode_t);
int	fsync_dir(const char *);
int	write_file_atomic(const char *, const void *, size_t);
char	*path_join(const char *, const char *);
char	*path_dirname(const char *);
size_t	edit_distance(const char *, const char *);
const char *did_you_mean(const char *, const char *const *, size_t);
void	fmt_double(char *, size_t, double);

/* diag.c */
void	diag_add(struct diags *, const char *, const char *, const char *, ...)
	    __attribute__((__format__ (printf, 4, 5)));
void	diag_print(const struct diags *, FILE *);
void	diag_free(struct diags *);

/* period.c */
int	period_parse(const char *, struct period *);
int	period_format(const struct period *, char *, size_t);
time_t	period_start(const struct period *);
time_t	period_end(const struct period *);
int	period_cmp(const struct period *, const struct period *);
void	period_next(const struct period *, struct period *);
int	period_valid(const struct period *);
int	freq_parse(const char *, enum freq *);
const char *freq_name(enum freq);
long	freq_max_seconds(enum freq);

/* catalog.c */
struct catalog *catalog_load(char *const *, size_t, const char *, struct diags *);
void	catalog_free(struct catalog *);
const struct region *catalog_region(const struct catalog *, const char *);
const struct indicator *catalog_indicator(const struct catalog *, const char *);
const struct challenge *catalog_challenge(const struct catalog *, int);
const char *region_code(const struct region *, const char *);
const struct region *catalog_region_by_code(const struct catalog *,
	    const char *, const char *);
const struct baseline *indicator_baseline(const struct indicator *,
	    const char *);

/* conf.c */
struct conf *conf_load(const char *, struct diags *);
struct conf *conf_load_buffer(const char *, size_t, const char *,
	    struct diags *);
void	conf_free(struct conf *);
const struct source *conf_source(const struct conf *, const char *);
char	*conf_path(const struct conf *, const char *);
json_t	*conf_json_file(const char *, struct diags *);
const char *conf_quote(const char *, char *, size_t);
const char *conf_got(const json_t *, char *, size_t);
const char *conf_jpath(char *, size_t, const char *, const char *, size_t);
const char *conf_check_id(struct diags *, const char *, const char *,
	    const json_t *);
void	conf_unknown_key(struct diags *, const char *, const char *,
	    const char *, const char *const *, size_t);

/* obs.c */
int	obs_from_json(const json_t *, struct obs *, char *, size_t);
json_t	*obs_to_json(const struct obs *);
int	obs_write_line(FILE *, const struct obs *);

/* store.c */
char	*store_path(const char *, const char *, const char *);
int	store_read(const char *, const char *, const char *, enum freq,
	    struct point **, size_t *);
int	store_write(const char *, const char *, const char *, enum freq,
	    const struct point *, size_t, int *);

/* state.c */
json_t	*state_load(const char *);
int	state_save(const char *, json_t *);
json_t	*state_series(json_t *, const char *, const char *);
json_t	*state_source(json_t *, const char *);

/* plugin.c */
int	plugin_load_file(const char *, const char *, struct plugin *, char *,
	    size_t);
const struct plugin *plugins_get(struct plugins *, const char *,
	    const char *, char *, size_t);
int	plugins_list(const char *, char ***, size_t *);
void	plugins_unload(struct plugins *);

/* host.c */
struct rm_ctx *host_ctx_new(struct regiomon *, const struct source *,
	    FILE *, struct diags *);
int	host_ctx_failed(const struct rm_ctx *);
void	host_ctx_free(struct rm_ctx *);
const struct rm_host *host_table(void);
int	host_obs_check(const struct catalog *, const struct obs *, char *,
	    size_t);
int	host_check_source(struct regiomon *, const struct plugin *,
	    const struct source *, struct diags *);

/* http.c */
int	http_global_init(void);
void	http_global_cleanup(void);
int	http_get(const struct conf *, const char *, const struct rm_request *,
	    struct rm_response *, char *, size_t);
void	http_response_free(struct rm_response *);

/* runner.c */
enum job_result {
	JOB_OK,
	JOB_UNCHANGED,
	JOB_FAILED
};
struct job;
double	mono_now(void);
struct job *job_start(struct regiomon *, const struct source *,
	    const struct plugin *, FILE *);
int	job_fd(const struct job *);
pid_t	job_pid(const struct job *);
const struct source *job_source(const struct job *);
double	job_deadline(const struct job *);
size_t	job_nobs(const struct job *);
int	job_read(struct job *);
int	job_check_timeout(struct job *, double);
int	job_finish(struct job *, char **, char *, size_t);
void	job_free(struct job *);
int	job_run(struct regiomon *, const struct source *,
	    const struct plugin *, FILE *, char **, size_t *, char *, size_t);

/* apply.c */
int	apply_spool(struct regiomon *, const char *, const char *);
char	*spool_path(const struct conf *, const char *, int);
int	apply_pending(struct regiomon *);

#endif /* REGIOMON_H */
