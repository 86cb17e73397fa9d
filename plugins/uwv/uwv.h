/* SPDX-License-Identifier: ISC */
/*
 * uwv.h: what the uwv plugin's files share: the source's state (its
 * checked config), the result table that rows are folded into, and the
 * host table.  Plugin-internal: nothing here is exported from the .so.
 */
#ifndef UWV_H
#define UWV_H

#include <stddef.h>

#include "regiomon-plugin.h"

#define UW_CATALOG	"https://data.overheid.nl/data/api/3/action/" \
			    "package_show"
#define UW_MEMBER_MAX	((size_t)256 * 1024 * 1024)
#define UW_PERIOD	16
#define UW_SHOWN	40	/* bytes of a bad cell quoted in a message */

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* The host table, set once by rm_plugin_init(), read-only after. */
extern const struct rm_host	*uw_host;

enum uw_col {
	UW_PERIOD_COL,
	UW_REGION,
	UW_VALUE,
	UW_INDICATOR,
	UW_NCOLS
};

/* A cell value -> id pair, from "indicators" or "regions". */
struct uw_pair {
	char	*cell;
	char	*id;
};

struct uw_filter {
	char	 *col;
	char	**vals;
	size_t	  nvals;
	long	  idx;		/* column index in the current file */
};

enum uw_enc { UW_ENC_AUTO, UW_ENC_UTF8, UW_ENC_CP1252 };
enum uw_fmt { UW_FMT_ANY, UW_FMT_ZIP, UW_FMT_CSV };

struct uw_state {
	char		 *catalog;
	int		  file;		/* catalog is a file: URL */
	char		 *dataset;
	enum uw_fmt	  format;
	char		 *resource;	/* substring of name or URL, or NULL */
	int		  all;		/* select every resource, not latest */
	char		 *member;	/* fnmatch pattern */
	enum uw_enc	  enc;
	char		  sep, dec;
	char		 *col[UW_NCOLS];
	char		 *indicator;	/* fixed, or NULL: indicators map */
	struct uw_pair	 *inds;
	size_t		  ninds;
	char		 *region;	/* fixed, or NULL */
	struct uw_pair	 *regs;
	size_t		  nregs;
	char		 *scheme;	/* region cells are codes of it */
	struct uw_filter *filters;
	size_t		  nfilters;
	int		  sum;		/* aggregate rows by summing */
	char		**missing;
	size_t		  nmissing;
};

/* One (indicator, region, period) cell of the result. */
struct uw_cell {
	const char	*indicator;	/* borrowed from the state */
	const char	*region;	/* borrowed from state or catalog */
	char		 period[UW_PERIOD];
	double		 sum;
	size_t		 nvalues;
	size_t		 line;		/* first line that gave it */
	size_t		 file;		/* the file that gave it */
	int		 used;
};

/* The result, a small open-addressing hash table. */
struct uw_table {
	struct uw_cell	*v;
	size_t		 size, n;
	const char	*file;		/* the resource, for messages */
	size_t		 fileno;	/* its number, 1 for the first */
	size_t		 rows, skipped;
};

/* config.c */
int	uw_init(struct rm_ctx *, const json_t *, void **);
void	uw_fini(void *);

/* table.c */
int	uw_period(const char *, char *, size_t);
int	uw_text(struct rm_ctx *, struct uw_state *, const char *, size_t,
	    struct uw_table *);
int	uw_emit(struct rm_ctx *, const struct uw_table *);
void	uw_table_free(struct uw_table *);

/* zip.c */
int	uw_zip(struct rm_ctx *, struct uw_state *, const char *, size_t,
	    struct uw_table *);

#endif /* UWV_H */
