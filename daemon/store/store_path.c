/* SPDX-License-Identifier: ISC */
/*
 * store_path.c: where a series lives, STATE/rrd/INDICATOR/REGION.rrd:
 * the path made from checked ids, and whether the file is there.
 *
 * librrd opens a series' file by its path, and would follow a symbolic
 * link out of the state dir (an append written into any file the
 * service user can write) or block for good on a FIFO.  So before any
 * path goes to librrd, store_check() looks at each part of the way
 * below the state dir without following or opening anything, and
 * refuses the series if it finds anything but directories and a
 * regular file.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "store/store.h"

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
 * lstat path, a part of the way to the series' file: 0 with *st, 1 if
 * it is missing (made first, as a directory, with create), -1 (logged).
 */
static int
way_stat(const char *path, int create, struct stat *st)
{
	if (lstat(path, st) == 0)
		return 0;
	if (errno != ENOENT) {
		log_err("%s", path);
		return -1;
	}
	if (!create)
		return 1;
	if (mkdir(path, 0755) == -1 && errno != EEXIST) {
		log_err("mkdir %s", path);
		return -1;
	}
	if (lstat(path, st) == -1) {
		log_err("%s", path);
		return -1;
	}
	return 0;
}

/*
 * Check the way to the series' file below state_dir, following nothing
 * and opening nothing: STATE/rrd and STATE/rrd/INDICATOR must be
 * directories (made if missing, with STORE_CREATE in flags), and the
 * file a regular file or missing.  0 with *exists set; STORE_REFUSED
 * (logged unless STORE_QUIET, naming the series and what is in its way)
 * for a symbolic link, a FIFO, a socket or a device there; -1 (logged)
 * on another error.  The file's lstat is in *st when it exists.
 */
static int
check_way(const char *state_dir, const char *indicator, const char *region,
    int flags, int *exists, struct stat *st)
{
	const char	*want;
	char		*path, *way[3];
	size_t		 i, len[3];
	int		 rc = 0, r, create = flags & STORE_CREATE;

	*exists = 0;
	if ((path = store_path(state_dir, indicator, region)) == NULL)
		return -1;
	if (create && mkdir_p(state_dir, 0750) == -1) {
		log_err("mkdir %s", state_dir);
		free(path);
		return -1;
	}
	/* STATE/rrd, STATE/rrd/INDICATOR, the file: prefixes of path. */
	len[0] = strlen(state_dir) + strlen("/rrd");
	len[1] = len[0] + 1 + strlen(indicator);
	len[2] = strlen(path);
	for (i = 0; i < 3; i++)
		way[i] = NULL;
	for (i = 0; i < 3 && rc == 0; i++) {
		xasprintf(&way[i], "%.*s", (int)len[i], path);
		if ((r = way_stat(way[i], create && i < 2, st)) == -1)
			rc = -1;
		else if (r == 1)
			break;
		else if (i < 2 ? !S_ISDIR(st->st_mode) :
		    !S_ISREG(st->st_mode)) {
			want = i < 2 ? "a directory" : "a regular file";
			rc = STORE_REFUSED;
			if (flags & STORE_QUIET)
				break;
			log_errx("series %s/%s refused: %s is %s, not %s; "
			    "regiomon follows no link and opens no special "
			    "file in its state directory: move it away, and "
			    "the next run stores the series", indicator,
			    region, way[i], file_kind(st->st_mode), want);
		} else if (i == 2)
			*exists = 1;
	}
	for (i = 0; i < 3; i++)
		free(way[i]);
	free(path);
	return rc;
}

/* Check the way to the series' file: see check_way(). */
int
store_check(const char *state_dir, const char *indicator, const char *region,
    int flags, int *exists)
{
	struct stat	 st;

	return check_way(state_dir, indicator, region, flags, exists, &st);
}

/*
 * The stamp of the series' file: its device, inode, size, and the times
 * of its last change of content (mtime) and of anything (ctime), in
 * nanoseconds, as text into buf; what apply keeps in the state to know
 * the file unchanged without opening it (see doc/storage.md).  The way
 * is checked as store_check() does, quietly.  0, or 1 if there is no
 * file or something is in its way, -1 if buf is too small.
 */
int
store_stamp(const char *state_dir, const char *indicator, const char *region,
    char *buf, size_t len)
{
	struct stat	 st;
	int		 exists, n;

	if (check_way(state_dir, indicator, region, STORE_QUIET, &exists,
	    &st) != 0 || !exists)
		return 1;
	n = snprintf(buf, len, "%llu:%llu:%lld:%lld.%09ld:%lld.%09ld",
	    (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
	    (long long)st.st_size, (long long)st.st_mtim.tv_sec,
	    st.st_mtim.tv_nsec, (long long)st.st_ctim.tv_sec,
	    st.st_ctim.tv_nsec);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/*
 * 1 unless the series' file is certainly not there (ENOENT): an invalid
 * id, an odd error or something refused in its way counts as there, so
 * that a caller only takes the shortcuts of a new file for one.
 */
int
store_exists(const char *state_dir, const char *indicator,
    const char *region)
{
	int	 exists;

	if (store_check(state_dir, indicator, region, STORE_QUIET,
	    &exists) != 0)
		return 1;
	return exists;
}
