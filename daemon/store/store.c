/* SPDX-License-Identifier: ISC */
/*
 * store.c: one RRD file per series, STATE/rrd/INDICATOR/REGION.rrd; with
 * store_cached.c the only file that includes <rrd.h>.  New periods are
 * appended with one rrd_update_r call; a revised or back-filled past
 * value rebuilds the file in a temp file that is renamed over the old
 * one, so a reader or a crash sees the old file or the new one, never a
 * mix.
 *
 * Bit-exact values.  A period's value is the row of its last day (what a
 * one-row fetch at the period end returns), so only that row has to be
 * exact.  A period is written as its value at end-86400 (the earlier
 * days, which graphs show, hold it to within an ulp), "end-65536:U", then
 * the value at the end: the known 65536 s of the last day make librrd's
 * scaling by the interval exact, and 20864 unknown seconds stay below its
 * limit of half a step of unknown time per row.  store_text.c picks the
 * text (or two) that rrd_strtod reads as the exact double.  That is three
 * or four update arguments a period, not three a day, and a missing
 * period is one "end:U".  The file layout itself is the plain one from
 * design.md.
 *
 * With store.rrdcached the same update arguments go to rrdcached instead,
 * in chunks (store_cached.c); the direct path is unchanged.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* For stat_head_t, the file's header, read by our_header(). */
#define RRD_EXPORT_DEPRECATED
#include <rrd.h>

#include "core/core.h"
#include "model/model.h"
#include "store/store.h"
#include "store/store_private.h"

#define RRA_ROWS	21915L		/* about 60 years of days */
#define LOCK_TRIES	5

/* A stored series as read back. */
struct series {
	struct point	*pts;
	size_t		 n;
	time_t		 last;		/* rrd_last_r */
	struct period	 lastp;		/* last complete period */
	int		 partial;	/* last is not a period end */
};

static int
rrd_failed(const char *what, const char *file)
{
	log_errx("%s %s: %s", what, file, rrd_get_error());
	return -1;
}

/* 1 if the pending librrd error is another process holding the lock. */
static int
rrd_locked(void)
{
	return strstr(rrd_get_error(), "could not lock") != NULL;
}

/* Back off before retry n (0-based): 10, 20, 40, 80 ms. */
static void
lock_wait(int n)
{
	struct timespec	 ts;

	ts.tv_sec = 0;
	ts.tv_nsec = (10L << n) * 1000000L;
	nanosleep(&ts, NULL);
}

/*
 * The path of a series' RRD file, or NULL (logged) if an id is not a
 * valid id; ids are never put into a path unchecked.  New, caller frees.
 */
char *
store_path(const char *state_dir, const char *indicator, const char *region)
{
	char	*p;

	if (!id_valid(indicator)) {
		log_errx("store: invalid indicator id");
		return NULL;
	}
	if (!id_valid(region)) {
		log_errx("store: invalid region id (indicator %s)", indicator);
		return NULL;
	}
	xasprintf(&p, "%s/rrd/%s/%s.rrd", state_dir, indicator, region);
	return p;
}

/*
 * 1 unless the series' file is certainly not there (ENOENT): an invalid
 * id or an odd error counts as there, so that a caller only takes the
 * shortcuts of a new file for one.
 */
int
store_exists(const char *state_dir, const char *indicator,
    const char *region)
{
	struct stat	 st;
	char		*path;
	int		 rc;

	if ((path = store_path(state_dir, indicator, region)) == NULL)
		return 1;
	rc = stat(path, &st) == 0 || errno != ENOENT;
	free(path);
	return rc;
}

/* The period of frequency f that contains instant t. */
static void
period_at(time_t t, enum freq f, struct period *p)
{
	struct tm	 tm;

	gmtime_r(&t, &tm);
	p->year = tm.tm_year + 1900;
	p->freq = f;
	switch (f) {
	case FREQ_YEAR:
		p->index = 0;
		break;
	case FREQ_QUARTER:
		p->index = tm.tm_mon / 3 + 1;
		break;
	default:
		p->index = tm.tm_mon + 1;
		break;
	}
}


/*
 * Append "t:value".  Formatted by hand: snprintf was a fifth of the cost
 * of a write, for the thousand arguments a series of 250 months needs.
 */
