/* SPDX-License-Identifier: ISC */
/*
 * test_store.c: the store (daemon/store/) against real RRD files in a temp
 * state dir: every value reads back bit-exactly (checked with ==, in the
 * last day row of each period; earlier days to within an ulp or so),
 * appends keep the file, revisions rebuild it atomically, gaps read back as
 * NaN,
 * identical writes touch nothing, bad ids and bad input are refused.
 * Includes <rrd.h> only to check the rows independently of the store.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <float.h>
#include <ftw.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
/* For stat_head_t: test_damaged() writes a foreign header. */
#define RRD_EXPORT_DEPRECATED
#include <rrd.h>

#include "core/core.h"
#include "model/model.h"
#include "store/store.h"
#include "net/net.h"
#include "eval/eval.h"
#include "run/run.h"
#include "mail/mail.h"
#include "report/report.h"
#include "alert/alert.h"
#include "app/app.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define DAY		86400

/* Values that librrd 1.7.2 does not take as "%.17g" text unharmed. */
static const double hard[] = {
	5.9, 0.1 + 0.2, 1e-300, 123456789.123, -42.5, 1234.5678,
	1.0 / 3, -2.0 / 3, 3.141592653589793, 1e300, -1e-300, 4.9e-324,
	DBL_MIN, 0.0, 100.0, -7.25e12, 0.009, 65536.0, 1e-7, 2.5e-320,
};

#include "tmpdir.c"

static struct period
mk(int year, enum freq f, int index)
{
	struct period	 p;

	p.year = year;
	p.freq = f;
	p.index = f == FREQ_YEAR ? 0 : index;
	return p;
}

/* Every period of f from first to last, values v[(i + shift) % nv]. */
static struct point *
series(enum freq f, struct period first, struct period last,
    const double *v, size_t nv, size_t shift, size_t *n)
{
	struct point	*pts = NULL;
	struct period	 p;
	size_t		 i;

	first.freq = last.freq = f;
	for (i = 0, p = first; period_cmp(&p, &last) <= 0; i++) {
		pts = realloc(pts, (i + 1) * sizeof(*pts));
		assert_non_null(pts);
		pts[i].period = p;
		pts[i].value = v[(i + shift) % nv];
		period_next(&p, &p);
	}
	*n = i;
	return pts;
}

static char *
path_of(const char *dir, const char *ind, const char *reg)
{
	char	*p = store_path(dir, ind, reg);

	assert_non_null(p);
	return p;
}

/*
 * The last day row of every period holds its value exactly, the earlier
 * days to within a few ulps (fetched directly).
 */
static void
check_rows(const char *path, const struct point *pts, size_t n)
{
	unsigned long	  step, ds_cnt, i;
	char		**names;
	double		 *data, want;
	time_t		  start, end, t;
	size_t		  k;

	start = period_start(&pts[0].period);
	end = period_end(&pts[n - 1].period);
	step = DAY;	/* in and out */
	rrd_clear_error();
	if (rrd_fetch_r(path, "AVERAGE", &start, &end, &step, &ds_cnt, &names,
	    &data) != 0)
		fail_msg("fetch %s: %s", path, rrd_get_error());
	assert_int_equal(step, DAY);
	assert_int_equal(ds_cnt, 1);
	for (k = 0; k < n; k++) {
		want = pts[k].value == 0 ? 0.0 : pts[k].value;
		for (t = period_start(&pts[k].period);
		    t < period_end(&pts[k].period); t += DAY) {
			i = (unsigned long)((t - start) / DAY);
			if (t + DAY < period_end(&pts[k].period)) {
				if (isnan(want) ? !isnan(data[i]) :
				    !(fabs(data[i] - want) <=
				    1e-12 * fabs(want)))
					fail_msg("%s: day %lld: %.17g, want "
					    "about %.17g", path, (long long)t,
					    data[i], want);
				continue;
			}
			if (isnan(want) ? !isnan(data[i]) : !(data[i] == want))
				fail_msg("%s: day %lld: %.17g, want %.17g",
				    path, (long long)t, data[i], want);
		}
	}
	for (i = 0; i < ds_cnt; i++)
		rrd_freemem(names[i]);
	rrd_freemem(names);
	rrd_freemem(data);
}

