/* SPDX-License-Identifier: ISC */
/*
 * report_dir.c: the report's directory.  A new report is written to
 * DIR.tmp.PID next to it and swapped in whole, so a reader sees the old
 * report or the new one, never a mix; a DIR that is not ours is never
 * replaced.
 *
 * The swap: DIR.tmp.PID is filled and fsynced, then exchanged with DIR
 * in one renameat2(RENAME_EXCHANGE) and the old one (now DIR.tmp.PID)
 * removed.  On a file system without RENAME_EXCHANGE, DIR is renamed to
 * DIR.old.PID and DIR.tmp.PID to DIR, leaving a moment without DIR, but
 * never a half-written one.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"
#include "eval/eval.h"
#include "report/report.h"
#include "report/report_private.h"

/* Write a new file and fsync it.  0, or -1 (logged). */
int
report_dir_put(const char *path, const void *data, size_t len)
{
	int	 fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0644)) == -1) {
		log_warn("%s", path);
		return -1;
	}
	if (write_all(fd, data, len) == -1) {
		log_warn("write %s", path);
		close(fd);
		return -1;
	}
	if (fsync(fd) == -1) {
		log_warn("fsync %s", path);
		close(fd);
		return -1;
	}
	if (close(fd) == -1) {
		log_warn("close %s", path);
		return -1;
	}
	return 0;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	if (remove(path) == -1 && errno != ENOENT) {
		log_warn("remove %s", path);
		return -1;
	}
	return 0;
}

/* rm -rf path, symlinks removed rather than followed.  0, or -1. */
int
report_dir_rm(const char *path)
{
	struct stat	 st;

	if (lstat(path, &st) == -1)
		return errno == ENOENT ? 0 : -1;
	return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}

/* 1 if path is a report dir of ours (it holds the mark). */
static int
is_report(const char *path)
{
	char	*mark;
	int	 yes;

	if (asprintf(&mark, "%s/%s", path, REPORT_MARK) == -1)
		return 0;
	yes = access(mark, F_OK) == 0;
	free(mark);
	return yes;
}

/* 1 if dir is an empty directory. */
static int
is_empty_dir(const char *path)
{
	DIR		*d;
	struct dirent	*de;
	int		 empty = 1;

	if ((d = opendir(path)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0) {
			empty = 0;
			break;
		}
	closedir(d);
	return empty;
}

/*
 * Remove what an earlier run that died left next to the report:
 * BASE.tmp.PID and BASE.old.PID of processes that are gone, if they are
 * report dirs of ours.
 */
void
report_dir_clean(const char *parent, const char *base)
{
	DIR		*d;
	struct dirent	*de;
	size_t		 blen = strlen(base);
	const char	*rest;
	char		*end, *path;
	long		 pid;

	if ((d = opendir(parent)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, base, blen) != 0)
			continue;
		rest = de->d_name + blen;
		if (strncmp(rest, ".tmp.", 5) != 0 &&
		    strncmp(rest, ".old.", 5) != 0)
			continue;
		errno = 0;
		pid = strtol(rest + 5, &end, 10);
		if (errno != 0 || *end != '\0' || pid <= 0 || pid > INT_MAX ||
		    pid == (long)getpid() ||
		    (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
			continue;
		if (asprintf(&path, "%s/%s", parent, de->d_name) == -1)
			break;
		if (is_report(path) || is_empty_dir(path)) {
			log_info("removing %s, left by process %ld", path,
			    pid);
			(void)report_dir_rm(path);
		}
		free(path);
	}
	closedir(d);
}

/* fsync a directory, logged.  0, or -1. */
int
report_dir_sync(const char *path)
{
	if (fsync_dir(path) == -1) {
		log_warn("fsync %s", path);
		return -1;
	}
	return 0;
}

/*
 * Put the finished report tmp in place of dir: exchanged in one step
 * when dir exists, the old one removed after.  0, or -1 (logged) with
 * dir as it was.
 */
int
report_dir_swap(const char *tmp, const char *dir, const char *parent)
{
	char	*old;
	int	 rc = 0;

	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_EXCHANGE) == 0) {
		(void)report_dir_sync(parent);
		if (report_dir_rm(tmp) == -1)
			log_warnx("%s: the old report is left there", tmp);
		return 0;
	}
	if (errno == ENOENT) {
		if (rename(tmp, dir) == -1) {
			log_warn("rename %s to %s", tmp, dir);
			return -1;
		}
		(void)report_dir_sync(parent);
		return 0;
	}
	if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP) {
		log_warn("rename %s to %s", tmp, dir);
		return -1;
	}
	/* No RENAME_EXCHANGE here: two renames, old report kept apart. */
	if (asprintf(&old, "%s.old.%ld", dir, (long)getpid()) == -1) {
		log_warn("report");
		return -1;
	}
	if (rename(dir, old) == -1) {
		log_warn("rename %s to %s", dir, old);
		rc = -1;
	} else if (rename(tmp, dir) == -1) {
		log_warn("rename %s to %s", tmp, dir);
		if (rename(old, dir) == -1)
			log_warn("rename %s back to %s", old, dir);
		rc = -1;
	} else {
		(void)report_dir_sync(parent);
		(void)report_dir_rm(old);
	}
	free(old);
	return rc;
}

/*
 * Is dir fit to be replaced by a report?  Missing, empty, or one of our
 * reports.  0, or -1 with the reason logged.
 */
int
report_dir_check(const char *dir)
{
	struct stat	 st;

	if (lstat(dir, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		log_warn("%s", dir);
		return -1;
	}
	if (S_ISLNK(st.st_mode)) {
		/* The swap would replace the link, not what it points to. */
		log_warnx("%s: is a symbolic link; name the directory it "
		    "points to instead", dir);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		log_warnx("%s: exists and is not a directory; the report "
		    "needs a directory of its own", dir);
		return -1;
	}
	if (!is_empty_dir(dir) && !is_report(dir)) {
		log_warnx("%s: exists, is not empty and is not a regiomon "
		    "report (no %s in it); refusing to replace it", dir,
		    REPORT_MARK);
		return -1;
	}
	return 0;
}
