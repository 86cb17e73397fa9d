/* SPDX-License-Identifier: ISC */
/*
 * main.c: the exec source plugin, for sources written in any language.  It
 * runs a configured program (an argv list, no shell) with a clean
 * environment, reads observation JSON lines from its stdout (the format
 * `regiomon fetch` prints), logs its stderr, and kills its whole process
 * group when the program ends or the plugin's own timeout passes.  Exit
 * status 0 is success.  What escaped the group (setsid()) is ended by
 * the host: the run's child is a subreaper and kills every process left
 * at the end of the run, or when regiomon stops it with SIGTERM.
 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "exec.h"

const struct rm_host	*ex_host;

/*
 * The program to execve: argv[0] itself when it holds a "/", else the
 * first executable match in the PATH of the program's environment.  New,
 * or NULL logged.
 */
static char *
ex_resolve(struct rm_ctx *ctx, const struct ex_state *st)
{
	const char	*path = EX_PATH, *p, *e;
	char		*cand;
	size_t		 i;

	if (strchr(st->argv[0], '/') != NULL) {
		if ((cand = strdup(st->argv[0])) == NULL)
			ex_host->log(ctx, RM_LOG_ERR, "out of memory");
		return cand;
	}
	for (i = 0; i < st->nenv; i++)
		if (strncmp(st->envp[i], "PATH=", 5) == 0)
			path = st->envp[i] + 5;
	for (p = path; *p != '\0'; p = *e == ':' ? e + 1 : e) {
		e = p + strcspn(p, ":");
		if (e == p)
			continue;
		if (asprintf(&cand, "%.*s/%s", (int)(e - p), p,
		    st->argv[0]) == -1) {
			ex_host->log(ctx, RM_LOG_ERR, "out of memory");
			return NULL;
		}
		if (access(cand, X_OK) == 0)
			return cand;
		free(cand);
	}
	ex_host->log(ctx, RM_LOG_ERR, "command[0]: \"%s\" not found in PATH %s",
	    st->argv[0], path);
	return NULL;
}

/*
 * The program's side of the fork: its own process group (so the whole
 * group can be killed), death with this process, /dev/null as stdin, the
 * pipes as stdout and stderr, nothing else open.  Never returns.
 */
static void
ex_child(const struct ex_state *st, const char *prog, pid_t parent,
    int outfd, int errfd)
{
	sigset_t	 none;
	int		 fd, i;

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* The parent may have died before prctl took hold. */
	if (getppid() != parent)
		_exit(127);
	if ((fd = open("/dev/null", O_RDONLY)) == -1 ||
	    dup2(fd, STDIN_FILENO) == -1 || dup2(outfd, STDOUT_FILENO) == -1 ||
	    dup2(errfd, STDERR_FILENO) == -1)
		_exit(127);
	close_range(3, ~0U, 0);
	for (i = 1; i < NSIG; i++)
		signal(i, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(prog, st->argv, st->envp);
	dprintf(STDERR_FILENO, "cannot run %s: %s\n", prog, strerror(errno));
	_exit(127);
}

static double
ex_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * The group of the program pid, which has not been reaped: its zombie
 * keeps the group's id from being reused, so the kill reaches only what
 * is left of the program's group (after the reap it could hit another
 * process that made a group of that number).  Then reap the leader.
 */
static int
ex_end(pid_t pid)
{
	int	 status = 0;

	kill(-pid, SIGKILL);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	return status;
}

/* 1 if the program pid has ended (not reaped: see ex_end()), else 0. */
static int
ex_ended(pid_t pid)
{
	siginfo_t	 si;

	memset(&si, 0, sizeof(si));
	return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) ==
	    0 && si.si_pid == pid;
}

static void
ex_log_timeout(struct rm_ctx *ctx, const struct ex_state *st)
{
	ex_host->log(ctx, RM_LOG_ERR, "program %s did not finish within %lds; "
	    "killed it and its process group", st->argv[0], st->timeout);
}

/*
 * Run the program and turn its stdout into observations.  The poll loop
 * wakes every EX_TICK_MS to notice the leader's exit even when something
 * it left behind keeps the pipes open; once it has exited, its group is
 * killed.  Long because it is one loop with four ways out.
 */
