/* SPDX-License-Identifier: ISC */
/*
 * suggest.c: the typo finder behind "did you mean" in plugin config
 * errors (csv, cbs_statline).  Small strings only: the distance works on
 * three rows on the stack and gives up on anything longer than
 * SUGGEST_MAXLEN, which no key or title a person types reaches.
 */
#include <stdint.h>
#include <string.h>

#include "suggest.h"

/*
 * Edit distance of a and b, counting a swap of neighbours as one edit
 * ("valeu" is one away from "value"); SIZE_MAX when b is too long.
 */
size_t
suggest_distance(const char *a, const char *b)
{
	size_t	 la = strlen(a), lb = strlen(b), i, j, best;
	size_t	 r0[SUGGEST_MAXLEN + 1], r1[SUGGEST_MAXLEN + 1];
	size_t	 r2[SUGGEST_MAXLEN + 1];
	size_t	*pp = r0, *p = r1, *cur = r2, *t;

	if (lb > SUGGEST_MAXLEN)
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
 * The candidate s is a likely typo of (at most a third of its length
 * off, at least one edit allowed), or NULL.  Borrowed from cand.
 */
const char *
suggest_word(const char *s, const char *const *cand, size_t n)
{
	const char	*best = NULL;
	size_t		 i, d, bestd = SIZE_MAX, limit;

	limit = strlen(s) / 3 > 0 ? strlen(s) / 3 : 1;
	for (i = 0; i < n; i++) {
		if ((d = suggest_distance(s, cand[i])) < bestd) {
			bestd = d;
			best = cand[i];
		}
	}
	return bestd <= limit ? best : NULL;
}
