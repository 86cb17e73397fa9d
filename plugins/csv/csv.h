/* SPDX-License-Identifier: ISC */
/*
 * csv.h: what the csv plugin's files share: the source's state (its
 * checked config), the columns it maps and the host table.
 * Plugin-internal: nothing here is exported from the .so.
 */
#ifndef CSV_H
#define CSV_H

#include <stddef.h>

#include "regiomon-plugin.h"

#define CV_MAX_ERRORS	10	/* rows reported before giving up */
#define CV_CELL_SHOWN	40	/* bytes of a bad cell quoted in a message */

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

enum cv_col {
	CV_INDICATOR,
	CV_REGION,
	CV_PERIOD,
	CV_VALUE,
	CV_STATUS,
	CV_NCOLS
};

/* The host table, set once by rm_plugin_init(), read-only after. */
extern const struct rm_host	*cv_host;

struct cv_state {
	char	 *url;
	char	  sep;
	char	  dec;
	char	 *col[CV_NCOLS];	/* header names; NULL: fixed value */
	int	  col_given[CV_NCOLS];	/* named in "columns" */
	char	 *indicator;		/* fixed, or NULL */
	char	 *region;		/* fixed catalog id, or NULL */
	char	 *scheme;		/* NULL: region cells are catalog ids */
	char	**missing;
	size_t	  nmissing;
	int	  skip_unknown;
};

/* config.c */
extern const struct rm_conf_key cv_colkeys[CV_NCOLS];
int	cv_init(struct rm_ctx *, const json_t *, void **);
void	cv_fini(void *);

#endif /* CSV_H */
