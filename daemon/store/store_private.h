/* SPDX-License-Identifier: ISC */
/*
 * store/store_private.h: what the files of the store floor share with
 * each other (see each file's banner below).  Private to daemon/store/.
 */
#ifndef REGIOMON_STORE_PRIVATE_H
#define REGIOMON_STORE_PRIVATE_H

#include <sys/types.h>

#include <stddef.h>
#include <time.h>

#define DAY		86400L
#define KNOWN_SECS	65536L		/* per day; a power of two */
#define HALF_SECS	32768L
#define TEXT_LEN	48		/* one value as text */
#define ARG_LEN		64		/* "TIME:VALUE" */
#define RRA_ROWS	21915L		/* about 60 years of days */

/* How one period is written: no value (missing), one text or two. */
struct enc {
	int	n;
	char	text[2][TEXT_LEN];
};

/* Update arguments: n strings of ARG_LEN bytes each in buf. */
struct args {
	char	*buf;
	size_t	 n, cap;
};

/* A stored series as read back. */
struct series {
	struct point	*pts;
	size_t		 n;
	time_t		 last;		/* rrd_last_r */
	struct period	 lastp;		/* last complete period */
	int		 partial;	/* last is not a period end */
};

/* An append's file as it was before (store_batch.c, "Batches"). */
struct undo {
	const char	*file;
	char		*before;
	size_t		 len;
};

/* store_args.c */
int	args_points(struct args *, const char *, const struct point *,
	    size_t, const struct period *);
const char **args_argv(const struct args *);

/* store_batch.c */
int	batch_active(void);
int	batch_add(char *, char *);
void	batch_break(void);
void	batch_dirty(void);
int	batch_pending(const char *, char **);
int	batch_cleaned(const char *);

/* store_io.c */
int	io_read_all(const char *, char **, size_t *);
int	io_write_at(const char *, off_t, const char *, size_t);

/* store_stale.c */
void	stale_remove(const char *);
int	batch_undo_begin(const char *, struct undo *);
int	batch_undo_end(struct undo *, int);

/* store_cached.c */
const char *cached_addr(void);
int	cached_flush(const char *);
void	cached_forget(const char *);
int	cached_update(const char *, const char *, const struct args *);

/* store_damaged.c */
int	damaged_found(const char *, off_t);
int	damaged_set_aside(const char *, size_t);

/* store_read.c */
int	read_series(const char *, enum freq, struct series *);

/* store_rrdfile.c */
int	rrdfile_failed(const char *, const char *);
int	rrdfile_fault(const char *, const char *);
int	rrdfile_update(const char *, const struct args *);
int	rrdfile_fetch(const char *, time_t *, time_t *, double **);

/* store_text.c */
int	store_encode(double, const char *, struct enc *);
int	store_same_value(double, double);
size_t	store_digits(char *, unsigned long long);

#endif /* REGIOMON_STORE_PRIVATE_H */
