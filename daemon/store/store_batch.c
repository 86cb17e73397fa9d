/* SPDX-License-Identifier: ISC */
/*
 * store_batch.c: the batch of writes that commit together: rebuilt files
 * wait as temp files, synced and renamed into place by the commit or
 * removed by an abort, and appends undone from a journal.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"
#include "store/store.h"
#include "store/store_private.h"

#define UNDO_SKIP	256	/* equal bytes passed at once (memcmp) */

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
	char		**dirs;		/* cleaned by stale_remove() */
	size_t		 ndirs;
	pthread_t	 owner;		/* began it: the one to commit */
	int		 broken;	/* a queued temp file was lost */
	int		 undo_fd;	/* undo journal of appends, -1: none */
	off_t		 undo_len;
	off_t		*undo_off;	/* where each record starts */
	size_t		 nundo, undo_cap;
} batch = { .undo_fd = -1 };

/*
 * writer.c's threads write new series into the open batch at once: its
 * lists and flags change under this lock.  Only the thread that began a
 * batch commits or aborts it, while no writer runs (batch_settle() in a
 * writer fails the write instead).
 */
static pthread_mutex_t	 batch_mu = PTHREAD_MUTEX_INITIALIZER;

static void	undo_replay(void);

/*
 * Batches.  Syncing every file made storing a new release three times
 * slower (tests/bench: 1M cells, 11.0 s against 4.6 s with one sync at
 * the end), so between store_batch_begin and store_batch_commit a
 * rebuilt file waits as its temp file and an append is not synced.  The
 * commit makes them all durable with one syncfs(), then renames the temp
 * files over the series and syncs again for the directory entries.
 *
 * A batch is all or nothing.  A rebuilt file is invisible until the
 * commit renames it, and a series written again in the same batch is
 * written into its waiting temp file (batch_pending), never committed
 * early.  An append goes into the series' file itself (copying every
 * file a release appends to would write 176 KB per series), so first
 * its bytes are kept (batch_undo_begin) and afterwards the bytes the
 * update changed (the header and the new rows, about a kilobyte) are
 * saved in an undo journal, an unnamed temp file in STATE/rrd: an abort
 * writes them back, newest first, and syncs, so every series is on its
 * old version again, byte for byte.  A crash before the commit leaves
 * every rebuilt series' old file (and temp files that
 * stale_remove() cleans) and maybe some of the appends: the caller
 * keeps what it is applying until the commit returns, and applies it
 * again after a crash, which completes it.
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
int
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
	if (batch.undo_fd != -1)
		close(batch.undo_fd);
	free(batch.undo_off);
	free(batch.dirs);
	free(batch.v);
	free(batch.dir);
	memset(&batch, 0, sizeof(batch));
	batch.undo_fd = -1;
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
 * Rename the batch's temp file i over its series.  The test hook
 * REGIOMON_STORE_FAIL_RENAME=N makes every rename after the first N fail
 * as in a full directory.  0, or -1 with errno set.
 */
static int
commit_rename(size_t i)
{
	long	 after;

	after = env_long("REGIOMON_STORE_FAIL_RENAME", 0, LONG_MAX, -1);
	if (after >= 0 && (long)i >= after) {
		errno = ENOSPC;
		return -1;
	}
	return rename(batch.v[i].tmp, batch.v[i].path);
}

/*
 * Make every write of the batch durable and visible, and end it.  0; -1
 * (logged) if it was aborted instead (a write had failed, or the first
 * sync did), nothing of it kept; or STORE_PARTIAL (logged) if a rebuilt
 * file could not be put in place (its old file is intact, the others are
 * new) or the last sync failed.
 */
int
store_batch_commit(void)
{
	size_t	 i;
	int	 rc = 0;

	if (!batch.active)
		return 0;
	if (batch.broken) {
		log_errx("store: a write of the batch failed half-way: "
		    "nothing of it is kept");
		store_batch_abort();
		return -1;
	}
	if ((batch.n > 0 || batch.dirty) && batch_sync() == -1) {
		store_batch_abort();
		return -1;
	}
	/*
	 * Past this point nothing can be undone: a rename that fails (a
	 * full directory) leaves that series on its old file while others
	 * are on their new ones, each file whole; so does a final sync that
	 * fails, for a crash.  The caller hears STORE_PARTIAL, not -1.
	 */
	for (i = 0; i < batch.n; i++) {
		if (commit_rename(i) == -1) {
			log_err("rename %s", batch.v[i].tmp);
			unlink(batch.v[i].tmp);
			rc = STORE_PARTIAL;
			continue;
		}
		/* rrdcached must not check updates against the old file. */
		cached_forget(batch.v[i].path);
	}
	if (batch.n > 0 && batch_sync() == -1)
		rc = STORE_PARTIAL;
	batch_end();
	return rc;
}

