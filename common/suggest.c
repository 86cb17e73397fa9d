/* SPDX-License-Identifier: ISC */
/*
 * suggest.c: the one "did you mean" of regiomon: a Levenshtein distance
 * on one row on the stack, and the closest candidate when it is at most a
 * third of the string's length away.
 */
#include <stdint.h>
#include <string.h>

#include "common/suggest.h"

/* Levenshtein distance; SIZE_MAX when b has 63 bytes or more. */
size_t
suggest_edit_distance(const char *a, const char *b)
{
	size_t	 la = strlen(a), lb = strlen(b), i, j;
	size_t	 row[64], prev, tmp;

	if (lb >= sizeof(row) / sizeof(row[0]))
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t best = prev + (a[i - 1] != b[j - 1]);

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			prev = tmp;
		}
	}
	return row[lb];
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
		d = suggest_edit_distance(s, cand[i]);
		if (d < bestd) {
			bestd = d;
			best = cand[i];
		}
	}
	return bestd <= limit ? best : NULL;
}