static int
args_add(struct args *a, time_t t, const char *value)
{
	char	 digits[24], *p;
	size_t	 nd, len;

	if (a->n == a->cap) {
		size_t cap = a->cap == 0 ? 1024 : a->cap * 2;

		if ((p = reallocarray(a->buf, cap, ARG_LEN)) == NULL) {
			log_err("store");
			return -1;
		}
		a->buf = p;
		a->cap = cap;
	}
	if (t <= 0) {
		log_errx("store: update time %lld", (long long)t);
		return -1;
	}
	nd = store_digits(digits, (unsigned long long)t);
	if (nd + 1 + (len = strlen(value)) >= ARG_LEN) {
		log_errx("store: update argument too long");
		return -1;
	}
	p = a->buf + a->n * ARG_LEN;
	memcpy(p, digits, nd);
	p[nd] = ':';
	memcpy(p + nd + 1, value, len + 1);
	a->n++;
	return 0;
}

/*
 * The arguments for one period: one "U", or the bulk of the period then
 * the exact last day (see the top of this file).
 */
static int
args_period(struct args *a, const struct period *p, const struct enc *e,
    double v)
{
	time_t	 end = period_end(p);
	char	 bulk[TEXT_LEN];

	if (e->n == 0)
		return args_add(a, end, "U");
	/* With two texts, neither is v itself: the bulk gets v as text. */
	if (e->n == 2)
		snprintf(bulk, sizeof(bulk), "%.17g", v);
	else
		strlcpy(bulk, e->text[0], sizeof(bulk));
	if (args_add(a, end - DAY, bulk) == -1 ||
	    args_add(a, end - KNOWN_SECS, "U") == -1)
		return -1;
	if (e->n == 2 && args_add(a, end - HALF_SECS, e->text[0]) == -1)
		return -1;
	return args_add(a, end, e->text[e->n - 1]);
}

/*
 * The update arguments for pts, every period between two given ones (and
 * between after, if not NULL, and the first) written as unknown.
 */
static int
args_build(struct args *a, const char *path, const struct point *pts,
    size_t n, const struct period *after)
{
	struct period	 p, q;
	struct enc	 e, none;
	size_t		 i;

	memset(&none, 0, sizeof(none));
	if (after != NULL)
		period_next(after, &p);
	else
		p = pts[0].period;
	for (i = 0; i < n; i++) {
		for (; period_cmp(&p, &pts[i].period) < 0; p = q) {
			if (args_period(a, &p, &none, NAN) == -1)
				return -1;
			period_next(&p, &q);
		}
		if (store_encode(pts[i].value, path, &e) == -1 ||
		    args_period(a, &pts[i].period, &e, pts[i].value) == -1)
			return -1;
		period_next(&pts[i].period, &p);
	}
	return 0;
}

/* The argv librrd wants, pointing into a->buf.  New, caller frees. */
const char **
store_argv(const struct args *a)
{
	const char	**v;
	size_t		  i;

	if ((v = reallocarray(NULL, a->n + 1, sizeof(*v))) == NULL) {
		log_err("store");
		return NULL;
	}
	for (i = 0; i < a->n; i++)
		v[i] = a->buf + i * ARG_LEN;
	v[a->n] = NULL;
	return v;
}

/* One rrd_update_r with all of a, retried while another process has it. */
static int
update_file(const char *file, const struct args *a)
{
	const char	**argv;
	int		  i, rc = -1;

	if (a->n == 0)
		return 0;
	if (a->n > INT_MAX) {
		log_errx("%s: too many updates", file);
		return -1;
	}
	if ((argv = store_argv(a)) == NULL)
		return -1;
	for (i = 0; i < LOCK_TRIES; i++) {
		rrd_clear_error();
		if ((rc = rrd_update_r(file, NULL, (int)a->n, argv)) == 0)
			break;
		if (!rrd_locked() || i == LOCK_TRIES - 1)
			break;
		lock_wait(i);
	}
	if (rc != 0)
		rrd_failed("update", file);
	free(argv);
	return rc == 0 ? 0 : -1;
}

static int
fsync_file(const char *file)
{
	int	 fd, rc;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1) {
		log_err("open %s", file);
		return -1;
	}
	if ((rc = fsync(fd)) == -1)
		log_err("fsync %s", file);
	close(fd);
	return rc;
}


/*
 * Refuse what the file cannot hold: points not of frequency f, not in
 * ascending order, starting at the epoch (librrd turns last_up 0 into
 * "now") or spanning more days than the archive has rows.
 */
