/* SPDX-License-Identifier: ISC */
/*
 * daemon.c: `regiomon daemon`, one single-threaded parent around poll().
 * It starts due sources in child processes (runner.c), reads their
 * output, stores what a successful run produced, and handles SIGHUP
 * (reload), SIGTERM and SIGINT (stop).  Between events it sleeps until
 * the next source is due, a run's deadline, or systemd's watchdog ping.
 */
#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"
#include "store/store.h"
#include "run/run.h"
#include "report/report.h"
#include "alert/alert.h"
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
	/* The cycle: from a start with nothing running to nothing running. */
	int			 in_cycle;
	size_t			 cyc_ok, cyc_failed;
	long			 cyc_changed;
};

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

static void
gen_free(struct gen *g)
{
	if (g == NULL)
		return;
	plugins_unload(&g->rm.plugins);
	catalog_free(g->rm.catalog);
	conf_free(g->rm.conf);
	free(g);
}

/*
 * Load the config again, with the command line's overrides, and its
 * catalog and plugins, and let each enabled source's plugin check its
 * config.  A new generation, or NULL with every problem in dg.
 */
static struct gen *
gen_load(struct daemon *d, struct diags *dg)
{
	struct gen	*g;

	g = xcalloc(1, sizeof(*g));
	g->rm.state = d->state;
	if (setup_load(&g->rm, d->opts, SETUP_CATALOG | SETUP_SOURCES,
	    d->cur->rm.conf->state_dir, dg) == 0)
		return g;
	gen_free(g);
	return NULL;
}

/* The generation g is no longer current: free it once its runs end. */
static void
gen_retire(struct daemon *d, struct gen *g)
{
	if (g->njobs == 0) {
		gen_free(g);
		return;
	}
	g->next = d->retired;
	d->retired = g;
}

static void
gen_release(struct daemon *d, struct gen *g)
{
	struct gen	**pp;

	if (--g->njobs > 0 || g == d->cur)
		return;
	for (pp = &d->retired; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == g) {
			*pp = g->next;
			gen_free(g);
			return;
		}
	}
}

/*
 * The scheduler's sources: the enabled ones of the current config.  A
 * source new to the scheduler starts from what state.json remembers of
 * its last run, so that a restart keeps each source's pace.
 */
static void
sched_from_conf(struct daemon *d)
{
	const struct conf	*conf = d->cur->rm.conf;
	const struct source	*src;
	json_t			*st, *last;
	time_t			 wall = time(NULL);
	double			 ago;
	size_t			 i;

	sched_sync_begin(d->sched);
	for (i = 0; i < conf->nsources; i++) {
		src = &conf->sources[i];
		if (!src->enabled)
			continue;
		st = json_object_get(json_object_get(d->state, "sources"),
		    src->name);
		last = json_object_get(st, "last_run");
		ago = -1;
		if (json_is_integer(last))
			ago = fmax(0, (double)wall -
			    (double)json_integer_value(last));
		sched_sync_add(d->sched, src->name, src->interval, ago,
		    (unsigned)json_integer_value(json_object_get(st,
		    "failures")), json_string_value(json_object_get(st,
		    "last_error")));
	}
	sched_sync_end(d->sched);
}

/*
 * The host a source fetches from, "host[:port]" in lower case, from its
 * config's "url", "base_url" or "catalog_url"; "" for a file URL, which
 * no server sees.  A source with none of these fetches from its plugin's
 * built-in default (opendata.cbs.nl, ec.europa.eu, ...), which the daemon
 * cannot see either: "plugin:NAME" then serialises the sources of that
 * plugin, erring on the polite side.
 */
