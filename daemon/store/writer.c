/* SPDX-License-Identifier: ISC */
/*
 * writer.c: threads that write the series `regiomon run` stores ahead
 * (run/ahead.c), so that librrd writes while the parent goes on reading the
 * spool and updating state and evaluations.  Writing is most of a run:
 * with one thread it was the one busy all the way (the child and the
 * parent done long before), so there is one per core, at most
 * WRITERS_MAX.  Only they call store_write() while they run, each series
 * once (a series is stored ahead only from its first block): librrd's
 * fcntl locks do not exclude threads, so two of them must never write
 * one file, and the store batch takes their temp files under its lock.
 * The queue is short: when the writers are behind, the parent waits,
 * and the spool holds what the child sends meanwhile.  The daemon stays
 * single-threaded.
 */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "store/store.h"

/* Queued at most: this many series, or points (about 1.5 MB). */
#define QUEUE_JOBS	16
#define QUEUE_POINTS	65536
#define WRITERS_MAX	4

struct wjob {
	long		 id;
	char		 indicator[ID_MAX];
	char		 region[ID_MAX];
	enum freq	 freq;
	struct point	*pts;
	size_t		 n;
	struct wjob	*next;
};

struct writer {
	const char	*state_dir;
	pthread_t	 thread[WRITERS_MAX];
	size_t		 nthreads;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;		/* any change below */
	struct wjob	*head, *tail;
	size_t		 njobs, npoints;
	int		 busy;		/* jobs taken off the queue, writing */
	int		 stop;
	long		*failed;	/* ids whose write failed */
	size_t		 nfailed, capfailed;
};

static void
failed_add(struct writer *w, long id)
{
	long	*v;
	size_t	 cap;

	if (w->nfailed == w->capfailed) {
		cap = w->capfailed == 0 ? 16 : w->capfailed * 2;
		if ((v = reallocarray(w->failed, cap, sizeof(*v))) == NULL)
			fatal(NULL);
		w->failed = v;
		w->capfailed = cap;
	}
	w->failed[w->nfailed++] = id;
}

static void *
writer_main(void *arg)
{
	struct writer	*w = arg;
	struct wjob	*job;
	int		 changed, rc;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (w->head == NULL && !w->stop)
			pthread_cond_wait(&w->cv, &w->mu);
		if ((job = w->head) == NULL)
			break;
		if ((w->head = job->next) == NULL)
			w->tail = NULL;
		w->busy++;
		pthread_mutex_unlock(&w->mu);

		rc = store_write(w->state_dir, job->indicator, job->region,
		    job->freq, job->pts, job->n, &changed);

		pthread_mutex_lock(&w->mu);
		/* A new file always changes; anything else is left to apply. */
		if (rc == -1 || !changed)
			failed_add(w, job->id);
		w->njobs--;
		w->npoints -= job->n;
		w->busy--;
		pthread_cond_broadcast(&w->cv);
		free(job->pts);
		free(job);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/*
 * As many writers as cores this process may run on (its affinity: a
 * container limited to one core gets one), at most WRITERS_MAX.
 */
static size_t
writer_count(void)
{
	cpu_set_t	 set;
	int		 n;

	if (sched_getaffinity(0, sizeof(set), &set) == -1)
		return 1;
	n = CPU_COUNT(&set);
	return n < 1 ? 1 : n > WRITERS_MAX ? WRITERS_MAX : (size_t)n;
}

/*
 * Start the writers for the store of state_dir (a batch must be open).
 * New, or NULL if no thread could be made: the caller writes itself.
 */
struct writer *
writer_start(const char *state_dir)
{
	struct writer	*w;
	size_t		 i, want = writer_count();

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	w->state_dir = state_dir;
	if (pthread_mutex_init(&w->mu, NULL) != 0) {
		free(w);
		return NULL;
	}
	if (pthread_cond_init(&w->cv, NULL) != 0) {
		pthread_mutex_destroy(&w->mu);
		free(w);
		return NULL;
	}
	for (i = 0; i < want; i++) {
		if (pthread_create(&w->thread[i], NULL, writer_main, w) != 0)
			break;
		w->nthreads++;
	}
	if (w->nthreads == 0) {
		log_warnx("no writer thread: storing in the main one");
		pthread_cond_destroy(&w->cv);
		pthread_mutex_destroy(&w->mu);
		free(w);
		return NULL;
	}
	log_debug("%zu writer thread%s", w->nthreads,
	    w->nthreads == 1 ? "" : "s");
	return w;
}

/*
 * Queue the n points pts (taken over) of a series for store_write(),
 * known to writer_wait() by id; waits while the queue is full.
 */
void
writer_put(struct writer *w, long id, const char *indicator,
    const char *region, enum freq f, struct point *pts, size_t n)
{
	struct wjob	*job;

	job = xcalloc(1, sizeof(*job));
	job->id = id;
	strlcpy(job->indicator, indicator, sizeof(job->indicator));
	strlcpy(job->region, region, sizeof(job->region));
	job->freq = f;
	job->pts = pts;
	job->n = n;
	pthread_mutex_lock(&w->mu);
	/* One job longer than the bound still goes, on an empty queue. */
	while (w->njobs > 0 && (w->njobs >= QUEUE_JOBS ||
	    w->npoints + n > QUEUE_POINTS))
		pthread_cond_wait(&w->cv, &w->mu);
	if (w->tail != NULL)
		w->tail->next = job;
	else
		w->head = job;
	w->tail = job;
	w->njobs++;
	w->npoints += n;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

/*
 * Wait until everything queued is written.  The ids whose write failed
 * since the last call, in *failed (borrowed until the next call); their
 * number.
 */
size_t
writer_wait(struct writer *w, const long **failed)
{
	size_t	 n;

	pthread_mutex_lock(&w->mu);
	while (w->head != NULL || w->busy)
		pthread_cond_wait(&w->cv, &w->mu);
	n = w->nfailed;
	w->nfailed = 0;
	*failed = w->failed;
	pthread_mutex_unlock(&w->mu);
	return n;
}

/*
 * End the threads and free w: after writing what is queued, or, with
 * drop (the run failed and its batch is aborted anyway), after the
 * writes under way.
 */
void
writer_stop(struct writer *w, int drop)
{
	struct wjob	*job;
	size_t		 i;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	while (drop && (job = w->head) != NULL) {
		w->head = job->next;
		free(job->pts);
		free(job);
	}
	if (drop)
		w->tail = NULL;
	w->stop = 1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	for (i = 0; i < w->nthreads; i++)
		pthread_join(w->thread[i], NULL);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w->failed);
	free(w);
}
