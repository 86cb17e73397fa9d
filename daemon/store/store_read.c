/* SPDX-License-Identifier: ISC */
/*
 * store_read.c: reading a series back from its file: one point per
 * period, taken from the row that ends the period, after rrdcached has
 * written what it queued and the file has shown it is of the frequency
 * asked for.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rrd.h>

#include "core/core.h"
#include "model/model.h"
#include "store/store.h"
#include "store/store_private.h"

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
		return rrdfile_failed("info", path);
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
int
read_series(const char *path, enum freq f, struct series *s)
{
	double		*rows;
	time_t		 start, end;
	int		 rc;

	memset(s, 0, sizeof(*s));
	if (cached_flush(path) == -1 || check_freq(path, f) == -1)
		return -1;
	rrd_clear_error();
	if ((s->last = rrd_last_r(path)) == -1)
		return rrdfile_failed("last", path);
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
	if (rrdfile_fetch(path, &start, &end, &rows) == -1)
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
	char		*path;
	int		 rc = -1, exists;

	*pts = NULL;
	*n = 0;
	/* Nothing followed out of the state dir, no FIFO opened. */
	if (store_check(state_dir, indicator, region, 0, &exists) != 0)
		return -1;
	if ((path = store_path(state_dir, indicator, region)) == NULL)
		return -1;
	if (!exists)
		rc = 0;
	else if (read_series(path, f, &s) == 0) {
		*pts = s.pts;
		*n = s.n;
		rc = 0;
	}
	free(path);
	return rc;
}
