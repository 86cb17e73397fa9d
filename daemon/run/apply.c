/* SPDX-License-Identifier: ISC */
/*
 * apply.c: turning a successful run's spool into RRD files and state.
 * A spool is complete before it is applied, and applying is idempotent
 * (store_write compares before it writes), so a crash half-way through is
 * finished by applying the same spool again on the next start.  Memory
 * stays bounded whatever the spool's size: one pass indexes the series,
 * the next streams every series whose lines are consecutive (what every
 * plugin emits) and writes each as soon as its last line is read; series
 * scattered over the spool are collected in further passes, as many of
 * them at a time as APPLY_BUDGET entries allow.  With `regiomon run`
 * most of this happens while the child is still fetching ("storing
 * ahead", below), and the index comes from there.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"
#include "store/store.h"
#include "run/run.h"
#include "eval/eval.h"

/*
 * Entries of scattered series collected at a time (about 8 MB); the
 * environment's REGIOMON_APPLY_BUDGET overrides it, for tests.
 */
#define APPLY_BUDGET	(256 * 1024)

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

/* One spool being applied, and the outcome so far. */
struct applying {
	struct regiomon	*rm;
	const char	*source;
	const char	*path;
	int		 nchanged;
	int		 failed;
};

/* A spool being read: the file, its line, line number and offset. */
struct reader {
	const char	*path;
	FILE		*fp;
	char		*line;
	size_t		 cap;
	size_t		 lineno;
	off_t		 off;		/* of the next line: no ftello() */
};

/* The hash of "indicator/region". */
static uint64_t
sindex_hash(const char *ind, const char *reg)
{
	return fnv1a(fnv1a(fnv1a(FNV_START, ind), "/"), reg);
}

static int
sindex_is(const struct series *s, const struct obs *ob)
{
	return strcmp(s->indicator, ob->indicator) == 0 &&
	    strcmp(s->region, ob->region) == 0;
}

/* Double the hash table.  0, or -1 (logged). */
static int
sindex_grow(struct sindex *x)
{
	size_t	*slot, nslot = x->nslot == 0 ? 256 : x->nslot * 2, i, h;

	if ((slot = calloc(nslot, sizeof(*slot))) == NULL) {
		log_err("apply");
		return -1;
	}
	for (i = 0; i < x->n; i++) {
		h = (size_t)sindex_hash(x->v[i].indicator, x->v[i].region);
		while (slot[h & (nslot - 1)] != 0)
			h++;
		slot[h & (nslot - 1)] = i + 1;
	}
	free(x->slot);
	x->slot = slot;
	x->nslot = nslot;
	return 0;
}

/*
 * The position of ob's series; with add, a new one is made if it is not
 * there.  -1 if it is not there (or, logged, out of memory).  Lines come
 * series by series, so the previous line's series is tried first.
 */
static long
sindex_find(struct sindex *x, const struct obs *ob, int add)
{
	struct series	*s;
	size_t		 h, pos;

	if (x->has_last && sindex_is(&x->v[x->last], ob))
		return (long)x->last;
	if (x->nslot > 0) {
		h = (size_t)sindex_hash(ob->indicator, ob->region);
		for (;; h++) {
			if ((pos = x->slot[h & (x->nslot - 1)]) == 0)
				break;
			if (sindex_is(&x->v[pos - 1], ob)) {
				x->last = pos - 1;
				x->has_last = 1;
				return (long)(pos - 1);
			}
		}
	}
	if (!add)
		return -1;
	if ((x->n + 1) * 2 > x->nslot && sindex_grow(x) == -1)
		return -1;
	if (x->n == x->cap) {
		size_t cap = x->cap == 0 ? 64 : x->cap * 2;

		if ((s = reallocarray(x->v, cap, sizeof(*s))) == NULL) {
			log_err("apply");
			return -1;
		}
		x->v = s;
		x->cap = cap;
	}
	s = &x->v[x->n];
	memset(s, 0, sizeof(*s));
	strlcpy(s->indicator, ob->indicator, sizeof(s->indicator));
	strlcpy(s->region, ob->region, sizeof(s->region));
	h = (size_t)sindex_hash(ob->indicator, ob->region);
	while (x->slot[h & (x->nslot - 1)] != 0)
		h++;
	x->slot[h & (x->nslot - 1)] = x->n + 1;
	x->last = x->n;
	x->has_last = 1;
	return (long)x->n++;
}

