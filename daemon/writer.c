/* SPDX-License-Identifier: ISC */
/*
 * writer.c: one thread that writes the series `regiomon run` stores
 * ahead (apply.c), so that librrd writes while the parent goes on
 * reading the spool and updating state and evaluations.  Writing was
 * two thirds of the parent and the rest a third; one after the other on
 * one core, they now share two.  The writer is the only thread that
 * calls store_write() while it runs: the store batch is not shared, and
 * librrd's fcntl locks do not exclude threads.  Its queue is short:
 * when the writer is behind, the parent waits, and the spool holds what
 * the child sends meanwhile.  The daemon stays single-threaded.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "regiomon.h"

/* Queued at most: this many series, or points (about 1.5 MB). */
#define QUEUE_JOBS	16
#define QUEUE_POINTS	65536

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
	pthread_t	 thread;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;		/* any change below */
	struct wjob	*head, *tail;
	size_t		 njobs, npoints;
	int		 busy;		/* writing a job taken off the queue */
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
		w->busy = 1;
		pthread_mutex_unlock(&w->mu);

		rc = store_write(w->state_dir, job->indicator, job->region,
		    job->freq, job->pts, job->n, &changed);

		pthread_mutex_lock(&w->mu);
		/* A new file always changes; anything else is left to apply. */
		if (rc == -1 || !changed)
			failed_add(w, job->id);
		w->njobs--;
		w->npoints -= job->n;
		w->busy = 0;
		pthread_cond_broadcast(&w->cv);
		free(job->pts);
		free(job);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/*
 * Start a writer for the store of state_dir (a batch must be open).
 * New, or NULL if no thread could be made: the caller writes itself.
 */
struct writer *
writer_start(const char *state_dir)
{
	struct writer	*w;

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
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		log_warnx("no writer thread: storing in the main one");
		pthread_cond_destroy(&w->cv);
		pthread_mutex_destroy(&w->mu);
		free(w);
		return NULL;
	}
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
 * End the thread and free w: after writing what is queued, or, with
 * drop (the run failed and its batch is aborted anyway), after the one
 * write under way.
 */
void
writer_stop(struct writer *w, int drop)
{
	struct wjob	*job;

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
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w->failed);
	free(w);
}
