/* SPDX-License-Identifier: ISC */
/*
 * ahead.c: storing a run's new series while its child is still fetching,
 * into the store batch that only a successful run commits, and handing
 * the spool's index over to apply_spool() (apply.c) at the end.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "store/store.h"
#include "eval/eval.h"
#include "run/run.h"
#include "run/run_private.h"

/*
 * Storing ahead.  While `regiomon run` waits for a source's child, the
 * parent would be idle, and then write every file after the child is
 * done.  Instead it reads the spool behind the child's output and writes
 * each series whose file does not exist yet as soon as its block of
 * lines is complete, into the store batch: temp files that only the
 * commit after a successful run renames into place, and that an abort
 * (a failed run) removes.  So fetching and writing overlap, and a failed
 * run still stores nothing.  A series that has a file is left to
 * apply_spool(), since an append is cheap (and must be journaled to be
 * undone, store_batch.c); so is a series whose lines are scattered, and
 * the last one.  Its state and
 * evaluation are updated then too, from the points in hand (the undo
 * kept in the index puts back the old state if the run fails, if the
 * series turns out to be scattered, or if writing it failed); so
 * apply_spool() does not read the spool again when every series was
 * stored ahead.  The files are written by threads of their own
 * (writer.c) while this one reads on.
 */
#define AHEAD_MAX	100000	/* lines of one series held; more: left */

struct ahead {
	struct regiomon		*rm;
	const char		*source;
	struct spool_reader	 r;		/* read behind its writer */
	struct sindex		 index;		/* the series read, for apply */
	long			 prev;		/* the previous line's series */
	struct series		 cur;		/* the block being read */
	int			 too_long;	/* cur over AHEAD_MAX lines */
	int			 broken;	/* a line could not be read */
	int			 scattered;	/* a series came back: stop */
	struct writer		*writer;	/* NULL: written here */
	int			 started;	/* writer_start() was tried */
};

/* Put back the state of s from before it was stored ahead. */
static void
ahead_undo(struct regiomon *rm, struct series *s)
{
	if (!s->ahead)
		return;
	state_series_restore(rm->state, s->indicator, s->region, s->before);
	s->before = NULL;
	s->ahead = 0;
}

/*
 * Start storing ahead from the spool path that a run of source is
 * writing.  Opens the store batch the run's apply commits (see
 * ahead_free).  New, or NULL (logged): the run goes on without.
 */
struct ahead *
ahead_start(struct regiomon *rm, const char *source, const char *path)
{
	struct ahead	*a;

	if ((a = calloc(1, sizeof(*a))) == NULL) {
		log_err("%s", source);
		return NULL;
	}
	a->rm = rm;
	a->source = source;
	a->prev = -1;
	if (spool_reader_open(&a->r, path) == -1 ||
	    store_batch_begin(rm->conf->state_dir) == -1) {
		spool_reader_close(&a->r);
		free(a);
		return NULL;
	}
	return a;
}

/*
 * End storing ahead.  If the run's apply did not commit the batch (the
 * run failed), what was stored ahead is removed, and its state undone.
 */
void
ahead_free(struct ahead *a)
{
	size_t	 i;

	if (a == NULL)
		return;
	writer_stop(a->writer, 1);
	store_batch_abort();
	for (i = 0; i < a->index.n; i++)
		ahead_undo(a->rm, &a->index.v[i]);
	spool_reader_close(&a->r);
	sindex_free(&a->index);
	series_release(&a->cur);
	free(a);
}

/*
 * Store the completed block a->cur, the series at pos of the index, if
 * it is the series' first block and it has no file yet, and update its
 * state and evaluation as apply_series() would.
 */