static void
sindex_free(struct sindex *x)
{
	size_t	 i;

	for (i = 0; i < x->n; i++) {
		free(x->v[i].v);
		json_decref(x->v[i].before);
	}
	free(x->v);
	free(x->slot);
	memset(x, 0, sizeof(*x));
}

static int
reader_open(struct reader *r, const char *path)
{
	memset(r, 0, sizeof(*r));
	r->path = path;
	if ((r->fp = fopen(path, "re")) == NULL) {
		log_warn("%s", path);
		return -1;
	}
	return 0;
}

static void
reader_close(struct reader *r)
{
	if (r->fp != NULL)
		fclose(r->fp);
	free(r->line);
	r->fp = NULL;
	r->line = NULL;
}

/*
 * The next observation of the spool.  1, 0 at the end, -1 for a read
 * error, APPLY_CORRUPT for a line that is not an observation (both logged
 * with the file and line).  Spool lines are obs_write_line()'s; jansson
 * reads the others (a spool left by an older regiomon).
 */
static int
reader_next(struct reader *r, struct obs *ob)
{
	json_error_t	 jerr;
	json_t		*o;
	ssize_t		 len;
	char		 err[256];

	errno = 0;
	if ((len = getline(&r->line, &r->cap, r->fp)) == -1) {
		if (ferror(r->fp)) {
			log_err("%s", r->path);
			return -1;
		}
		return 0;
	}
	r->lineno++;
	r->off += len;
	if (len > 0 && r->line[len - 1] == '\n')
		len--;
	if (obs_parse_line(r->line, (size_t)len, ob) == 1)
		return 1;
	if ((o = json_loadb(r->line, (size_t)len, 0, &jerr)) == NULL ||
	    obs_from_json(o, ob, err, sizeof(err)) == -1) {
		log_errx("%s:%zu: %s", r->path, r->lineno,
		    o == NULL ? jerr.text : err);
		json_decref(o);
		return APPLY_CORRUPT;
	}
	json_decref(o);
	return 1;
}

static int
series_add(struct series *s, const struct obs *ob, const char *path)
{
	struct entry	*e;

	/* The index counted the lines: more now is another file. */
	if (s->n == s->count) {
		log_errx("%s: changed while being applied", path);
		return -1;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap == 0 ? 64 : s->cap * 2;

		if (cap > s->count)
			cap = s->count;
		if ((e = reallocarray(s->v, cap, sizeof(*e))) == NULL) {
			log_err("%s", path);
			return -1;
		}
		s->v = e;
		s->cap = cap;
	}
	e = &s->v[s->n];
	e->period = ob->period;
	e->value = ob->missing ? NAN : ob->value;
	e->provisional = ob->provisional;
	e->seq = (uint32_t)s->n++;
	return 0;
}

