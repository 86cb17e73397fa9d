/* SPDX-License-Identifier: ISC */
/*
 * store/store.h: the series files: one RRD file a series, written exactly
 * (store text), in batches that commit together, directly or through
 * rrdcached, by writer threads.
 */
#ifndef REGIOMON_STORE_H
#define REGIOMON_STORE_H

#include "core/core.h"
#include "model/model.h"

/* store_path.c */
/* A series refused: a link or a special file in the way to its file. */
#define STORE_REFUSED	(-2)
/* store_check()'s flags. */
#define STORE_CREATE	0x1	/* make the directories */
#define STORE_QUIET	0x2	/* log no refusal: the caller's write will */
char	*store_path(const char *, const char *, const char *);
int	store_check(const char *, const char *, const char *, int, int *);
int	store_exists(const char *, const char *, const char *);
#define STORE_STAMP_MAX	128	/* store_stamp()'s text, NUL included */
int	store_stamp(const char *, const char *, const char *, char *, size_t);

/* store_read.c */
int	store_read(const char *, const char *, const char *, enum freq,
	    struct point **, size_t *);

/* store_damaged.c */
int	store_set_aside(const char *, const char *, const char *, enum freq,
	    const char *, size_t *, char **);
int	store_remove(const char *, const char *, const char *);

/* store_write.c */
int	store_write(const char *, const char *, const char *, enum freq,
	    const struct point *, size_t, int *);
int	store_write_exact(const char *, const char *, const char *, enum freq,
	    const struct point *, size_t, int *, int *);
int	store_append(const char *, const char *, const char *, enum freq,
	    const struct period *, const struct period *, const struct point *,
	    size_t, int *);

/* store_batch.c */
int	store_batch_begin(const char *);
/* The commit renamed part of the batch, or could not sync it. */
#define STORE_PARTIAL	(-3)
int	store_batch_commit(void);
void	store_batch_abort(void);

/* writer.c */
struct writer;
struct writer *writer_start(const char *);
void	writer_put(struct writer *, long, const char *, const char *,
	    enum freq, struct point *, size_t);
size_t	writer_wait(struct writer *, const long **);
void	writer_stop(struct writer *, int);

/* store_cached.c */
int	store_use_rrdcached(const char *);

#endif /* REGIOMON_STORE_H */
