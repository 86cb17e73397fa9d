/* SPDX-License-Identifier: ISC */
/*
 * daemon.c: `regiomon daemon`, one single-threaded parent around poll():
 * the main loop, its signals (SIGHUP reloads, SIGTERM and SIGINT stop)
 * and what systemd hears.  Between events it sleeps until the next source
 * is due, a run's deadline, or systemd's watchdog ping.  The runs are
 * daemon_runs.c, the generations of the config daemon_gen.c.
 */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"
#include "run/run.h"
#include "report/report.h"
#include "alert/alert.h"
#include "app/app.h"
#include "app/cmd.h"
#include "app/daemon_private.h"

/* The only mutable file-scope state: what the signal handler uses. */
static volatile sig_atomic_t	 sig_term;
static volatile sig_atomic_t	 sig_hup;
static volatile sig_atomic_t	 sig_wfd = -1;
static volatile sig_atomic_t	 sig_journal;	/* "<N>" log prefixes */

/*
 * Said from the handler (write(2) is async-signal-safe) the moment the
 * first request to stop arrives: the store step under way may take a
 * while, and whoever sent it learns that a second one stops at once.
 */
#define STOPPING_MSG	"stopping after the store step under way; " \
			"signal again to stop at once\n"

static void
on_signal(int sig)
{
	static const char	 jmsg[] = "<5>" STOPPING_MSG;
	static const char	 pmsg[] = "regiomon: " STOPPING_MSG;
	int			 saved = errno;
	char			 c = (char)sig;
	ssize_t			 r = 0;

	if (sig == SIGHUP)
		sig_hup = 1;
	else {
		if (sig_term) {
			/*
			 * Asked twice: die of the signal (on return from
			 * here, where it is blocked) as if never caught.
			 * Rebuilt RRD files, state.json and spools are
			 * renamed into place when complete, an append cut
			 * short leaves a partial period that the next write
			 * rebuilds, and a complete spool not yet applied is
			 * applied on the next start: nothing is lost.
			 */
			signal(sig, SIG_DFL);
			raise(sig);
		}
		sig_term = sig;
		if (sig_journal)
			r = write(STDERR_FILENO, jmsg, sizeof(jmsg) - 1);
		else
			r = write(STDERR_FILENO, pmsg, sizeof(pmsg) - 1);
	}
	if (sig_wfd != -1)
		r = write(sig_wfd, &c, 1);
	(void)r;
	errno = saved;
}

static int
signals_init(struct daemon *d)
{
	struct sigaction	 sa;

	if (pipe2(d->sigfd, O_CLOEXEC | O_NONBLOCK) == -1) {
		log_err("pipe");
		return -1;
	}
	sig_wfd = d->sigfd[1];
	sig_journal = getenv("JOURNAL_STREAM") != NULL;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGHUP, &sa, NULL) == -1 ||
	    sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1) {
		log_err("sigaction");
		return -1;
	}
	/* A closed log stream or socket must not kill the daemon. */
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = 0;
	sigaction(SIGPIPE, &sa, NULL);
	return 0;
}