/* The stored series equals want exactly: same periods, values by ==. */
static void
check_read(const char *dir, const char *ind, const char *reg, enum freq f,
    const struct point *want, size_t n)
{
	struct point	*got;
	size_t		 ngot, i;
	double		 w;

	assert_int_equal(store_read(dir, ind, reg, f, &got, &ngot), 0);
	if (ngot != n)
		fail_msg("%s/%s: %zu points, want %zu", ind, reg, ngot, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(period_cmp(&got[i].period, &want[i].period),
		    0);
		w = want[i].value == 0 ? 0.0 : want[i].value;
		if (isnan(w)) {
			assert_true(isnan(got[i].value));
			continue;
		}
		if (!(got[i].value == w))
			fail_msg("%s/%s point %zu: %.17g, want %.17g", ind,
			    reg, i, got[i].value, w);
		assert_true(signbit(got[i].value) == signbit(w));
	}
	free(got);
}

static void
write_ok(const char *dir, const char *ind, const char *reg, enum freq f,
    const struct point *pts, size_t n, int want_changed)
{
	int	 changed = -1;

	assert_int_equal(store_write(dir, ind, reg, f, pts, n, &changed), 0);
	assert_int_equal(changed, want_changed);
}

static int
count_tmp(const char *dir, const char *ind)
{
	char		*d;
	DIR		*dp;
	struct dirent	*de;
	int		 n = 0;

	if (asprintf(&d, "%s/rrd/%s", dir, ind) == -1)
		fail();
	assert_non_null(dp = opendir(d));
	while ((de = readdir(dp)) != NULL)
		n += strstr(de->d_name, ".tmp") != NULL;
	closedir(dp);
	free(d);
	return n;
}

/* Each value in each period of 2015-2024, as years, quarters, months. */
static void
test_exact(void **state)
{
	static const enum freq	 fs[] = { FREQ_YEAR, FREQ_QUARTER,
	    FREQ_MONTH };
	const char		*dir = *state;
	struct point		*pts;
	char			 reg[ID_MAX], *path;
	size_t			 n, k, i;

	for (i = 0; i < nitems(fs); i++) {
		for (k = 0; k < nitems(hard); k++) {
			snprintf(reg, sizeof(reg), "%s-%zu",
			    freq_name(fs[i]), k);
			pts = series(fs[i], mk(2015, fs[i], 1),
			    mk(2024, fs[i], 12), hard, nitems(hard), k, &n);
			write_ok(dir, "exact", reg, fs[i], pts, n, 1);
			check_read(dir, "exact", reg, fs[i], pts, n);
			path = path_of(dir, "exact", reg);
			check_rows(path, pts, n);
			free(path);
			free(pts);
		}
	}
}

/* Any bit pattern (within the range librrd can sum) reads back exactly. */
static void
test_random_bits(void **state)
{
	const char	*dir = *state;
	struct point	*pts;
	double		 v[600];
	uint64_t	 x = 0x9e3779b97f4a7c15ULL, bits;
	size_t		 n, i;

	for (i = 0; i < nitems(v); i++) {
		do {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			bits = x;
			memcpy(&v[i], &bits, sizeof(v[i]));
		} while (!isfinite(v[i]) || fabs(v[i]) > 1e300);
	}
	pts = series(FREQ_MONTH, mk(1971, FREQ_MONTH, 1),
	    mk(2020, FREQ_MONTH, 12), v, nitems(v), 0, &n);
	assert_int_equal(n, 600);
	write_ok(dir, "random", "bits", FREQ_MONTH, pts, n, 1);
	check_read(dir, "random", "bits", FREQ_MONTH, pts, n);
	/* The same data again is no change: the comparison is exact too. */
	write_ok(dir, "random", "bits", FREQ_MONTH, pts, n, 0);
	free(pts);
}

/*
 * What statistics offices publish: decimals of up to 16 digits, scaled
 * from 1e-12 to 1e12, as strtod reads their text.  the store writes these
 * without printing them (encode_decimal); librrd must agree with it.
 */
