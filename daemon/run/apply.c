/* SPDX-License-Identifier: ISC */
/*
 * apply.c: turning a successful run's spool into RRD files and state, and
 * finishing at start what a crash interrupted.
 *
 * A spool is complete before it is applied, and applying is idempotent
 * (store_write compares before it writes), so a crash half-way through is
 * finished by applying the same spool again on the next start.  Memory
 * stays bounded whatever the spool's size: one pass indexes the series,
 * the next streams every series whose lines are consecutive (what every
 * plugin emits) and writes each as soon as its last line is read; series
 * scattered over the spool are collected in further passes, as many of
 * them at a time as APPLY_BUDGET entries allow.  With `regiomon run`
 * most of this happens while the child is still fetching ("storing
 * ahead", ahead.c), and the index comes from there.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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
#include "eval/eval.h"
#include "run/run.h"
#include "run/run_private.h"

/*
 * Entries of scattered series collected at a time (about 8 MB); the
 * environment's REGIOMON_APPLY_BUDGET overrides it, for tests.
 */
#define APPLY_BUDGET	(256 * 1024)

/* One spool being applied, and the outcome so far. */
struct applying {
	struct regiomon	*rm;
	const char	*source;
	const char	*path;
	int		 nchanged;
	int		 failed;
};

/*
 * A series belongs to one source.  If the state says another one stored
 * s (its old source was disabled or removed, see job_read.c), this run
 * does not add to that history: the old file is set aside as
 * REGION.rrd.from-OLD, the series' state is dropped, and s is written
 * afresh from this run's points only.  Said once the spool is stored
 * (apply_notices()); put back if it is not (apply_undo()).  0, -1
 * (logged), or STORE_REFUSED (logged; see apply_series()).
 */
static int
apply_handover(struct regiomon *rm, struct series *s,
    const struct indicator *ind, const char *source)
{
	const char	*old;
	int		 r;

	if (s->applied || s->ahead || (old = state_series_source(rm->state,
	    s->indicator, s->region)) == NULL || strcmp(old, source) == 0)
		return 0;
	s->from = xstrdup(old);
	if ((r = store_set_aside(rm->conf->state_dir, s->indicator, s->region,
	    ind->freq, s->from, &s->nold, &s->aside)) < 0) {
		free(s->from);
		s->from = NULL;
		return r;
	}
	if (r == 1) {
		/* No file: nothing to set aside, nothing to say. */
		free(s->from);
		s->from = NULL;
	}
	s->before = state_series_copy(rm->state, s->indicator, s->region);
	s->applied = 1;
	state_series_restore(rm->state, s->indicator, s->region, NULL);
	return 0;
}

/*
 * Write one series.  1 if the file changed, 0 if not, -1 on failure
 * (logged), STORE_REFUSED if a link or a special file is in the way to
 * its file (logged; the other series are stored, see store_path.c).
 */
static int
apply_series(struct regiomon *rm, struct series *s, const char *source)
{
	const struct indicator	*ind;
	struct point		*pts;
	json_t			*ss;
	size_t			 k = 0;
	int			 changed = 0, known, r;

	ind = catalog_indicator(rm->catalog, s->indicator);
	if (ind == NULL) {
		log_errx("%s: indicator %s is no longer in the catalog",
		    source, s->indicator);
		return -1;
	}
	if ((r = apply_handover(rm, s, ind, source)) != 0)
		return r == STORE_REFUSED ? STORE_REFUSED : -1;
	if ((pts = series_points(s, source)) == NULL)
		return -1;
	free(s->digest);
	s->digest = series_digest(pts, s->n);
	known = s->n > 0 ? known_check(rm, s, pts, &k) : KNOWN_NOT;
	r = 1;
	if (known == KNOWN_SAME) {
		s->known = 1;
		r = 0;
	} else if (known == KNOWN_NEWER &&
	    (r = known_append(rm, s, ind, pts, k, &changed)) == 0)
		s->exact = s->newer = 1;
	if (r == 1)
		r = store_write_exact(rm->conf->state_dir, s->indicator,
		    s->region, ind->freq, pts, s->n, &changed, &s->exact);
	if (r != 0) {
		free(pts);
		return r == STORE_REFUSED ? STORE_REFUSED : -1;
	}
	/* Put back if the spool fails after all (apply_undo). */
	if (!s->applied) {
		s->before = state_series_copy(rm->state, s->indicator,
		    s->region);
		s->applied = 1;
	}
	ss = state_series(rm->state, s->indicator, s->region);
	/* Set again by known_stamp() once the batch is committed. */
	if (!s->known)
		json_object_del(ss, "stored");
	s->changed = changed;
	series_state_update(ss, s, source, changed);
	rm->nchanged += changed;
	/* A file that holds pts and nothing else: no need to read it. */
	if (changed && s->exact)
		record_evaluate_stored(rm, ind, s->region, ss, pts, s->n);
	free(pts);
	return changed;
}