static void
series_release(struct series *s)
{
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int		 c = period_cmp(&x->period, &y->period);

	if (c != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The periods of s marked provisional, merged into the series' state. */
static void
state_update_series(json_t *ss, const struct series *s,
    const char *source, int changed)
{
	json_t	*prov, *nprov, *v;
	char	 per[PERIOD_MAX];
	size_t	 i, k;
	int	 seen;

	prov = json_object_get(ss, "provisional");
	nprov = json_array();
	/* Keep old marks for periods this run did not mention. */
	json_array_foreach(prov, k, v) {
		struct period p;

		if (period_parse(json_string_value(v), &p) == -1)
			continue;
		for (seen = 0, i = 0; i < s->n && !seen; i++)
			seen = period_cmp(&p, &s->v[i].period) == 0;
		if (!seen)
			json_array_append(nprov, v);
	}
	for (i = 0; i < s->n; i++) {
		if (!s->v[i].provisional)
			continue;
		period_format(&s->v[i].period, per, sizeof(per));
		json_array_append_new(nprov, json_string(per));
	}
	json_object_set_new(ss, "provisional", nprov);
	json_object_set_new(ss, "source", json_string(source));
	if (changed) {
		json_object_set_new(ss, "updated",
		    json_integer((json_int_t)time(NULL)));
		json_object_set_new(ss, "fresh", json_true());
	}
}

/*
 * Sort s's entries, drop duplicate periods (the last one sent wins) and
 * make the points to store.  New, caller frees; NULL (logged).
 */
static struct point *
series_points(struct series *s, const char *source)
{
	struct point	*pts;
	size_t		 i, n = 0;
	int		 sorted = 1;

	/* Plugins send periods in order; sort only when one did not. */
	for (i = 1; i < s->n && sorted; i++)
		sorted = period_cmp(&s->v[i - 1].period, &s->v[i].period) < 0;
	if (!sorted)
		qsort(s->v, s->n, sizeof(*s->v), entry_cmp);
	for (i = 0; i < s->n; i++) {
		if (n > 0 && period_cmp(&s->v[n - 1].period,
		    &s->v[i].period) == 0)
			n--;
		s->v[n++] = s->v[i];
	}
	s->n = n;
	if ((pts = calloc(n == 0 ? 1 : n, sizeof(*pts))) == NULL) {
		log_err("%s", source);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		pts[i].period = s->v[i].period;
		pts[i].value = s->v[i].value;
	}
	return pts;
}

/*
 * Storing ahead.  While `regiomon run` waits for a source's child, the
 * parent would be idle, and then write every file after the child is
 * done.  Instead it reads the spool behind the child's output and writes
 * each series whose file does not exist yet as soon as its block of
 * lines is complete, into the store batch: temp files that only the
 * commit after a successful run renames into place, and that an abort
 * (a failed run) removes.  So fetching and writing overlap, and a failed
 * run still stores nothing.  A series that has a file is left to
 * apply_spool(), since an append cannot be undone (and is cheap); so is
 * a series whose lines are scattered, and the last one.  Its state and
 * evaluation are updated then too, from the points in hand (the undo
 * kept in the index puts back the old state if the run fails, if the
 * series turns out to be scattered, or if writing it failed); so
 * apply_spool() does not read the spool again when every series was
 * stored ahead.  The files are written by threads of their own
 * (writer.c) while this one reads on.
 */
#define AHEAD_MAX	100000	/* lines of one series held; more: left */

struct ahead {
	struct regiomon	*rm;
	const char	*source;
	struct reader	 r;		/* the spool, behind its writer */
	struct sindex	 index;		/* every series read, as apply's */
	long		 prev;		/* index of the previous line's */
	struct series	 cur;		/* the block being read */
	int		 too_long;	/* cur is over AHEAD_MAX lines */
	int		 broken;	/* a line could not be read */
	int		 scattered;	/* a series came back: stop */
	struct writer	*writer;	/* NULL: written here */
	int		 started;	/* writer_start() was tried */
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
	if (reader_open(&a->r, path) == -1 ||
	    store_batch_begin(rm->conf->state_dir) == -1) {
		reader_close(&a->r);
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
	reader_close(&a->r);
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
	ss = state_series(a->rm->state, s->indicator, s->region);
	state_update_series(ss, &a->cur, a->source, 1);
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
	if ((rc = reader_next(&a->r, &ob)) != 1) {
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
static int
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

/*
 * Write one series.  1 if the file changed, 0 if not, -1 on failure
 * (logged).
 */
static int
apply_series(struct regiomon *rm, struct series *s, const char *source)
{
	const struct indicator	*ind;
	struct point		*pts;
	json_t			*ss;
	int			 changed = 0, whole;

	ind = catalog_indicator(rm->catalog, s->indicator);
	if (ind == NULL) {
		log_errx("%s: indicator %s is no longer in the catalog",
		    source, s->indicator);
		return -1;
	}
	if ((pts = series_points(s, source)) == NULL)
		return -1;
	whole = !store_exists(rm->conf->state_dir, s->indicator, s->region);
	if (store_write(rm->conf->state_dir, s->indicator, s->region,
	    ind->freq, pts, s->n, &changed) == -1) {
		free(pts);
		return -1;
	}
	ss = state_series(rm->state, s->indicator, s->region);
	state_update_series(ss, s, source, changed);
	rm->nchanged += changed;
	/* A new file holds pts and nothing else: no need to read it. */
	if (changed && whole)
		record_evaluate_stored(rm, ind, s->region, ss, pts, s->n);
	free(pts);
	return changed;
}

/* Apply s and free its entries; count the outcome in ap. */
static void
apply_done(struct applying *ap, struct series *s)
{
	int	 r;

	if ((r = apply_series(ap->rm, s, ap->source)) == -1)
		ap->failed = 1;
	else
		ap->nchanged += r;
	series_release(s);
}

/*
 * The scattered series of index x (more than one block) get the pass
 * that collects them: 1 for the first budget's worth of entries, 2 for
 * the next, and so on; pass 1 also streams the others, except those
 * stored ahead (pass -1), which are done.  The number of the last pass,
 * 0 if none is needed.
 */
static long
apply_plan(struct sindex *x)
{
	long		 pass = 0;
	size_t		 i, used = 0, budget;
	int		 stream = 0;

	budget = (size_t)env_long("REGIOMON_APPLY_BUDGET", 1, LONG_MAX,
	    APPLY_BUDGET);
	for (i = 0; i < x->n; i++) {
		if (x->v[i].ahead) {
			x->v[i].pass = -1;
			continue;
		}
		if (x->v[i].runs == 1) {
			stream = 1;
			continue;
		}
		if (pass == 0 || (used > 0 && used + x->v[i].count > budget)) {
			pass++;
			used = 0;
		}
		x->v[i].pass = pass;
		used += x->v[i].count;
	}
	return pass == 0 && stream ? 1 : pass;
}

/*
 * Pass 0: every series of the spool, with its number of lines and of
 * blocks of consecutive lines.  0, -1, or APPLY_CORRUPT for a line that
 * is not an observation (logged).
 */
static int
apply_index(struct sindex *x, const char *path)
{
	struct reader	 r;
	struct obs	 ob;
	long		 pos, prev = -1;
	int		 rc;

	if (reader_open(&r, path) == -1)
		return -1;
	while ((rc = reader_next(&r, &ob)) == 1) {
		if ((pos = sindex_find(x, &ob, 1)) == -1)
			break;
		x->v[pos].count++;
		if (pos != prev)
			x->v[pos].runs++;
		prev = pos;
	}
	reader_close(&r);
	return rc == 1 ? -1 : rc;
}

/*
 * One more pass over the spool: collect the series of this pass and, in
 * pass 1, stream the consecutive ones, each written when its block ends.
 * Then write what was collected.  0, or -1 if the spool could not be
 * read (logged); failed series set ap->failed.
 */
static int
apply_pass(struct applying *ap, struct sindex *x, long pass)
{
	struct reader	 r;
	struct obs	 ob;
	struct series	*s;
	long		 pos, cur = -1;
	size_t		 i;
	int		 rc;

	if (reader_open(&r, ap->path) == -1)
		return -1;
	while ((rc = reader_next(&r, &ob)) == 1) {
		if ((pos = sindex_find(x, &ob, 0)) == -1) {
			log_errx("%s: changed while being applied", ap->path);
			rc = -1;
			break;
		}
		if (cur != -1 && pos != cur) {
			apply_done(ap, &x->v[cur]);
			cur = -1;
		}
		s = &x->v[pos];
		if (s->pass == 0 && pass == 1)
			cur = pos;
		else if (s->pass != pass)
			continue;
		if (series_add(s, &ob, ap->path) == -1) {
			rc = -1;
			break;
		}
	}
	reader_close(&r);
	if (cur != -1 && rc == 0)
		apply_done(ap, &x->v[cur]);
	for (i = 0; i < x->n; i++) {
		if (x->v[i].pass == pass && rc == 0)
			apply_done(ap, &x->v[i]);
		series_release(&x->v[i]);
	}
	return rc == 0 ? 0 : -1;
}

/*
 * Apply the spool at path, written by a successful run of source, with
 * what ahead (NULL: nothing) stored while the run was going on.  Every
 * series is tried even when one fails; what was written is durable when
 * this returns.  Returns the number of series whose file changed, -1 if
 * any failed, or APPLY_CORRUPT if the spool has a line that is not an
 * observation (nothing stored; logged).
 */
int
apply_spool(struct regiomon *rm, const char *source, const char *path,
    struct ahead *ahead)
{
	struct applying	 ap;
	struct sindex	 x;
	size_t		 i, nahead = 0;
	long		 pass, npass, indexed = 0;
	int		 rc;

	memset(&x, 0, sizeof(x));
	memset(&ap, 0, sizeof(ap));
	ap.rm = rm;
	ap.source = source;
	ap.path = path;
	/*
	 * One sync for the spool, not one per file (see store.c).  What
	 * was stored ahead is in the batch, and its index is the spool's.
	 */
	if (ahead == NULL || ahead_finish(ahead, &x) == -1) {
		store_batch_abort();
		if (store_batch_begin(rm->conf->state_dir) == -1)
			return -1;
		sindex_free(&x);
		indexed = 1;
		if ((rc = apply_index(&x, path)) != 0) {
			sindex_free(&x);
			store_batch_abort();
			return rc;
		}
	}
	/* Stored ahead: written, state and evaluation updated, changed. */
	for (i = 0; i < x.n; i++)
		nahead += (size_t)x.v[i].ahead;
	ap.nchanged = (int)nahead;
	rm->nchanged += ap.nchanged;
	npass = apply_plan(&x);
	for (pass = 1; pass <= npass; pass++) {
		if (apply_pass(&ap, &x, pass) == -1) {
			ap.failed = 1;
			break;
		}
	}
	if (store_batch_commit() == -1)
		ap.failed = 1;
	log_debug("%s: %zu series applied, %zu stored ahead, in %ld passes "
	    "over %s", source, x.n, nahead, npass + indexed, path);
	sindex_free(&x);
	return ap.failed ? -1 : ap.nchanged;
}

/* The spool paths of source: the one being written, and the complete one. */
char *
spool_path(const struct conf *conf, const char *source, int complete)
{
	char	*p;

	xasprintf(&p, "%s/spool/%s.jsonl%s", conf->state_dir, source,
	    complete ? "" : ".part");
	return p;
}

/*
 * A complete spool of source that cannot be read (damaged on disk, hand
 * edited): applying it again would fail every start and every run, and
 * the source, its mark saying its data is unchanged, would never send it
 * again.  Move it aside, and forget the mark, so that the source's next
 * run fetches and stores everything anew.
 */
static void
spool_set_aside(struct regiomon *rm, const char *source, const char *path)
{
	char	*dst;

	if (set_aside(path, &dst) == -1)
		return;
	json_object_del(state_source(rm->state, source), "mark");
	log_errx("%s: the spool left by an interrupted run is damaged; moved "
	    "to %s, and the source's next run fetches everything anew",
	    source, dst);
	free(dst);
}

/*
 * Finish what a crash interrupted: apply every complete spool left in
 * STATE/spool and remove it; remove partial ones (their run failed).
 * 0, or -1 if a spool could not be applied (it is kept for next time).
 */
int
apply_pending(struct regiomon *rm)
{
	char		*dir, *path;
	DIR		*d;
	struct dirent	*de;
	size_t		 len;
	int		 rc = 0, n;

	xasprintf(&dir, "%s/spool", rm->conf->state_dir);
	if ((d = opendir(dir)) == NULL) {
		free(dir);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.')
			continue;
		path = path_join(dir, de->d_name);
		if (len > 5 && strcmp(de->d_name + len - 5, ".part") == 0) {
			unlink(path);
		} else if (len > 6 &&
		    strcmp(de->d_name + len - 6, ".jsonl") == 0) {
			de->d_name[len - 6] = '\0';
			log_notice("applying the spool of %s left by an "
			    "interrupted run", de->d_name);
			if ((n = apply_spool(rm, de->d_name, path, NULL)) ==
			    APPLY_CORRUPT) {
				spool_set_aside(rm, de->d_name, path);
				rc = -1;
			} else if (n == -1)
				rc = -1;
			else
				unlink(path);
		}
		free(path);
	}
	closedir(d);
	free(dir);
	return rc;
}
