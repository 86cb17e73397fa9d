/* SPDX-License-Identifier: ISC */
/*
 * runner.c: one source run in a child process.  The child loads nothing
 * new: it calls the already loaded plugin's init/collect/fini and writes
 * observation lines to a pipe.  The parent reads the pipe, validates every
 * line again, writes the good ones to a sink (the spool, or a temp file for
 * `fetch`), and decides the run's fate from the child's exit: a crash, a
 * hang past the timeout, or one bad line fails the whole run.
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"
#include "run/run.h"

#define LINE_MAX_BYTES	(1024 * 1024)	/* a longer line is garbage */
#define EXIT_UNCHANGED	10		/* child: RM_UNCHANGED */
#define EXIT_CALLED_EXIT 11		/* child: the plugin called exit() */
#define LOG_KEEP	(64 * 1024)	/* of a captured stderr, the end */
/*
 * A child past its time gets SIGTERM, and SIGKILL this much later: the
 * exec plugin uses the moment to kill its program's process group, which
 * would otherwise outlive it (SIGKILL leaves no moment).
 */
#define KILL_GRACE	0.5

struct job {
	struct regiomon		*rm;
	const struct source	*src;
	pid_t			 pid;
	int			 fd;		/* read end of the pipe */
	FILE			*sink;
	char			*buf;
	size_t			 len, cap;
	size_t			 lineno;
	size_t			 nobs;
	char			*mark;
	/* The last (indicator, region) the catalog accepted ("": none). */
	char			 ok_ind[ID_MAX];
	char			 ok_reg[ID_MAX];
	enum freq		 ok_freq;
	char			 err[512];	/* first protocol error */
	double			 deadline;	/* monotonic seconds */
	double			 kill_at;	/* SIGKILL, once stopping */
	int			 timed_out;
	int			 stopping;	/* SIGTERM sent */
	int			 killed;	/* SIGKILL sent */
	int			 eof;
	int			 logfd;		/* the child's stderr, or -1 */
	char			*log;		/* its last LOG_KEEP bytes */
	size_t			 loglen;
};

/*
 * AddressSanitizer and ThreadSanitizer reserve terabytes of address
 * space, so an RLIMIT_AS would only break sanitized test builds; the
 * limit is skipped there.
 */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define HAVE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_ASAN 1
#endif
#endif

static void
child_limit_memory(size_t bytes)
{
#ifndef HAVE_ASAN
	struct rlimit	 rl;

	if (bytes == 0)
		return;
	rl.rlim_cur = rl.rlim_max = bytes;
	if (setrlimit(RLIMIT_AS, &rl) == -1)
		log_warn("setrlimit");
#else
	(void)bytes;
#endif
}

/*
 * The host's child always leaves by _exit(): exit() comes from the plugin,
 * before its collect() returned, so what it emitted is only a part.
 */
static void
child_exit_trap(void)
{
	fflush(stdout);		/* what the plugin printed, for the log */
	_exit(EXIT_CALLED_EXIT);
}

