/* SPDX-License-Identifier: ISC */
/*
 * probe.c: running a plugin's own code in a forked child before the parent
 * trusts it.  Loading a plugin runs its constructors and rm_plugin_init(),
 * checking a source's config runs its init() and fini(): a plugin that
 * crashes or hangs there would otherwise take `regiomon run`, check-config
 * or the daemon (at a reload) down with it.  The child reports through a
 * pipe and exits; the parent reads the report, or learns how it died.
 */
#include <sys/prctl.h>
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

/* A probe does no I/O: seconds are plenty; tests shrink it in the env. */
#define PROBE_TIMEOUT	10

#define PROBE_REPORT_MAX	(1024 * 1024)
#define PROBE_CALLED_EXIT	99	/* the plugin's code called exit() */

struct report {
	char	*p;
	size_t	 len;
};

static int
probe_timeout(void)
{
	return (int)env_long("REGIOMON_PROBE_TIMEOUT", 1, 3600,
	    PROBE_TIMEOUT);
}

/* Read the child's report until EOF or the deadline.  0, or -1 timed out. */
static int
probe_read(int fd, double deadline, struct report *r)
{
	char		*np;
	struct pollfd	 pfd;
	char		 chunk[4096];
	ssize_t		 n;
	int		 ms;

	for (;;) {
		ms = (int)((deadline - mono_now()) * 1000);
		if (ms <= 0)
			return -1;
		pfd.fd = fd;
		pfd.events = POLLIN;
		if ((n = poll(&pfd, 1, ms)) == -1 && errno != EINTR)
			return -1;
		if (n <= 0)
			continue;
		if ((n = read(fd, chunk, sizeof(chunk))) == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return 0;
		}
		if (n == 0)
			return 0;
		/* Past the cap the report is cut; the exit status counts. */
		if (r->len + (size_t)n > PROBE_REPORT_MAX)
			continue;
		if ((np = realloc(r->p, r->len + (size_t)n + 1)) == NULL)
			fatal(NULL);
		r->p = np;
		memcpy(r->p + r->len, chunk, (size_t)n);
		r->len += (size_t)n;
		r->p[r->len] = '\0';
	}
}

/* The probe's child always leaves by _exit(): exit() is the plugin's. */
static void
probe_exit_trap(void)
{
	fflush(stdout);
	_exit(PROBE_CALLED_EXIT);
}

/*
 * Run fn(arg, fd) in a child; what it writes to fd is its report.  Returns
 * the child's exit status (fn's return value, 0-255) with the report in
 * *report (NUL-terminated, new: caller frees), or -1 with why saying how
 * the child died while doing what (doing: "loading"): "crashed while
 * loading: killed by signal 11 (Segmentation fault)", "hung while loading:
 * killed after 10s", or that it could not start.  The caller must have no
 * other threads (it forks).
 */
int
probe_run(probe_fn *fn, void *arg, const char *doing, char **report,
    size_t *len, char *why, size_t whylen)
{
	return probe_run_within(fn, arg, doing, probe_timeout(), report, len,
	    why, whylen);
}

/* As probe_run(), with a time limit of secs seconds (describe.c). */
int
probe_run_within(probe_fn *fn, void *arg, const char *doing, int secs,
    char **report, size_t *len, char *why, size_t whylen)
{
	struct report	 r;
	double		 deadline;
	pid_t		 pid, parent = getpid();
	int		 pfd[2], status, rc, timed_out, killed;

	*report = NULL;
	*len = 0;
	if (pipe2(pfd, O_CLOEXEC) == -1) {
		snprintf(why, whylen, "could not be started for %s: pipe: %s",
		    doing, strerror(errno));
		return -1;
	}
	fflush(NULL);
	if ((pid = fork()) == -1) {
		snprintf(why, whylen, "could not be started for %s: fork: %s",
		    doing, strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		/*
		 * As a run's child: the plugin's code reaches neither the
		 * lock, the spools nor the RRD files, nor stdout.
		 */
		close(pfd[0]);
		if (pfd[1] > 3)
			close_range(3, (unsigned int)pfd[1] - 1, 0);
		close_range((unsigned int)pfd[1] + 1, ~0U, 0);
		if (pfd[1] != STDOUT_FILENO) {
			dup2(STDERR_FILENO, STDOUT_FILENO);
			setvbuf(stdout, NULL, _IOLBF, 0);
		}
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		log_forked();
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 ||
		    getppid() != parent || atexit(probe_exit_trap) != 0)
			_exit(1);
		/* _exit: the parent's atexit handlers are not ours. */
		_exit(fn(arg, pfd[1]) & 0xff);
	}
	close(pfd[1]);
	memset(&r, 0, sizeof(r));
	deadline = mono_now() + secs;
	timed_out = probe_read(pfd[0], deadline, &r) == -1;
	close(pfd[0]);
	/* It may close the pipe and go on: reaped by the same deadline. */
	if ((killed = reap_by(pid, timed_out ? 0 : deadline,
	    &status)) == -1) {
		snprintf(why, whylen, "was lost while %s: waitpid: %s", doing,
		    strerror(errno));
		free(r.p);
		return -1;
	}
	if (timed_out || killed) {
		snprintf(why, whylen, "hung while %s: killed after %ds", doing,
		    secs);
		rc = -1;
	} else if (WIFSIGNALED(status)) {
		snprintf(why, whylen, "crashed while %s: killed by signal %d "
		    "(%s)", doing, WTERMSIG(status),
		    strsignal(WTERMSIG(status)));
		rc = -1;
	} else if (WEXITSTATUS(status) == PROBE_CALLED_EXIT) {
		snprintf(why, whylen, "called exit() while %s", doing);
		rc = -1;
	} else
		rc = WEXITSTATUS(status);
	if (rc == -1) {
		free(r.p);
		return -1;
	}
	*report = r.p != NULL ? r.p : xstrdup("");
	*len = r.len;
	return rc;
}
