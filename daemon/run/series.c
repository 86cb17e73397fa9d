/* SPDX-License-Identifier: ISC */
/*
 * series.c: one series' entries as collected from a spool, the points to
 * store made from them (sorted, the last of a period winning), their
 * digest, and the series' state they leave (its provisional periods,
 * source and time).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "model/model.h"
#include "run/run.h"
#include "run/run_private.h"

/*
 * Add ob to the entries of s.  0, or -1 (logged with path) when out of
 * memory or when s has more lines than the index counted.
 */
int
series_add(struct series *s, const struct obs *ob, const char *path)
{
	struct entry	*e;

	/* The index counted the lines: more now is another file. */
	if (s->n == s->count) {
		log_errx("%s: changed while being applied", path);
		return -1;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap == 0 ? 64 : s->cap * 2;

		if (cap > s->count)
			cap = s->count;
		if ((e = reallocarray(s->v, cap, sizeof(*e))) == NULL) {
			log_err("%s", path);
			return -1;
		}
		s->v = e;
		s->cap = cap;
	}
	e = &s->v[s->n];
	e->period = ob->period;
	e->value = ob->missing ? NAN : ob->value;
	e->provisional = ob->provisional;
	e->seq = (uint32_t)s->n++;
	return 0;
}

/* Free the entries of s; what the index knows of it stays. */
void
series_release(struct series *s)
{
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int		 c = period_cmp(&x->period, &y->period);

	if (c != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The periods of s marked provisional, merged into the series' state. */
void
series_state_update(json_t *ss, const struct series *s,
    const char *source, int changed)
{
	json_t	*prov, *nprov, *v;
	char	 per[PERIOD_MAX];
	size_t	 i, k;
	int	 seen;

	prov = json_object_get(ss, "provisional");
	nprov = json_array();
	/* Keep old marks for periods this run did not mention. */
	json_array_foreach(prov, k, v) {
		struct period p;

		if (period_parse(json_string_value(v), &p) == -1)
			continue;
		for (seen = 0, i = 0; i < s->n && !seen; i++)
			seen = period_cmp(&p, &s->v[i].period) == 0;
		if (!seen)
			json_array_append(nprov, v);
	}
	for (i = 0; i < s->n; i++) {
		if (!s->v[i].provisional)
			continue;
		period_format(&s->v[i].period, per, sizeof(per));
		json_array_append_new(nprov, json_string(per));
	}
	json_object_set_new(ss, "provisional", nprov);
	json_object_set_new(ss, "source", json_string(source));
	if (changed) {
		json_object_set_new(ss, "updated",
		    json_integer((json_int_t)time(NULL)));
		json_object_set_new(ss, "fresh", json_true());
	}
}

/*
 * Sort s's entries, drop duplicate periods (the last one sent wins) and
 * make the points to store.  New, caller frees; NULL (logged).
 */
struct point *
series_points(struct series *s, const char *source)
{
	struct point	*pts;
	size_t		 i, n = 0;
	int		 sorted = 1;

	/* Plugins send periods in order; sort only when one did not. */
	for (i = 1; i < s->n && sorted; i++)
		sorted = period_cmp(&s->v[i - 1].period, &s->v[i].period) < 0;
	if (!sorted)
		qsort(s->v, s->n, sizeof(*s->v), entry_cmp);
	for (i = 0; i < s->n; i++) {
		if (n > 0 && period_cmp(&s->v[n - 1].period,
		    &s->v[i].period) == 0)
			n--;
		s->v[n++] = s->v[i];
	}
	s->n = n;
	if ((pts = calloc(n == 0 ? 1 : n, sizeof(*pts))) == NULL) {
		log_err("%s", source);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		pts[i].period = s->v[i].period;
		pts[i].value = s->v[i].value;
	}
	return pts;
}

/* FNV-1a, 128 bits, carried on over len bytes of p. */
static void
digest_add(unsigned __int128 *h, const void *p, size_t len)
{
	const unsigned char		*b = p;
	const unsigned __int128		 prime = ((unsigned __int128)1 << 88) +
					    0x13b;

	while (len-- > 0) {
		*h ^= *b++;
		*h *= prime;
	}
}

/*
 * The digest of pts (n > 0, as series_points() made them) as the store
 * judges them: each period and the bits of its value, -0 as 0 and every
 * NaN as one (store_write() finds those the same), then "DIGEST N LAST":
 * 32 hex digits, the number of points and the last period.  What
 * apply.c keeps in a series' state, with the stamp of its file, to know
 * the next run's same points unchanged without opening the file (see
 * doc/storage.md).  New.
 */
char *
series_digest(const struct point *pts, size_t n)
{
	unsigned __int128	 h;
	unsigned char		 b[14];
	uint64_t		 bits;
	double			 v;
	size_t			 i, k;
	char			 last[PERIOD_MAX], *d;

	h = ((unsigned __int128)0x6c62272e07bb0142ULL << 64) |
	    0x62b821756295c58dULL;
	for (i = 0; i < n; i++) {
		v = pts[i].value == 0 ? 0.0 : pts[i].value;
		if (isnan(v))
			v = NAN;
		memcpy(&bits, &v, sizeof(bits));
		b[0] = (unsigned char)pts[i].period.freq;
		b[1] = (unsigned char)pts[i].period.index;
		for (k = 0; k < 4; k++)
			b[2 + k] = (unsigned char)((unsigned)
			    pts[i].period.year >> (8 * k));
		for (k = 0; k < 8; k++)
			b[6 + k] = (unsigned char)(bits >> (8 * k));
		digest_add(&h, b, sizeof(b));
	}
	if (n == 0 || period_format(&pts[n - 1].period, last,
	    sizeof(last)) == -1)
		strlcpy(last, "-", sizeof(last));
	xasprintf(&d, "%016llx%016llx %zu %s", (unsigned long long)(h >> 64),
	    (unsigned long long)h, n, last);
	return d;
}
