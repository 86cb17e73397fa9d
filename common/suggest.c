/* SPDX-License-Identifier: ISC */
/*
 * suggest.c: the one "did you mean" of regiomon, for the daemon and,
 * through the host table, the plugins: an edit distance that counts a
 * swap of neighbours as one edit, and the closest candidate when it is at
 * most a third of the string's length away.
 */
#include <stdint.h>
#include <string.h>

#include "common/suggest.h"

/*
 * The edit distance behind "did you mean": insertions, deletions,
 * substitutions, and a swap of neighbours as one edit ("valeu" is one
 * away from "value"), on three rows on the stack; SIZE_MAX when b is
 * longer than SUGGEST_MAX bytes, which no key or title a person types
 * reaches.
 */
size_t
suggest_edit_distance(const char *a, const char *b)
{
	size_t	 la = strlen(a), lb = strlen(b), i, j, best;
	size_t	 r0[SUGGEST_MAX + 1], r1[SUGGEST_MAX + 1];
	size_t	 r2[SUGGEST_MAX + 1];
	size_t	*pp = r0, *p = r1, *cur = r2, *t;

	if (lb > SUGGEST_MAX)
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		p[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			best = p[j - 1] + (a[i - 1] != b[j - 1]);
			if (p[j] + 1 < best)
				best = p[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && pp[j - 2] + 1 < best)
				best = pp[j - 2] + 1;
			cur[j] = best;
		}
		t = pp;
		pp = p;
		p = cur;
		cur = t;
	}
	return p[lb];
}

/*
 * The candidate closest to s when it is close enough to be a typo (at most
 * a third of its length, and at least 1, edits away), else NULL.  Borrowed
 * from cand.
 */
const char *
suggest_did_you_mean(const char *s, const char *const *cand, size_t n)
{
	const char	*best = NULL;
	size_t		 i, d, bestd = SIZE_MAX, limit;

	limit = strlen(s) / 3;
	if (limit < 1)
		limit = 1;
	for (i = 0; i < n; i++) {
		if (cand[i] == NULL)
			continue;
		d = suggest_edit_distance(s, cand[i]);
		if (d < bestd) {
			bestd = d;
			best = cand[i];
		}
	}
	return bestd <= limit ? best : NULL;
}
