/* SPDX-License-Identifier: ISC */
/*
 * eurostat.h: what the eurostat plugin's files share: the source's state
 * (its checked config), the decoded JSON-stat table, and the host table.
 * Plugin-internal: nothing here is exported from the .so.
 */
#ifndef EUROSTAT_H
#define EUROSTAT_H

#include <stddef.h>

#include "regiomon-plugin.h"

#define ES_BASE		"https://ec.europa.eu/eurostat/api/dissemination/" \
			    "statistics/1.0/data"
#define ES_MAX_VALUES	50	/* per filter: the API's own limit */
#define ES_PERIOD	16

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* The host table, set once by rm_plugin_init(), read-only after. */
extern const struct rm_host	*es_host;

struct es_filter {
	char	 *dim;
	char	**vals;
	size_t	  nvals;
};

struct es_state {
	char		 *base;
	int		  file;		/* base is a file: URL */
	char		 *dataset;
	char		 *lang;
	char		 *indicator;	/* one indicator, or NULL: ind_dim */
	char		 *ind_dim;	/* dimension whose codes pick it */
	char		**ind_codes;	/* ind_dim code -> ind_ids[i] */
	char		**ind_ids;
	size_t		  nind;
	struct es_filter *filters;
	size_t		  nfilters;
	char		**regions;	/* catalog ids */
	const char	**geos;		/* their NUTS codes, borrowed */
	size_t		  nregions;
	char		  since[ES_PERIOD], until[ES_PERIOD];
	long		  last;		/* 0: no lastTimePeriod */
	double		  mul, div;	/* value * mul, or value / div */
	char		 *prov_flags;	/* lower-case flag letters */
	char		 *miss_flags;
};

/* One dimension of the answer: its codes by position. */
struct es_dim {
	const char	 *id;
	size_t		  size;
	size_t		  stride;
	const char	**codes;	/* borrowed from the document */
};

/* The decoded table: dimensions, and the document it borrows from. */
struct es_table {
	json_t		*doc;		/* owned */
	struct es_dim	*dims;
	size_t		 ndims;
	size_t		 total;		/* product of the sizes */
	long		 geo, time, ind;	/* dimension numbers, or -1 */
	size_t		 base;		/* offset of the fixed dimensions */
	const json_t	*value, *status;
};

/* config.c */
int		 es_init(struct rm_ctx *, const json_t *, void **);
void		 es_fini(void *);

/* main.c */
char		*es_url(const struct es_state *);
int		 es_get(struct rm_ctx *, const struct es_state *, const char *,
		    json_t **);

/* describe.c */
int		 es_describe(struct rm_ctx *, const json_t *, json_t **);

/* jsonstat.c */
int		 es_dims(struct rm_ctx *, const struct es_state *,
		    struct es_table *);
int		 es_table(struct rm_ctx *, const struct es_state *,
		    struct es_table *);
void		 es_table_free(struct es_table *);
long		 es_pos(const struct es_dim *, const char *);
void		 es_cell(const struct es_table *, size_t, const json_t **,
		    const char **);

#endif /* EUROSTAT_H */