static void
signals_fini(struct daemon *d)
{
	signal(SIGHUP, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	sig_wfd = -1;
	if (d->sigfd[0] != -1)
		close(d->sigfd[0]);
	if (d->sigfd[1] != -1)
		close(d->sigfd[1]);
}

/* "3 sources, 1 failing (cbs-x); last cycle ...; next run in 5m". */
static void
status_text(struct daemon *d, const char *what, char *buf, size_t len)
{
	struct sched_entry	*e;
	char			 failing[160], next[32];
	size_t			 i, nfail = 0, o = 0;
	double			 w;
	int			 n;

	failing[0] = '\0';
	for (i = 0; i < sched_count(d->sched); i++) {
		e = sched_entry_at(d->sched, i);
		if (!e->failing)
			continue;
		nfail++;
		n = snprintf(failing + o, sizeof(failing) - o, "%s%s",
		    o == 0 ? " (" : ", ", e->name);
		if (n > 0 && (size_t)n < sizeof(failing) - o)
			o += (size_t)n;
	}
	if (o > 0 && o + 1 < sizeof(failing)) {
		failing[o++] = ')';
		failing[o] = '\0';
	}
	w = sched_wait(d->sched, sched_now(d->sched), NULL, NULL);
	if (w < 0)
		strlcpy(next, "none", sizeof(next));
	else
		sched_fmt_duration(next, sizeof(next), w);
	snprintf(buf, len, "%zu sources, %zu failing%s; %s; next run in %s",
	    sched_count(d->sched), nfail, failing, what, next);
}

static void
notify_status(struct daemon *d, const char *prefix, const char *what)
{
	char	 st[512];

	status_text(d, what, st, sizeof(st));
	sdnotify_send(d->sd, "%sSTATUS=%s", prefix, st);
}

/*
 * A cycle ended: evaluate, alert, write the report, save the state.
 * Called from the loop only, between runs: a run's output is applied
 * whole in runs_finish(), so the state and the store are consistent
 * here even while other runs' children are still fetching (they write
 * only their spools).
 */
static void
cycle_end(struct daemon *d)
{
	struct regiomon	*rm = &d->cur->rm;
	char		 what[160];
	size_t		 o;

	/*
	 * Every cycle, not only one that stored data: alert_cycle() also
	 * marks series stale and retries the mail left in the outbox.
	 */
	alert_cycle(rm, time(NULL));
	if (d->cyc_changed > 0)
		report_cycle(rm);
	state_save(rm->conf->state_dir, d->state);
	snprintf(what, sizeof(what), "last cycle: %zu ok, %zu failed, %ld "
	    "series changed", d->cyc_ok, d->cyc_failed, d->cyc_changed);
	o = strlen(what);
	if (d->nruns > 0)
		snprintf(what + o, sizeof(what) - o, ", %zu still running",
		    d->nruns);
	log_debug("%s", what);
	notify_status(d, "", what);
	/* The runs in flight end the next cycle. */
	d->in_cycle = d->nruns > 0;
	d->cyc_held = 0;
	d->cyc_ok = d->cyc_failed = 0;
	d->cyc_changed = 0;
}

/*
 * 1 if the cycle is over: every run has ended, or the batch window of
 * the runs that ended is over while others are still in flight.
 */
static int
cycle_over(const struct daemon *d, double now)
{
	if (!d->in_cycle)
		return 0;
	return d->nruns == 0 || (d->cyc_held && now >= d->cyc_due);
}

/* Milliseconds poll() may sleep: until the next thing to do, or -1. */
static int
poll_timeout(struct daemon *d, double now)
{
	double	 t = INFINITY, w;
	size_t	 i;

	for (i = 0; i < d->nruns; i++)
		t = fmin(t, job_deadline(d->runs[i].job) - now);
	if (d->nruns < (size_t)daemon_max_children(d->cur->rm.conf) &&
	    (w = sched_wait(d->sched, now, runs_host_busy, d)) >= 0)
		t = fmin(t, w);
	if (d->in_cycle && d->cyc_held)
		t = fmin(t, d->cyc_due - now);
	if (d->wd_period > 0)
		t = fmin(t, d->wd_next - now);
	if (isinf(t))
		return -1;
	if (t <= 0)
		return 0;
	/* Rounded up, so that the due time has passed on waking. */
	if (t * 1000 >= 2147483647.0)
		return 2147483647;
	return (int)ceil(t * 1000);
}

static void
watchdog(struct daemon *d, double now)
{
	if (d->wd_period <= 0 || now < d->wd_next)
		return;
	sdnotify_send(d->sd, "WATCHDOG=1");
	d->wd_next = now + d->wd_period;
}

/* SIGHUP: load the config again; systemd hears of it either way. */
static void
reload(struct daemon *d)
{
	char	 what[128];

	sdnotify_reloading(d->sd);
	gen_reload(d, what, sizeof(what));
	notify_status(d, "READY=1\n", what);
}

static void
drain_signals(struct daemon *d)
{
	char	 buf[64];

	while (read(d->sigfd[0], buf, sizeof(buf)) > 0)
		;
}

/*
 * Poll the self-pipe and, for every run, its output and its log once.
 * Run i's descriptors are at 1 + 2i and 2 + 2i (-1, ignored, when the
 * log is at its end).
 */
static void
poll_once(struct daemon *d, int ms)
{
	struct pollfd	*v, *p;
	size_t		 i, n = 2 * d->nruns + 1;

	if (n > d->cappfd) {
		if ((v = reallocarray(d->pfd, n, sizeof(*v))) == NULL)
			fatal(NULL);
		d->pfd = v;
		d->cappfd = n;
	}
	d->pfd[0].fd = d->sigfd[0];
	d->pfd[0].events = POLLIN;
	for (i = 0; i < d->nruns; i++) {
		p = &d->pfd[1 + 2 * i];
		p[0].fd = job_fd(d->runs[i].job);
		p[1].fd = job_log_fd(d->runs[i].job);
		p[0].events = p[1].events = POLLIN;
	}
	if (poll(d->pfd, n, ms) == -1) {
		if (errno != EINTR)
			fatal("poll");
		return;
	}
	if (d->pfd[0].revents != 0)
		drain_signals(d);
	/* Backwards: finishing run i moves only those after it. */
	for (i = d->nruns; i-- > 0;) {
		p = &d->pfd[1 + 2 * i];
		if (p[1].revents != 0)
			job_read_log(d->runs[i].job);
		if (p[0].revents == 0)
			continue;
		if (job_read(d->runs[i].job) == 1) {
			runs_finish(d, i);
			/* Stop after the store step under way. */
			if (sig_term)
				return;
		}
	}
}

static void
loop(struct daemon *d)
{
	double	 now;

	for (;;) {
		if (sig_term)
			return;
		if (sig_hup) {
			sig_hup = 0;
			reload(d);
		}
		now = mono_now();
		runs_check_deadlines(d, now);
		runs_start_due(d, now);
		if (cycle_over(d, mono_now()))
			cycle_end(d);
		watchdog(d, mono_now());
		poll_once(d, poll_timeout(d, mono_now()));
	}
}

/*
 * Stop: the runs in flight are killed and lose their output (nothing of
 * them is stored), the state is saved.
 */
static void
stop(struct daemon *d)
{
	sdnotify_send(d->sd, "STOPPING=1");
	log_notice("%s: stopping", strsignal(sig_term));
	runs_stop(d);
	state_save(d->cur->rm.conf->state_dir, d->state);
}

/* Everything up to READY=1.  0, or an exit status. */
static int
setup(struct daemon *d)
{
	struct diags	 dg;
	long long	 wd;

	memset(&dg, 0, sizeof(dg));
	if (setup_sources(&d->cur->rm, 0, NULL, 0, &dg) == -1) {
		diag_log(&dg);
		log_errx("%zu error%s in the configuration; not starting",
		    dg.n, dg.n == 1 ? "" : "s");
		diag_free(&dg);
		return EXIT_CONFIG;
	}
	/* A directory of its own: a link would put the spools elsewhere. */
	if (mkdir_beneath(d->cur->rm.conf->state_dir, "spool", 0750) == -1)
		return 1;
	/* Finish the store step a crash or a second SIGTERM cut short. */
	apply_pending(&d->cur->rm);
	if (signals_init(d) == -1)
		return 1;
	d->sd = sdnotify_open();
	if ((wd = sdnotify_watchdog_usec(d->sd)) > 0) {
		d->wd_period = (double)wd / 2e6;
		d->wd_next = mono_now();
	}
	d->sched = sched_new(NULL);
	gen_schedule(d);
	setup_log_waiting(d->cur->rm.conf);
	return 0;
}

/*
 * Run the daemon until SIGTERM or SIGINT: 0 then, or EXIT_CONFIG if the
 * sources' configs are bad at start, 1 if it cannot start.  Takes over
 * rm's config, catalog and plugins (rm keeps the state).
 */
int
daemon_run(struct regiomon *rm, const struct opts *o)
{
	struct daemon	 d;
	struct gen	*g;
	int		 rc;

	memset(&d, 0, sizeof(d));
	d.opts = o;
	d.state = rm->state;
	d.sigfd[0] = d.sigfd[1] = -1;
	d.cur = xcalloc(1, sizeof(*d.cur));
	d.cur->rm = *rm;
	rm->conf = NULL;
	rm->catalog = NULL;
	memset(&rm->plugins, 0, sizeof(rm->plugins));
	log_notice("regiomon %s starting with %s", REGIOMON_VERSION,
	    d.cur->rm.conf->path);
	if ((rc = setup(&d)) == 0) {
		log_notice("running %zu sources, at most %d at once",
		    sched_count(d.sched), daemon_max_children(d.cur->rm.conf));
		notify_status(&d, "READY=1\n", "started");
		loop(&d);
		stop(&d);
	}
	signals_fini(&d);
	sdnotify_close(d.sd);
	sched_free(d.sched);
	free(d.runs);
	free(d.pfd);
	while ((g = d.retired) != NULL) {
		d.retired = g->next;
		gen_free(g);
	}
	gen_free(d.cur);
	return rc;
}