/* Apply s and free its entries; count the outcome in ap. */
static void
apply_done(struct applying *ap, struct series *s)
{
	int	 r;

	/* A refused series is not a failed write: the others commit. */
	if ((r = apply_series(ap->rm, s, ap->source)) == STORE_REFUSED)
		ap->rm->nrefused++;
	else if (r == -1)
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
	struct spool_reader	 r;
	struct obs		 ob;
	long			 pos, prev = -1;
	int			 rc;

	if (spool_reader_open(&r, path) == -1)
		return -1;
	while ((rc = spool_reader_next(&r, &ob)) == 1) {
		if ((pos = sindex_find(x, &ob, 1)) == -1)
			break;
		x->v[pos].count++;
		if (pos != prev)
			x->v[pos].runs++;
		prev = pos;
	}
	spool_reader_close(&r);
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
	struct spool_reader	 r;
	struct obs		 ob;
	struct series		*s;
	long			 pos, cur = -1;
	size_t			 i;
	int			 rc;

	if (spool_reader_open(&r, ap->path) == -1)
		return -1;
	while ((rc = spool_reader_next(&r, &ob)) == 1) {
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
	spool_reader_close(&r);
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
 * The spool failed: put back the state of every series stored ahead or
 * applied, as the store's abort puts back their files.
 */
static void
apply_undo(struct regiomon *rm, struct sindex *x)
{
	size_t	 i;
	char	*path;

	for (i = 0; i < x->n; i++) {
		if (!x->v[i].ahead && !x->v[i].applied)
			continue;
		/* A file set aside for a new source goes back. */
		if (x->v[i].aside != NULL && (path = store_path(
		    rm->conf->state_dir, x->v[i].indicator,
		    x->v[i].region)) != NULL) {
			if (link(x->v[i].aside, path) == 0)
				unlink(x->v[i].aside);
			else
				log_err("%s: cannot put back %s", path,
				    x->v[i].aside);
			free(path);
		}
		free(x->v[i].from);
		free(x->v[i].aside);
		x->v[i].from = x->v[i].aside = NULL;
		state_series_restore(rm->state, x->v[i].indicator,
		    x->v[i].region, x->v[i].before);
		x->v[i].before = NULL;
		x->v[i].ahead = x->v[i].applied = 0;
	}
}

/*
 * Say, once the spool is stored, which series changed source: in the
 * log, and in the state's "notices" for the next alert digest.
 */
static void
apply_notices(struct regiomon *rm, const struct sindex *x,
    const char *source)
{
	const struct series	*s;
	char			*msg;
	size_t			 i;

	for (i = 0; i < x->n; i++) {
		s = &x->v[i];
		if (s->from == NULL)
			continue;
		xasprintf(&msg, "series %s/%s now comes from %s; %zu earlier "
		    "point%s from %s %s set aside%s%s", s->indicator,
		    s->region, source, s->nold, s->nold == 1 ? "" : "s",
		    s->from, s->nold == 1 ? "was" : "were",
		    s->aside != NULL ? " in " : "",
		    s->aside != NULL ? s->aside : "");
		log_notice("%s", msg);
		state_notice_add(rm->state, msg);
		free(msg);
	}
}

/*
 * Apply the spool at path, written by a successful run of source, with
 * what ahead (NULL: nothing) stored while the run was going on.  All or
 * nothing: the store batch commits only when every series was written,
 * and is aborted (rebuilds dropped, appends undone, the series' states
 * put back) when one failed, so a failed spool stores nothing.  What was
 * written is durable when this returns.  Returns the number of series
 * whose file changed, -1 if any failed (nothing stored), or
 * APPLY_CORRUPT if the spool has a line that is not an observation
 * (nothing stored; logged).  A series refused (a link or a special file
 * in the way to its file) is no failed write: it is counted in
 * rm->nrefused and left out, and the others are stored.
 */
int
apply_spool(struct regiomon *rm, const char *source, const char *path,
    struct ahead *ahead)
{
	struct applying	 ap;
	struct sindex	 x;
	size_t		 i, nahead = 0, nknown = 0, nnewer = 0;
	long		 pass, npass, indexed = 0;
	int		 rc;

	memset(&x, 0, sizeof(x));
	memset(&ap, 0, sizeof(ap));
	ap.rm = rm;
	ap.source = source;
	ap.path = path;
	/*
	 * One sync for the spool, not one per file (see store_batch.c).  What
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
	if (ap.failed)
		store_batch_abort();
	else if ((rc = store_batch_commit()) == STORE_PARTIAL)
		/*
		 * Some files are new: their states stay as applied.  The
		 * caller forgets the source's mark, so its next run writes
		 * every series again, the ones left old among them.
		 */
		ap.failed = 2;
	else if (rc == -1)
		ap.failed = 1;
	if (ap.failed == 1) {
		apply_undo(rm, &x);
		rm->nchanged -= ap.nchanged;
	} else
		apply_notices(rm, &x, source);
	/* Cut short: what is on disk is not known, nothing is stamped. */
	if (ap.failed == 0)
		known_stamp(rm, &x);
	for (i = 0; i < x.n; i++) {
		nknown += (size_t)x.v[i].known;
		nnewer += (size_t)x.v[i].newer;
	}
	log_debug("%s: %zu series applied, %zu stored ahead, in %ld passes "
	    "over %s; by their digest %zu known unchanged (files not opened), "
	    "%zu appended to without a compare", source, x.n, nahead,
	    npass + indexed, path, nknown, nnewer);
	sindex_free(&x);
	if (ap.failed)
		return ap.failed == 2 ? APPLY_PARTIAL : -1;
	return ap.nchanged;
}

/*
 * A complete spool of source that cannot be applied: damaged on disk or
 * hand edited (a line that is not an observation), or one whose store
 * failed (a full disk, a value an older regiomon let through).  Applying
 * it again would fail every start and every run, and the source, its
 * mark saying its data is unchanged, would never send it again.  Move it
 * aside, once, and forget the mark, so that the source's next run
 * fetches and stores everything anew.  Logged here, once; why gets a
 * summary for the run's error.  0, or -1 if it could not be moved.
 */
int
apply_set_aside(struct regiomon *rm, const char *source, const char *path,
    int result, int pending, char *why, size_t whylen)
{
	const char	*spool;
	char		*dst, what[160];

	spool = pending ? "the spool left by an interrupted run" :
	    "the run's spool";
	if (result == APPLY_CORRUPT)
		snprintf(what, sizeof(what), "%s is damaged", spool);
	else if (result == APPLY_PARTIAL)
		snprintf(what, sizeof(what), "storing %s was cut short after "
		    "part of it was written (see above)", spool);
	else
		snprintf(what, sizeof(what), "storing %s failed and nothing "
		    "of it was stored", spool);
	json_object_del(state_source(rm->state, source), "mark");
	if (set_aside(path, &dst) == -1) {
		log_errx("%s: %s, and it cannot be moved aside", source, what);
		snprintf(why, whylen, "%s; it cannot be moved aside", what);
		return -1;
	}
	log_errx("%s: %s; moved to %s, and the source's next run fetches "
	    "everything anew", source, what, dst);
	snprintf(why, whylen, "%s (set aside)", what);
	free(dst);
	return 0;
}

/*
 * Finish what a crash interrupted: apply every complete spool left in
 * STATE/spool and remove it; remove partial ones (their run failed).
 * 0, or -1 if a spool could not be applied (it is set aside, and its
 * source's mark forgotten: see apply_set_aside).
 */
int
apply_pending(struct regiomon *rm)
{
	char		*dir, *path;
	DIR		*d;
	struct dirent	*de;
	size_t		 len;
	long		 refused;
	int		 rc = 0, n, fd;
	char		 why[256];

	xasprintf(&dir, "%s/spool", rm->conf->state_dir);
	/* The caller made it a directory (mkdir_beneath): not followed. */
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1 || (d = fdopendir(fd)) == NULL) {
		rc = errno == ENOENT ? 0 : -1;
		if (rc == -1)
			log_warn("%s", dir);
		if (fd != -1)
			close(fd);
		free(dir);
		return rc;
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
			refused = rm->nrefused;
			n = apply_spool(rm, de->d_name, path, NULL);
			if (n == APPLY_CORRUPT || n == APPLY_PARTIAL ||
			    n == -1) {
				/* Never again: it would block every run. */
				apply_set_aside(rm, de->d_name, path, n, 1, why,
				    sizeof(why));
				rc = -1;
			} else {
				/* A refused series: fetched anew next run. */
				if (rm->nrefused > refused) {
					json_object_del(state_source(rm->state,
					    de->d_name), "mark");
					rc = -1;
				}
				unlink(path);
			}
		}
		free(path);
	}
	closedir(d);
	free(dir);
	return rc;
}
