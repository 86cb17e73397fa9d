/* SPDX-License-Identifier: ISC */
/*
 * store_damaged.c: telling a damaged series file from one librrd could
 * not read for another reason, and setting a damaged one aside as
 * PATH.corrupt, so that the series can be written afresh; and setting a
 * sound one aside the same way when its series changes source
 * (PATH.from-SOURCE), or removing one on purpose.
 */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* For stat_head_t, the file's header, read by our_header(). */
#define RRD_EXPORT_DEPRECATED
#include <rrd.h>

#include "core/core.h"
#include "model/model.h"
#include "store/store.h"
#include "store/store_private.h"

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

	/* Checked by store_check(); still never follow or block here. */
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1)
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
 * (check_freq() in store_read.c), or one from another architecture or
 * librrd version: only damaged files are set aside and written afresh.
 * size: the file's, from stat(); librrd cannot map an empty file and
 * says only "Invalid argument".
 */
int
damaged_found(const char *path, off_t size)
{
	const char	*e = rrd_get_error();

	if (size == 0 || strstr(e, "reached EOF while loading header") !=
	    NULL || strstr(e, "is not an RRD file") != NULL)
		return 1;
	return strstr(e, "is too small (should be") != NULL &&
	    our_header(path);
}

/*
 * Move the damaged file at path aside, saying that the series is written
 * afresh from the n periods of this run.  0, or -1 (logged).
 */
int
damaged_set_aside(const char *path, size_t n)
{
	char	*dst;

	/* librrd's reason is logged already (rrdfile_failed). */
	if (set_aside(path, &dst) == -1)
		return -1;
	log_errx("%s: damaged: moved to %s; the series is written afresh "
	    "from the %zu period%s of this run", path, dst, n,
	    n == 1 ? "" : "s");
	free(dst);
	return 0;
}

/*
 * Set the file of a series aside as PATH.from-OLD (or .from-OLD.N): its
 * source old no longer feeds it, and the new one writes it afresh.
 * *npoints: the periods with a value it held (0 if it cannot be read);
 * *dst: its new name (new).  0, 1 if there is no file (*dst NULL), -1
 * (logged), or STORE_REFUSED (logged) if a link or a special file is in
 * the way to it.
 */
int
store_set_aside(const char *state_dir, const char *indicator,
    const char *region, enum freq f, const char *old, size_t *npoints,
    char **dst)
{
	struct point	*pts = NULL;
	size_t		 n = 0, i;
	char		*path, *suffix;
	int		 exists, rc;

	*npoints = 0;
	*dst = NULL;
	if ((rc = store_check(state_dir, indicator, region, 0,
	    &exists)) != 0)
		return rc;
	if (!exists)
		return 1;
	if ((path = store_path(state_dir, indicator, region)) == NULL)
		return -1;
	/* What rrdcached queued for the old file goes into the old file. */
	if (cached_flush(path) == -1) {
		free(path);
		return -1;
	}
	if (store_read(state_dir, indicator, region, f, &pts, &n) == 0)
		for (i = 0; i < n; i++)
			*npoints += !isnan(pts[i].value);
	free(pts);
	xasprintf(&suffix, "from-%s", old);
	if ((rc = set_aside_as(path, suffix, dst)) == 0)
		cached_forget(path);
	free(suffix);
	free(path);
	return rc;
}

/*
 * Remove the file of a series on purpose (`regiomon forget`), rrdcached
 * told to forget it first.  0 (also if there was none), or -1 (logged).
 */
int
store_remove(const char *state_dir, const char *indicator,
    const char *region)
{
	char	*path;
	int	 rc = 0;

	if ((path = store_path(state_dir, indicator, region)) == NULL)
		return -1;
	cached_forget(path);
	if (unlink(path) == -1 && errno != ENOENT) {
		log_err("%s", path);
		rc = -1;
	}
	free(path);
	return rc;
}