/*
 * End a batch: rebuilt files are dropped, and the appends undone from the
 * journal (see "Batches").  The directories made for the dropped files go
 * too, if empty: a failed run leaves no trace.
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
	if (batch.nundo > 0)
		undo_replay();
	if (batch.n > 0)
		rmdir(batch.dir);
	batch_end();
}

/*
 * Whether path has a rebuild waiting in the batch as its temp file: then
 * this write goes into that file (*tmp, new), so that the batch still
 * commits as a whole.  The temp file tells, without a search in the
 * common case: its name is the one rebuild() (store_write.c) uses.  A
 * writer thread (writer.c) leaves such a series to the main thread,
 * which writes it again.  1, 0 if not (a stale temp file of a killed
 * run with our pid is removed), or -1 (logged).
 */
int
batch_pending(const char *path, char **tmp)
{
	size_t	 i;
	int	 found = 0, owner;

	*tmp = NULL;
	if (!batch.active)
		return 0;
	xasprintf(tmp, "%s.%ld.tmp", path, (long)getpid());
	if (access(*tmp, F_OK) == -1) {
		free(*tmp);
		*tmp = NULL;
		return 0;
	}
	pthread_mutex_lock(&batch_mu);
	for (i = 0; i < batch.n && !found; i++)
		found = strcmp(batch.v[i].tmp, *tmp) == 0;
	owner = pthread_equal(pthread_self(), batch.owner);
	pthread_mutex_unlock(&batch_mu);
	if (found && owner)
		return 1;
	if (found)
		log_info("%s: left to the main thread", *tmp);
	else if (unlink(*tmp) == 0)
		log_info("removed stale %s", *tmp);
	free(*tmp);
	*tmp = NULL;
	return found ? -1 : 0;
}

/* A temp file queued in the batch was lost: the commit must fail. */
void
batch_break(void)
{
	pthread_mutex_lock(&batch_mu);
	batch.broken = 1;
	pthread_mutex_unlock(&batch_mu);
}

/* One record of the undo journal: then path, then len old bytes. */
struct undo_rec {
	uint64_t	off;
	uint32_t	pathlen;
	uint32_t	len;
};

/* Append buf to the journal.  0, or -1 with errno set. */
static int
undo_put(const void *buf, size_t len)
{
	ssize_t	 w;
	size_t	 done = 0;

	while (done < len) {
		w = pwrite(batch.undo_fd, (const char *)buf + done,
		    len - done, batch.undo_len);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			return -1;
		done += (size_t)w;
		batch.undo_len += w;
	}
	return 0;
}

/*
 * Open the undo journal: unnamed (O_TMPFILE), so that it vanishes with
 * the process, or, on a file system without O_TMPFILE, named and removed
 * at once.  0, or -1 (logged).
 */
static int
undo_open(void)
{
	char	*name;

	batch.undo_len = 0;
	batch.undo_fd = open(batch.dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (batch.undo_fd != -1)
		return 0;
	if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) {
		log_err("the undo journal in %s", batch.dir);
		return -1;
	}
	xasprintf(&name, "%s/.undo.%ld", batch.dir, (long)getpid());
	unlink(name);
	batch.undo_fd = open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, 0600);
	if (batch.undo_fd == -1)
		log_err("%s", name);
	else
		unlink(name);
	free(name);
	return batch.undo_fd == -1 ? -1 : 0;
}

/*
 * Save the old bytes of file at off in the journal.  Called under
 * batch_mu.  0, or -1 (logged).
 */
