/* SPDX-License-Identifier: ISC */
/*
 * run/run_private.h: what the files of the run floor share with each
 * other (see each file's banner below).  Private to daemon/run/.
 */
#ifndef REGIOMON_RUN_PRIVATE_H
#define REGIOMON_RUN_PRIVATE_H

#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

/* One observation of a series, as read from the spool. */
struct entry {
	struct period	 period;
	double		 value;
	uint32_t	 seq;		/* arrival order: the last one wins */
	int		 provisional;
};

/* A series as the index knows it, and its entries while collected. */
struct series {
	char		 indicator[ID_MAX];
	char		 region[ID_MAX];
	size_t		 count;		/* lines in the spool */
	size_t		 runs;		/* blocks of consecutive lines */
	long		 pass;		/* pass that collects it, 0: streamed */
	struct entry	*v;
	size_t		 n, cap;
	int		 ahead;		/* stored ahead, with state and eval */
	json_t		*before;	/* its state before that; NULL: none */
};

/* Every series of a spool, found by "indicator/region" in a hash. */
struct sindex {
	struct series	*v;
	size_t		 n, cap;
	size_t		*slot;		/* position + 1, 0: empty */
	size_t		 nslot;		/* a power of two */
	size_t		 last;		/* position of the previous line's */
	int		 has_last;
};

/* A spool being read: the file, its line, line number and offset. */
struct spool_reader {
	const char	*path;
	FILE		*fp;
	char		*line;
	size_t		 cap;
	size_t		 lineno;
	off_t		 off;		/* of the next line: no ftello() */
};

/* ahead.c */
int	ahead_finish(struct ahead *, struct sindex *);

/* series.c */
int	series_add(struct series *, const struct obs *, const char *);
void	series_release(struct series *);
struct point *series_points(struct series *, const char *);
void	series_state_update(json_t *, const struct series *, const char *,
	    int);

/* sindex.c */
long	sindex_find(struct sindex *, const struct obs *, int);
void	sindex_free(struct sindex *);

/* spool.c */
int	spool_reader_open(struct spool_reader *, const char *);
int	spool_reader_next(struct spool_reader *, struct obs *);
void	spool_reader_close(struct spool_reader *);

#endif /* REGIOMON_RUN_PRIVATE_H */
