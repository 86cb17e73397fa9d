/* SPDX-License-Identifier: ISC */
/*
 * app/app.h: the application: loading a config with everything it names
 * checked, the commands, the daemon loop and its schedule, and sd_notify.
 */
#ifndef REGIOMON_APP_H
#define REGIOMON_APP_H

#include "core/core.h"
#include "model/model.h"

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

/* setup.c */
struct opts;
#define SETUP_RRDCACHED	0x01	/* the store uses the config's rrdcached */
#define SETUP_CATALOG	0x02	/* load the catalog too */
#define SETUP_SOURCES	0x04	/* check the sources' plugin configs */
#define SETUP_ALL	0x08	/* on past errors, every source */
#define SETUP_RUNNING	0x10	/* a plugin that will not load fails its run */
struct conf *setup_conf(const char *, struct diags *);
struct conf *setup_conf_all(const char *, struct diags *);
struct conf *setup_conf_buffer(const char *, size_t, const char *,
	    struct diags *);
int	setup_load(struct regiomon *, const struct opts *, int, const char *,
	    struct diags *);
int	setup_wanted(const struct source *, int, char *const *, size_t);
int	setup_sources(struct regiomon *, int, char *const *, size_t,
	    struct diags *);
size_t	setup_log_waiting(const struct conf *);

/* daemonconf.c */
int	daemon_conf_check(const json_t *, const char *, struct diags *);
int	daemon_max_children(const struct conf *);
long	daemon_batch_window(const struct conf *);

#endif /* REGIOMON_APP_H */