static int
ex_collect(struct rm_ctx *ctx, void *arg)
{
	const struct ex_state	*st = arg;
	struct ex_pipe		 p[2];
	struct pollfd		 pfd[2];
	char			*prog;
	double			 deadline;
	pid_t			 pid, self = getpid();
	int			 outp[2] = { -1, -1 }, errp[2] = { -1, -1 };
	int			 i, ms, status = 0, exited = 0, rc = RM_ERR;

	memset(p, 0, sizeof(p));
	if ((prog = ex_resolve(ctx, st)) == NULL)
		return RM_ERR;
	if (pipe2(outp, O_CLOEXEC) == -1 || pipe2(errp, O_CLOEXEC) == -1) {
		ex_host->log(ctx, RM_LOG_ERR, "pipe: %s", strerror(errno));
		goto done;
	}
	if ((pid = fork()) == -1) {
		ex_host->log(ctx, RM_LOG_ERR, "fork: %s", strerror(errno));
		goto done;
	}
	if (pid == 0)
		ex_child(st, prog, self, outp[1], errp[1]);
	/* Both sides set the group, so a kill never races the child. */
	setpgid(pid, pid);
	close(outp[1]);
	close(errp[1]);
	outp[1] = errp[1] = -1;
	p[0].fd = outp[0];
	p[1].fd = errp[0];
	for (i = 0; i < 2; i++)
		fcntl(p[i].fd, F_SETFL, fcntl(p[i].fd, F_GETFL) | O_NONBLOCK);
	deadline = ex_now() + (double)st->timeout;
	while (!p[0].eof || !p[1].eof) {
		ms = (int)((deadline - ex_now()) * 1000) + 1;
		if (ms <= 0) {
			if (!exited)
				ex_end(pid);
			ex_log_timeout(ctx, st);
			goto done;
		}
		for (i = 0; i < 2; i++) {
			pfd[i].fd = p[i].eof ? -1 : p[i].fd;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		if (poll(pfd, 2, ms < EX_TICK_MS ? ms : EX_TICK_MS) == -1 &&
		    errno != EINTR) {
			ex_host->log(ctx, RM_LOG_ERR, "poll: %s",
			    strerror(errno));
			if (!exited)
				ex_end(pid);
			goto done;
		}
		for (i = 0; i < 2; i++) {
			if (p[i].eof || pfd[i].revents == 0)
				continue;
			if (ex_read(ctx, &p[i], i == 0) == -1) {
				if (!exited)
					ex_end(pid);
				goto done;
			}
		}
		/* The leader is done: drain, then end what it left. */
		if (!exited && ex_ended(pid)) {
			for (i = 0; i < 2; i++) {
				if (!p[i].eof && ex_read(ctx, &p[i],
				    i == 0) == -1) {
					ex_end(pid);
					goto done;
				}
			}
			status = ex_end(pid);
			exited = 1;
		}
	}
	/* Both pipes closed, but the program may still run: wait, in time. */
	while (!exited) {
		if (ex_ended(pid)) {
			status = ex_end(pid);
			exited = 1;
		} else if (ex_now() >= deadline) {
			ex_end(pid);
			ex_log_timeout(ctx, st);
			goto done;
		} else
			poll(NULL, 0, EX_TICK_MS);
	}
	if (WIFSIGNALED(status))
		ex_host->log(ctx, RM_LOG_ERR, "program %s was killed by signal "
		    "%d (%s)", st->argv[0], WTERMSIG(status),
		    strsignal(WTERMSIG(status)));
	else if (WEXITSTATUS(status) != 0)
		ex_host->log(ctx, RM_LOG_ERR, "program %s exited with status "
		    "%d", st->argv[0], WEXITSTATUS(status));
	else {
		ex_host->log(ctx, RM_LOG_DEBUG, "program %s: %zu output lines",
		    st->argv[0], p[0].lineno);
		rc = RM_OK;
	}
done:
	for (i = 0; i < 2; i++) {
		if (outp[i] != -1)
			close(outp[i]);
		if (errp[i] != -1)
			close(errp[i]);
		free(p[i].buf);
	}
	free(prog);
	return rc;
}

RM_EXPORT int
rm_plugin_init(const struct rm_host *h, struct rm_plugin *p)
{
	/* conf_keys came with ABI 1.1. */
	if (h == NULL || h->abi_major != RM_ABI_MAJOR ||
	    !RM_HOST_HAS(h, conf_keys))
		return RM_ERR;
	ex_host = h;
	RM_PLUGIN_INIT(p);
	p->name = "exec";
	p->description = "any program printing observation JSON lines "
	    "(argv list, clean environment, timeout)";
	p->init = ex_init;
	p->collect = ex_collect;
	p->fini = ex_fini;
	return RM_OK;
}