static void
source_host(const struct source *src, char *buf, size_t len)
{
	static const char *const keys[] = { "url", "base_url", "catalog_url" };
	const char	*url = NULL, *p, *at;
	size_t		 n, i;
	int		 r;

	buf[0] = '\0';
	for (i = 0; url == NULL && i < sizeof(keys) / sizeof(keys[0]); i++)
		url = json_string_value(json_object_get(src->config, keys[i]));
	if (url == NULL) {
		/* A plugin name longer than the buffer still gets a key. */
		r = snprintf(buf, len, "plugin:%s", src->plugin);
		if (r < 0)
			buf[0] = '\0';
		return;
	}
	if (strncasecmp(url, "file:", 5) == 0 ||
	    (p = strstr(url, "://")) == NULL)
		return;
	p += 3;
	n = strcspn(p, "/?#");
	if ((at = memchr(p, '@', n)) != NULL) {
		n -= (size_t)(at + 1 - p);
		p = at + 1;
	}
	if (n >= len)
		n = len - 1;
	for (i = 0; i < n; i++)
		buf[i] = (char)tolower((unsigned char)p[i]);
	buf[n] = '\0';
}

/*
 * sched_block_fn: 1 if the source's host already serves one of our
 * runs.  One request at a time per host is politer to a statistics
 * office than max_children of them.
 */
static int
host_busy(void *arg, const char *name)
{
	struct daemon		*d = arg;
	const struct source	*src;
	char			 host[HOST_MAX];
	size_t			 i;

	if ((src = conf_source(d->cur->rm.conf, name)) == NULL)
		return 1;
	source_host(src, host, sizeof(host));
	if (host[0] == '\0')
		return 0;
	for (i = 0; i < d->nruns; i++)
		if (strcmp(d->runs[i].host, host) == 0)
			return 1;
	return 0;
}

