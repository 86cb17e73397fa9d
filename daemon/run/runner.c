/* SPDX-License-Identifier: ISC */
/*
 * runner.c: one source run in a child process, from the parent's side:
 * forking the child (child.c) and judging the run from its exit.
 *
 * A crash, a hang past the timeout (job_stop.c), or one bad line of its
 * output (job_read.c) fails the whole run.  job_run() does it all in the
 * foreground, for `run` and `fetch`.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"
#include "run/run.h"
#include "run/run_private.h"

static struct job *
job_spawn(struct regiomon *rm, const struct source *src,
    const struct plugin *p, FILE *sink, int capture)
{
	struct job	*j;
	struct vault	*vt;
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
	/* The warnings noted are the last run's: this one's come anew. */
	if (rm->state != NULL)
		json_object_del(state_source(rm->state, src->name),
		    "warnings");
	vt = vault_fill(src);
	/* A plugin must not outlive the parent that would reap it. */
	if ((j->pid = fork_tied()) == -1) {
		log_err("%s: fork", src->name);
		vault_wipe(vt);
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
		close(pfd[0]);
		if (capture)
			close(lfd[0]);
		child_main(rm, src, p, vt, pfd[1], lfd[1]);
	}
	vault_wipe(vt);
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
		snprintf(why, whylen, "plugin failed (exit status %d)%s%s", rc,
		    j->perr != NULL ? ": " : "", j->perr != NULL ? j->perr :
		    "");
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
	free(j->perr);
	free(j->log);
	free(j);
}

/*
 * Run src to the end in the foreground: start the child, read until EOF or
 * timeout, judge.  With ahead, the series in the spool are stored while
 * the child goes on (see ahead.c): the pipe is drained first, so the child
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
