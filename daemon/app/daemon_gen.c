/* SPDX-License-Identifier: ISC */
/*
 * daemon_gen.c: the daemon's generations of the config.  A reload
 * (SIGHUP) loads a new one through setup.c; the old one is retired and
 * freed when the last run it started ends.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "model/model.h"
#include "store/store.h"
#include "run/run.h"
#include "app/app.h"
#include "app/daemon_private.h"

/* Free g and what it loaded; gen_free(NULL) does nothing. */
void
gen_free(struct gen *g)
{
	if (g == NULL)
		return;
	plugins_unload(&g->rm.plugins);
	catalog_free(g->rm.catalog);
	conf_free(g->rm.conf);
	free(g);
}

/*
 * Load the config again, with the command line's overrides, and its
 * catalog and plugins, and let each enabled source's plugin check its
 * config.  A new generation, or NULL with every problem in dg.
 */
static struct gen *
gen_load(struct daemon *d, struct diags *dg)
{
	struct gen	*g;

	g = xcalloc(1, sizeof(*g));
	g->rm.state = d->state;
	if (setup_load(&g->rm, d->opts, SETUP_CATALOG | SETUP_SOURCES,
	    d->cur->rm.conf->state_dir, dg) == 0)
		return g;
	gen_free(g);
	return NULL;
}

/* The generation g is no longer current: free it once its runs end. */
static void
gen_retire(struct daemon *d, struct gen *g)
{
	if (g->njobs == 0) {
		gen_free(g);
		return;
	}
	g->next = d->retired;
	d->retired = g;
}

/*
 * A run that g started ended: a retired g goes when it was the last one.
 */
void
gen_release(struct daemon *d, struct gen *g)
{
	struct gen	**pp;

	if (--g->njobs > 0 || g == d->cur)
		return;
	for (pp = &d->retired; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == g) {
			*pp = g->next;
			gen_free(g);
			return;
		}
	}
}

/*
 * Note in the state when e runs next, in wall-clock seconds, for
 * `regiomon sources`; with say, log it too.
 */
void
gen_note_next(struct daemon *d, const struct sched_entry *e, int say)
{
	struct tm	 tm;
	time_t		 at;
	char		 when[32], in[32];
	double		 left;

	left = fmax(0, e->due - sched_now(d->sched));
	at = time(NULL) + (time_t)ceil(left);
	json_object_set_new(state_source(d->state, e->name), "next_run",
	    json_integer((json_int_t)at));
	if (!say)
		return;
	if (gmtime_r(&at, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		strlcpy(when, "?", sizeof(when));
	log_info("next run of %s in %s (%s)%s", e->name, sched_fmt_duration(
	    in, sizeof(in), left), when, e->failures > 0 ? ", backing off "
	    "after failures" : "");
}

/*
 * The scheduler's sources: the enabled ones of the current config, but
 * those waiting for the admin (a key file not there yet: no run, no
 * backoff, no mail until a reload finds it).  A
 * source new to the scheduler starts from what state.json remembers of
 * its last run, so that a restart keeps each source's pace.
 */
void
gen_schedule(struct daemon *d)
{
	const struct conf	*conf = d->cur->rm.conf;
	const struct source	*src;
	json_t			*st, *last;
	time_t			 wall = time(NULL);
	double			 ago;
	size_t			 i;

	sched_sync_begin(d->sched);
	for (i = 0; i < conf->nsources; i++) {
		src = &conf->sources[i];
		if (!src->enabled || src->waiting != NULL)
			continue;
		st = json_object_get(json_object_get(d->state, "sources"),
		    src->name);
		last = json_object_get(st, "last_run");
		ago = -1;
		if (json_is_integer(last))
			ago = fmax(0, (double)wall -
			    (double)json_integer_value(last));
		sched_sync_add(d->sched, src->name, src->interval, ago,
		    (unsigned)json_integer_value(json_object_get(st,
		    "failures")), json_string_value(json_object_get(st,
		    "last_error")));
	}
	sched_sync_end(d->sched);
	/* At the start and after a reload: when each source runs next. */
	for (i = 0; i < sched_count(d->sched); i++)
		gen_note_next(d, sched_entry_at(d->sched, i), 1);
	state_save(conf->state_dir, d->state);
}

/*
 * SIGHUP: load the config again.  A config with problems is refused (each
 * one logged) and the current one goes on; a good one becomes current and
 * the schedule follows it.  What systemd is to hear of it goes into what.
 */
void
gen_reload(struct daemon *d, char *what, size_t len)
{
	struct diags	 dg;
	struct gen	*g;

	log_notice("reloading %s", d->opts->conf_path);
	memset(&dg, 0, sizeof(dg));
	/*
	 * dlopen() hands back a library that is still loaded instead of
	 * reading the file again, so every generation lets go of its
	 * plugins first.  Runs in flight are not affected (their children
	 * have their own copies); a config that is refused loads its
	 * plugins again when they are next needed.
	 */
	plugins_unload(&d->cur->rm.plugins);
	for (g = d->retired; g != NULL; g = g->next)
		plugins_unload(&g->rm.plugins);
	if ((g = gen_load(d, &dg)) == NULL) {
		diag_log(&dg);
		log_errx("reload: %zu error%s in the new configuration; still "
		    "running the previous one", dg.n, dg.n == 1 ? "" : "s");
		snprintf(what, len, "reload refused (%zu error%s, see the "
		    "log)", dg.n, dg.n == 1 ? "" : "s");
		diag_free(&dg);
		return;
	}
	gen_retire(d, d->cur);
	d->cur = g;
	store_use_rrdcached(g->rm.conf->rrdcached);
	gen_schedule(d);
	log_notice("reloaded %s: %zu sources", g->rm.conf->path,
	    sched_count(d->sched));
	setup_log_waiting(g->rm.conf);
	strlcpy(what, "reloaded", len);
}
