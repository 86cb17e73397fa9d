/* SPDX-License-Identifier: ISC */
/*
 * model/model.h: what regiomon knows: the config file's shape, the catalog,
 * the state file (state.json) and its lock, silences, and observations as
 * they travel between processes.
 */
#ifndef REGIOMON_MODEL_H
#define REGIOMON_MODEL_H

#include "core/core.h"

enum direction {
	DIR_HIGHER_IS_BETTER,
	DIR_LOWER_IS_BETTER,
	DIR_NEUTRAL
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
	struct baseline	*targets;	/* figures for a year after 2020 */
	size_t		 ntargets;
	double		 baseline_tolerance;	/* relative, 0.02 */
	int		 decimals;	/* shown at most; -1: as the figure */
	/*
	 * "kept_by_hand": only a report publishes it, and an analyst
	 * enters each figure (share/hand-kept.csv); NULL publisher: fed by
	 * a live source.
	 */
	const char	*kept_publisher;
	const char	*kept_url;	/* where it is published, or NULL */
	const char	*kept_cadence;	/* year, quarter, month, irregular */
	const char	*kept_note;	/* or NULL */
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
	json_t		*redirect_hosts; /* allow_redirect_hosts, or NULL */
	size_t		 index;		/* position in "sources" */
	char		**secrets;	/* secret files its plugin declared */
	size_t		 nsecrets;
	/* Why it waits for the admin (setup_sources()), or NULL. */
	char		*waiting;
};

struct conf {
	char		*path;		/* as given */
	char		*dir;		/* path's directory, absolute */
	json_t		*root;
	char		*state_dir;	/* absolute or relative to cwd */
	char		*plugin_dir;
	/* "illustrative": the data shown is not real (the demo), or NULL */
	const char	*ill_note;	/* borrowed from root */
	json_t		*ill_series;	/* borrowed: strings, or NULL */
	char		**catalogs;
	size_t		 ncatalogs;
	/* http */
	long		 http_connect_timeout;
	long		 http_timeout;
	size_t		 http_max_bytes;
	int		 http_retries;
	size_t		 http_low_speed_limit;	/* bytes a second, 0: none */
	long		 http_low_speed_time;	/* seconds */
	/* children */
	size_t		 child_memory;	/* bytes, 0: no limit */
	int		 run_observations; /* per run, 0: no cap */
	size_t		 run_spool;	/* bytes per run, 0: no cap */
	/* store */
	char		*rrdcached;	/* NULL: write files directly */
	/*
	 * Paths a plugin child is shut out of besides the state directory,
	 * the config and the sources' secrets: those of the parts above
	 * (the SMTP password file), set by the app's setup.
	 */
	char		**shut;
	size_t		 nshut;
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
	long		 nrefused;	/* series refused, apply.c */
	int		 check_only;	/* fetch --check: no data read */
};

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
int	indicator_decimals(const struct indicator *);
const struct baseline *indicator_baseline(const struct indicator *,
	    const char *);

/*
 * A key-table walk (common/keytab.h) whose errors go into d as "file:
 * json.path: message"; kt.arg is the caller's own context.
 */
struct conf_kt {
	struct keytab_ctx	 kt;	/* first: conf_json.c casts back */
	struct diags		*d;
	const char		*file;
};

/* conf.c */
struct conf *conf_read(const char *, struct diags *);
struct conf *conf_read_buffer(const char *, size_t, const char *,
	    struct diags *);
void	conf_free(struct conf *);
void	conf_source_add_secret(struct source *, const char *);
void	conf_source_forget_secrets(struct source *);
const struct source *conf_source(const struct conf *, const char *);
char	*conf_path(const struct conf *, const char *);

/* conf_json.c */
void	conf_kt_init(struct conf_kt *, struct diags *, const char *, void *);
json_t	*conf_json_file(const char *, struct diags *);
json_t	*conf_json_fd(int, const char *, struct diags *);
json_t	*conf_json_parse(const char *, size_t, const char *, struct diags *);
const char *conf_quote(const char *, char *, size_t);
const char *conf_got(const json_t *, char *, size_t);
const char *conf_jpath(char *, size_t, const char *, const char *, size_t);
const char *conf_check_id(struct diags *, const char *, const char *,
	    const json_t *);
void	conf_unknown_key(struct diags *, const char *, const char *,
	    const char *, const char *const *, size_t);

/* obs.c */
#define OBS_LINE_MAX	320	/* a line as obs_write_line() writes it */
/*
 * The largest magnitude of a value: the one range every check uses, from
 * the plugin's emit and the parent's reading of the child's lines to the
 * store, which needs v * 65536 and 2 * v to stay finite (store_text.c).
 */
#define OBS_VALUE_MAX	1e300
int	obs_value_check(const struct obs *, char *, size_t);
int	obs_from_json(const json_t *, struct obs *, char *, size_t);
json_t	*obs_to_json(const struct obs *);
int	obs_write_line(FILE *, const struct obs *);
size_t	obs_format_line(const struct obs *, char *, size_t);
int	obs_parse_line(const char *, size_t, struct obs *);

/* state.c */
#define STATE_FILE	"state.json"	/* in the state directory */
json_t	*state_load(const char *, int);
json_t	*state_read(const char *, size_t);
json_t	*state_series(json_t *, const char *, const char *);
json_t	*state_series_get(json_t *, const char *, const char *);
int	state_provisional(const json_t *, const char *);
const char *state_series_source(json_t *, const char *, const char *);
json_t	*state_series_copy(json_t *, const char *, const char *);
void	state_series_restore(json_t *, const char *, const char *, json_t *);
json_t	*state_source(json_t *, const char *);
json_t	*state_eval_get(json_t *);
void	state_eval_put(json_t *, json_t *);
void	state_notice_add(json_t *, const char *);
json_t	*state_notices(json_t *);
void	state_notices_clear(json_t *);
const char *state_source_status(const struct source *, const json_t *);

/* state_save.c */
int	state_save(const char *, json_t *);

/* statelock.c */
int	state_dir_owner_check(const char *);
int	state_dir_lock(const char *, const char *);

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
int	silences_lock(const char *);
void	silences_unlock(int);
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

#endif /* REGIOMON_MODEL_H */