static void
test_random_decimals(void **state)
{
	const char	*dir = *state;
	struct point	*pts;
	double		 v[600];
	char		 text[64];
	uint64_t	 x = 0x2545f4914f6cdd1dULL, pow10;
	size_t		 n, i;
	int		 digits, exp10, d;

	for (i = 0; i < nitems(v); i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		digits = 1 + (int)(x % 16);
		for (pow10 = 1, d = 0; d < digits; d++)
			pow10 *= 10;
		exp10 = (int)((x >> 8) % 25) - 12 - digits;
		snprintf(text, sizeof(text), "%s%llue%d",
		    (x >> 40) & 1 ? "-" : "",
		    (unsigned long long)((x >> 12) % pow10), exp10);
		v[i] = strtod(text, NULL);
	}
	pts = series(FREQ_MONTH, mk(1971, FREQ_MONTH, 1),
	    mk(2020, FREQ_MONTH, 12), v, nitems(v), 0, &n);
	assert_int_equal(n, 600);
	write_ok(dir, "random", "decimals", FREQ_MONTH, pts, n, 1);
	check_read(dir, "random", "decimals", FREQ_MONTH, pts, n);
	free(pts);
}

/* The number of names in dir that contain ".tmp". */
static int
tmp_count(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		n += strstr(de->d_name, ".tmp") != NULL;
	closedir(d);
	return n;
}

/*
 * In a batch a new or rebuilt series waits as a temp file until the
 * commit; an abort removes it and leaves the old file; a series written
 * twice in a batch ends with the second write; appends land too.
 */
static void
test_batch(void **state)
{
	const char	*dir = *state;
	struct point	*a, *b, *more;
	double		 v[24], w[24];
	char		*path, *idir, *dead, *own;
	size_t		 na, nb, nm, i;

	for (i = 0; i < nitems(v); i++) {
		v[i] = 100 + i * 0.1;
		w[i] = 200 + i * 0.3;
	}
	a = series(FREQ_MONTH, mk(2018, FREQ_MONTH, 1),
	    mk(2019, FREQ_MONTH, 12), v, nitems(v), 0, &na);
	b = series(FREQ_MONTH, mk(2018, FREQ_MONTH, 1),
	    mk(2019, FREQ_MONTH, 12), w, nitems(w), 0, &nb);
	path = path_of(dir, "batch", "x");
	xasprintf(&idir, "%s/rrd/batch", dir);

	/* Aborted: nothing to see, nothing left, not even a directory. */
	assert_int_equal(store_batch_begin(dir), 0);
	write_ok(dir, "batch", "x", FREQ_MONTH, a, na, 1);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(tmp_count(idir), 1);
	store_batch_abort();
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(access(idir, F_OK), -1);

	/* Committed: in place, exact. */
	assert_int_equal(store_batch_begin(dir), 0);
	write_ok(dir, "batch", "x", FREQ_MONTH, a, na, 1);
	assert_int_equal(store_batch_commit(), 0);
	check_read(dir, "batch", "x", FREQ_MONTH, a, na);
	assert_int_equal(tmp_count(idir), 0);

	/* A revision aborted keeps the old file. */
	assert_int_equal(store_batch_begin(dir), 0);
	write_ok(dir, "batch", "x", FREQ_MONTH, b, nb, 1);
	store_batch_abort();
	check_read(dir, "batch", "x", FREQ_MONTH, a, na);

	/*
	 * In a batch the directory is cleaned once, for every series: a
	 * dead process's temp file of another series goes, ours stays.
	 */
	xasprintf(&dead, "%s/z.rrd.999999999.tmp", idir);
	xasprintf(&own, "%s/z.rrd.%ld.tmp", idir, (long)getpid());
	fclose(fopen(dead, "w"));
	fclose(fopen(own, "w"));

	/* Twice in one batch, then an append: the last write wins. */
	assert_int_equal(store_batch_begin(dir), 0);
	write_ok(dir, "batch", "y", FREQ_MONTH, a, na, 1);
	write_ok(dir, "batch", "y", FREQ_MONTH, b, nb, 1);
	more = series(FREQ_MONTH, mk(2020, FREQ_MONTH, 1),
	    mk(2020, FREQ_MONTH, 3), v, 3, 0, &nm);
	write_ok(dir, "batch", "x", FREQ_MONTH, more, nm, 1);
	assert_int_equal(store_batch_commit(), 0);
	check_read(dir, "batch", "y", FREQ_MONTH, b, nb);
	assert_int_equal(access(dead, F_OK), -1);
	assert_int_equal(access(own, F_OK), 0);
	assert_int_equal(unlink(own), 0);
	assert_int_equal(tmp_count(idir), 0);
	free(more);
	more = series(FREQ_MONTH, mk(2018, FREQ_MONTH, 1),
	    mk(2020, FREQ_MONTH, 3), v, nitems(v), 0, &nm);
	check_read(dir, "batch", "x", FREQ_MONTH, more, nm);

	/* Only one batch at a time. */
	assert_int_equal(store_batch_begin(dir), 0);
	assert_int_equal(store_batch_begin(dir), -1);
	assert_int_equal(store_batch_commit(), 0);
	free(more);
	free(a);
	free(b);
	free(dead);
	free(own);
	free(idir);
	free(path);
}

