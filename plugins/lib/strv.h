/* SPDX-License-Identifier: ISC */
/*
 * strv.h: lists of strings a plugin keeps from its config, such as the
 * cells that mean "no value".  The host checks the list's type first
 * (conf_type with RM_CONF_STRINGS); these only copy and free.
 * Plugin-internal: nothing here is exported from a .so.
 */
#ifndef STRV_H
#define STRV_H

#include <stddef.h>

#include <jansson.h>

int	strv_dup(const json_t *, const char *const *, size_t, char ***,
	    size_t *);
void	strv_free(char **, size_t);

#endif /* STRV_H */
