/* SPDX-License-Identifier: ISC */
/*
 * nofollow.c: using the state directory without being led out of it.
 * Nothing under STATE is followed: a symbolic link where a file or a
 * directory of regiomon's should be would make a write land outside
 * (a series appended into any file the service user can write), and a
 * FIFO would block the process that opens it for good.  So the
 * directories below STATE are made and checked without following a
 * link, files are opened with O_NOFOLLOW and O_NONBLOCK and must turn
 * out regular, and a lock is waited for a bounded time.  Each refusal
 * says what was found where, and what to do.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"

/* What the file of mode m is, in words: "a symbolic link", "a FIFO". */
const char *
file_kind(mode_t m)
{
	if (S_ISLNK(m))
		return "a symbolic link";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "a device";
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISREG(m))
		return "a regular file";
	return "a special file";
}

/* Log why path, of mode m, is refused where want should be. */
static void
refuse(const char *path, mode_t m, const char *want)
{
	log_errx("%s is %s, not %s: regiomon follows no link and opens no "
	    "special file in its state directory; move it away", path,
	    file_kind(m), want);
}

/*
 * Make sure path is a directory, not a symbolic link to one or anything
 * else; with mode not 0, make it (that mode) if it is missing.  Only the
 * last component is checked: the caller checks each one below the state
 * dir in turn (mkdir_beneath()).  0, or -1 (logged) with errno set:
 * ENOTDIR for a refusal, ENOENT for a directory missing and not made.
 */
int
dir_nofollow(const char *path, mode_t mode)
{
	struct stat	 st;

	if (lstat(path, &st) == -1) {
		if (errno != ENOENT || mode == 0) {
			if (errno != ENOENT)
				log_err("%s", path);
			return -1;
		}
		if (mkdir(path, mode) == -1 && errno != EEXIST) {
			log_err("mkdir %s", path);
			return -1;
		}
		if (lstat(path, &st) == -1) {
			log_err("%s", path);
			return -1;
		}
	}
	if (!S_ISDIR(st.st_mode)) {
		refuse(path, st.st_mode, "a directory");
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

/*
 * Make base/rel (rel: "spool", "rrd/INDICATOR") with mode, each of its
 * components a directory of its own, none a symbolic link; base itself,
 * the state dir, is made by mkdir_p() and may be a link (an admin's
 * choice of where it lives).  0, or -1 (logged).
 */
int
mkdir_beneath(const char *base, const char *rel, mode_t mode)
{
	char	*path, *p;
	int	 rc = 0;

	if (mkdir_p(base, 0750) == -1) {
		log_err("mkdir %s", base);
		return -1;
	}
	xasprintf(&path, "%s/%s", base, rel);
	for (p = path + strlen(base) + 1; rc == 0; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		if (*p == '\0') {
			rc = dir_nofollow(path, mode);
			break;
		}
		*p = '\0';
		rc = dir_nofollow(path, mode);
		*p = '/';
	}
	free(path);
	return rc;
}

/*
 * open(2) path, a regular file regiomon keeps, without following a
 * symbolic link and without blocking on a FIFO: anything but a regular
 * file (or, with O_CREAT, nothing) is refused before it is opened, and
 * the open file is checked again.  flags as for open(2); O_NOFOLLOW and
 * O_CLOEXEC are added, and the file is not left non-blocking.  The fd,
 * or -1 (logged unless ENOENT without O_CREAT) with errno set: ELOOP
 * for a link, EINVAL for another kind of file.
 */
int
open_nofollow(const char *path, int flags, mode_t mode)
{
	struct stat	 st;
	int		 fd, saved;

	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		refuse(path, st.st_mode, "a regular file");
		errno = S_ISLNK(st.st_mode) ? ELOOP : EINVAL;
		return -1;
	}
	fd = open(path, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, mode);
	if (fd == -1) {
		saved = errno;
		if (saved == ELOOP || saved == ENXIO) {
			/* Made a link or a FIFO since the lstat. */
			if (lstat(path, &st) == 0)
				refuse(path, st.st_mode, "a regular file");
			else
				log_err("%s", path);
		} else if (saved != ENOENT || (flags & O_CREAT))
			log_err("%s", path);
		errno = saved;
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		saved = errno;
		log_err("%s", path);
		close(fd);
		errno = saved;
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		refuse(path, st.st_mode, "a regular file");
		close(fd);
		errno = EINVAL;
		return -1;
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) == -1) {
		saved = errno;
		log_err("%s", path);
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/*
 * flock(fd, LOCK_EX), waiting at most secs seconds for another process
 * to let go.  0, or -1 with errno set (EWOULDBLOCK: still held).
 */
int
flock_wait(int fd, double secs)
{
	struct timespec	 ts;
	double		 until = mono_now() + secs;

	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK || mono_now() >= until)
			return -1;
		ts.tv_sec = 0;
		ts.tv_nsec = 20 * 1000000L;
		nanosleep(&ts, NULL);
	}
}