static void
stat_ok(const char *path, struct stat *st)
{
	if (stat(path, st) == -1)
		fail_msg("stat %s: %s", path, strerror(errno));
}

/* New periods are appended in place; a gap longer than the heartbeat. */
static void
test_append(void **state)
{
	const char	*dir = *state;
	struct point	*pts, *more;
	struct stat	 st0, st1;
	char		*path = path_of(dir, "app", "nl");
	size_t		 n;

	pts = series(FREQ_YEAR, mk(2015, FREQ_YEAR, 0), mk(2028, FREQ_YEAR, 0),
	    hard, nitems(hard), 3, &n);
	write_ok(dir, "app", "nl", FREQ_YEAR, pts, 9, 1);
	check_read(dir, "app", "nl", FREQ_YEAR, pts, 9);
	stat_ok(path, &st0);
	/* All of 2015-2024 again: only 2024 is new. */
	write_ok(dir, "app", "nl", FREQ_YEAR, pts, 10, 1);
	check_read(dir, "app", "nl", FREQ_YEAR, pts, 10);
	stat_ok(path, &st1);
	assert_int_equal(st0.st_ino, st1.st_ino);
	/* Only the new 2025. */
	write_ok(dir, "app", "nl", FREQ_YEAR, pts + 10, 1, 1);
	check_read(dir, "app", "nl", FREQ_YEAR, pts, 11);
	/* 2028 after three missing years (heartbeat 367 days). */
	more = calloc(14, sizeof(*more));
	assert_non_null(more);
	memcpy(more, pts, 14 * sizeof(*more));
	more[11].value = more[12].value = NAN;
	write_ok(dir, "app", "nl", FREQ_YEAR, pts + 13, 1, 1);
	check_read(dir, "app", "nl", FREQ_YEAR, more, 14);
	check_rows(path, more, 14);
	stat_ok(path, &st1);
	assert_int_equal(st0.st_ino, st1.st_ino);
	assert_int_equal(count_tmp(dir, "app"), 0);
	free(more);
	free(pts);
	free(path);
}

/* A revised 2021 rebuilds the file: new inode, others unchanged. */
static void
test_revision(void **state)
{
	static const enum freq	 fs[] = { FREQ_YEAR, FREQ_QUARTER,
	    FREQ_MONTH };
	const char		*dir = *state;
	struct point		*pts, rev;
	struct stat		 st0, st1;
	char			*path;
	size_t			 n, i, k;

	for (i = 0; i < nitems(fs); i++) {
		path = path_of(dir, "rev", freq_name(fs[i]));
		pts = series(fs[i], mk(2015, fs[i], 1), mk(2024, fs[i], 12),
		    hard, nitems(hard), i, &n);
		write_ok(dir, "rev", freq_name(fs[i]), fs[i], pts, n, 1);
		stat_ok(path, &st0);
		/* The first period of 2021 gets a new value. */
		for (k = 0; pts[k].period.year != 2021; k++)
			;
		rev = pts[k];
		rev.value = 6.1;
		write_ok(dir, "rev", freq_name(fs[i]), fs[i], &rev, 1, 1);
		pts[k].value = 6.1;
		check_read(dir, "rev", freq_name(fs[i]), fs[i], pts, n);
		check_rows(path, pts, n);
		stat_ok(path, &st1);
		assert_true(st0.st_ino != st1.st_ino);
		assert_int_equal(count_tmp(dir, "rev"), 0);
		/* rrdtool itself accepts the file. */
		assert_int_equal(setenv("RRD", path, 1), 0);
		assert_int_equal(system("rrdtool info \"$RRD\" >/dev/null"),
		    0);
		free(pts);
		free(path);
	}
}