static int
points_check(const char *path, enum freq f, const struct point *pts,
    size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (pts[i].period.freq != f || !period_valid(&pts[i].period)) {
			log_errx("%s: point %zu is not a valid %s", path, i,
			    freq_name(f));
			return -1;
		}
		if (i > 0 && period_cmp(&pts[i - 1].period,
		    &pts[i].period) >= 0) {
			log_errx("%s: points not in ascending order", path);
			return -1;
		}
	}
	if (n > 0 && period_start(&pts[0].period) <= 0) {
		log_errx("%s: periods starting on 1970-01-01 cannot be "
		    "stored", path);
		return -1;
	}
	return 0;
}

static int
span_check(const char *path, const struct period *first,
    const struct period *last)
{
	if (period_end(last) - period_start(first) > RRA_ROWS * DAY) {
		log_errx("%s: series longer than %ld days", path, RRA_ROWS);
		return -1;
	}
	return 0;
}

/*
 * Fetch every row of the archive, retrying while another process has the
 * file locked.  0, or -1 (logged).
 */
static int
fetch_rows(const char *path, time_t *start, time_t *end, double **data)
{
	unsigned long	  step, ds_cnt, i;
	char		**names;
	int		  try;

	for (try = 0;; try++) {
		/* In and out: the resolution asked for, then the one given. */
		step = (unsigned long)DAY;
		rrd_clear_error();
		if (rrd_fetch_r(path, "AVERAGE", start, end, &step, &ds_cnt,
		    &names, data) == 0)
			break;
		if (!rrd_locked() || try == LOCK_TRIES - 1)
			return rrd_failed("fetch", path);
		lock_wait(try);
	}
	for (i = 0; i < ds_cnt; i++)
		rrd_freemem(names[i]);
	rrd_freemem(names);
	if (step != (unsigned long)DAY || ds_cnt != 1) {
		log_errx("%s: not a regiomon series (step %lu, %lu sources)",
		    path, step, ds_cnt);
		rrd_freemem(*data);
		return -1;
	}
	return 0;
}

/*
 * One point per period from the first one with a value to s->lastp,
 * taken from the row that ends with the period.
 */
static int
series_points(struct series *s, enum freq f, time_t start, time_t end,
    const double *rows)
{
	struct period	 p, q;
	size_t		 nrows = (size_t)((end - start) / DAY), i, n;
	time_t		 pe;

	for (i = 0; i < nrows && isnan(rows[i]); i++)
		;
	if (i == nrows || start + (time_t)(i + 1) * DAY > s->last)
		return 0;
	period_at(start + (time_t)i * DAY, f, &p);
	for (n = 0, q = p; period_cmp(&q, &s->lastp) <= 0; n++)
		period_next(&q, &q);
	if (n == 0)
		return 0;
	if ((s->pts = reallocarray(NULL, n, sizeof(*s->pts))) == NULL) {
		log_err("store");
		return -1;
	}
	for (s->n = 0; s->n < n; s->n++, period_next(&p, &p)) {
		s->pts[s->n].period = p;
		s->pts[s->n].value = NAN;
		pe = period_end(&p);
		if (pe > start && (size_t)((pe - start) / DAY) <= nrows)
			s->pts[s->n].value = rows[(pe - start) / DAY - 1];
	}
	return 0;
}

/*
 * 0 if path was made for frequency f (its heartbeat says so), else -1
 * (logged): reading monthly rows as years would make a rebuild destroy
 * the series.
 */
static int
check_freq(const char *path, enum freq f)
{
	rrd_info_t	*info, *i;
	unsigned long	 hb = 0, want = (unsigned long)(freq_max_seconds(f) +
			    DAY);

	rrd_clear_error();
	if ((info = rrd_info_r(path)) == NULL)
		return rrd_failed("info", path);
	for (i = info; i != NULL; i = i->next)
		if (strcmp(i->key, "ds[v].minimal_heartbeat") == 0 &&
		    i->type == RD_I_CNT)
			hb = i->value.u_cnt;
	rrd_info_free(info);
	if (hb != want) {
		log_errx("%s: heartbeat %lu, not a %s series", path, hb,
		    freq_name(f));
		return -1;
	}
	return 0;
}

/*
 * Read the series in the existing file path.  A last update that is not
 * a period end (an append killed half-way) sets s->partial; that period
 * is left out.  0, or -1 (logged).
 */
