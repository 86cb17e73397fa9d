/* SPDX-License-Identifier: ISC */
/*
 * swing.h: what the swing plugin's files share: the source's state (its
 * checked config), the denominator table of ratio series, and the host
 * table.  Plugin-internal: nothing here is exported from the .so.
 */
#ifndef SWING_H
#define SWING_H

#include <stddef.h>

#include "regiomon-plugin.h"

#define SW_BASE		"https://klimaatmonitor.databank.nl/jiveservices/odata"
#define SW_KEY_MAX	1024
#define SW_KEY_FILE_MAX	4096	/* the key file, all of it */
#define SW_PERIOD	16
/* The path of the Open Data Service's v1, and the last day it runs. */
#define SW_V1_PATH	"/jiveservices/odata"
#define SW_V1_END	1798761600	/* 2027-01-01T00:00:00Z */

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* The host table, set once by rm_plugin_init(), read-only after. */
extern const struct rm_host	*sw_host;

struct sw_series {
	char	*variable;
	char	*indicator;
	char	*per;		/* denominator variable, or NULL */
	double	 mul, div;	/* value * mul, or value / div */
};

struct sw_state {
	char		 *base;
	int		  file;		/* base is a file: URL */
	char		 *key_file;
	char		 *geo_level;
	char		 *period_level;
	char		 *period;
	struct sw_series *series;
	size_t		  nseries;
	char		**regions;	/* catalog ids; NULL: every known */
	const char	**codes;	/* their Swing codes, borrowed */
	size_t		  nregions;
	char		**missing;
	size_t		  nmissing;
	char		  dec;
	long		  max_pages;
};

/* config.c */
int	sw_init(struct rm_ctx *, const json_t *, void **);
void	sw_fini(void *);

/* main.c */
struct sw_dens;
int	sw_read_key(struct rm_ctx *, const struct sw_state *, char **);
char	*sw_next_url(struct rm_ctx *, const char *, const char *);
int	sw_fetch(struct rm_ctx *, const struct sw_state *,
	    const struct sw_series *, const char *, const char *, size_t *,
	    struct sw_dens *, const struct sw_dens *, size_t *, json_t *);

/* describe.c */
int	sw_describe(struct rm_ctx *, const json_t *, json_t **);

#endif /* SWING_H */