/* A back-filled older period also rebuilds; the series grows at the front. */
static void
test_backfill(void **state)
{
	const char	*dir = *state;
	struct point	*pts;
	size_t		 n, i;

	pts = series(FREQ_QUARTER, mk(2010, FREQ_QUARTER, 1),
	    mk(2024, FREQ_QUARTER, 4), hard, nitems(hard), 5, &n);
	write_ok(dir, "back", "fill", FREQ_QUARTER, pts + 20, n - 20, 1);
	check_read(dir, "back", "fill", FREQ_QUARTER, pts + 20, n - 20);
	write_ok(dir, "back", "fill", FREQ_QUARTER, pts, 3, 1);
	/* 2010-Q4 .. 2014-Q4 were never given: missing. */
	for (i = 3; i < 20; i++)
		pts[i].value = NAN;
	check_read(dir, "back", "fill", FREQ_QUARTER, pts, n);
	assert_int_equal(count_tmp(dir, "back"), 0);
	free(pts);
}

/* Gaps in a new file, an explicit NaN, a leading NaN. */
static void
test_gaps(void **state)
{
	const char	*dir = *state;
	struct point	 in[6], want[8];
	size_t		 i;

	in[0].period = mk(2014, FREQ_MONTH, 12);
	in[0].value = NAN;
	in[1].period = mk(2015, FREQ_MONTH, 1);
	in[1].value = 5.9;
	in[2].period = mk(2015, FREQ_MONTH, 2);
	in[2].value = 0.1 + 0.2;
	in[3].period = mk(2015, FREQ_MONTH, 6);		/* 3 months gap */
	in[3].value = 123456789.123;
	in[4].period = mk(2015, FREQ_MONTH, 7);
	in[4].value = NAN;
	in[5].period = mk(2015, FREQ_MONTH, 8);
	in[5].value = 1e-300;
	write_ok(dir, "gap", "x", FREQ_MONTH, in, 6, 1);
	/* Read back from the first value, 2015-01, to 2015-08. */
	for (i = 0; i < 8; i++) {
		want[i].period = mk(2015, FREQ_MONTH, (int)i + 1);
		want[i].value = NAN;
	}
	want[0].value = 5.9;
	want[1].value = 0.1 + 0.2;
	want[5].value = 123456789.123;
	want[7].value = 1e-300;
	check_read(dir, "gap", "x", FREQ_MONTH, want, 8);
	/* Writing NaN where nothing is stored changes nothing. */
	write_ok(dir, "gap", "x", FREQ_MONTH, &in[4], 1, 0);
	in[0].period = mk(2015, FREQ_MONTH, 3);
	write_ok(dir, "gap", "x", FREQ_MONTH, &in[0], 1, 0);
	in[0].period = mk(2013, FREQ_MONTH, 3);
	write_ok(dir, "gap", "x", FREQ_MONTH, &in[0], 1, 0);
	/* Filling a gap is a revision. */
	in[0].period = mk(2015, FREQ_MONTH, 4);
	in[0].value = 77.7;
	write_ok(dir, "gap", "x", FREQ_MONTH, &in[0], 1, 1);
	want[3].value = 77.7;
	check_read(dir, "gap", "x", FREQ_MONTH, want, 8);
}

/* Identical data: changed = 0 and the file is not touched. */
static void
test_unchanged(void **state)
{
	const char	*dir = *state;
	struct point	*pts;
	struct stat	 st0, st1;
	char		*path = path_of(dir, "same", "x");
	uint64_t	 bits;
	size_t		 n;

	pts = series(FREQ_MONTH, mk(2015, FREQ_MONTH, 1),
	    mk(2024, FREQ_MONTH, 12), hard, nitems(hard), 0, &n);
	write_ok(dir, "same", "x", FREQ_MONTH, pts, n, 1);
	stat_ok(path, &st0);
	usleep(20000);
	write_ok(dir, "same", "x", FREQ_MONTH, pts, n, 0);
	write_ok(dir, "same", "x", FREQ_MONTH, pts + 40, 10, 0);
	/* -0 where 0 is stored is the same value. */
	assert_true(pts[13].value == 0.0);
	pts[13].value = -0.0;
	write_ok(dir, "same", "x", FREQ_MONTH, pts, n, 0);
	stat_ok(path, &st1);
	assert_int_equal(st0.st_ino, st1.st_ino);
	assert_int_equal(st0.st_size, st1.st_size);
	assert_int_equal(st0.st_mtim.tv_sec, st1.st_mtim.tv_sec);
	assert_int_equal(st0.st_mtim.tv_nsec, st1.st_mtim.tv_nsec);
	/* One ulp off is a change (libm's nextafter, by hand). */
	memcpy(&bits, &pts[5].value, sizeof(bits));
	bits++;
	memcpy(&pts[5].value, &bits, sizeof(bits));
	write_ok(dir, "same", "x", FREQ_MONTH, pts, n, 1);
	check_read(dir, "same", "x", FREQ_MONTH, pts, n);
	free(pts);
	free(path);
}