static int
max_children(const struct daemon *d)
{
	return daemon_max_children(d->cur->rm.conf);
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

/* A cycle ended: evaluate, alert, write the report, save the state. */
static void
cycle_end(struct daemon *d)
{
	struct regiomon	*rm = &d->cur->rm;
	char		 what[128];

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
	log_debug("%s", what);
	notify_status(d, "", what);
	d->in_cycle = 0;
	d->cyc_ok = d->cyc_failed = 0;
	d->cyc_changed = 0;
}

/* A run that could not start: noted, backed off like any failure. */
static void
start_failed(struct daemon *d, struct sched_entry *e,
    const struct source *src, char *why, size_t whylen, double now)
{
	int	 nchanged;

	run_store(&d->cur->rm, src, NULL, JOB_FAILED, NULL, why, whylen,
	    NULL, &nchanged);
	sched_started(d->sched, e, now);
	sched_done(d->sched, e, now, 0, why);
	d->cyc_failed++;
}

static void
start_run(struct daemon *d, struct sched_entry *e, double now)
{
	struct gen		*g = d->cur;
	const struct source	*src;
	const struct plugin	*p;
	struct run		*r, *v;
	struct job		*job;
	FILE			*sink;
	char			 why[1024], *part;

	if ((src = conf_source(g->rm.conf, e->name)) == NULL)
		return;
	if (!d->in_cycle) {
		d->in_cycle = 1;
		d->cyc_ok = d->cyc_failed = 0;
		d->cyc_changed = 0;
	}
	if ((p = plugins_get(&g->rm.plugins, g->rm.conf->plugin_dir,
	    src->plugin, why, sizeof(why))) == NULL) {
		start_failed(d, e, src, why, sizeof(why), now);
		return;
	}
	if ((sink = run_spool_open(g->rm.conf, src)) == NULL) {
		snprintf(why, sizeof(why), "cannot write the spool");
		start_failed(d, e, src, why, sizeof(why), now);
		return;
	}
	if ((job = job_start_captured(&g->rm, src, p, sink)) == NULL) {
		fclose(sink);
		part = spool_path(g->rm.conf, src->name, 0);
		unlink(part);
		free(part);
		snprintf(why, sizeof(why), "cannot start the plugin");
		start_failed(d, e, src, why, sizeof(why), now);
		return;
	}
	if (d->nruns == d->capruns) {
		d->capruns = d->capruns == 0 ? 8 : d->capruns * 2;
		if ((v = reallocarray(d->runs, d->capruns, sizeof(*v))) ==
		    NULL)
			fatal(NULL);
		d->runs = v;
	}
	r = &d->runs[d->nruns++];
	memset(r, 0, sizeof(*r));
	r->gen = g;
	r->src = src;
	r->entry = e;
	r->job = job;
	r->sink = sink;
	source_host(src, r->host, sizeof(r->host));
	g->njobs++;
	sched_started(d->sched, e, now);
	log_debug("%s: started (pid %ld)", src->name, (long)job_pid(job));
}

static void
run_remove(struct daemon *d, size_t i)
{
	memmove(&d->runs[i], &d->runs[i + 1],
	    (d->nruns - i - 1) * sizeof(*d->runs));
	d->nruns--;
}

/*
 * The last message of a child's log text, without the "<N>" or
 * "regiomon: " prefix and the "NAME: " tag, into buf ("" if none).
 */
static void
last_message(const char *text, const char *name, char *buf, size_t len)
{
	const char	*end = text + strlen(text), *start;
	size_t		 n = strlen(name);

	buf[0] = '\0';
	while (end > text && end[-1] == '\n')
		end--;
	if (end == text)
		return;
	for (start = end; start > text && start[-1] != '\n'; start--)
		;
	if (*start == '<' && start + 3 <= end && start[2] == '>')
		start += 3;
	else if (strncmp(start, "regiomon: ", 10) == 0)
		start += 10;
	if (strncmp(start, name, n) == 0 && strncmp(start + n, ": ", 2) == 0)
		start += n + 2;
	n = (size_t)(end - start) < len ? (size_t)(end - start) : len - 1;
	memcpy(buf, start, n);
	buf[n] = '\0';
}

/*
 * What a run's child logged goes to our log when it is news: always for
 * a run that worked, for the first failure of a source (with it the
 * reason), but not again for each retry of a failing one, unless -v.
 * A plugin's generic "exit status 1" gets its last message appended.
 */
static void
child_log(struct run *r, int result, char *why, size_t whylen)
{
	const char	*text = job_log(r->job);
	char		 last[512];
	size_t		 len = strlen(text);

	if (len > 0 && (result != JOB_FAILED || !r->entry->failing ||
	    r->gen->rm.verbose)) {
		fwrite(text, 1, len, stderr);
		if (text[len - 1] != '\n')
			fputc('\n', stderr);
		fflush(stderr);
	}
	if (result != JOB_FAILED || strncmp(why, "plugin failed", 13) != 0)
		return;
	last_message(text, r->src->name, last, sizeof(last));
	len = strlen(why);
	/* A reason cut short is still the reason. */
	if (last[0] != '\0' && len + 3 < whylen)
		(void)snprintf(why + len, whylen - len, ": %s", last);
}

/*
 * The child of run i ended (or was killed at its deadline): judge the
 * run, store what it produced, and schedule the source's next run.
 */
static void
finish_run(struct daemon *d, size_t i)
{
	struct run	*r = &d->runs[i];
	struct gen	*g = r->gen;
	char		 why[1024], *mark = NULL;
	size_t		 nobs;
	int		 result, nchanged;

	result = job_finish(r->job, &mark, why, sizeof(why));
	nobs = job_nobs(r->job);
	/* The child is gone: what it logged is all in the pipe. */
	job_read_log(r->job);
	child_log(r, result, why, sizeof(why));
	job_free(r->job);
	if (result == JOB_OK)
		log_debug("%s: storing %zu observations", r->src->name, nobs);
	/*
	 * Not stored ahead: runs of several hosts go on at once here, and
	 * the store has one batch.
	 */
	result = run_store(&g->rm, r->src, r->sink, result, mark, why,
	    sizeof(why), NULL, &nchanged);
	free(mark);
	if (result == JOB_UNCHANGED)
		log_debug("%s: %s", r->src->name, why);
	else if (result == JOB_OK)
		log_prio(nchanged > 0 ? RM_LOG_INFO : RM_LOG_DEBUG,
		    "%s: %zu observations, %d series changed", r->src->name,
		    nobs, nchanged);
	sched_done(d->sched, r->entry, mono_now(), result != JOB_FAILED, why);
	if (result == JOB_FAILED)
		d->cyc_failed++;
	else
		d->cyc_ok++;
	d->cyc_changed += nchanged;
	state_save(g->rm.conf->state_dir, d->state);
	run_remove(d, i);
	gen_release(d, g);
}

/* Kill the runs past their deadline and finish them. */
static void
check_deadlines(struct daemon *d, double now)
{
	size_t	 i = d->nruns;

	while (i-- > 0)
		if (job_check_timeout(d->runs[i].job, now))
			finish_run(d, i);
}

static void
start_due(struct daemon *d, double now)
{
	struct sched_entry	*e;
	size_t			 max = (size_t)max_children(d);

	while (d->nruns < max &&
	    (e = sched_next(d->sched, now, host_busy, d)) != NULL)
		start_run(d, e, now);
}

/* Milliseconds poll() may sleep: until the next thing to do, or -1. */
static int
poll_timeout(struct daemon *d, double now)
{
	double	 t = INFINITY, w;
	size_t	 i;

	for (i = 0; i < d->nruns; i++)
		t = fmin(t, job_deadline(d->runs[i].job) - now);
	if (d->nruns < (size_t)max_children(d) &&
	    (w = sched_wait(d->sched, now, host_busy, d)) >= 0)
		t = fmin(t, w);
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

static void
reload(struct daemon *d)
{
	struct diags	 dg;
	struct gen	*g;
	char		 what[128];

	sdnotify_reloading(d->sd);
	log_notice("reloading %s", d->opts->conf_path);
	memset(&dg, 0, sizeof(dg));
	/*
	 * dlopen() hands back a library that is still loaded instead of
	 * reading the file again, so every generation lets go of its
	 * plugins first.  Runs in flight are not affected (their children
	 * have their own copies); a config that is refused loads its
	 * plugins again when they are next needed.
	 */
	plugins_unload(&d->cur->rm.plugins);
	for (g = d->retired; g != NULL; g = g->next)
		plugins_unload(&g->rm.plugins);
	if ((g = gen_load(d, &dg)) == NULL) {
		diag_log(&dg);
		log_errx("reload: %zu error%s in the new configuration; still "
		    "running the previous one", dg.n, dg.n == 1 ? "" : "s");
		snprintf(what, sizeof(what), "reload refused (%zu error%s, "
		    "see the log)", dg.n, dg.n == 1 ? "" : "s");
		diag_free(&dg);
		notify_status(d, "READY=1\n", what);
		return;
	}
	gen_retire(d, d->cur);
	d->cur = g;
	store_use_rrdcached(g->rm.conf->rrdcached);
	sched_from_conf(d);
	log_notice("reloaded %s: %zu sources", g->rm.conf->path,
	    sched_count(d->sched));
	notify_status(d, "READY=1\n", "reloaded");
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
			finish_run(d, i);
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
		check_deadlines(d, now);
		start_due(d, now);
		if (d->nruns == 0 && d->in_cycle)
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
	struct run	*r;
	char		*part;

	sdnotify_send(d->sd, "STOPPING=1");
	log_notice("%s: stopping", strsignal(sig_term));
	while (d->nruns > 0) {
		r = &d->runs[d->nruns - 1];
		job_free(r->job);
		fclose(r->sink);
		part = spool_path(r->gen->rm.conf, r->src->name, 0);
		unlink(part);
		free(part);
		log_info("%s: run stopped, nothing stored", r->src->name);
		d->nruns--;
		gen_release(d, r->gen);
	}
	state_save(d->cur->rm.conf->state_dir, d->state);
}

/* Everything up to READY=1.  0, or an exit status. */
static int
setup(struct daemon *d)
{
	struct diags	 dg;
	char		*spool;
	long long	 wd;

	memset(&dg, 0, sizeof(dg));
	if (setup_sources(&d->cur->rm, 0, NULL, 0, &dg) == -1) {
		diag_log(&dg);
		log_errx("%zu error%s in the configuration; not starting",
		    dg.n, dg.n == 1 ? "" : "s");
		diag_free(&dg);
		return EXIT_CONFIG;
	}
	xasprintf(&spool, "%s/spool", d->cur->rm.conf->state_dir);
	if (mkdir_p(spool, 0750) == -1) {
		log_err("%s", spool);
		free(spool);
		return 1;
	}
	free(spool);
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
	sched_from_conf(d);
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
		    sched_count(d.sched), max_children(&d));
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