/* The child's whole life: never returns. */
static __dead void
child_main(struct regiomon *rm, const struct source *src,
    const struct plugin *p, int wfd, int logfd)
{
	struct rm_ctx	*ctx;
	FILE		*out;
	void		*state = NULL;
	int		 rc, devnull;

	if (logfd != -1 && dup2(logfd, STDERR_FILENO) == -1)
		_exit(1);
	/*
	 * The child inherits every descriptor of the parent, the spool and
	 * RRD files among them; a plugin that writes to a stray descriptor
	 * must not reach them.  Keep stdio and the pipe only.
	 */
	if (wfd > 3)
		close_range(3, (unsigned int)wfd - 1, 0);
	close_range((unsigned int)wfd + 1, ~0U, 0);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	if ((devnull = open("/dev/null", O_RDONLY)) != -1) {
		dup2(devnull, STDIN_FILENO);
		close(devnull);
	}
	/*
	 * Observations go through the pipe only: what a plugin prints to
	 * stdout goes to its log, not into `fetch`'s output.
	 */
	if (wfd != STDOUT_FILENO) {
		dup2(STDERR_FILENO, STDOUT_FILENO);
		setvbuf(stdout, NULL, _IOLBF, 0);
	}
	log_forked();
	if (atexit(child_exit_trap) != 0)
		_exit(1);
	child_limit_memory(rm->conf->child_memory);
	/*
	 * A plugin parses page after page of the same size: keep the heap
	 * the last page grew instead of giving it back to the kernel and
	 * faulting it in again for the next one (glibc trims above 128 KB).
	 */
	mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
	mallopt(M_TOP_PAD, 4 * 1024 * 1024);
	/* Relative paths in a plugin's config are relative to the config. */
	if (rm->conf->dir != NULL && chdir(rm->conf->dir) == -1)
		log_warn("%s: chdir %s", src->name, rm->conf->dir);
	if ((out = fdopen(wfd, "w")) == NULL)
		_exit(1);
	setvbuf(out, NULL, _IOFBF, 64 * 1024);
	ctx = host_ctx_new(rm, src, out, NULL);
	rc = p->desc.init(ctx, src->config, &state);
	if (rc == RM_OK || rc == RM_UNCHANGED)
		rc = p->desc.collect(ctx, state);
	p->desc.fini(state);
	if (host_ctx_failed(ctx))
		rc = RM_ERR;
	if (fflush(out) == EOF)
		rc = RM_ERR;
	fflush(stdout);		/* what the plugin printed, for the log */
	/* _exit: the parent's atexit handlers and buffers are not ours. */
	_exit(rc == RM_OK ? 0 : rc == RM_UNCHANGED ? EXIT_UNCHANGED : 1);
}

