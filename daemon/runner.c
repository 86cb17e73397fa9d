/* SPDX-License-Identifier: ISC */
/*
 * runner.c: one source run in a child process.  The child loads nothing
 * new: it calls the already loaded plugin's init/collect/fini and writes
 * observation lines to a pipe.  The parent reads the pipe, validates every
 * line again, writes the good ones to a sink (the spool, or a temp file for
 * `fetch`), and decides the run's fate from the child's exit: a crash, a
 * hang past the timeout, or one bad line fails the whole run.
 */
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "regiomon.h"

#define LINE_MAX_BYTES	(1024 * 1024)	/* a longer line is garbage */
#define EXIT_UNCHANGED	10		/* child: RM_UNCHANGED */

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
	char			 err[512];	/* first protocol error */
	double			 deadline;	/* monotonic seconds */
	int			 timed_out;
	int			 eof;
};

double
mono_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * AddressSanitizer reserves terabytes of address space, so an RLIMIT_AS
 * would only break sanitized test builds; the limit is skipped there.
 */
#if defined(__SANITIZE_ADDRESS__)
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

/* The child's whole life: never returns. */
static __dead void
child_main(struct regiomon *rm, const struct source *src,
    const struct plugin *p, int wfd)
{
	struct rm_ctx	*ctx;
	FILE		*out;
	void		*state = NULL;
	int		 rc, devnull;

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
	child_limit_memory(rm->conf->child_memory);
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
	/* _exit: the parent's atexit handlers and buffers are not ours. */
	_exit(rc == RM_OK ? 0 : rc == RM_UNCHANGED ? EXIT_UNCHANGED : 1);
}

/*
 * Start src's plugin in a child.  Validated observations will be written
 * to sink.  New job, or NULL (logged) if fork or pipe failed.
 */
struct job *
job_start(struct regiomon *rm, const struct source *src,
    const struct plugin *p, FILE *sink)
{
	struct job	*j;
	int		 pfd[2];

	if (pipe2(pfd, O_CLOEXEC) == -1) {
		log_err("%s: pipe", src->name);
		return NULL;
	}
	fflush(NULL);
	j = xcalloc(1, sizeof(*j));
	j->rm = rm;
	j->src = src;
	j->sink = sink;
	j->deadline = mono_now() + (double)src->timeout;
	if ((j->pid = fork()) == -1) {
		log_err("%s: fork", src->name);
		close(pfd[0]);
		close(pfd[1]);
		free(j);
		return NULL;
	}
	if (j->pid == 0) {
		close(pfd[0]);
		child_main(rm, src, p, pfd[1]);
	}
	close(pfd[1]);
	j->fd = pfd[0];
	fcntl(j->fd, F_SETFL, fcntl(j->fd, F_GETFL) | O_NONBLOCK);
	return j;
}

static void
job_fail(struct job *j, const char *fmt, ...)
    __attribute__((__format__ (printf, 2, 3)));

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
	if (j->pid > 0)
		kill(j->pid, SIGKILL);
}

static void
job_line(struct job *j, const char *line, size_t len)
{
	json_t		*o, *mark;
	json_error_t	 jerr;
	struct obs	 ob;
	char		 err[256];

	j->lineno++;
	if ((o = json_loadb(line, len, 0, &jerr)) ==
	    NULL) {
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
	if (obs_from_json(o, &ob, err, sizeof(err)) == -1 ||
	    host_obs_check(j->rm->catalog, &ob, err, sizeof(err)) == -1) {
		job_fail(j, "output line %zu: %s", j->lineno, err);
		json_decref(o);
		return;
	}
	json_decref(o);
	if (obs_write_line(j->sink, &ob) == -1) {
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

double
job_deadline(const struct job *j)
{
	return j->deadline;
}

/* Kill the child when its time is up.  1 if it was killed now. */
int
job_check_timeout(struct job *j, double now)
{
	if (j->timed_out || now < j->deadline)
		return 0;
	j->timed_out = 1;
	kill(j->pid, SIGKILL);
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

/* Free the job; a child still running is killed and reaped. */
void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	if (j->pid > 0) {
		kill(j->pid, SIGKILL);
		while (waitpid(j->pid, NULL, 0) == -1 && errno == EINTR)
			;
	}
	if (j->fd != -1)
		close(j->fd);
	free(j->buf);
	free(j->mark);
	free(j);
}

/*
 * Run src to the end in the foreground: start the child, read until EOF or
 * timeout, judge.  Returns JOB_OK, JOB_UNCHANGED or JOB_FAILED; *mark and
 * *nobs as job_finish() and job_nobs().
 */
int
job_run(struct regiomon *rm, const struct source *src,
    const struct plugin *p, FILE *sink, char **mark, size_t *nobs,
    char *why, size_t whylen)
{
	struct pollfd	 pfd;
	struct job	*j;
	double		 now;
	int		 rc, ms;

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
		ms = (int)((j->deadline - now) * 1000) + 1;
		pfd.fd = j->fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, ms) == -1 && errno != EINTR) {
			log_err("poll");
			break;
		}
		job_read(j);
	}
	rc = job_finish(j, mark, why, whylen);
	*nobs = j->nobs;
	job_free(j);
	return rc;
}
