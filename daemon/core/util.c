/* SPDX-License-Identifier: ISC */
/*
 * util.c: small helpers every file needs: checked allocation, ids,
 * durations and sizes, paths, writing a file so that a reader sees the
 * old or the new contents, never a mix, the clocks, and JSON text whose
 * reals read back exactly.
 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/suggest.h"
#include "core/core.h"

/*
 * FNV-1a: h (FNV_START to begin) carried on over the bytes of s.  The
 * hash of the spool index and of the catalog's regions.
 */
uint64_t
fnv1a(uint64_t h, const char *s)
{
	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* glibc before 2.38 has no strlcpy. */
size_t
strlcpy(char *dst, const char *src, size_t size)
{
	size_t	 len = strlen(src);

	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

/* calloc that treats running out of memory as fatal; start-up use only. */
void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if ((p = calloc(n, size)) == NULL)
		fatal(NULL);
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	if ((p = reallocarray(p, n, size)) == NULL)
		fatal(NULL);
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p;

	if ((p = strndup(s, n)) == NULL)
		fatal(NULL);
	return p;
}

char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		fatal(NULL);
	return p;
}

int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vasprintf(ret, fmt, ap);
	va_end(ap);
	if (n == -1)
		fatal(NULL);
	return n;
}

/* 1 if s is a valid id; the rule is keytab_id_valid()'s. */
int
id_valid(const char *s)
{
	return keytab_id_valid(s);
}

/* A duration ("90s", "1d") in *secs: 0, or -1; see keytab_duration(). */
int
duration_parse(const char *s, long *secs)
{
	return keytab_duration(s, secs);
}

/* A size ("64M") in *bytes: 0, or -1; see keytab_size(). */
int
size_parse(const char *s, size_t *bytes)
{
	return keytab_size(s, bytes);
}

/* mkdir -p; 0 or -1 with errno set. */
int
mkdir_p(const char *path, mode_t mode)
{
	char	 buf[PATH_MAX];
	char	*p;

	if (strlcpy(buf, path, sizeof(buf)) >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) == -1 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, mode) == -1 && errno != EEXIST)
		return -1;
	return 0;
}