static struct job *
job_spawn(struct regiomon *rm, const struct source *src,
    const struct plugin *p, FILE *sink, int capture)
{
	struct job	*j;
	pid_t		 parent = getpid();
	int		 pfd[2], lfd[2] = { -1, -1 };

	if (pipe2(pfd, O_CLOEXEC) == -1) {
		log_err("%s: pipe", src->name);
		return NULL;
	}
	if (capture && pipe2(lfd, O_CLOEXEC) == -1) {
		log_err("%s: pipe", src->name);
		close(pfd[0]);
		close(pfd[1]);
		return NULL;
	}
	fflush(NULL);
	j = xcalloc(1, sizeof(*j));
	j->rm = rm;
	j->src = src;
	j->sink = sink;
	j->deadline = mono_now() + (double)src->timeout;
	j->logfd = lfd[0];
	if ((j->pid = fork()) == -1) {
		log_err("%s: fork", src->name);
		close(pfd[0]);
		close(pfd[1]);
		if (capture) {
			close(lfd[0]);
			close(lfd[1]);
		}
		free(j);
		return NULL;
	}
	if (j->pid == 0) {
		/* A plugin must not outlive the parent that would reap it. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 ||
		    getppid() != parent)
			_exit(1);
		close(pfd[0]);
		if (capture)
			close(lfd[0]);
		child_main(rm, src, p, pfd[1], lfd[1]);
	}
	close(pfd[1]);
	j->fd = pfd[0];
	fcntl(j->fd, F_SETFL, fcntl(j->fd, F_GETFL) | O_NONBLOCK);
	if (capture) {
		close(lfd[1]);
		fcntl(j->logfd, F_SETFL, fcntl(j->logfd, F_GETFL) | O_NONBLOCK);
	}
	return j;
}

/*
 * Start src's plugin in a child.  Validated observations will be written
 * to sink.  New job, or NULL (logged) if fork or pipe failed.
 */
struct job *
job_start(struct regiomon *rm, const struct source *src,
    const struct plugin *p, FILE *sink)
{
	return job_spawn(rm, src, p, sink, 0);
}

/*
 * As job_start, but what the child writes to stderr (its log) goes to a
 * pipe that the caller reads with job_read_log(): the daemon decides
 * whether a failing source's messages are news.
 */
struct job *
job_start_captured(struct regiomon *rm, const struct source *src,
    const struct plugin *p, FILE *sink)
{
	return job_spawn(rm, src, p, sink, 1);
}

/* The read end of the child's captured stderr, or -1 (none, or at EOF). */
int
job_log_fd(const struct job *j)
{
	return j->logfd;
}

/*
 * Read what the child has logged so far, keeping the last LOG_KEEP
 * bytes.  1 at end of file (the descriptor is closed), else 0.
 */
int
job_read_log(struct job *j)
{
	char	 buf[8192];
	ssize_t	 n;
	size_t	 keep;

	while (j->logfd != -1) {
		n = read(j->logfd, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return 0;
		if (n <= 0) {
			close(j->logfd);
			j->logfd = -1;
			break;
		}
		if (j->log == NULL && (j->log = malloc(LOG_KEEP + 1)) == NULL)
			fatal(NULL);
		/* n <= sizeof(buf) < LOG_KEEP: drop the oldest bytes. */
		keep = j->loglen + (size_t)n > LOG_KEEP ?
		    LOG_KEEP - (size_t)n : j->loglen;
		memmove(j->log, j->log + j->loglen - keep, keep);
		memcpy(j->log + keep, buf, (size_t)n);
		j->loglen = keep + (size_t)n;
		j->log[j->loglen] = '\0';
	}
	return 1;
}

/* What the child logged (NUL-terminated, its end), borrowed, or "". */
const char *
job_log(const struct job *j)
{
	return j->log != NULL ? j->log : "";
}

static void
job_fail(struct job *j, const char *fmt, ...)
    __attribute__((__format__ (printf, 2, 3)));

/*
 * Stop the child: SIGTERM now, SIGKILL KILL_GRACE later (sent by
 * job_check_timeout(), which job_run() and the daemon call in time).
 */
static void
job_stop(struct job *j, double now)
{
	if (j->stopping || j->pid <= 0)
		return;
	j->stopping = 1;
	j->kill_at = now + KILL_GRACE;
	kill(j->pid, SIGTERM);
}

/* Record the first protocol error and stop the child: the run is lost. */
static void
job_fail(struct job *j, const char *fmt, ...)
{
	va_list	 ap;

	if (j->err[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(j->err, sizeof(j->err), fmt, ap);
	va_end(ap);
	job_stop(j, mono_now());
}

/*
 * A series is fed by one source: the one that stored it.  Another
 * enabled source of the config may not overwrite it (the owner would not
 * even notice: its mark says its data is unchanged); an owner removed
 * from the config or disabled (a demo source switched off for its live
 * twin) leaves its series to whichever source stores them next.  0, or
 * -1 with err set.
 */
static int
job_owner_check(const struct job *j, const struct obs *ob, char *err,
    size_t errlen)
{
	const struct source	*o;
	const char		*owner;

	if (j->rm->state == NULL || (owner = state_series_source(j->rm->state,
	    ob->indicator, ob->region)) == NULL ||
	    strcmp(owner, j->src->name) == 0 ||
	    (o = conf_source(j->rm->conf, owner)) == NULL || !o->enabled)
		return 0;
	snprintf(err, errlen, "%s/%s belongs to source \"%s\", which stored "
	    "it; a series is fed by one source (disable or remove \"%s\" "
	    "to hand it over)", ob->indicator, ob->region, owner, owner);
	return -1;
}

/*
 * The catalog check of host_obs_check(), remembering the last pair it
 * accepted: a plugin emits the periods of one series one after another,
 * so most lines skip the catalog lookups.  0, or -1 with err set.
 */
static int
job_check(struct job *j, const struct obs *ob, char *err, size_t errlen)
{
	if (ob->period.freq == j->ok_freq &&
	    strcmp(ob->indicator, j->ok_ind) == 0 &&
	    strcmp(ob->region, j->ok_reg) == 0)
		return 0;
	if (host_obs_check(j->rm->catalog, ob, err, errlen) == -1)
		return -1;
	if (job_owner_check(j, ob, err, errlen) == -1)
		return -1;
	strlcpy(j->ok_ind, ob->indicator, sizeof(j->ok_ind));
	strlcpy(j->ok_reg, ob->region, sizeof(j->ok_reg));
	j->ok_freq = ob->period.freq;
	return 0;
}

/*
 * One line of the child's.  Lines in the exact form obs_write_line()
 * gives them are read without a JSON tree; anything else (a "mark", an
 * exec plugin's own spacing, garbage) goes through jansson, which also
 * explains what is wrong.
 */
static void
job_line(struct job *j, const char *line, size_t len)
{
	json_t		*o, *mark;
	json_error_t	 jerr;
	struct obs	 ob;
	char		 err[256];
	int		 canonical = 0;

	j->lineno++;
	if (obs_parse_line(line, len, &ob) == 1) {
		canonical = 1;
		goto check;
	}
	if ((o = json_loadb(line, len, 0, &jerr)) == NULL) {
		job_fail(j, "output line %zu: not JSON (%s)", j->lineno,
		    jerr.text);
		return;
	}
	mark = json_object_get(o, "mark");
	if (mark != NULL && json_object_size(o) == 1) {
		if (!json_is_string(mark)) {
			job_fail(j, "output line %zu: \"mark\": expected a "
			    "string", j->lineno);
		} else {
			free(j->mark);
			j->mark = xstrdup(json_string_value(mark));
		}
		json_decref(o);
		return;
	}
	if (obs_from_json(o, &ob, err, sizeof(err)) == -1) {
		job_fail(j, "output line %zu: %s", j->lineno, err);
		json_decref(o);
		return;
	}
	json_decref(o);
check:
	if (job_check(j, &ob, err, sizeof(err)) == -1) {
		job_fail(j, "output line %zu: %s", j->lineno, err);
		return;
	}
	/* A line in the spool's form reads back as ob: copy, not format. */
	if (canonical ? fwrite(line, 1, len, j->sink) != len ||
	    putc('\n', j->sink) == EOF : obs_write_line(j->sink, &ob) == -1) {
		job_fail(j, "cannot write the spool: %s", strerror(errno));
		return;
	}
	j->nobs++;
}

/*
 * Read what the child has written and handle every complete line.
 * 0 while the pipe is open, 1 at end of file.
 */
int
job_read(struct job *j)
{
	char	*nl, *start;
	ssize_t	 n;

	for (;;) {
		if (j->cap - j->len < 65536) {
			size_t ncap = j->cap == 0 ? 131072 : j->cap * 2;
			char *nb;

			if (ncap > 2 * LINE_MAX_BYTES + 65536) {
				job_fail(j, "output line %zu: longer than %d "
				    "bytes", j->lineno + 1, LINE_MAX_BYTES);
				j->len = 0;
				ncap = j->cap;
			}
			if (ncap != j->cap) {
				if ((nb = realloc(j->buf, ncap)) == NULL)
					fatal(NULL);
				j->buf = nb;
				j->cap = ncap;
			}
		}
		n = read(j->fd, j->buf + j->len, j->cap - j->len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return 0;
		if (n <= 0) {
			if (j->len > 0 && j->err[0] == '\0')
				job_fail(j, "output line %zu: no newline at "
				    "end", j->lineno + 1);
			j->eof = 1;
			return 1;
		}
		j->len += (size_t)n;
		start = j->buf;
		while ((nl = memchr(start, '\n', j->len -
		    (size_t)(start - j->buf))) != NULL) {
			if (j->err[0] == '\0')
				job_line(j, start, (size_t)(nl - start));
			start = nl + 1;
		}
		j->len -= (size_t)(start - j->buf);
		memmove(j->buf, start, j->len);
		if (j->len > LINE_MAX_BYTES)
			job_fail(j, "output line %zu: longer than %d bytes",
			    j->lineno + 1, LINE_MAX_BYTES);
	}
}

int
job_fd(const struct job *j)
{
	return j->fd;
}

pid_t
job_pid(const struct job *j)
{
	return j->pid;
}

const struct source *
job_source(const struct job *j)
{
	return j->src;
}

/* When job_check_timeout() has something to do next. */
double
job_deadline(const struct job *j)
{
	if (j->stopping)
		return j->killed ? j->deadline : j->kill_at;
	return j->deadline;
}

/*
 * Stop the child when its time is up: SIGTERM, then SIGKILL KILL_GRACE
 * later (a later call does that).  1 if its time was up just now.
 */
int
job_check_timeout(struct job *j, double now)
{
	if (j->stopping && !j->killed && now >= j->kill_at) {
		kill(j->pid, SIGKILL);
		j->killed = 1;
	}
	if (j->timed_out || now < j->deadline)
		return 0;
	j->timed_out = 1;
	job_stop(j, now);
	return 1;
}

/*
 * Reap the child (its pipe is at EOF) and judge the run: JOB_OK,
 * JOB_UNCHANGED or JOB_FAILED with why filled in.  The new mark, if any,
 * is handed over in *mark (new, caller frees).
 */
int
job_finish(struct job *j, char **mark, char *why, size_t whylen)
{
	int	 status, rc;
	pid_t	 r;

	*mark = NULL;
	for (;;) {
		r = waitpid(j->pid, &status, WNOHANG);
		if (r == j->pid)
			break;
		if (r == -1 && errno != EINTR) {
			snprintf(why, whylen, "waitpid: %s", strerror(errno));
			return JOB_FAILED;
		}
		/* The pipe closed but the child lingers: give it its time. */
		if (job_check_timeout(j, mono_now()) == 0)
			usleep(10000);
	}
	j->pid = -1;
	if (j->timed_out) {
		snprintf(why, whylen, "timed out after %lds, killed",
		    j->src->timeout);
		return JOB_FAILED;
	}
	if (j->err[0] != '\0') {
		snprintf(why, whylen, "%s", j->err);
		return JOB_FAILED;
	}
	if (WIFSIGNALED(status)) {
		snprintf(why, whylen, "plugin crashed: killed by signal %d "
		    "(%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
		return JOB_FAILED;
	}
	rc = WEXITSTATUS(status);
	if (rc == EXIT_UNCHANGED) {
		*mark = j->mark;
		j->mark = NULL;
		snprintf(why, whylen, "unchanged since the last run");
		return JOB_UNCHANGED;
	}
	if (rc == EXIT_CALLED_EXIT) {
		snprintf(why, whylen, "the plugin called exit() before its "
		    "collect() returned; nothing of the run is stored");
		return JOB_FAILED;
	}
	if (rc != 0) {
		snprintf(why, whylen, "plugin failed (exit status %d)", rc);
		return JOB_FAILED;
	}
	if (fflush(j->sink) == EOF) {
		snprintf(why, whylen, "cannot write the spool: %s",
		    strerror(errno));
		return JOB_FAILED;
	}
	*mark = j->mark;
	j->mark = NULL;
	snprintf(why, whylen, "%zu observations", j->nobs);
	return JOB_OK;
}

size_t
job_nobs(const struct job *j)
{
	return j->nobs;
}

/*
 * Free the job; a child still running is stopped (SIGTERM, SIGKILL
 * KILL_GRACE later, as at a timeout) and reaped.
 */
void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	if (j->pid > 0) {
		kill(j->pid, SIGTERM);
		(void)reap_by(j->pid, mono_now() + KILL_GRACE, NULL);
	}
	if (j->fd != -1)
		close(j->fd);
	if (j->logfd != -1)
		close(j->logfd);
	free(j->buf);
	free(j->mark);
	free(j->log);
	free(j);
}

/*
 * Run src to the end in the foreground: start the child, read until EOF or
 * timeout, judge.  With ahead, the series in the spool are stored while
 * the child goes on (see apply.c): the pipe is drained first, so the child
 * never waits for the files, then one series is stored at a time.
 * Returns JOB_OK, JOB_UNCHANGED or JOB_FAILED; *mark and *nobs as
 * job_finish() and job_nobs().
 */
int
job_run(struct regiomon *rm, const struct source *src,
    const struct plugin *p, FILE *sink, struct ahead *ahead, char **mark,
    size_t *nobs, char *why, size_t whylen)
{
	struct pollfd	 pfd;
	struct job	*j;
	double		 now;
	off_t		 end;
	int		 rc, ms, more = 0;

	*mark = NULL;
	*nobs = 0;
	if ((j = job_start(rm, src, p, sink)) == NULL) {
		snprintf(why, whylen, "cannot start the plugin");
		return JOB_FAILED;
	}
	while (!j->eof) {
		now = mono_now();
		if (job_check_timeout(j, now))
			continue;
		ms = more ? 0 : (int)((job_deadline(j) - now) * 1000) + 1;
		if (ms < 0)	/* past it, and killed: wait for the end */
			ms = -1;
		pfd.fd = j->fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, ms) == -1 && errno != EINTR) {
			log_err("poll");
			break;
		}
		job_read(j);
		/* Only what is flushed is complete lines for the reader. */
		if (ahead != NULL && j->err[0] == '\0' &&
		    fflush(sink) != EOF && (end = ftello(sink)) != -1)
			more = ahead_step(ahead, end);
	}
	rc = job_finish(j, mark, why, whylen);
	*nobs = j->nobs;
	job_free(j);
	return rc;
}
