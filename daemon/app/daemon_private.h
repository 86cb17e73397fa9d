/* SPDX-License-Identifier: ISC */
/*
 * app/daemon_private.h: what the daemon's files share.  daemon.c is the
 * main loop around poll(), daemon_gen.c the generations of the config
 * and the reload, daemon_runs.c the runs in flight and their output.
 */
#ifndef REGIOMON_DAEMON_PRIVATE_H
#define REGIOMON_DAEMON_PRIVATE_H

#include <poll.h>
#include <stdio.h>

#include "core/core.h"
#include "model/model.h"
#include "run/run.h"
#include "app/app.h"
#include "app/cmd.h"

#define HOST_MAX	256

/*
 * A loaded configuration: config, catalog and plugins.  A reload makes a
 * new one; the old one lives on, retired, until the runs it started are
 * done.  The state is the daemon's, shared by all.
 */
struct gen {
	struct regiomon	 rm;
	size_t		 njobs;
	struct gen	*next;		/* in the retired list */
};

/* A source running in a child. */
struct run {
	struct gen		*gen;
	const struct source	*src;	/* in gen's config */
	struct sched_entry	*entry;
	struct job		*job;
	FILE			*sink;	/* the spool */
	char			 host[HOST_MAX];
};

/* The daemon: one, on daemon_run()'s stack. */
struct daemon {
	const struct opts	*opts;
	json_t			*state;		/* borrowed */
	struct gen		*cur;
	struct gen		*retired;
	struct sched		*sched;
	struct sdnotify		*sd;
	struct run		*runs;
	size_t			 nruns, capruns;
	struct pollfd		*pfd;
	size_t			 cappfd;
	int			 sigfd[2];	/* the self-pipe */
	double			 wd_period;	/* seconds, 0: no watchdog */
	double			 wd_next;
	/*
	 * The cycle: from a start with nothing running to nothing running,
	 * or to cyc_due (when cyc_held is set) while runs are still in
	 * flight, so that a failing or slow source cannot hold back what the
	 * others stored.  cyc_held: 0, nothing ended since the cycle's last
	 * end; CYC_ENDED, a run ended (cyc_due is a batch window later);
	 * CYC_CHANGED, a run stored a change (cyc_due is a batch window
	 * after the first that did).
	 */
	int			 in_cycle;
	int			 cyc_held;
	double			 cyc_due;	/* on mono_now() */
	size_t			 cyc_ok, cyc_failed;
	long			 cyc_changed;
};

#define CYC_ENDED	1
#define CYC_CHANGED	2

/* daemon_gen.c */
void	gen_free(struct gen *);
void	gen_release(struct daemon *, struct gen *);
void	gen_schedule(struct daemon *);
void	gen_note_next(struct daemon *, const struct sched_entry *, int);
void	gen_reload(struct daemon *, char *, size_t);

/* daemon_runs.c */
int	runs_host_busy(void *, const char *);
void	runs_start_due(struct daemon *, double);
void	runs_finish(struct daemon *, size_t);
void	runs_check_deadlines(struct daemon *, double);
void	runs_stop(struct daemon *);
void	runs_ended(struct daemon *, int, double);

#endif /* REGIOMON_DAEMON_PRIVATE_H */
