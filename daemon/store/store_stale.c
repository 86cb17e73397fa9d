/* SPDX-License-Identifier: ISC */
/*
 * store_stale.c: the temp files a killed rebuild left beside a series
 * (ours as "NAME.rrd.PID.tmp", librrd's mkstemp on that name), removed
 * when their process is gone.
 */
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"
#include "store/store.h"
#include "store/store_private.h"

/*
 * 1 if name is "BASE.PID.tmp..." (ours or librrd's mkstemp on it), with
 * base NULL any "NAME.rrd.PID.tmp...".
 */
static int
stale_pid(const char *base, const char *name, pid_t *pid)
{
	const char	*p;
	char		*end;
	long		 v;

	if (base == NULL) {
		if ((p = strstr(name, ".rrd.")) == NULL)
			return 0;
		name = p + 5;
	} else {
		if (strncmp(name, base, strlen(base)) != 0 ||
		    name[strlen(base)] != '.')
			return 0;
		name += strlen(base) + 1;
	}
	if (*name < '0' || *name > '9')
		return 0;
	errno = 0;
	v = strtol(name, &end, 10);
	if (errno != 0 || v <= 0 || strncmp(end, ".tmp", 4) != 0)
		return 0;
	*pid = (pid_t)v;
	return 1;
}

/*
 * Remove temp files of path left by a killed rebuild: those of a process
 * that is gone, and our own (the caller serializes writes of one series,
 * so none of ours is in use).  In a batch, each directory is cleaned
 * once, for every series in it: a scan per write made writing a series
 * cost in proportion to the files beside it (a fifth of the time with
 * 1,600 files in a directory); our own files are left, since those may
 * be waiting for the commit.
 */
void
stale_remove(const char *path)
{
	DIR		*dir;
	struct dirent	*de;
	const char	*base;
	char		*dname, *p;
	pid_t		 pid;

	dname = path_dirname(path);
	base = (p = strrchr(path, '/')) != NULL ? p + 1 : path;
	if (batch_active()) {
		if (batch_cleaned(dname)) {
			free(dname);
			return;
		}
		base = NULL;
	}
	if ((dir = opendir(dname)) == NULL) {
		free(dname);
		return;
	}
	while ((de = readdir(dir)) != NULL) {
		if (!stale_pid(base, de->d_name, &pid))
			continue;
		if (pid == getpid() ? base == NULL :
		    kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		xasprintf(&p, "%s/%s", dname, de->d_name);
		if (unlink(p) == 0)
			log_info("removed stale %s", p);
		else if (errno != ENOENT)
			log_err("unlink %s", p);
		free(p);
	}
	closedir(dir);
	free(dname);
}