static void
test_bad_id(void **state)
{
	static const char *bad[] = {
		"..", "../x", "a/b", "", "A", "-a", "a b", "a.rrd",
		/* ID_MAX (64) characters, one too many. */
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};
	const char	*dir = *state;
	struct point	 p, *got;
	size_t		 i, n;
	int		 changed = 7;
	char		*rrd;
	struct stat	 st;

	p.period = mk(2020, FREQ_YEAR, 0);
	p.value = 1;
	for (i = 0; i < nitems(bad); i++) {
		assert_null(store_path(dir, bad[i], "nl"));
		assert_null(store_path(dir, "ok", bad[i]));
		assert_int_equal(store_write(dir, bad[i], "nl", FREQ_YEAR, &p,
		    1, &changed), -1);
		assert_int_equal(changed, 0);
		assert_int_equal(store_write(dir, "ok", bad[i], FREQ_YEAR, &p,
		    1, &changed), -1);
		assert_int_equal(store_read(dir, "ok", bad[i], FREQ_YEAR,
		    &got, &n), -1);
	}
	/* Nothing was created. */
	if (asprintf(&rrd, "%s/rrd", dir) == -1)
		fail();
	assert_int_equal(stat(rrd, &st), -1);
	free(rrd);
	rrd = store_path(dir, "unemployment-rate", "gm0014");
	assert_non_null(rrd);
	assert_true(strlen(rrd) > strlen(dir));
	assert_string_equal(rrd + strlen(dir), "/rrd/unemployment-rate/"
	    "gm0014.rrd");
	free(rrd);
}

/* Bad input fails and leaves the stored series as it was. */
static void
test_refused(void **state)
{
	const char	*dir = *state;
	struct point	*pts, bad[2];
	size_t		 n;
	int		 changed = 7;

	pts = series(FREQ_YEAR, mk(2015, FREQ_YEAR, 0), mk(2024, FREQ_YEAR, 0),
	    hard, nitems(hard), 0, &n);
	write_ok(dir, "ref", "x", FREQ_YEAR, pts, n, 1);
	/* Out of order, duplicate, wrong frequency, invalid period. */
	bad[0] = pts[3];
	bad[1] = pts[2];
	assert_int_equal(store_write(dir, "ref", "x", FREQ_YEAR, bad, 2,
	    &changed), -1);
	assert_int_equal(changed, 0);
	bad[1] = pts[3];
	assert_int_equal(store_write(dir, "ref", "x", FREQ_YEAR, bad, 2,
	    &changed), -1);
	bad[0].period = mk(2020, FREQ_MONTH, 1);
	assert_int_equal(store_write(dir, "ref", "x", FREQ_YEAR, bad, 1,
	    &changed), -1);
	bad[0].period = mk(2020, FREQ_YEAR, 0);
	bad[0].period.index = 3;
	assert_int_equal(store_write(dir, "ref", "x", FREQ_YEAR, bad, 1,
	    &changed), -1);
	/* Values that cannot be stored, as a revision and as an append. */
	bad[0] = pts[4];
	bad[0].value = INFINITY;
	assert_int_equal(store_write(dir, "ref", "x", FREQ_YEAR, bad, 1,
	    &changed), -1);
	bad[0].period = mk(2030, FREQ_YEAR, 0);
	bad[0].value = 1e301;
	assert_int_equal(store_write(dir, "ref", "x", FREQ_YEAR, bad, 1,
	    &changed), -1);
	/* Longer than the archive (60 years) by appending. */
	bad[0].period = mk(2090, FREQ_YEAR, 0);
	bad[0].value = 1;
	assert_int_equal(store_write(dir, "ref", "x", FREQ_YEAR, bad, 1,
	    &changed), -1);
	assert_int_equal(changed, 0);
	check_read(dir, "ref", "x", FREQ_YEAR, pts, n);
	/* Too long in a new file; 1970 would need last_up 0. */
	bad[0].period = mk(1971, FREQ_YEAR, 0);
	bad[1].period = mk(2040, FREQ_YEAR, 0);
	bad[1].value = 2;
	assert_int_equal(store_write(dir, "ref", "long", FREQ_YEAR, bad, 2,
	    &changed), -1);
	bad[0].period = mk(1970, FREQ_YEAR, 0);
	assert_int_equal(store_write(dir, "ref", "new", FREQ_YEAR, bad, 1,
	    &changed), -1);
	free(pts);
}

