/* SPDX-License-Identifier: ISC */
/*
 * combine.c: a series whose value is made of several cells, kept until
 * the last page and then emitted: a sum of measures over a denominator
 * in v4 (one measure a row, so the parts of a value come in different
 * rows, perhaps on different pages), the regions summed into one
 * ("sum_into"), and the change in per cent against the value N periods
 * before ("growth_over").  A value lacking one of its parts is missing:
 * a sum over part of the regions is never passed off as the whole.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbs.h"

#define CBS_SLOTS_MAX	100000	/* periods one series may hold */

/* The cells of one period: part k of region r at r * nparts + k. */
struct cbs_slot {
	struct cbs_per	 per;
	double		*v;
	unsigned char	*have;		/* 0 no row, 1 a value, 2 missing */
	double		*out;		/* per output region, after combining */
	unsigned char	*state;		/* 0 nothing, 1 a value, 2 missing */
};

struct cbs_acc {
	struct cbs_slot	*slot;		/* sorted by period code */
	size_t		 n, cap;
	size_t		 nparts;
	size_t		 nreg;		/* regions read */
	size_t		 nout;		/* regions emitted */
};

/*
 * 1 if series s is combined here rather than emitted row by row: v3 rows
 * hold every measure of a value, so only its sums over regions and its
 * growth need the pages kept; v4 rows hold one measure each.
 */
int
cbs_combined(const struct cbs_conf *c, const struct cbs_series *s)
{
	if (s->sum_into != NULL || s->growth > 0)
		return 1;
	return c->api == CBS_V4 && (s->nterms > 1 || s->per != NULL);
}

/* The measures a value of s is made of: its terms, then its "per". */
size_t
cbs_parts(const struct cbs_series *s)
{
	return s->nterms + (s->per != NULL);
}

struct cbs_acc *
cbs_acc_new(const struct cbs_series *s)
{
	struct cbs_acc	*a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->nparts = cbs_parts(s);
	a->nreg = s->region != NULL ? 1 : s->nregions;
	a->nout = s->sum_into != NULL ? 1 : a->nreg;
	return a;
}

void
cbs_acc_free(struct cbs_acc *a)
{
	size_t	 i;

	if (a == NULL)
		return;
	for (i = 0; i < a->n; i++) {
		free(a->slot[i].v);
		free(a->slot[i].have);
		free(a->slot[i].out);
		free(a->slot[i].state);
	}
	free(a->slot);
	free(a);
}

/* The periods kept. */
size_t
cbs_acc_periods(const struct cbs_acc *a)
{
	return a->n;
}

/* The slot of period code, or where it would go in *at: 1 found, 0 not. */
static int
cbs_acc_find(const struct cbs_acc *a, const char *code, size_t *at)
{
	size_t	 lo = 0, hi = a->n, mid;
	int	 c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(a->slot[mid].per.code, code)) == 0) {
			*at = mid;
			return 1;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*at = lo;
	return 0;
}

/* The slot of period p, made if new.  NULL when out of memory. */
static struct cbs_slot *
cbs_acc_slot(struct cbs_acc *a, const struct cbs_per *p)
{
	struct cbs_slot	*v, *sl;
	size_t		 at, cells = a->nreg * a->nparts;

	if (cbs_acc_find(a, p->code, &at))
		return &a->slot[at];
	if (a->n == CBS_SLOTS_MAX)
		return NULL;
	if (a->n == a->cap) {
		if ((v = reallocarray(a->slot, a->cap ? a->cap * 2 : 32,
		    sizeof(*v))) == NULL)
			return NULL;
		a->slot = v;
		a->cap = a->cap ? a->cap * 2 : 32;
	}
	memmove(&a->slot[at + 1], &a->slot[at], (a->n - at) *
	    sizeof(*a->slot));
	sl = &a->slot[at];
	memset(sl, 0, sizeof(*sl));
	a->n++;
	sl->per = *p;
	sl->v = calloc(cells, sizeof(*sl->v));
	sl->have = calloc(cells, 1);
	sl->out = calloc(a->nout, sizeof(*sl->out));
	sl->state = calloc(a->nout, 1);
	if (sl->v == NULL || sl->have == NULL || sl->out == NULL ||
	    sl->state == NULL)
		return NULL;
	return sl;
}

/*
 * Part (a term, or the denominator last) of the value of the row with
 * trimmed region code reg and period p: kept until cbs_acc_done().  Rows
 * the series did not ask for are skipped.  0, or -1 logged.
 */