static int
series_read(const char *path, enum freq f, struct series *s)
{
	double		*rows;
	time_t		 start, end;
	int		 rc;

	memset(s, 0, sizeof(*s));
	if (cached_flush(path) == -1 || check_freq(path, f) == -1)
		return -1;
	rrd_clear_error();
	if ((s->last = rrd_last_r(path)) == -1)
		return rrd_failed("last", path);
	/*
	 * The oldest row, as rrd_first_r() gives it for the one archive of
	 * RRA_ROWS days, without opening the file once more.
	 */
	start = s->last - s->last % DAY - (RRA_ROWS - 1) * DAY;
	if (start < DAY)
		start = DAY;
	/* The period that ends at last, or the one before an odd last. */
	period_at(s->last - 1, f, &s->lastp);
	if (period_end(&s->lastp) != s->last) {
		s->partial = 1;
		period_at(period_start(&s->lastp) - 1, f, &s->lastp);
	}
	if (period_end(&s->lastp) <= start)
		return 0;
	end = period_end(&s->lastp);
	if (fetch_rows(path, &start, &end, &rows) == -1)
		return -1;
	rc = series_points(s, f, start, end, rows);
	rrd_freemem(rows);
	return rc;
}

/*
 * The stored series: one point per period from the first with a value to
 * the last stored one, missing periods as NaN.  0 with *n = 0 if there is
 * no file; -1 (logged) on error.  *pts is new, caller frees with free().
 */
int
store_read(const char *state_dir, const char *indicator, const char *region,
    enum freq f, struct point **pts, size_t *n)
{
	struct series	 s;
	struct stat	 st;
	char		*path;
	int		 rc = -1;

	*pts = NULL;
	*n = 0;
	if ((path = store_path(state_dir, indicator, region)) == NULL)
		return -1;
	if (stat(path, &st) == -1) {
		if (errno == ENOENT)
			rc = 0;
		else
			log_err("%s", path);
	} else if (series_read(path, f, &s) == 0) {
		*pts = s.pts;
		*n = s.n;
		rc = 0;
	}
	free(path);
	return rc;
}

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
	char		**dirs;		/* cleaned by remove_stale() */
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

static int	batch_cleaned(const char *);

/*
 * Remove temp files of path left by a killed rebuild: those of a process
 * that is gone, and our own (the caller serializes writes of one series,
 * so none of ours is in use).  In a batch, each directory is cleaned
 * once, for every series in it: a scan per write made writing a series
 * cost in proportion to the files beside it (a fifth of the time with
 * 1,600 files in a directory); our own files are left, since those may
 * be waiting for the commit.
 */
static void
remove_stale(const char *path)
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

/*
 * Batches.  Syncing every file made storing a new release three times
 * slower (tests/bench: 1M cells, 11.0 s against 4.6 s with one sync at
 * the end), so between store_batch_begin and store_batch_commit a
 * rebuilt file waits as its temp file and an append is not synced.  The
 * commit makes them all durable with one syncfs(), then renames the temp
 * files over the series and syncs again for the directory entries.  A
 * crash before the commit leaves every series' old file (and temp files
 * that remove_stale() cleans); the caller keeps what it is applying
 * until the commit returns, and applies it again after a crash.
 */

static int
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
 * tells, without a search: its name is the one rebuild() uses.  A writer
 * thread (writer.c) must not commit under the others: there the write
 * fails, and apply writes the series again in the main thread.  (Its
 * series are not in the batch yet, so only a stale temp file of a killed
 * run with our pid leads here.)  0, or -1 (logged).
 */
static int
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

/* Create file with its first period starting at start, then update. */
static int
create_file(const char *file, enum freq f, time_t start,
    const struct args *a)
{
	char		 ds[64];
	const char	*argv[2];

	snprintf(ds, sizeof(ds), "DS:v:GAUGE:%ld:U:U",
	    freq_max_seconds(f) + DAY);
	argv[0] = ds;
	argv[1] = "RRA:AVERAGE:0.5:1:21915";
	rrd_clear_error();
	if (rrd_create_r2(file, (unsigned long)DAY, start, 1, NULL, NULL, 2,
	    argv) != 0)
		return rrd_failed("create", file);
	if (update_file(file, a) == -1 ||
	    (!batch.active && fsync_file(file) == -1))
		return -1;
	return 0;
}

/*
 * Write pts (the whole series) to a temp file in the same directory and
 * rename it over path.  On failure path is untouched.
 */