static void
ahead_store(struct ahead *a, long pos)
{
	struct series		*s = &a->index.v[pos];
	const struct indicator	*ind;
	struct point		*pts;
	json_t			*ss;
	int			 changed;

	/*
	 * A spool period by period (a CSV sorted by period) has blocks of
	 * one line, and every series comes back: storing ahead would write
	 * each as a file of one point, only to undo it.  Such spools are
	 * left to apply from the first series that comes back, and blocks
	 * of one line always are.
	 */
	if (a->scattered || a->too_long || a->cur.n < 2 || s->runs > 1 ||
	    (ind = catalog_indicator(a->rm->catalog, s->indicator)) == NULL)
		return;
	if (store_exists(a->rm->conf->state_dir, s->indicator,
	    s->region) || (pts = series_points(&a->cur, a->source)) == NULL)
		return;
	/* Not before: the child is forked from a single thread. */
	if (!a->started) {
		a->writer = writer_start(a->rm->conf->state_dir);
		a->started = 1;
	}
	/* Failed here: apply tries again, and reports it. */
	if (a->writer == NULL && (store_write(a->rm->conf->state_dir,
	    s->indicator, s->region, ind->freq, pts, a->cur.n,
	    &changed) == -1 || !changed)) {
		free(pts);
		return;
	}
	/* Written or queued: state and evaluation, undone if it fails. */
	s->before = state_series_copy(a->rm->state, s->indicator, s->region);
	s->ahead = 1;
	s->changed = s->exact = 1;
	free(s->digest);
	s->digest = series_digest(pts, a->cur.n);
	ss = state_series(a->rm->state, s->indicator, s->region);
	/* Stamped by apply_spool() once the batch is committed. */
	json_object_del(ss, "stored");
	series_state_update(ss, &a->cur, a->source, 1);
	record_evaluate_stored(a->rm, ind, s->region, ss, pts, a->cur.n);
	if (a->writer != NULL)
		writer_put(a->writer, pos, s->indicator, s->region, ind->freq,
		    pts, a->cur.n);
	else
		free(pts);
}

/*
 * Read one line of the spool into the index and the current block.  1 if
 * a block was completed and stored, 0 if not, -1 at the end or on error
 * (a->broken).
 */
static int
ahead_line(struct ahead *a)
{
	struct obs	 ob;
	long		 pos;
	int		 rc, stored = 0;

	clearerr(a->r.fp);
	if ((rc = spool_reader_next(&a->r, &ob)) != 1) {
		a->broken = rc < 0;
		return -1;
	}
	if ((pos = sindex_find(&a->index, &ob, 1)) == -1) {
		a->broken = 1;
		return -1;
	}
	a->index.v[pos].count++;
	if (pos != a->prev) {
		if (a->prev != -1) {
			ahead_store(a, a->prev);
			stored = 1;
		}
		series_release(&a->cur);
		a->cur.count = AHEAD_MAX;
		a->too_long = 0;
		if (++a->index.v[pos].runs > 1)
			a->scattered = 1;
		a->prev = pos;
	}
	if (a->too_long)
		return stored;
	/* Too long to hold: left to apply, which bounds memory. */
	if (a->cur.n == AHEAD_MAX) {
		series_release(&a->cur);
		a->too_long = 1;
	} else if (series_add(&a->cur, &ob, a->r.path) == -1) {
		a->broken = 1;
		return -1;
	}
	return stored;
}

/*
 * Read the spool's lines below offset end (complete lines: the writer
 * flushed up to there) until one series is stored.  1 if there may be
 * more to do below end, 0 if caught up.
 */
int
ahead_step(struct ahead *a, off_t end)
{
	int	 rc = 0;

	while (!a->broken && rc == 0 && a->r.off < end)
		rc = ahead_line(a);
	return !a->broken && a->r.off < end;
}

/*
 * The run succeeded: read the rest of the spool, store what is new, the
 * last block too, and hand over the index of every series.  A series
 * stored ahead whose lines turn out scattered is undone, for apply to
 * write whole.  0, or -1 if the spool could not be read (logged; all
 * undone).
 */
int
ahead_finish(struct ahead *a, struct sindex *x)
{
	const long	*failed;
	size_t		 i, n;

	while (!a->broken && ahead_line(a) != -1)
		;
	if (!a->broken && a->prev != -1)
		ahead_store(a, a->prev);
	series_release(&a->cur);
	/* Apply writes the rest in this thread: the writers must be done. */
	if (a->writer != NULL) {
		n = writer_wait(a->writer, &failed);
		for (i = 0; i < n; i++)
			ahead_undo(a->rm, &a->index.v[failed[i]]);
		writer_stop(a->writer, 0);
		a->writer = NULL;
	}
	for (i = 0; i < a->index.n; i++)
		if (a->broken || a->index.v[i].runs > 1)
			ahead_undo(a->rm, &a->index.v[i]);
	if (a->broken)
		return -1;
	*x = a->index;
	memset(&a->index, 0, sizeof(a->index));
	return 0;
}
