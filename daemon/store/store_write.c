/* SPDX-License-Identifier: ISC */
/*
 * store_write.c: writing a series' points into its file: appended, or the
 * file rebuilt, or left alone when nothing changed.
 *
 * New periods are appended with one update; a revised or back-filled past
 * value rebuilds the file in a temp file that is renamed over the old one
 * (by the batch's commit, in a batch), so a reader or a crash sees the old
 * file or the new one, never a mix.  With store.rrdcached appends go to
 * rrdcached instead, in chunks (store_cached.c); rebuilds are written
 * directly.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rrd.h>

#include "core/core.h"
#include "model/model.h"
#include "store/store.h"
#include "store/store_private.h"

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
	if (rrdfile_fault("create", file) == -1)
		return -1;
	rrd_clear_error();
	if (rrd_create_r2(file, (unsigned long)DAY, start, 1, NULL, NULL, 2,
	    argv) != 0)
		return rrdfile_failed("create", file);
	if (rrdfile_update(file, a) == -1 ||
	    (!batch_active() && fsync_file(file) == -1))
		return -1;
	return 0;
}

/* Write pts (the whole series) to the new file tmp.  0, or -1 (logged). */
static int
rebuild_into(const char *path, const char *tmp, enum freq f,
    const struct point *pts, size_t n)
{
	struct args	 a;
	int		 rc = -1;

	if (span_check(path, &pts[0].period, &pts[n - 1].period) == -1)
		return -1;
	memset(&a, 0, sizeof(a));
	if (args_points(&a, path, pts, n, NULL) == 0 &&
	    create_file(tmp, f, period_start(&pts[0].period), &a) == 0)
		rc = 0;
	free(a.buf);
	return rc;
}

/*
 * Write pts (the whole series) to a temp file in the same directory and
 * rename it over path.  On failure path is untouched.
 */