static int
undo_record(const char *file, size_t off, const char *old, size_t len)
{
	struct undo_rec	 rec;
	off_t		*v;
	size_t		 cap;

	if (batch.undo_fd == -1 && undo_open() == -1)
		return -1;
	if (batch.nundo == batch.undo_cap) {
		cap = batch.undo_cap == 0 ? 256 : batch.undo_cap * 2;
		if ((v = reallocarray(batch.undo_off, cap,
		    sizeof(*v))) == NULL) {
			log_err("store");
			return -1;
		}
		batch.undo_off = v;
		batch.undo_cap = cap;
	}
	memset(&rec, 0, sizeof(rec));
	rec.off = off;
	rec.pathlen = (uint32_t)strlen(file);
	rec.len = (uint32_t)len;
	batch.undo_off[batch.nundo] = batch.undo_len;
	if (undo_put(&rec, sizeof(rec)) == -1 ||
	    undo_put(file, rec.pathlen) == -1 ||
	    undo_put(old, len) == -1) {
		log_err("the undo journal in %s", batch.dir);
		batch.undo_len = batch.undo_off[batch.nundo];
		return -1;
	}
	batch.nundo++;
	return 0;
}

/*
 * Put back what the batch's appends changed, newest first (a file
 * appended twice gets its oldest bytes last), and sync.
 */
static void
undo_replay(void)
{
	struct undo_rec	 rec;
	char		*path, *old;
	size_t		 i;
	int		 failed = 0;

	for (i = batch.nundo; i-- > 0;) {
		if (pread(batch.undo_fd, &rec, sizeof(rec),
		    batch.undo_off[i]) != (ssize_t)sizeof(rec)) {
			log_err("read the undo journal");
			failed = 1;
			continue;
		}
		path = xcalloc(1, (size_t)rec.pathlen + 1);
		old = xcalloc(1, (size_t)rec.len + 1);
		if (pread(batch.undo_fd, path, rec.pathlen, batch.undo_off[i] +
		    (off_t)sizeof(rec)) != (ssize_t)rec.pathlen ||
		    pread(batch.undo_fd, old, rec.len, batch.undo_off[i] +
		    (off_t)sizeof(rec) + rec.pathlen) != (ssize_t)rec.len) {
			log_err("read the undo journal");
			failed = 1;
		} else {
			path[rec.pathlen] = '\0';
			if (io_write_at(path, (off_t)rec.off, old,
			    rec.len) == -1)
				failed = 1;
			else
				cached_forget(path);
		}
		free(path);
		free(old);
	}
	if (batch_sync() == -1)
		failed = 1;
	if (failed)
		log_errx("store: the appends of a failed batch could not all "
		    "be undone; the spool applied again brings those series "
		    "up to date");
	else
		log_info("store: undid %zu changes of appends", batch.nundo);
}

/*
 * Before an append to file in the batch: keep its bytes in u (see
 * "Batches").  0, or -1 (logged).
 */
int
batch_undo_begin(const char *file, struct undo *u)
{
	memset(u, 0, sizeof(*u));
	u->file = file;
	return io_read_all(file, &u->before, &u->len);
}

/*
 * After the append to u's file: journal the bytes it changed, or, if the
 * append failed (ok 0) or the journal cannot be written, put the file
 * back as it was.  Frees u's bytes.  0, or -1 (logged): the file is as
 * before.
 */
int
batch_undo_end(struct undo *u, int ok)
{
	char	*after = NULL;
	size_t	 len = 0, i, j, gap;
	int	 rc = 0;

	if (ok && io_read_all(u->file, &after, &len) == -1)
		ok = 0;
	if (ok && len != u->len) {
		log_errx("%s: the append changed its size", u->file);
		ok = 0;
	}
	pthread_mutex_lock(&batch_mu);
	for (i = 0; ok && i < len; i = j) {
		/*
		 * An append changes a few KB of a 176 KB file: the equal
		 * stretches are passed a block at a time (byte by byte, this
		 * loop was a quarter of a release's time at 20,862 series).
		 */
		if (len - i >= UNDO_SKIP &&
		    memcmp(after + i, u->before + i, UNDO_SKIP) == 0) {
			j = i + UNDO_SKIP;
			continue;
		}
		if (after[i] == u->before[i]) {
			j = i + 1;
			continue;
		}
		/* One record for changes less than 64 bytes apart. */
		for (j = i + 1, gap = 0; j < len && gap < 64; j++)
			gap = after[j] == u->before[j] ? gap + 1 : 0;
		j -= gap;
		if (undo_record(u->file, i, u->before + i, j - i) == -1)
			ok = 0;
	}
	pthread_mutex_unlock(&batch_mu);
	if (!ok) {
		/* What this append changed goes back at once. */
		if (io_write_at(u->file, 0, u->before, u->len) == -1)
			batch_break();
		rc = -1;
	}
	free(after);
	free(u->before);
	u->before = NULL;
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
