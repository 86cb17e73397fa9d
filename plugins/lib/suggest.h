/* SPDX-License-Identifier: ISC */
/*
 * suggest.h: "did you mean" for plugins.  An edit distance that counts a
 * swap of neighbours as one edit, and the closest of a list of candidates
 * when it is close enough to be a likely typo.  Plugin-internal: nothing
 * here is exported from a .so.
 */
#ifndef SUGGEST_H
#define SUGGEST_H

#include <stddef.h>

#define SUGGEST_MAXLEN	255	/* longer strings are never close */

size_t		 suggest_distance(const char *, const char *);
const char	*suggest_word(const char *, const char *const *, size_t);

#endif /* SUGGEST_H */
