/* SPDX-License-Identifier: ISC */
/*
 * store_batch.c: the batch of writes that commit together: rebuilt files
 * wait as temp files, synced and renamed into place by the commit or
 * removed by an abort; and the stale temp files a killed run left.
 */
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"
#include "store/store.h"
#include "store/store_private.h"

/* The open batch, if any: see "Batches" below. */
struct pending {
	char	*tmp;
	char	*path;
};

static struct {
	int		 active;
	int		 dirty;		/* an append waits for the sync */
	char		*dir;		/* STATE/rrd, for syncfs() */
	struct pending	*v;
	size_t		 n, cap;
	char		**dirs;		/* cleaned by batch_remove_stale() */
	size_t		 ndirs;
	pthread_t	 owner;		/* began it: the one to commit */
} batch;

/*
 * writer.c's threads write new series into the open batch at once: its
 * lists and flags change under this lock.  Only the thread that began a
 * batch commits or aborts it, while no writer runs (batch_settle() in a
 * writer fails the write instead).
 */
static pthread_mutex_t	 batch_mu = PTHREAD_MUTEX_INITIALIZER;

/*
 * Batches.  Syncing every file made storing a new release three times
 * slower (tests/bench: 1M cells, 11.0 s against 4.6 s with one sync at
 * the end), so between store_batch_begin and store_batch_commit a
 * rebuilt file waits as its temp file and an append is not synced.  The
 * commit makes them all durable with one syncfs(), then renames the temp
 * files over the series and syncs again for the directory entries.  A
 * crash before the commit leaves every series' old file (and temp files
 * that batch_remove_stale() cleans); the caller keeps what it is applying
 * until the commit returns, and applies it again after a crash.
 */

/*
 * Queue tmp, a rebuilt file, to be renamed over path by the commit.  Both
 * are the batch's from now on.  0, or -1 (logged).
 */
int
batch_add(char *tmp, char *path)
{
	struct pending	*v;
	size_t		 cap;
	int		 rc = 0;

	pthread_mutex_lock(&batch_mu);
	if (batch.n == batch.cap) {
		cap = batch.cap == 0 ? 256 : batch.cap * 2;
		if ((v = reallocarray(batch.v, cap, sizeof(*v))) == NULL) {
			log_err("store");
			rc = -1;
			goto done;
		}
		batch.v = v;
		batch.cap = cap;
	}
	batch.v[batch.n].tmp = tmp;
	batch.v[batch.n].path = path;
	batch.n++;
done:
	pthread_mutex_unlock(&batch_mu);
	return rc;
}

/*
 * 1 if directory dir was cleaned of stale temp files in this batch; if
 * not, it counts as cleaned from now on.  A spool has a few directories,
 * one per indicator.
 */
static int
batch_cleaned(const char *dir)
{
	char	**v;
	size_t	  i;
	int	  rc = 0;

	pthread_mutex_lock(&batch_mu);
	for (i = 0; i < batch.ndirs && rc == 0; i++)
		rc = strcmp(batch.dirs[i], dir) == 0;
	if (rc == 0 && (v = reallocarray(batch.dirs, batch.ndirs + 1,
	    sizeof(*v))) != NULL) {
		batch.dirs = v;
		batch.dirs[batch.ndirs++] = xstrdup(dir);
	}
	pthread_mutex_unlock(&batch_mu);
	return rc;
}

