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
#include <stdint.h>
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
#define PERIOD_MAX	RM_PERIOD_MAX	/* "2020-Q3" and friends, with room */

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
	const char	*kind;		/* province, gemeente, region... */
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
	size_t			*rslot;		/* region index + 1, 0: none */
	size_t			 nrslot;	/* a power of two; 0: not yet */
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
	char		*dir;		/* path's directory, absolute */
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
	long		 nchanged;	/* series files changed, apply.c */
};

/*
 * A mail to send, before encoding: mail.c turns it into an RFC 5322
 * message (text part, HTML alternative, inline images referenced from the
 * HTML as "cid:<cid>").  All strings are UTF-8; header values are
 * sanitised by mail.c, never by the caller.
 */
struct mail_image {
	char		*cid;		/* e.g. "unemployment-rate.groningen" */
	char		*filename;	/* e.g. "jobs-assen.png" */
	unsigned char	*data;		/* PNG bytes */
	size_t		 len;
};

struct mail_msg {
	char		*subject;
	char		*text;		/* plain text body, '\n' line ends */
	char		*html;		/* HTML alternative, or NULL */
	struct mail_image *images;
	size_t		 nimages;
};

/* log.c */
void	log_init(int, int);
int	log_journal(void);
void	log_forked(void);
void	log_set_tag(const char *);
void	log_err(const char *, ...) __attribute__((__format__ (printf, 1, 2)));
void	log_errx(const char *, ...) __attribute__((__format__ (printf, 1, 2)));
void	log_warn(const char *, ...) __attribute__((__format__ (printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((__format__ (printf, 1, 2)));
void	log_notice(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((__format__ (printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((__format__ (printf, 1, 2)));
void	log_prio(int, const char *, ...)
	    __attribute__((__format__ (printf, 2, 3)));
void	log_vprio(int, const char *, va_list)
	    __attribute__((__format__ (printf, 2, 0)));
__dead void fatal(const char *, ...) __attribute__((__format__ (printf, 1, 2)));
__dead void fatalx(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2)));

/* util.c */
#define FNV_START	14695981039346656037ULL
uint64_t fnv1a(uint64_t, const char *);
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
long	env_long(const char *, long, long, long);
int	set_aside(const char *, char **);
int	write_all(int, const void *, size_t);
int	reap_by(pid_t, double, int *);
int	write_file_atomic(const char *, const void *, size_t);
char	*path_join(const char *, const char *);
char	*path_dirname(const char *);
size_t	edit_distance(const char *, const char *);
const char *did_you_mean(const char *, const char *const *, size_t);
void	fmt_double(char *, size_t, double);
time_t	wall_now(void);
/* Numbers in text for people: at most 4 decimals, 6 significant digits. */
#define FMT_HUMAN_DEC	4
#define FMT_HUMAN_SIG	6
int	fmt_human_decimals(double, int);
void	fmt_human(char *, size_t, double, int);
char	*json_dumps_exact(const json_t *, size_t);

/* diag.c */
void	diag_add(struct diags *, const char *, const char *, const char *, ...)
	    __attribute__((__format__ (printf, 4, 5)));
void	diag_print(const struct diags *, FILE *);
void	diag_log(const struct diags *);
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
struct catalog *catalog_load(char *const *, size_t, const char *,
	    struct diags *);
void	catalog_free(struct catalog *);

/* catalog_find.c */
void	catalog_index(struct catalog *);
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
struct conf *conf_load_all(const char *, struct diags *);
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
#define OBS_LINE_MAX	320	/* a line as obs_write_line() writes it */
int	obs_from_json(const json_t *, struct obs *, char *, size_t);
json_t	*obs_to_json(const struct obs *);
int	obs_write_line(FILE *, const struct obs *);
size_t	obs_format_line(const struct obs *, char *, size_t);
int	obs_parse_line(const char *, size_t, struct obs *);

/* store.c */
char	*store_path(const char *, const char *, const char *);
int	store_exists(const char *, const char *, const char *);
int	store_read(const char *, const char *, const char *, enum freq,
	    struct point **, size_t *);
int	store_write(const char *, const char *, const char *, enum freq,
	    const struct point *, size_t, int *);
int	store_batch_begin(const char *);
int	store_batch_commit(void);
void	store_batch_abort(void);

/* state.c */
json_t	*state_load(const char *, int);
json_t	*state_read(const char *, size_t);
int	state_save(const char *, json_t *);
json_t	*state_series(json_t *, const char *, const char *);
const char *state_series_source(json_t *, const char *, const char *);
json_t	*state_series_copy(json_t *, const char *, const char *);
void	state_series_restore(json_t *, const char *, const char *, json_t *);
json_t	*state_source(json_t *, const char *);
json_t	*state_eval_get(json_t *);
void	state_eval_put(json_t *, json_t *);

/* plugin.c */
int	plugin_load_file(const char *, const char *, struct plugin *, char *,
	    size_t);
const struct plugin *plugins_get(struct plugins *, const char *,
	    const char *, char *, size_t);
int	plugins_list(const char *, char ***, size_t *);
void	plugins_unload(struct plugins *);

/* statelock.c */
int	state_dir_owner_check(const char *);
int	state_dir_lock(const char *, const char *);

/* probe.c */
typedef int	 probe_fn(void *, int);
int	probe_run(probe_fn *, void *, const char *, char **, size_t *,
	    char *, size_t);

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
struct job *job_start_captured(struct regiomon *, const struct source *,
	    const struct plugin *, FILE *);
int	job_log_fd(const struct job *);
int	job_read_log(struct job *);
const char *job_log(const struct job *);
int	job_fd(const struct job *);
pid_t	job_pid(const struct job *);
const struct source *job_source(const struct job *);
double	job_deadline(const struct job *);
size_t	job_nobs(const struct job *);
int	job_read(struct job *);
int	job_check_timeout(struct job *, double);
int	job_finish(struct job *, char **, char *, size_t);
void	job_free(struct job *);
struct ahead;
int	job_run(struct regiomon *, const struct source *,
	    const struct plugin *, FILE *, struct ahead *, char **, size_t *,
	    char *, size_t);

/* apply.c */
#define APPLY_CORRUPT	(-2)	/* a spool line is not an observation */
int	apply_spool(struct regiomon *, const char *, const char *,
	    struct ahead *);
struct ahead *ahead_start(struct regiomon *, const char *, const char *);
int	ahead_step(struct ahead *, off_t);
void	ahead_free(struct ahead *);
char	*spool_path(const struct conf *, const char *, int);
int	apply_pending(struct regiomon *);

/* writer.c */
struct writer;
struct writer *writer_start(const char *);
void	writer_put(struct writer *, long, const char *, const char *,
	    enum freq, struct point *, size_t);
size_t	writer_wait(struct writer *, const long **);
void	writer_stop(struct writer *, int);

/* eval.c */
enum estate {				/* names as in state.json */
	ES_OK,
	ES_IMPROVED,
	ES_WARNING,
	ES_CRITICAL,
	ES_STALE,
	ES_NODATA
};
#define ES_COUNT	6

/* One value against the baseline; the measure is in the thresholds' unit. */
struct judgement {
	double		 shift_abs;
	double		 shift_pct;	/* NaN: baseline 0 */
	double		 measure;
	double		 worse;		/* > 0 is bad news */
};

/* Per-series state machine: confirmation and hysteresis. */
struct evmachine {
	enum estate	 state;		/* confirmed, never stale/nodata */
	enum estate	 pending;	/* candidate while npending > 0 */
	int		 npending;
	struct period	 since;		/* release that confirmed state */
	int		 has_since;
	int		 releases;
};

struct evbase {
	struct period	 period;
	double		 value;
	int		 from_catalog;	/* else the series' own 2020 */
};

struct evresult {
	enum estate	 state;		/* judged; nodata with a reason */
	const char	*reason;	/* static, or NULL */
	int		 has_base, has_latest;
	struct evbase	 base;
	struct period	 latest;
	double		 latest_value;
	struct judgement j;		/* of the latest value */
	struct evmachine m;
};

const char *eval_state_name(enum estate);
int	eval_state_parse(const char *, enum estate *);
int	eval_state_rank(enum estate);
void	eval_judge(const struct indicator *, double, double,
	    struct judgement *);
enum estate eval_raw(const struct indicator *, const struct judgement *,
	    enum estate);
void	eval_machine_init(struct evmachine *);
int	eval_machine_step(struct evmachine *, const struct indicator *,
	    const struct period *, const struct judgement *);
int	eval_baseline(const struct indicator *, const char *,
	    const struct point *, size_t, struct evbase *);
time_t	eval_stale_after(const struct indicator *, const struct period *);
int	eval_stale(const struct indicator *, const struct period *, time_t);
void	eval_series(const struct indicator *, const char *,
	    const struct point *, size_t, struct evresult *);

/* silence.c */
struct silence {
	long		 id;
	char		 indicator[ID_MAX];
	char		 region[ID_MAX];	/* "": every region */
	char		 until[16];		/* "YYYY-MM-DD" */
	time_t		 ends;			/* 00:00 UTC after until */
	char		*comment;
	char		*created;		/* ISO 8601 UTC, or NULL */
};

struct silences {
	struct silence	*v;
	size_t		 n;
	long		 next_id;
};

char	*silence_path(const char *);
int	silence_date_parse(const char *, time_t *);
int	silence_comment_ok(const char *);
int	silences_load(const char *, struct silences *, struct diags *);
int	silences_save(const char *, const struct silences *);
void	silences_free(struct silences *);
long	silence_add(struct silences *, const char *, const char *,
	    const char *, time_t, const char *, time_t);
int	silence_remove(struct silences *, long);
int	silence_expired(const struct silence *, time_t);
const struct silence *silence_match(const struct silences *, const char *,
	    const char *, time_t);

/* alert.c */
int	alert_conf_check(const json_t *, const char *, struct diags *);
json_t	*alert_evaluate(struct regiomon *, const struct indicator *,
	    const char *, const json_t *);
void	alert_stale(json_t *, const struct indicator *, time_t);
int	alert_eval_current(const json_t *, const struct indicator *,
	    const char *);
int	alert_cycle(struct regiomon *, time_t);
void	alert_evaluate_stored(struct regiomon *, const struct indicator *,
	    const char *, json_t *, const struct point *, size_t);

/* status.c */
size_t	status_width(const char *);
void	status_pad(FILE *, const char *, size_t);
void	status_fmt_shift(char *, size_t, double, double, double, double,
	    const char *);
json_t	*status_build(struct regiomon *, time_t, int, const char *,
	    const struct silences *);

/* mail.c */
struct mail_head {
	const char	*from;		/* bare address */
	const char	*from_name;	/* display name, or NULL */
	char *const	*to;
	size_t		 nto;
	const char	*msgid;		/* "<id@host>" */
	time_t		 date;
};
int	mail_build(const struct mail_head *, const struct mail_msg *,
	    char **, size_t *);
char	*mail_header_clean(const char *);
int	mail_random(void *, size_t);
void	mail_hostname(char *, size_t);

/* mailconf.c */
enum mail_transport {
	MAIL_MAILDIR,
	MAIL_SMTP
};
struct mail_conf {
	enum mail_transport transport;
	char		*from;
	char		*from_name;
	char		**to;
	size_t		 nto;
	char		*maildir;	/* resolved against the state dir */
	char		*url;		/* smtp:// or smtps:// */
	char		*username;	/* NULL: no AUTH */
	char		*password_file;	/* resolved against the config dir */
	char		*ca_file;	/* NULL: the system's CAs */
	long		 timeout;	/* seconds */
	int		 starttls;	/* require STARTTLS on smtp:// */
	int		 implicit_tls;	/* smtps:// */
	int		 loopback;
};
int	mail_conf_check(const json_t *, const char *, struct diags *);
int	mail_conf_get(const struct conf *, const json_t *, struct mail_conf *);
void	mail_conf_free(struct mail_conf *);
const char *mail_conf_describe(const struct mail_conf *, char *, size_t);

/* outbox.c */
int	mail_queue(const struct conf *, const json_t *,
	    const struct mail_msg *);
int	mail_queue_id(const struct conf *, const json_t *,
	    const struct mail_msg *, char *, size_t);
int	mail_flush(const struct conf *, const json_t *);
int	mail_flush_apart(const struct conf *, const json_t *);
void	mail_msg_free(struct mail_msg *);
int	outbox_pending(const struct conf *, const char *, char *, size_t);
int	outbox_drop(const struct conf *, const char *);

/* smtp.c */
struct smtp;
int	smtp_url_check(const char *, int *, int *, char *, size_t);
int	smtp_read_password(const char *, char *, size_t, char *, size_t);
struct smtp *smtp_open(const struct mail_conf *, char *, size_t);
int	smtp_send(struct smtp *, const char *, size_t, int *, long *, char *,
	    size_t);
void	smtp_close(struct smtp *);

/* maildir.c */
int	maildir_deliver(const char *, const char *, size_t, char *, size_t);

/* label.c */
enum lang {
	LANG_NL,
	LANG_EN
};

/*
 * The words of graphs, the report and the alert mail; the table in
 * label.c is in order.
 */
enum lbl {
	L_REPORT_TITLE, L_REPORT_INTRO, L_UPDATED, L_CHOOSE_REGION,
	L_KIND_REGION, L_KIND_PROVINCE, L_KIND_GEMEENTE, L_KIND_COUNTRY,
	L_CHALLENGE, L_CONTENTS, L_SUM_IMPROVED, L_SUM_STABLE, L_SUM_WORSE,
	L_SUM_UNKNOWN, L_SUM_NONE, L_ST_OK, L_ST_IMPROVED, L_ST_WARNING,
	L_ST_CRITICAL, L_ST_STALE, L_ST_NODATA, L_BASELINE, L_LATEST,
	L_SHIFT, L_PROVISIONAL, L_SOURCE, L_SILENCED, L_NO_GRAPH,
	L_FROM_SERIES, L_DIR_HIGHER, L_DIR_LOWER, L_DIR_NEUTRAL,
	L_WARNING_ZONE, L_CRITICAL_ZONE, L_OBSERVED, L_GRAPH_OF, L_GRAPHS,
	L_FOOTER, L_PCT_POINTS, L_PROVISIONAL_LEGEND, L_GRAPH_FAILED,
	L_MAIL_H_INDICATOR, L_MAIL_INDICATOR, L_MAIL_INDICATORS,
	L_MAIL_MOVED, L_MAIL_BACK_OK, L_MAIL_REMINDER, L_MAIL_REMINDERS,
	L_MAIL_H_CHANGE, L_MAIL_H_SHIFT, L_MAIL_NEW, L_MAIL_STILL,
	L_MAIL_RESOLVED, L_MAIL_VS, L_MAIL_NO_BASELINE, L_MAIL_PROVISIONAL,
	L_MAIL_SHIFT_NOTE, L_MAIL_HOWTO,
	L_COUNT
};

const char *label(enum lang, enum lbl);
int	label_check(void);
int	label_lang(const char *, enum lang *);
const char *label_lang_name(enum lang);
const char *label_state(enum lang, const char *);
int	label_decimals(double, int);
void	label_num(enum lang, double, int, int, char *, size_t);
void	label_value(enum lang, double, const char *, char *, size_t);

/* graph.c */
#define GRAPH_WIDTH		640	/* `regiomon graph` and the report */
#define GRAPH_HEIGHT		240
#define GRAPH_MAIL_WIDTH	600
#define GRAPH_MAIL_HEIGHT	220
#define GRAPH_MAIL_MAX		20	/* graphs in one alert mail */
#define GRAPH_SIZE_MIN		100
#define GRAPH_SIZE_MAX		4000

enum graph_fmt {
	GRAPH_PNG,
	GRAPH_SVG
};

struct graph_req {
	const struct indicator	*ind;
	const struct region	*reg;
	enum lang		 lang;
	enum graph_fmt		 fmt;
	int			 width, height;	/* of the whole image */
	struct renderer		*renderer;	/* NULL: one for this graph */
};

int	graph_series(struct regiomon *, const struct graph_req *,
	    unsigned char **, size_t *);
int	graph_mail_attach(struct regiomon *, const struct indicator *,
	    const struct region *, enum lang, struct mail_msg *);
void	graph_latest_text(enum lang, const struct indicator *,
	    const struct point *, int, char *, size_t);
const char *graph_title(enum lang, const struct indicator *);

/* render.c */
struct renderer {
	pid_t		 pid;
	int		 fd;		/* -1: lost */
};
struct renderer *render_start(void);
void	render_stop(struct renderer *);
int	render_draw(struct renderer *, int, char **, const char *,
	    unsigned char **, size_t *);

/* report.c */
#define REPORT_MAIN_REGION	"rga"	/* index.html; the others region-ID */
#define REPORT_GRAPH_WIDTH	540
#define REPORT_GRAPH_HEIGHT	240

struct report_conf {
	char		*dir;		/* resolved against the state dir */
	enum lang	 lang;
	int		 enabled;
};
int	report_conf_check(const json_t *, const char *, struct diags *);
int	report_conf_get(const struct conf *, struct report_conf *);
void	report_conf_free(struct report_conf *);
enum lang report_conf_lang(const struct conf *);
int	report_write(struct regiomon *, const char *, enum lang);
int	report_cycle(struct regiomon *);
int	report_fresh(const struct regiomon *);

/* report_html.c */
void	report_html_puts(FILE *, const char *);
void	report_page_name(const struct region *, char *, size_t);
void	report_html_page(FILE *, struct regiomon *, const json_t *,
	    const struct region *, enum lang, time_t);

/* sched.c */
typedef double sched_clock_fn(void);
typedef int sched_block_fn(void *, const char *);
struct sched;
struct sched_entry {
	char		 name[ID_MAX];	/* the source's */
	long		 interval;	/* seconds */
	double		 due;		/* next run, on the scheduler's clock */
	double		 started;	/* the current or last run */
	double		 last;		/* end of the last run, -1: none */
	unsigned	 failures;	/* consecutive */
	int		 running;
	int		 failing;	/* the failure was logged */
	int		 slow;		/* the overlong run was logged */
	int		 removed;	/* left the config, still running */
	int		 seen;		/* mark of a sync */
	char		 why[256];	/* the last failure */
};
double	sched_first_delay(const char *, long);
double	sched_backoff(const char *, long, unsigned);
const char *sched_fmt_duration(char *, size_t, double);
struct sched *sched_new(sched_clock_fn *);
void	sched_free(struct sched *);
double	sched_now(const struct sched *);
size_t	sched_count(const struct sched *);
struct sched_entry *sched_entry_at(const struct sched *, size_t);
struct sched_entry *sched_find(const struct sched *, const char *);
void	sched_sync_begin(struct sched *);
struct sched_entry *sched_sync_add(struct sched *, const char *, long,
	    double, unsigned, const char *);
void	sched_sync_end(struct sched *);
struct sched_entry *sched_next(struct sched *, double, sched_block_fn *,
	    void *);
double	sched_wait(const struct sched *, double, sched_block_fn *, void *);
void	sched_started(struct sched *, struct sched_entry *, double);
void	sched_done(struct sched *, struct sched_entry *, double, int,
	    const char *);

/* sdnotify.c */
struct sdnotify;
struct sdnotify *sdnotify_open(void);
void	sdnotify_close(struct sdnotify *);
int	sdnotify_active(const struct sdnotify *);
long long sdnotify_watchdog_usec(const struct sdnotify *);
int	sdnotify_send(struct sdnotify *, const char *, ...)
	    __attribute__((__format__ (printf, 2, 3)));
int	sdnotify_reloading(struct sdnotify *);

/* cmd_daemon.c */
int	daemon_conf_check(const json_t *, const char *, struct diags *);
int	daemon_max_children(const struct conf *);

/* store.c (rrdcached) */
int	store_use_rrdcached(const char *);

#endif /* REGIOMON_H */
