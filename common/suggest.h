/* SPDX-License-Identifier: ISC */
/*
 * common/suggest.h: "did you mean": the edit distance between two short
 * strings and the closest of a list of candidates when it is close enough
 * to be a typo.  Needs nothing but libc.
 */
#ifndef REGIOMON_COMMON_SUGGEST_H
#define REGIOMON_COMMON_SUGGEST_H

#include <stddef.h>

/* Longer candidates are never suggested. */
#define SUGGEST_MAX	255

size_t		 suggest_edit_distance(const char *, const char *);
const char	*suggest_did_you_mean(const char *, const char *const *,
		    size_t);

#endif /* REGIOMON_COMMON_SUGGEST_H */