/* fsync a directory so a rename in it survives a crash. */
int
fsync_dir(const char *dir)
{
	int	 fd, rc;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/*
 * The environment's name as a whole number from min to max (a knob the
 * tests turn: shorter backoffs, a smaller budget), else dflt.
 */
long
env_long(const char *name, long min, long max, long dflt)
{
	const char	*s = getenv(name);
	char		*end;
	long		 n;

	if (s == NULL || *s == '\0')
		return dflt;
	errno = 0;
	n = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		return dflt;
	return n;
}

/* Write all len bytes of p to fd, through short writes.  0, or -1. */
int
write_all(int fd, const void *p, size_t len)
{
	const char	*s = p;
	ssize_t		 n;

	while (len > 0) {
		if ((n = write(fd, s, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Reap the child pid by the monotonic deadline, or SIGKILL it then and
 * reap it.  1 if it had to be killed, 0 if not, -1 if waitpid() failed.
 * status may be NULL.
 */
int
reap_by(pid_t pid, double deadline, int *status)
{
	pid_t	 r;

	for (;;) {
		if ((r = waitpid(pid, status, WNOHANG)) == pid)
			return 0;
		if (r == -1 && errno != EINTR)
			return -1;
		if (mono_now() >= deadline)
			break;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, status, 0) == -1)
		if (errno != EINTR)
			return -1;
	return 1;
}

/*
 * fork(), with the child tied to the caller: it gets SIGKILL when the
 * caller dies (PR_SET_PDEATHSIG), and leaves at once if the caller died
 * before that took hold.  Every child that works under the state lock
 * is made so: it shares the lock's descriptor, and an orphan would hold
 * the state dir for good under a dead parent's name.  Call it from the
 * thread that lives as long as the process (the death signal follows
 * the thread that forked).  As fork().
 */
pid_t
fork_tied(void)
{
	pid_t	 parent = getpid(), pid;

	if ((pid = fork()) != 0)
		return pid;
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() != parent)
		_exit(1);
	return 0;
}

#define CORRUPT_MAX	100	/* FILE.corrupt, .corrupt.1, ... */

/*
 * Move the unusable file path aside to path.corrupt (or .corrupt.N if
 * that is taken: link(2) never replaces, so an older corrupt file is kept
 * too), never to lose what it held.  0 with *dst the new name (new), or
 * -1 (logged).
 */
int
set_aside(const char *path, char **dst)
{
	return set_aside_as(path, "corrupt", dst);
}

/*
 * set_aside() to path.SUFFIX (or .SUFFIX.N): a file kept for another
 * reason than damage, such as a series whose source changed
 * ("from-SOURCE").  0 with *dst the new name (new), or -1 (logged).
 */
int
set_aside_as(const char *path, const char *suffix, char **dst)
{
	int	 i;

	for (i = 0; i < CORRUPT_MAX; i++) {
		if (i == 0)
			xasprintf(dst, "%s.%s", path, suffix);
		else
			xasprintf(dst, "%s.%s.%d", path, suffix, i);
		if (link(path, *dst) == 0) {
			if (unlink(path) == -1)
				log_err("unlink %s", path);
			return 0;
		}
		free(*dst);
		*dst = NULL;
		if (errno != EEXIST)
			break;
	}
	log_err("%s: cannot move aside", path);
	return -1;
}

/*
 * Replace path with data: write a temp file in the same directory, fsync,
 * rename over path, fsync the directory.  0, or -1 (logged) with path
 * untouched.
 */
int
write_file_atomic(const char *path, const void *data, size_t len)
{
	char		*tmp, *dir;
	int		 fd, rc = -1;

	xasprintf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	/*
	 * A new file of our own: a link or a FIFO left at the temp name is
	 * replaced, never followed or opened (a killed writer with our pid
	 * left the name, or someone else did).
	 */
	if (unlink(tmp) == -1 && errno != ENOENT)
		log_warn("unlink %s", tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0640)) == -1) {
		log_warn("%s", tmp);
		free(tmp);
		return -1;
	}
	if (write_all(fd, data, len) == -1) {
		log_warn("write %s", tmp);
		goto fail;
	}
	if (fsync(fd) == -1) {
		log_warn("fsync %s", tmp);
		goto fail;
	}
	if (close(fd) == -1) {
		fd = -1;
		log_warn("close %s", tmp);
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1) {
		log_warn("rename %s", path);
		goto fail;
	}
	dir = path_dirname(path);
	if (fsync_dir(dir) == -1)
		log_warn("fsync %s", dir);
	free(dir);
	rc = 0;
fail:
	if (fd != -1)
		close(fd);
	if (rc == -1)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* dir/name, or name alone when it is absolute or dir is NULL.  New. */
char *
path_join(const char *dir, const char *name)
{
	char	*p;

	if (dir == NULL || *dir == '\0' || name[0] == '/')
		return xstrdup(name);
	xasprintf(&p, "%s/%s", dir, name);
	return p;
}

/* The directory part of path ("." if none).  New, caller frees. */
char *
path_dirname(const char *path)
{
	const char	*slash = strrchr(path, '/');
	char		*p;

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	p = xstrdup(path);
	p[slash - path] = '\0';
	return p;
}

/*
 * The candidate closest to s when it is close enough to be a typo, else
 * NULL: suggest_did_you_mean(), borrowed from cand.
 */
const char *
did_you_mean(const char *s, const char *const *cand, size_t n)
{
	return suggest_did_you_mean(s, cand, n);
}

/*
 * Seconds on the monotonic clock, for deadlines and intervals: never
 * jumps with the wall clock.
 */
double
mono_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * The wall clock that status and alert judge by: time(NULL), or the
 * REGIOMON_NOW environment variable (seconds since the epoch), a test
 * hook so that what turns stale does not depend on the day a test runs.
 * It is read here only, and says so on stderr when set, so that it cannot
 * skew a user's judgements unnoticed; a bad value is logged and ignored.
 */
time_t
wall_now(void)
{
	const char	*s = getenv("REGIOMON_NOW");
	char		*end;
	long long	 v;

	if (s == NULL || *s == '\0')
		return time(NULL);
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 ||
	    (long long)(time_t)v != v) {
		log_warnx("REGIOMON_NOW=\"%s\": expected seconds since the "
		    "epoch; using the clock", s);
		return time(NULL);
	}
	log_warnx("REGIOMON_NOW is set: judging as of %lld (a test hook)", v);
	return (time_t)v;
}

/*
 * json_dumps() with every real in its shortest exact notation: jansson
 * writes "%.17g", 65.700000000000003 for 65.7; this rewrites each real
 * of its output with fmt_double(), which reads back as the same double,
 * and keeps a ".0" so that a real stays a real.  New, caller frees with
 * free(); NULL when out of memory (logged).
 */
char *
json_dumps_exact(const json_t *doc, size_t flags)
{
	char		*text, *out = NULL, num[64], tok[64];
	const char	*p, *q;
	size_t		 len, o = 0, cap, n;
	int		 instr = 0, real;

	if ((text = json_dumps(doc, flags | JSON_REAL_PRECISION(17))) ==
	    NULL) {
		log_warnx("json_dumps: out of memory");
		return NULL;
	}
	/* A number never grows: "%.17g" is at least as long as the rest. */
	len = strlen(text);
	cap = len + 1;
	if ((out = malloc(cap)) == NULL) {
		log_warn("json_dumps_exact");
		free(text);
		return NULL;
	}
	for (p = text; *p != '\0'; p++) {
		if (instr) {
			out[o++] = *p;
			if (*p == '\\' && p[1] != '\0')
				out[o++] = *++p;
			else if (*p == '"')
				instr = 0;
			continue;
		}
		if (*p == '"')
			instr = 1;
		if (*p != '-' && (*p < '0' || *p > '9')) {
			out[o++] = *p;
			continue;
		}
		q = p + strspn(p, "0123456789+-.eE");
		n = (size_t)(q - p);
		real = memchr(p, '.', n) != NULL || memchr(p, 'e', n) != NULL ||
		    memchr(p, 'E', n) != NULL;
		if (!real || n >= sizeof(tok)) {
			memcpy(out + o, p, n);
			o += n;
		} else {
			memcpy(tok, p, n);
			tok[n] = '\0';
			fmt_double(num, sizeof(num), strtod(tok, NULL));
			if (strpbrk(num, ".eE") == NULL &&
			    strlen(num) + 2 < sizeof(num))
				memcpy(num + strlen(num), ".0", 3);
			/* Shorter than tok, or tok itself: never longer. */
			if (strlen(num) > n)
				snprintf(num, sizeof(num), "%s", tok);
			memcpy(out + o, num, strlen(num));
			o += strlen(num);
		}
		p = q - 1;
	}
	out[o] = '\0';
	free(text);
	return out;
}