/* A monthly file is never read or rebuilt as another frequency. */
static void
test_wrong_freq(void **state)
{
	const char	*dir = *state;
	struct point	*pts, *got, y;
	struct stat	 st0, st1;
	char		*path = path_of(dir, "freq", "x");
	size_t		 n, ngot;
	int		 changed = 7;

	pts = series(FREQ_MONTH, mk(2015, FREQ_MONTH, 1),
	    mk(2016, FREQ_MONTH, 12), hard, nitems(hard), 0, &n);
	write_ok(dir, "freq", "x", FREQ_MONTH, pts, n, 1);
	stat_ok(path, &st0);
	assert_int_equal(store_read(dir, "freq", "x", FREQ_YEAR, &got, &ngot),
	    -1);
	assert_int_equal(store_read(dir, "freq", "x", FREQ_QUARTER, &got,
	    &ngot), -1);
	y.period = mk(2015, FREQ_YEAR, 0);
	y.value = 1;
	assert_int_equal(store_write(dir, "freq", "x", FREQ_YEAR, &y, 1,
	    &changed), -1);
	assert_int_equal(changed, 0);
	stat_ok(path, &st1);
	assert_int_equal(st0.st_ino, st1.st_ino);
	check_read(dir, "freq", "x", FREQ_MONTH, pts, n);
	free(pts);
	free(path);
}

/* Make path's file damaged as how says; its size after. */
static off_t
damage(const char *path, const char *how)
{
	struct stat	 st;
	FILE		*fp;

	if (strcmp(how, "garbage") == 0) {
		assert_non_null(fp = fopen(path, "r+"));
		fputs("this is no RRD file at all", fp);
		fclose(fp);
	} else
		assert_int_equal(truncate(path, (off_t)atol(how)), 0);
	stat_ok(path, &st);
	return st.st_size;
}

/*
 * A file librrd cannot read at all is kept as .corrupt and the series is
 * written afresh from the points in hand; the next damage goes to
 * .corrupt.1, and nothing of the damaged files is lost.  A file with a
 * header not ours is left alone.
 */
static void
test_damaged(void **state)
{
	static const char *const how[] = { "4000", "0", "100", "garbage" };
	const char	*dir = *state;
	struct point	*pts;
	struct stat	 st;
	char		*path = path_of(dir, "dmg", "x"), *old;
	size_t		 n, i;
	off_t		 size;
	int		 changed;

	pts = series(FREQ_YEAR, mk(2010, FREQ_YEAR, 0), mk(2020, FREQ_YEAR,
	    0), hard, nitems(hard), 0, &n);
	write_ok(dir, "dmg", "x", FREQ_YEAR, pts, n, 1);
	for (i = 0; i < nitems(how); i++) {
		size = damage(path, how[i]);
		changed = 7;
		if (store_write(dir, "dmg", "x", FREQ_YEAR, pts, n - i,
		    &changed) != 0)
			fail_msg("%s: store_write failed", how[i]);
		assert_int_equal(changed, 1);
		check_read(dir, "dmg", "x", FREQ_YEAR, pts, n - i);
		if (i == 0)
			xasprintf(&old, "%s.corrupt", path);
		else
			xasprintf(&old, "%s.corrupt.%zu", path, i);
		stat_ok(old, &st);
		assert_int_equal(st.st_size, size);
		free(old);
	}
	/*
	 * Not ours: a header of another layout (here: another step), cut
	 * short, as a file from another machine reads here.  Left alone.
	 */
	{
		stat_head_t	 h;
		struct stat	 st0;
		FILE		*fp;
		int		 changed2 = 7;

		assert_non_null(fp = fopen(path, "r+"));
		assert_int_equal(fread(&h, sizeof(h), 1, fp), 1);
		h.pdp_step = 3600;
		rewind(fp);
		assert_int_equal(fwrite(&h, sizeof(h), 1, fp), 1);
		fclose(fp);
		damage(path, "4000");
		stat_ok(path, &st0);
		assert_int_equal(store_write(dir, "dmg", "x", FREQ_YEAR, pts, n,
		    &changed2), -1);
		assert_int_equal(changed2, 0);
		stat_ok(path, &st);
		assert_int_equal(st.st_ino, st0.st_ino);
		assert_int_equal(st.st_size, 4000);
		xasprintf(&old, "%s.corrupt.%zu", path, nitems(how));
		assert_int_equal(access(old, F_OK), -1);
		free(old);
	}
	free(pts);
	free(path);
}