static int
rebuild(const char *path, enum freq f, const struct point *pts, size_t n)
{
	struct args	 a;
	char		*tmp, *dir;
	int		 rc = -1;

	if (span_check(path, &pts[0].period, &pts[n - 1].period) == -1)
		return -1;
	memset(&a, 0, sizeof(a));
	if (args_build(&a, path, pts, n, NULL) == -1) {
		free(a.buf);
		return -1;
	}
	/* No update queued for the old file may be replayed into the new. */
	if (access(path, F_OK) == 0 && cached_flush(path) == -1) {
		free(a.buf);
		return -1;
	}
	xasprintf(&tmp, "%s.%ld.tmp", path, (long)getpid());
	dir = path_dirname(path);
	if (create_file(tmp, f, period_start(&pts[0].period), &a) == -1)
		goto done;
	if (batch.active) {
		/* Renamed by the commit, after the sync. */
		if ((rc = batch_add(tmp, xstrdup(path))) == 0)
			tmp = NULL;
		goto done;
	}
	if (rename(tmp, path) == -1) {
		log_err("rename %s", tmp);
		goto done;
	}
	if (fsync_dir(dir) == -1)
		log_err("fsync %s", dir);
	/* rrdcached must not check updates against the old file. */
	cached_forget(path);
	rc = 0;
done:
	if (rc == -1)
		unlink(tmp);
	free(a.buf);
	free(dir);
	free(tmp);
	return rc;
}

/* Append pts, all newer than the stored series s, with one update. */
static int
append(const char *path, const struct series *s, const struct point *pts,
    size_t n)
{
	struct args	 a;
	const char	*addr;
	int		 rc = -1;

	if (s->n > 0 &&
	    span_check(path, &s->pts[0].period, &pts[n - 1].period) == -1)
		return -1;
	memset(&a, 0, sizeof(a));
	if (args_build(&a, path, pts, n, &s->lastp) == -1)
		rc = -1;
	else if ((addr = cached_addr()) != NULL)
		/* rrdcached writes it, durable by its journal (-j). */
		rc = cached_update(addr, path, &a);
	else if (update_file(path, &a) == 0 &&
	    (batch.active || fsync_file(path) == 0)) {
		if (batch.active) {
			pthread_mutex_lock(&batch_mu);
			batch.dirty = 1;
			pthread_mutex_unlock(&batch_mu);
		}
		rc = 0;
	}
	free(a.buf);
	return rc;
}

/*
 * Compare pts with the stored series.  -1 if the file must be rebuilt (a
 * stored value differs, or a value is older than the stored ones), else
 * the index of the first point newer than the stored series (n: none).
 */
static long
classify(const struct series *s, const struct point *pts, size_t n)
{
	size_t	 i, j = 0;
	double	 old;

	if (s->partial)
		return -1;
	for (i = 0; i < n; i++) {
		if (period_end(&pts[i].period) > s->last)
			return (long)i;
		while (j < s->n &&
		    period_cmp(&s->pts[j].period, &pts[i].period) < 0)
			j++;
		old = NAN;
		if (j < s->n && period_cmp(&s->pts[j].period,
		    &pts[i].period) == 0)
			old = s->pts[j].value;
		/* -0 is stored as 0, so it is no change. */
		if (!store_same_value(old, pts[i].value == 0 ? 0.0 :
		    pts[i].value))
			return -1;
	}
	return (long)n;
}

/* The union of the stored series and pts, pts winning.  New. */
static struct point *
merge(const struct series *s, const struct point *pts, size_t n,
    size_t *nout)
{
	struct point	*m;
	size_t		 i = 0, j = 0, k = 0;
	int		 c;

	if ((m = reallocarray(NULL, s->n + n, sizeof(*m))) == NULL) {
		log_err("store");
		return NULL;
	}
	while (i < s->n || j < n) {
		if (i == s->n)
			c = 1;
		else if (j == n)
			c = -1;
		else
			c = period_cmp(&s->pts[i].period, &pts[j].period);
		if (c < 0)
			m[k++] = s->pts[i++];
		else {
			m[k++] = pts[j++];
			i += c == 0;
		}
	}
	*nout = k;
	return m;
}

/*
 * 1 if path begins with the header regiomon writes on this machine: one
 * DS, one RRA, a step of a day, in this machine's layout of doubles and
 * longs.  A file from another architecture reads as "too small" here
 * too, and is sound: `rrdtool dump` there and `restore` here keep it.
 */
