/* SPDX-License-Identifier: ISC */
/*
 * strv.c: copying a config's list of strings, or a plugin's default list
 * when the config has none (csv, swing and uwv's "missing").
 */
#include <stdlib.h>
#include <string.h>

#include "strv.h"

/*
 * Copy the strings of list (an array of strings, checked by the host),
 * or def[ndef] when list is NULL, into *out (new, free with strv_free())
 * and their number into *n.  0, or -1 when out of memory: *out and *n
 * then hold what was copied, for the caller's usual free.
 */
int
strv_dup(const json_t *list, const char *const *def, size_t ndef,
    char ***out, size_t *n)
{
	size_t	 i, len = list != NULL ? json_array_size(list) : ndef;
	char	*s;

	*out = NULL;
	*n = 0;
	if (len > 0 && (*out = calloc(len, sizeof(char *))) == NULL)
		return -1;
	for (i = 0; i < len; i++) {
		s = strdup(list != NULL ?
		    json_string_value(json_array_get(list, i)) : def[i]);
		if (s == NULL)
			return -1;
		(*out)[(*n)++] = s;
	}
	return 0;
}

/* Free v, a list of n strings; strv_free(NULL, 0) does nothing. */
void
strv_free(char **v, size_t n)
{
	size_t	 i;

	for (i = 0; v != NULL && i < n; i++)
		free(v[i]);
	free(v);
}
