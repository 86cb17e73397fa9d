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
	int		 applied;	/* stored by apply, state updated */
	json_t		*before;	/* its state before that; NULL: none */
	char		*from;		/* the source it had before, or NULL */
	char		*aside;		/* where its old file went, or NULL */
	size_t		 nold;		/* the points that file held */
	char		*digest;	/* series_digest() of its points */
	int		 known;		/* unchanged by it: file not opened */
	int		 changed;	/* its file was written */
	int		 exact;		/* it holds these points, no others */
	int		 newer;		/* appended to by the digest */
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

/* How the child tells the parent what its plugin returned. */
#define EXIT_UNCHANGED	10		/* child: RM_UNCHANGED */
#define EXIT_CALLED_EXIT 11		/* child: the plugin called exit() */
/*
 * A child past its time gets SIGTERM, and SIGKILL this much later: the
 * child uses the moment to kill every process its plugin started (see
 * sweep.c), which would otherwise outlive it (SIGKILL leaves no moment).
 */
#define KILL_GRACE	0.5

/* One source run in a child, as the parent sees it. */
struct job {
	struct regiomon		*rm;
	const struct source	*src;
	pid_t			 pid;
	int			 fd;		/* read end of the pipe */
	FILE			*sink;
	char			*buf;
	size_t			 len, cap;
	size_t			 lineno;
	size_t			 nobs;
	size_t			 nbytes;	/* written to the sink */
	char			*mark;
	char			*perr;		/* the plugin's last error */
	/* The last (indicator, region) the catalog accepted ("": none). */
	char			 ok_ind[ID_MAX];
	char			 ok_reg[ID_MAX];
	enum freq		 ok_freq;
	char			 err[512];	/* first protocol error */
	double			 deadline;	/* monotonic seconds */
	double			 kill_at;	/* SIGKILL, once stopping */
	int			 timed_out;
	int			 stopping;	/* SIGTERM sent */
	int			 killed;	/* SIGKILL sent */
	int			 eof;
	int			 logfd;		/* the child's stderr, or -1 */
	char			*log;		/* its last LOG_KEEP bytes */
	size_t			 loglen;
};

/* ahead.c */
int	ahead_finish(struct ahead *, struct sindex *);

/* child.c */
struct vault;
__dead void child_main(struct regiomon *, const struct source *,
	    const struct plugin *, const struct vault *, int, int);

/* vault.c */
struct vault *vault_fill(const struct source *);
void	vault_wipe(struct vault *);
void	vault_install(const struct vault *);
int	vault_serve(const char *, char *, size_t, char *, size_t, int *);

/* sweep.c */
int	sweep_setup(void);
int	sweep_descendants(double);

/* known.c: what known_check() found */
#define KNOWN_NOT	0	/* compare with the file */
#define KNOWN_SAME	1	/* the points the file holds: unchanged */
#define KNOWN_NEWER	2	/* those and newer ones after them */
int	known_check(struct regiomon *, const struct series *,
	    const struct point *, size_t *);
int	known_append(struct regiomon *, const struct series *,
	    const struct indicator *, const struct point *, size_t, int *);
void	known_stamp(struct regiomon *, const struct sindex *);

/* job_stop.c */
void	job_stop(struct job *, double);

/* series.c */
int	series_add(struct series *, const struct obs *, const char *);
void	series_release(struct series *);
struct point *series_points(struct series *, const char *);
char	*series_digest(const struct point *, size_t);
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
