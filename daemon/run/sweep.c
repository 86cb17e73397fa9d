/* SPDX-License-Identifier: ISC */
/*
 * sweep.c: nothing a plugin started outlives its run.  The child that
 * runs a plugin is a subreaper (PR_SET_CHILD_SUBREAPER): whatever its
 * descendants leave behind, a daemon made with setsid() too, is
 * re-parented to it, not to init.  At the end of the run, and when the
 * parent stops it with SIGTERM, it kills its children, reaps them, kills
 * what that re-parents to it, and so on until it has no child left.
 *
 * Only our own children are signalled, and only before we reap them: an
 * unreaped child's pid cannot be reused, so no signal can reach another
 * process, as a kill(-pgid) after the leader was reaped could.  The
 * children are found in /proc/self/task/TID/children, or by the parent
 * field of /proc/PID/stat where the kernel lacks that file.  Everything
 * here is async-signal-safe (no stdio, no malloc): the SIGTERM handler
 * calls it.
 */
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"
#include "run/run.h"
#include "run/run_private.h"

#define SWEEP_PATH	64

/* The linux_dirent64 of getdents64(2); glibc < 2.30 has no wrapper. */
struct sweep_dirent {
	unsigned long long	 d_ino;
	long long		 d_off;
	unsigned short		 d_reclen;
	unsigned char		 d_type;
	char			 d_name[];
};

static double
sweep_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "prefix" + decimal n + "suffix" into buf, as snprintf (signal-safe). */
static void
sweep_path(char *buf, size_t len, const char *prefix, long n,
    const char *suffix)
{
	char	 digits[24];
	size_t	 i = sizeof(digits), at;

	digits[--i] = '\0';
	do {
		digits[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n > 0 && i > 0);
	at = strlcpy(buf, prefix, len);
	if (at < len)
		at += strlcpy(buf + at, digits + i, len - at);
	if (at < len)
		strlcpy(buf + at, suffix, len - at);
}

/* The decimal number at *s, moving *s past it; -1 if none. */
static long
sweep_number(const char **s, const char *end)
{
	long	 n = -1;

	while (*s < end && (**s < '0' || **s > '9'))
		(*s)++;
	while (*s < end && **s >= '0' && **s <= '9') {
		n = (n < 0 ? 0 : n * 10) + (**s - '0');
		(*s)++;
	}
	return n;
}

/*
 * SIGKILL every pid listed in the file path (space separated, as in a
 * children file).  0, or -1 if path cannot be read.
 */
static int
sweep_kill_listed(const char *path)
{
	char		 buf[4096];
	const char	*s, *end;
	ssize_t		 n;
	long		 pid;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	/* A pid cut at the buffer's end is read whole the next round. */
	if ((n = read(fd, buf, sizeof(buf))) > 0) {
		s = buf;
		end = buf + n;
		if (n == (ssize_t)sizeof(buf))
			while (end > buf && end[-1] != ' ')
				end--;
		while ((pid = sweep_number(&s, end)) > 0)
			kill((pid_t)pid, SIGKILL);
	}
	close(fd);
	return 0;
}

/* Parent pid in /proc/PID/stat ("pid (comm) state ppid ..."), or -1. */
static long
sweep_stat_ppid(long pid)
{
	char		 path[SWEEP_PATH], buf[512];
	const char	*s, *end;
	ssize_t		 n;
	int		 fd;

	sweep_path(path, sizeof(path), "/proc/", pid, "/stat");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0)
		return -1;
	/* comm may hold anything, ")" too: the last ")" ends it. */
	for (end = buf + n, s = end; s > buf && s[-1] != ')'; s--)
		;
	if (s == buf || s + 3 >= end)
		return -1;
	s += 3;			/* ") S " */
	return sweep_number(&s, end);
}

/*
 * Call fn(arg, name) for each entry of the directory path whose name is
 * a number.  -1 if it cannot be read.
 */
static int
sweep_each_number(const char *path, void (*fn)(void *, long), void *arg)
{
	long long		 buf[512];	/* aligned for the records */
	struct sweep_dirent	*de;
	const char		*s;
	long			 n, at;
	int			 fd;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
		for (at = 0; at < n; at += de->d_reclen) {
			de = (struct sweep_dirent *)(void *)((char *)buf + at);
			s = de->d_name;
			if (*s >= '1' && *s <= '9')
				fn(arg, sweep_number(&s, s + strlen(s)));
		}
	close(fd);
	return 0;
}

struct sweep_round {
	pid_t	 self;
	int	 failed;	/* a children file could not be read */
};

static void
sweep_task(void *arg, long tid)
{
	struct sweep_round	*r = arg;
	char			 path[SWEEP_PATH];

	sweep_path(path, sizeof(path), "/proc/self/task/", tid, "/children");
	if (sweep_kill_listed(path) == -1)
		r->failed = 1;
}

static void
sweep_proc(void *arg, long pid)
{
	struct sweep_round	*r = arg;

	/* Our child until we reap it: its pid is not reused before. */
	if (sweep_stat_ppid(pid) == (long)r->self)
		kill((pid_t)pid, SIGKILL);
}

/* SIGKILL every child of this process (of any of its threads). */
static void
sweep_round(void)
{
	struct sweep_round	 r;

	memset(&r, 0, sizeof(r));
	r.self = getpid();
	if (sweep_each_number("/proc/self/task", sweep_task, &r) == -1 ||
	    r.failed)
		sweep_each_number("/proc", sweep_proc, &r);
}

/*
 * Kill every descendant of this process and reap them, until none is
 * left or `within` seconds have passed.  The number of processes
 * reaped; -1 if some were still there at the end.
 */
int
sweep_descendants(double within)
{
	struct sigaction	 sa;
	double			 until = sweep_now() + within;
	int			 reaped = 0;

	/* Ignored SIGCHLD would reap behind our back: pids could be reused. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	for (;;) {
		while (waitpid(-1, NULL, WNOHANG | __WALL) > 0)
			reaped++;
		if (waitpid(-1, NULL, WNOHANG | __WALL) == -1 &&
		    errno == ECHILD)
			return reaped;
		if (sweep_now() >= until)
			return -1;
		sweep_round();
		/* Let the killed die, and theirs be re-parented to us. */
		poll(NULL, 0, 2);
	}
}

static void
sweep_term(int sig)
{
	(void)sig;
	(void)sweep_descendants(KILL_GRACE / 2);
	_exit(1);
}

/*
 * Make this process (a run's child, before it calls the plugin) the
 * reaper of all it will start, and have SIGTERM from the parent end
 * them all.  0, or -1 if the kernel refused (logged; the run goes on,
 * without the guarantee).
 */
int
sweep_setup(void)
{
	struct sigaction	 sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sweep_term;
	sigfillset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) == -1) {
		log_warn("sigaction");
		return -1;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1) {
		log_warn("prctl(PR_SET_CHILD_SUBREAPER)");
		return -1;
	}
	return 0;
}