int
cbs_acc_put(struct cbs_run *run, struct cbs_emit *em, const char *reg,
    const struct cbs_per *p, size_t part, double value, int missing,
    size_t row)
{
	struct cbs_acc	*a = em->acc;
	struct cbs_slot	*sl;
	size_t		 r;
	int		 rc;

	if ((rc = cbs_obs_take(run, em, reg, p, row, &r)) != 1)
		return rc;
	if ((sl = cbs_acc_slot(a, p)) == NULL) {
		cbs_host->log(run->ctx, RM_LOG_ERR, "series[%zu]: out of "
		    "memory (or more than %d periods)", em->series->index,
		    CBS_SLOTS_MAX);
		return -1;
	}
	if (em->rcount != NULL && r < em->series->nregions &&
	    sl->have[r * a->nparts + part] == 0)
		em->rcount[r]++;
	sl->v[r * a->nparts + part] = value;
	sl->have[r * a->nparts + part] = missing ? 2 : 1;
	return 0;
}

/*
 * The value of output o in slot sl: the terms summed over its regions
 * (every region, with "sum_into"), over the denominator likewise, times
 * the scale.  State 0 when none of its cells came, 2 when some did not
 * or one is missing (or the denominator is 0).
 */
static void
cbs_acc_value(const struct cbs_series *s, const struct cbs_acc *a,
    struct cbs_slot *sl, size_t o)
{
	size_t	 r, k, from, to, seen = 0;
	double	 num = 0, den = 0;
	int	 bad = 0;

	from = s->sum_into != NULL ? 0 : o;
	to = s->sum_into != NULL ? a->nreg : o + 1;
	for (r = from; r < to; r++) {
		for (k = 0; k < a->nparts; k++) {
			switch (sl->have[r * a->nparts + k]) {
			case 0:
				bad = 1;
				continue;
			case 2:
				bad = 1;
				break;
			default:
				if (s->per != NULL && k == a->nparts - 1)
					den += sl->v[r * a->nparts + k];
				else
					num += sl->v[r * a->nparts + k];
				break;
			}
			seen++;
		}
	}
	if (seen == 0) {
		sl->state[o] = 0;
		return;
	}
	/* A share of nothing is no value, not infinity. */
	if (bad || (s->per != NULL && den == 0)) {
		sl->state[o] = 2;
		return;
	}
	sl->out[o] = (s->per != NULL ? num / den : num) * s->scale;
	sl->state[o] = 1;
}

/*
 * The code of the period n periods before code (same type), into out.
 * 0, or -1 for a code of no known type or before year 1.
 */
int
cbs_period_back(const char *code, int n, char *out, size_t len)
{
	unsigned	 type = cbs_period_type(code);
	long		 y, k, per;
	char		*end;

	if (type == 0 || n < 0 || strlen(code) != 8)
		return -1;
	y = strtol(code, &end, 10);
	if (end != code + 4)
		return -1;
	k = (code[6] - '0') * 10 + (code[7] - '0');
	per = type == CBS_YEAR ? 1 : type == CBS_QUARTER ? 4 : 12;
	k = type == CBS_YEAR ? y - n : y * per + (k - 1) - n;
	if (type == CBS_YEAR) {
		if (k < 1)
			return -1;
		snprintf(out, len, "%04ldJJ00", k);
		return 0;
	}
	if (k < per)
		return -1;
	snprintf(out, len, "%04ld%s%02ld", k / per, type == CBS_QUARTER ?
	    "KW" : "MM", k % per + 1);
	return 0;
}

/* The region id output o is stored under. */
static const char *
cbs_acc_id(const struct cbs_series *s, size_t o)
{
	if (s->sum_into != NULL)
		return s->sum_into;
	return s->region != NULL ? s->region : s->regions[o].id;
}

/*
 * After the last page: every period's value combined, then emitted, or
 * with "growth_over" its change in per cent against the value that many
 * periods before (nothing when that period has no value at all, missing
 * when either is missing or the older one is 0; provisional when either
 * is).  0, or -1 logged.
 */
int
cbs_acc_done(struct cbs_run *run, struct cbs_emit *em)
{
	const struct cbs_series	*s = em->series;
	struct cbs_acc		*a = em->acc;
	struct cbs_slot		*sl, *b;
	struct cbs_per		 p;
	char			 code[32];
	size_t			 i, o, at;
	double			 v;
	int			 missing;

	for (i = 0; i < a->n; i++)
		for (o = 0; o < a->nout; o++)
			cbs_acc_value(s, a, &a->slot[i], o);
	for (i = 0; i < a->n; i++) {
		sl = &a->slot[i];
		for (o = 0; o < a->nout; o++) {
			if (sl->state[o] == 0)
				continue;
			p = sl->per;
			v = sl->out[o];
			missing = sl->state[o] == 2;
			if (s->growth > 0) {
				if (cbs_period_back(p.code, s->growth, code,
				    sizeof(code)) == -1 ||
				    !cbs_acc_find(a, code, &at) ||
				    a->slot[at].state[o] == 0)
					continue;
				b = &a->slot[at];
				missing |= b->state[o] == 2 || b->out[o] == 0;
				if (!missing)
					v = (v / b->out[o] - 1) * 100;
				if (b->per.prov)
					p.prov = 1;
			}
			if (cbs_emit_obs(run, em, cbs_acc_id(s, o), &p, v,
			    missing) == -1)
				return -1;
		}
	}
	return 0;
}
