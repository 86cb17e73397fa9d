/* SPDX-License-Identifier: ISC */
/*
 * store_args.c: the update arguments ("TIME:VALUE") that write a series'
 * points, for librrd directly (store_rrdfile.c) and for rrdcached
 * (store_cached.c) alike, and the argv both hand to librrd.
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
 * The argv is built here, not in store_write.c, so that the calls run one
 * way: the writing files call store_cached.c, and store_cached.c, like
 * them, calls this file, which calls nothing of the store but
 * store_text.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "model/model.h"
#include "store/store.h"
#include "store/store_private.h"

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
 * Append the update arguments for pts to a, every period between two
 * given ones (and between after, if not NULL, and the first) written as
 * unknown.  path names the file in messages.  0, or -1 (logged); a->buf
 * is the caller's to free either way.
 */
int
args_points(struct args *a, const char *path, const struct point *pts,
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
args_argv(const struct args *a)
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