static int
rebuild(const char *path, enum freq f, const struct point *pts, size_t n)
{
	char	*tmp, *dir;
	int	 rc = -1;

	/* No update queued for the old file may be replayed into the new. */
	if (access(path, F_OK) == 0 && cached_flush(path) == -1)
		return -1;
	xasprintf(&tmp, "%s.%ld.tmp", path, (long)getpid());
	dir = path_dirname(path);
	if (rebuild_into(path, tmp, f, pts, n) == -1)
		goto done;
	if (batch_active()) {
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
	if (rc == -1 && tmp != NULL)
		unlink(tmp);
	free(dir);
	free(tmp);
	return rc;
}

/*
 * Append pts, all newer than the stored series s, with one update.  In
 * a batch the update can be undone (store_batch.c, "Batches").
 */
static int
append(const char *path, const struct series *s, const struct point *pts,
    size_t n)
{
	struct args	 a;
	struct undo	 u;
	const char	*addr;
	int		 rc = -1;

	if (s->n > 0 &&
	    span_check(path, &s->pts[0].period, &pts[n - 1].period) == -1)
		return -1;
	memset(&a, 0, sizeof(a));
	if (args_points(&a, path, pts, n, &s->lastp) == -1)
		rc = -1;
	else if ((addr = cached_addr()) != NULL)
		/* rrdcached writes it, durable by its journal (-j). */
		rc = cached_update(addr, path, &a);
	else if (!batch_active()) {
		if (rrdfile_update(path, &a) == 0 && fsync_file(path) == 0)
			rc = 0;
	} else if (batch_undo_begin(path, &u) == 0 && batch_undo_end(&u,
	    rrdfile_update(path, &a) == 0) == 0) {
		batch_dirty();
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
 * 1 if the stored series s, once pts[k..n) are appended to it (k: what
 * classify() returned), is exactly pts: what store_read() would give is
 * what record_evaluate_stored() makes of pts (from the first value on,
 * every period, missing ones NaN), and the file ends with pts.
 */
static int
same_shape(const struct series *s, const struct point *pts, size_t k)
{
	struct period	 p;
	size_t		 i = 0, j;
	double		 v;

	while (i < k && isnan(pts[i].value))
		i++;
	if (s->partial || i == k || s->n == 0 || period_cmp(&s->pts[0].period,
	    &pts[i].period) != 0 || period_cmp(&s->lastp,
	    &pts[k - 1].period) != 0)
		return 0;
	for (j = 0, p = pts[i].period; j < s->n; j++, period_next(&p, &p)) {
		if (period_cmp(&s->pts[j].period, &p) != 0)
			return 0;
		v = NAN;
		if (i < k && period_cmp(&pts[i].period, &p) == 0) {
			v = pts[i].value == 0 ? 0.0 : pts[i].value;
			i++;
		}
		if (!store_same_value(s->pts[j].value, v))
			return 0;
	}
	return i == k;
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
	if (damaged_set_aside(path, n) == -1)
		return -1;
	if (rebuild(path, f, pts, n) == -1)
		return -1;
	*changed = 1;
	return 0;
}

/* Write pts into the existing file path; see store_write_exact. */
static int
write_existing(const char *path, off_t size, enum freq f,
    const struct point *pts, size_t n, int *changed, int *exact)
{
	struct series	 s;
	struct point	*m;
	size_t		 nm;
	long		 k;
	int		 rc = -1;

	rrd_clear_error();
	if (read_series(path, f, &s) == -1) {
		if (!damaged_found(path, size))
			return -1;
		*exact = 1;
		return replace_damaged(path, f, pts, n, changed);
	}
	if ((k = classify(&s, pts, n)) == -1) {
		if ((m = merge(&s, pts, n, &nm)) != NULL) {
			rc = rebuild(path, f, m, nm);
			free(m);
		}
		*changed = rc == 0;
		*exact = nm == n;
	} else {
		*exact = same_shape(&s, pts, (size_t)k);
		if ((size_t)k < n) {
			rc = append(path, &s, pts + k, n - (size_t)k);
			*changed = rc == 0;
		} else
			rc = 0;
	}
	free(s.pts);
	return rc;
}

/*
 * Write pts into tmp, the rebuilt file of path that waits in the batch
 * (written earlier in this batch): an append goes into it, a change
 * rebuilds it afresh under the same name.  If that fails half-way the
 * batch cannot commit.  0, or -1 (logged).
 */
static int
write_pending(const char *path, const char *tmp, enum freq f,
    const struct point *pts, size_t n, int *changed)
{
	struct series	 s;
	struct point	*m;
	struct args	 a;
	size_t		 nm;
	long		 k;
	int		 rc = -1;

	rrd_clear_error();
	if (read_series(tmp, f, &s) == -1) {
		batch_break();
		return -1;
	}
	if ((k = classify(&s, pts, n)) == -1) {
		if ((m = merge(&s, pts, n, &nm)) != NULL) {
			unlink(tmp);
			rc = rebuild_into(path, tmp, f, m, nm);
			free(m);
		}
	} else if ((size_t)k < n) {
		memset(&a, 0, sizeof(a));
		if ((s.n == 0 || span_check(path, &s.pts[0].period,
		    &pts[n - 1].period) == 0) && args_points(&a, path, pts + k,
		    n - (size_t)k, &s.lastp) == 0)
			rc = rrdfile_update(tmp, &a);
		free(a.buf);
	} else
		rc = 0;
	if (rc == -1)
		batch_break();
	else
		*changed = k != (long)n;
	free(s.pts);
	return rc;
}

/*
 * Store pts (ascending, unique periods of frequency f; any part of the
 * history) in the series' file.  Values equal to the stored ones are no
 * change; only newer periods are appended with one update; a changed or
 * older value rebuilds the file atomically.  *changed is 1 if the file
 * was written.  0, or -1 (logged) with the old file intact, or
 * STORE_REFUSED (logged) if a link or a special file is in the way to
 * the series' file (store_check()), which is left alone.  The caller
 * serializes writes of one series (librrd's locks do not exclude threads).
 */
int
store_write(const char *state_dir, const char *indicator, const char *region,
    enum freq f, const struct point *pts, size_t n, int *changed)
{
	int	 exact;

	return store_write_exact(state_dir, indicator, region, f, pts, n,
	    changed, &exact);
}

/*
 * store_write(), and *exact 1 if the file now holds exactly pts (nothing
 * else stored before or between them), what a new file or a rebuild
 * from pts alone gives; 0 if not or not known.
 */
int
store_write_exact(const char *state_dir, const char *indicator,
    const char *region, enum freq f, const struct point *pts, size_t n,
    int *changed, int *exact)
{
	struct stat	 st;
	char		*path, *tmp = NULL;
	int		 rc = -1, exists, pend;

	*changed = 0;
	*exact = 0;
	if ((path = store_path(state_dir, indicator, region)) == NULL)
		return -1;
	if (points_check(path, f, pts, n) == -1)
		goto done;
	if (n == 0) {
		rc = 0;
		goto done;
	}
	/* Made if missing; nothing followed, no FIFO opened. */
	if ((rc = store_check(state_dir, indicator, region, STORE_CREATE,
	    &exists)) != 0)
		goto done;
	rc = -1;
	if ((pend = batch_pending(path, &tmp)) == -1)
		goto done;
	if (pend == 1) {
		rc = write_pending(path, tmp, f, pts, n, changed);
		goto done;
	}
	stale_remove(path);
	if (stat(path, &st) == 0)
		rc = write_existing(path, st.st_size, f, pts, n, changed,
		    exact);
	else if (errno != ENOENT)
		log_err("%s", path);
	else if ((rc = rebuild(path, f, pts, n)) == 0)
		*changed = *exact = 1;
done:
	free(tmp);
	free(path);
	return rc;
}

/*
 * Append pts (n > 0, ascending, all after the period last) to the
 * series' file without reading it back: the caller knows (apply.c, by
 * the digest and stamp its state keeps) that the file holds exactly a
 * series from the period first to last, no more.  *changed as with
 * store_write().  0, 1 if it cannot be done so (a rebuild of the file
 * waits in the batch, or the file is gone: the caller writes with
 * store_write()), -1 (logged) with the file as it was, or STORE_REFUSED
 * (logged).
 */
int
store_append(const char *state_dir, const char *indicator, const char *region,
    enum freq f, const struct period *first, const struct period *last,
    const struct point *pts, size_t n, int *changed)
{
	struct series	 s;
	struct point	 p0;
	char		*path, *tmp = NULL;
	int		 rc = -1, exists, pend;

	*changed = 0;
	/* Not only newer points: the caller compares (store_write). */
	if (n == 0 || period_cmp(&pts[0].period, last) <= 0)
		return 1;
	if ((path = store_path(state_dir, indicator, region)) == NULL)
		return -1;
	if (points_check(path, f, pts, n) == -1)
		goto done;
	if ((rc = store_check(state_dir, indicator, region, 0,
	    &exists)) != 0)
		goto done;
	rc = 1;
	if (!exists)
		goto done;
	if ((pend = batch_pending(path, &tmp)) != 0) {
		rc = pend == -1 ? -1 : 1;
		goto done;
	}
	stale_remove(path);
	memset(&s, 0, sizeof(s));
	memset(&p0, 0, sizeof(p0));
	p0.period = *first;
	s.pts = &p0;
	s.n = 1;
	s.lastp = *last;
	s.last = period_end(last);
	if ((rc = append(path, &s, pts, n)) == 0)
		*changed = 1;
done:
	free(tmp);
	free(path);
	return rc;
}
