/* SPDX-License-Identifier: ISC */
/*
 * store_rrdfile.c: librrd's updates and fetches on a series' file itself,
 * each retried while another process holds the file's lock, and librrd's
 * failures logged with its message.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rrd.h>

#include "core/core.h"
#include "model/model.h"
#include "store/store.h"
#include "store/store_private.h"

#define LOCK_TRIES	5

/*
 * Log librrd's pending error about what on file.  librrd leaves its
 * message empty or ending in ": " for some system errors (a full disk
 * while creating a file gave "create FILE: "), so errno's text is added
 * then.  -1.
 */
int
rrdfile_failed(const char *what, const char *file)
{
	const char	*e = rrd_get_error();
	size_t		 len = strlen(e);
	int		 saved = errno;

	if (len > 0 && e[len - 1] != ' ' && e[len - 1] != ':')
		log_errx("%s %s: %s", what, file, e);
	else
		log_errx("%s %s: %s%s", what, file, e, saved != 0 ?
		    strerror(saved) : "librrd gave no reason");
	return -1;
}

/*
 * The test hook REGIOMON_STORE_FAIL_AFTER=N: every write of a file (an
 * update or a create) after the first N of the process fails as on a
 * full disk.  0, or -1 (logged, as any failure of librrd is).
 */
int
rrdfile_fault(const char *what, const char *file)
{
	static long	 done;
	long		 after;

	if ((after = env_long("REGIOMON_STORE_FAIL_AFTER", 0, LONG_MAX,
	    -1)) < 0 || __atomic_add_fetch(&done, 1, __ATOMIC_SEQ_CST) <=
	    after)
		return 0;
	rrd_clear_error();
	errno = ENOSPC;
	return rrdfile_failed(what, file);
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

/* One rrd_update_r with all of a, retried while another process has it. */
int
rrdfile_update(const char *file, const struct args *a)
{
	const char	**argv;
	int		  i, rc = -1;

	if (a->n == 0)
		return 0;
	if (a->n > INT_MAX) {
		log_errx("%s: too many updates", file);
		return -1;
	}
	if (rrdfile_fault("update", file) == -1)
		return -1;
	if ((argv = args_argv(a)) == NULL)
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
		rrdfile_failed("update", file);
	free(argv);
	return rc == 0 ? 0 : -1;
}

/*
 * Fetch every row of the archive, retrying while another process has the
 * file locked.  0, or -1 (logged).  *data is librrd's: the caller frees
 * it with rrd_freemem().
 */
int
rrdfile_fetch(const char *path, time_t *start, time_t *end, double **data)
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
			return rrdfile_failed("fetch", path);
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