/* Sync the file system of the state's rrd directory.  0, or -1 (logged). */
static int
batch_sync(void)
{
	int	 fd, rc;

	if ((fd = open(batch.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		log_err("open %s", batch.dir);
		return -1;
	}
	if ((rc = syncfs(fd)) == -1)
		log_err("syncfs %s", batch.dir);
	close(fd);
	return rc;
}

static void
batch_end(void)
{
	size_t	 i;

	for (i = 0; i < batch.n; i++) {
		free(batch.v[i].tmp);
		free(batch.v[i].path);
	}
	for (i = 0; i < batch.ndirs; i++)
		free(batch.dirs[i]);
	free(batch.dirs);
	free(batch.v);
	free(batch.dir);
	memset(&batch, 0, sizeof(batch));
}

/*
 * Start a batch of writes to the series of state_dir, which
 * store_batch_commit or store_batch_abort ends.  A series may be written
 * more than once in a batch.  0, or -1 (logged).
 */
int
store_batch_begin(const char *state_dir)
{
	if (batch.active) {
		log_errx("store: a batch is already open");
		return -1;
	}
	/* Made by the first write, if any: none, nothing to see. */
	xasprintf(&batch.dir, "%s/rrd", state_dir);
	batch.owner = pthread_self();
	batch.active = 1;
	return 0;
}

/*
 * Make every write of the batch durable and visible, and end it.  0, or
 * -1 (logged) if any rebuilt file could not be put in place (its old file
 * is intact) or the sync failed.
 */
int
store_batch_commit(void)
{
	size_t	 i;
	int	 rc = 0;

	if (!batch.active)
		return 0;
	if ((batch.n > 0 || batch.dirty) && batch_sync() == -1) {
		store_batch_abort();
		return -1;
	}
	for (i = 0; i < batch.n; i++) {
		if (rename(batch.v[i].tmp, batch.v[i].path) == -1) {
			log_err("rename %s", batch.v[i].tmp);
			unlink(batch.v[i].tmp);
			rc = -1;
			continue;
		}
		/* rrdcached must not check updates against the old file. */
		cached_forget(batch.v[i].path);
	}
	if (batch.n > 0 && batch_sync() == -1)
		rc = -1;
	batch_end();
	return rc;
}

/*
 * End a batch: rebuilt files are dropped, appends stay (unsynced).  The
 * directories made for the dropped files go too, if empty: a failed run
 * leaves no trace.
 */
void
store_batch_abort(void)
{
	size_t	 i;
	char	*dir;

	for (i = 0; i < batch.n; i++) {
		unlink(batch.v[i].tmp);
		dir = path_dirname(batch.v[i].tmp);
		rmdir(dir);
		free(dir);
	}
	if (batch.n > 0)
		rmdir(batch.dir);
	batch_end();
}

/*
 * If path has a rebuild waiting in the batch, commit the batch and open a
 * new one, so that this write starts from that file.  The temp file
 * tells, without a search: its name is the one rebuild() (store_write.c)
 * uses.  A writer thread (writer.c) must not commit under the others:
 * there the write fails, and apply writes the series again in the main
 * thread.  (Its series are not in the batch yet, so only a stale temp
 * file of a killed run with our pid leads here.)  0, or -1 (logged).
 */
int
batch_settle(const char *path)
{
	char	*tmp, *state_dir;
	int	 rc = 0, empty;

	pthread_mutex_lock(&batch_mu);
	empty = !batch.active || batch.n == 0;
	pthread_mutex_unlock(&batch_mu);
	if (empty)
		return 0;
	xasprintf(&tmp, "%s.%ld.tmp", path, (long)getpid());
	if (access(tmp, F_OK) == 0 &&
	    !pthread_equal(pthread_self(), batch.owner)) {
		log_info("%s: left to the main thread", tmp);
		rc = -1;
	} else if (access(tmp, F_OK) == 0) {
		/* batch.dir is STATE/rrd. */
		state_dir = path_dirname(batch.dir);
		rc = store_batch_commit();
		if (store_batch_begin(state_dir) == -1)
			rc = -1;
		free(state_dir);
	}
	free(tmp);
	return rc;
}

/* 1 if a batch is open. */
int
batch_active(void)
{
	return batch.active;
}

/* An append went into the batch's files unsynced: the commit syncs. */
void
batch_dirty(void)
{
	pthread_mutex_lock(&batch_mu);
	batch.dirty = 1;
	pthread_mutex_unlock(&batch_mu);
}

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
batch_remove_stale(const char *path)
{
	DIR		*dir;
	struct dirent	*de;
	const char	*base;
	char		*dname, *p;
	pid_t		 pid;

	dname = path_dirname(path);
	base = (p = strrchr(path, '/')) != NULL ? p + 1 : path;
	if (batch.active) {
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