static int
our_header(const char *path)
{
	stat_head_t	 h;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, &h, sizeof(h));
	close(fd);
	return n == (ssize_t)sizeof(h) &&
	    memcmp(h.cookie, RRD_COOKIE, sizeof(RRD_COOKIE)) == 0 &&
	    h.float_cookie == FLOAT_COOKIE && h.ds_cnt == 1 &&
	    h.rra_cnt == 1 && h.pdp_step == DAY;
}

/*
 * 1 if the file librrd just failed to read is damaged: empty, shorter
 * than a header, not an RRD file at all, or one of ours cut short
 * (librrd 1.7.2's words).  Not a file it could not read now
 * (permissions, memory, I/O, a lock), one of another frequency
 * (check_freq), or one from another architecture or librrd version:
 * only damaged files are set aside and written afresh.  size: the
 * file's, from stat(); librrd cannot map an empty file and says only
 * "Invalid argument".
 */
static int
rrd_damaged(const char *path, off_t size)
{
	const char	*e = rrd_get_error();

	if (size == 0 || strstr(e, "reached EOF while loading header") !=
	    NULL || strstr(e, "is not an RRD file") != NULL)
		return 1;
	return strstr(e, "is too small (should be") != NULL &&
	    our_header(path);
}

/*
 * The file at path is damaged: keep it as path.corrupt and write the
 * series afresh from pts, all this run has of it (the whole history for
 * a source that sends its table whole, as CBS does).  Else every later
 * run of its source would fail on it, and the other series' updates
 * with it, until someone deleted the file by hand.
 */
static int
replace_damaged(const char *path, enum freq f, const struct point *pts,
    size_t n, int *changed)
{
	char	*dst;

	/* librrd's reason is logged already (rrd_failed). */
	if (set_aside(path, &dst) == -1)
		return -1;
	log_errx("%s: damaged: moved to %s; the series is written afresh "
	    "from the %zu period%s of this run", path, dst, n,
	    n == 1 ? "" : "s");
	free(dst);
	if (rebuild(path, f, pts, n) == -1)
		return -1;
	*changed = 1;
	return 0;
}

/* Write pts into the existing file path; see store_write. */
static int
write_existing(const char *path, off_t size, enum freq f,
    const struct point *pts, size_t n, int *changed)
{
	struct series	 s;
	struct point	*m;
	size_t		 nm;
	long		 k;
	int		 rc = -1;

	rrd_clear_error();
	if (series_read(path, f, &s) == -1)
		return rrd_damaged(path, size) ?
		    replace_damaged(path, f, pts, n, changed) : -1;
	if ((k = classify(&s, pts, n)) == -1) {
		if ((m = merge(&s, pts, n, &nm)) != NULL) {
			rc = rebuild(path, f, m, nm);
			free(m);
		}
		*changed = rc == 0;
	} else if ((size_t)k < n) {
		rc = append(path, &s, pts + k, n - (size_t)k);
		*changed = rc == 0;
	} else
		rc = 0;
	free(s.pts);
	return rc;
}

/*
 * Store pts (ascending, unique periods of frequency f; any part of the
 * history) in the series' file.  Values equal to the stored ones are no
 * change; only newer periods are appended with one update; a changed or
 * older value rebuilds the file atomically.  *changed is 1 if the file
 * was written.  0, or -1 (logged) with the old file intact.  The caller
 * serializes writes of one series (librrd's locks do not exclude threads).
 */
int
store_write(const char *state_dir, const char *indicator, const char *region,
    enum freq f, const struct point *pts, size_t n, int *changed)
{
	struct stat	 st;
	char		*path, *dir = NULL;
	int		 rc = -1;

	*changed = 0;
	if ((path = store_path(state_dir, indicator, region)) == NULL)
		return -1;
	if (points_check(path, f, pts, n) == -1)
		goto done;
	if (n == 0) {
		rc = 0;
		goto done;
	}
	dir = path_dirname(path);
	if (mkdir_p(dir, 0755) == -1) {
		log_err("mkdir %s", dir);
		goto done;
	}
	if (batch_settle(path) == -1)
		goto done;
	remove_stale(path);
	if (stat(path, &st) == 0)
		rc = write_existing(path, st.st_size, f, pts, n, changed);
	else if (errno != ENOENT)
		log_err("%s", path);
	else if ((rc = rebuild(path, f, pts, n)) == 0)
		*changed = 1;
done:
	free(dir);
	free(path);
	return rc;
}