static void
touch(const char *dir, const char *name)
{
	char	*p;
	FILE	*fp;

	if (asprintf(&p, "%s/rrd/tmp/%s", dir, name) == -1)
		fail();
	assert_non_null(fp = fopen(p, "w"));
	fclose(fp);
	free(p);
}

static int
exists(const char *dir, const char *name)
{
	char		*p;
	struct stat	 st;
	int		 rc;

	if (asprintf(&p, "%s/rrd/tmp/%s", dir, name) == -1)
		fail();
	rc = stat(p, &st) == 0;
	free(p);
	return rc;
}

/* Temp files of a killed rebuild go at the next write of that series. */
static void
test_stale_tmp(void **state)
{
	const char	*dir = *state;
	struct point	*pts;
	char		 own[64];
	size_t		 n;

	pts = series(FREQ_YEAR, mk(2015, FREQ_YEAR, 0), mk(2024, FREQ_YEAR, 0),
	    hard, nitems(hard), 0, &n);
	write_ok(dir, "tmp", "x", FREQ_YEAR, pts, 5, 1);
	/* pid 999999999 is above pid_max; pid 1 is alive. */
	touch(dir, "x.rrd.999999999.tmp");
	touch(dir, "x.rrd.999999999.tmpAb12Cd");
	snprintf(own, sizeof(own), "x.rrd.%ld.tmp", (long)getpid());
	touch(dir, own);
	touch(dir, "x.rrd.1.tmp");
	touch(dir, "y.rrd.999999999.tmp");
	touch(dir, "x.rrd.notapid.tmp");
	write_ok(dir, "tmp", "x", FREQ_YEAR, pts, 5, 0);
	assert_false(exists(dir, "x.rrd.999999999.tmp"));
	assert_false(exists(dir, "x.rrd.999999999.tmpAb12Cd"));
	assert_false(exists(dir, own));
	assert_true(exists(dir, "x.rrd.1.tmp"));
	assert_true(exists(dir, "y.rrd.999999999.tmp"));
	assert_true(exists(dir, "x.rrd.notapid.tmp"));
	assert_true(exists(dir, "x.rrd"));
	check_read(dir, "tmp", "x", FREQ_YEAR, pts, 5);
	free(pts);
}

/* An append killed half-way leaves a last update inside a period. */
static void
test_partial(void **state)
{
	const char	*dir = *state;
	struct point	*pts;
	char		*path = path_of(dir, "part", "x"), cmd[512];
	size_t		 n;

	pts = series(FREQ_MONTH, mk(2019, FREQ_MONTH, 1),
	    mk(2020, FREQ_MONTH, 12), hard, nitems(hard), 2, &n);
	write_ok(dir, "part", "x", FREQ_MONTH, pts, 12, 1);
	/* Half of 2020-01: up to 2020-01-10 05:47:44. */
	snprintf(cmd, sizeof(cmd), "rrdtool update '%s' %lld:U %lld:7 "
	    "%lld:U", path, (long long)period_start(&pts[12].period) + 20864,
	    (long long)period_start(&pts[12].period) + DAY,
	    (long long)period_start(&pts[12].period) + 9 * DAY + 20864);
	assert_int_equal(system(cmd), 0);
	/* The complete periods still read back. */
	check_read(dir, "part", "x", FREQ_MONTH, pts, 12);
	/* The next write repairs it with a rebuild. */
	write_ok(dir, "part", "x", FREQ_MONTH, pts, n, 1);
	check_read(dir, "part", "x", FREQ_MONTH, pts, n);
	check_rows(path, pts, n);
	write_ok(dir, "part", "x", FREQ_MONTH, pts, n, 0);
	free(pts);
	free(path);
}

static void
test_read_missing(void **state)
{
	const char	*dir = *state;
	struct point	*got = (struct point *)&got;
	size_t		 n = 99;

	assert_int_equal(store_read(dir, "none", "x", FREQ_YEAR, &got, &n),
	    0);
	assert_int_equal(n, 0);
	assert_null(got);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_decimals, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_bits, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_append, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revision, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_backfill, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_gaps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unchanged, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wrong_freq, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_stale_tmp, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_partial, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_missing, setup,
		    teardown),
	};

	log_init(0, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
