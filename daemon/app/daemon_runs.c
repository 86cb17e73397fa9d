/* SPDX-License-Identifier: ISC */
/*
 * daemon_runs.c: the daemon's runs in flight.  A due source starts in a
 * child (one per host at a time, at most max_children at once); when
 * the child ends, what it logged goes to our log and what it produced to
 * the store, and the source's next run is scheduled.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"
#include "run/run.h"
#include "app/app.h"
#include "app/daemon_private.h"

/*
 * The host a source fetches from, "host[:port]" in lower case, from its
 * config's "url", "base_url" or "catalog_url"; "" for a file URL, which
 * no server sees.  A source with none of these fetches from its plugin's
 * built-in default (opendata.cbs.nl, ec.europa.eu, ...), which the daemon
 * cannot see either: "plugin:NAME" then serialises the sources of that
 * plugin, erring on the polite side.
 */
static void
source_host(const struct source *src, char *buf, size_t len)
{
	static const char *const keys[] = { "url", "base_url", "catalog_url" };
	const char	*url = NULL, *p, *at;
	size_t		 n, i;
	int		 r;

	buf[0] = '\0';
	for (i = 0; url == NULL && i < sizeof(keys) / sizeof(keys[0]); i++)
		url = json_string_value(json_object_get(src->config, keys[i]));
	if (url == NULL) {
		/* A plugin name longer than the buffer still gets a key. */
		r = snprintf(buf, len, "plugin:%s", src->plugin);
		if (r < 0)
			buf[0] = '\0';
		return;
	}
	if (strncasecmp(url, "file:", 5) == 0 ||
	    (p = strstr(url, "://")) == NULL)
		return;
	p += 3;
	n = strcspn(p, "/?#");
	if ((at = memchr(p, '@', n)) != NULL) {
		n -= (size_t)(at + 1 - p);
		p = at + 1;
	}
	if (n >= len)
		n = len - 1;
	for (i = 0; i < n; i++)
		buf[i] = (char)tolower((unsigned char)p[i]);
	buf[n] = '\0';
}

/*
 * sched_block_fn: 1 if the source's host already serves one of our
 * runs.  One request at a time per host is politer to a statistics
 * office than max_children of them.
 */
int
runs_host_busy(void *arg, const char *name)
{
	struct daemon		*d = arg;
	const struct source	*src;
	char			 host[HOST_MAX];
	size_t			 i;

	if ((src = conf_source(d->cur->rm.conf, name)) == NULL)
		return 1;
	source_host(src, host, sizeof(host));
	if (host[0] == '\0')
		return 0;
	for (i = 0; i < d->nruns; i++)
		if (strcmp(d->runs[i].host, host) == 0)
			return 1;
	return 0;
}

/*
 * A run ended at now (changed: it stored a change): the cycle ends a
 * batch window later even if other runs are still in flight, counted
 * from the first run that stored a change since the cycle's last end,
 * or else from the first run that ended.  Changes stored within the
 * window go into one evaluation and one digest; none waits longer.
 */
void
runs_ended(struct daemon *d, int changed, double now)
{
	double	 w = (double)daemon_batch_window(d->cur->rm.conf);

	if (changed && d->cyc_held != CYC_CHANGED) {
		d->cyc_held = CYC_CHANGED;
		d->cyc_due = now + w;
	} else if (d->cyc_held == 0) {
		d->cyc_held = CYC_ENDED;
		d->cyc_due = now + w;
	}
}

/* A run that could not start: noted, backed off like any failure. */
static void
start_failed(struct daemon *d, struct sched_entry *e,
    const struct source *src, char *why, size_t whylen, double now)
{
	int	 nchanged;

	run_store(&d->cur->rm, src, NULL, JOB_FAILED, NULL, why, whylen,
	    NULL, &nchanged);
	sched_started(d->sched, e, now);
	sched_done(d->sched, e, now, 0, why);
	gen_note_next(d, e, 0);
	d->cyc_failed++;
	runs_ended(d, 0, now);
}

static void
start_run(struct daemon *d, struct sched_entry *e, double now)
{
	struct gen		*g = d->cur;
	const struct source	*src;
	const struct plugin	*p;
	struct run		*r, *v;
	struct job		*job;
	FILE			*sink;
	char			 why[RUN_WHY_MAX], *part;

	if ((src = conf_source(g->rm.conf, e->name)) == NULL)
		return;
	if (!d->in_cycle) {
		d->in_cycle = 1;
		d->cyc_ok = d->cyc_failed = 0;
		d->cyc_changed = 0;
	}
	if ((p = plugins_get(&g->rm.plugins, g->rm.conf->plugin_dir,
	    src->plugin, why, sizeof(why))) == NULL) {
		start_failed(d, e, src, why, sizeof(why), now);
		return;
	}
	if ((sink = run_spool_open(g->rm.conf, src)) == NULL) {
		snprintf(why, sizeof(why), "cannot write the spool");
		start_failed(d, e, src, why, sizeof(why), now);
		return;
	}
	if ((job = job_start_captured(&g->rm, src, p, sink)) == NULL) {
		fclose(sink);
		part = spool_path(g->rm.conf, src->name, 0);
		unlink(part);
		free(part);
		snprintf(why, sizeof(why), "cannot start the plugin");
		start_failed(d, e, src, why, sizeof(why), now);
		return;
	}
	if (d->nruns == d->capruns) {
		d->capruns = d->capruns == 0 ? 8 : d->capruns * 2;
		if ((v = reallocarray(d->runs, d->capruns, sizeof(*v))) ==
		    NULL)
			fatal(NULL);
		d->runs = v;
	}
	r = &d->runs[d->nruns++];
	memset(r, 0, sizeof(*r));
	r->gen = g;
	r->src = src;
	r->entry = e;
	r->job = job;
	r->sink = sink;
	source_host(src, r->host, sizeof(r->host));
	g->njobs++;
	sched_started(d->sched, e, now);
	log_debug("%s: started (pid %ld)", src->name, (long)job_pid(job));
}

static void
run_remove(struct daemon *d, size_t i)
{
	memmove(&d->runs[i], &d->runs[i + 1],
	    (d->nruns - i - 1) * sizeof(*d->runs));
	d->nruns--;
}

/*
 * The last message of a child's log text, without the "<N>" or
 * "regiomon: " prefix and the "NAME: " tag, into buf ("" if none).
 */
static void
last_message(const char *text, const char *name, char *buf, size_t len)
{
	const char	*end = text + strlen(text), *start;
	size_t		 n = strlen(name);

	buf[0] = '\0';
	while (end > text && end[-1] == '\n')
		end--;
	if (end == text)
		return;
	for (start = end; start > text && start[-1] != '\n'; start--)
		;
	if (*start == '<' && start + 3 <= end && start[2] == '>')
		start += 3;
	else if (strncmp(start, "regiomon: ", 10) == 0)
		start += 10;
	if (strncmp(start, name, n) == 0 && strncmp(start + n, ": ", 2) == 0)
		start += n + 2;
	n = (size_t)(end - start) < len ? (size_t)(end - start) : len - 1;
	memcpy(buf, start, n);
	buf[n] = '\0';
}

/*
 * A child's lines, logged again through our log writer rather than
 * copied: a plugin may write to stderr itself, so a line is outside
 * text.  The child's own "<N>" or "regiomon: " prefix is taken off (its
 * priority kept, but never above an error: a child cannot raise an
 * emergency), and a line without one is a warning.
 */
static void
relog(const char *text)
{
	const char	*p = text, *nl;
	char		 line[2048];
	size_t		 n;
	int		 prio;

	while (*p != '\0') {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		n = (size_t)(nl - p);
		prio = RM_LOG_WARNING;
		if (n >= 3 && p[0] == '<' && p[1] >= '0' && p[1] <= '7' &&
		    p[2] == '>') {
			prio = p[1] - '0';
			if (prio < RM_LOG_ERR)
				prio = RM_LOG_ERR;
			p += 3;
			n -= 3;
		} else if (n >= 10 && strncmp(p, "regiomon: ", 10) == 0) {
			prio = RM_LOG_NOTICE;
			p += 10;
			n -= 10;
		}
		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		if (n > 0)
			log_prio(prio, "%s", line);
		p = *nl == '\n' ? nl + 1 : nl;
	}
}

/*
 * What a run's child logged goes to our log when it is news: always for
 * a run that worked, for the first failure of a source (with it the
 * reason), but not again for each retry of a failing one, unless -v.
 * A plugin's generic "exit status 1" gets its last message appended.
 */
static void
child_log(struct run *r, int result, char *why, size_t whylen)
{
	const char	*text = job_log(r->job);
	char		 last[512];
	size_t		 len = strlen(text);

	if (len > 0 && (result != JOB_FAILED || !r->entry->failing ||
	    r->gen->rm.verbose))
		relog(text);
	/* Not when the child sent its plugin's last error (child.c). */
	if (result != JOB_FAILED || strncmp(why, "plugin failed", 13) != 0 ||
	    strchr(why, ':') != NULL)
		return;
	last_message(text, r->src->name, last, sizeof(last));
	len = strlen(why);
	/* A reason cut short is still the reason. */
	if (last[0] != '\0' && len + 3 < whylen)
		(void)snprintf(why + len, whylen - len, ": %s", last);
}

/*
 * The child of run i ended (or was killed at its deadline): judge the
 * run, store what it produced, and schedule the source's next run.  The
 * runs after i move down by one.
 */
void
runs_finish(struct daemon *d, size_t i)
{
	struct run	*r = &d->runs[i];
	struct gen	*g = r->gen;
	char		 why[RUN_WHY_MAX], *mark = NULL;
	size_t		 nobs;
	int		 result, nchanged, removed;

	result = job_finish(r->job, &mark, why, sizeof(why));
	nobs = job_nobs(r->job);
	/* The child is gone: what it logged is all in the pipe. */
	job_read_log(r->job);
	child_log(r, result, why, sizeof(why));
	job_free(r->job);
	if (result == JOB_OK)
		log_debug("%s: storing %zu observations", r->src->name, nobs);
	/*
	 * Not stored ahead: runs of several hosts go on at once here, and
	 * the store has one batch.
	 */
	result = run_store(&g->rm, r->src, r->sink, result, mark, why,
	    sizeof(why), NULL, &nchanged);
	free(mark);
	if (result == JOB_UNCHANGED)
		log_debug("%s: %s", r->src->name, why);
	else if (result == JOB_OK) {
		run_note_observations(&g->rm, r->src, nobs);
		log_prio(nchanged > 0 ? RM_LOG_INFO : RM_LOG_DEBUG,
		    "%s: %zu observations, %d series changed", r->src->name,
		    nobs, nchanged);
	}
	/* An entry that left the config is freed by sched_done(). */
	removed = r->entry->removed;
	sched_done(d->sched, r->entry, mono_now(), result != JOB_FAILED, why);
	if (!removed)
		gen_note_next(d, r->entry, 0);
	if (result == JOB_FAILED)
		d->cyc_failed++;
	else
		d->cyc_ok++;
	d->cyc_changed += nchanged;
	runs_ended(d, nchanged > 0, mono_now());
	state_save(g->rm.conf->state_dir, d->state);
	run_remove(d, i);
	gen_release(d, g);
}

/* Kill the runs past their deadline and finish them. */
void
runs_check_deadlines(struct daemon *d, double now)
{
	size_t	 i = d->nruns;

	while (i-- > 0)
		if (job_check_timeout(d->runs[i].job, now))
			runs_finish(d, i);
}

/* Start the sources due at now, as many as max_children allows. */
void
runs_start_due(struct daemon *d, double now)
{
	struct sched_entry	*e;
	size_t			 max;

	max = (size_t)daemon_max_children(d->cur->rm.conf);
	while (d->nruns < max &&
	    (e = sched_next(d->sched, now, runs_host_busy, d)) != NULL)
		start_run(d, e, now);
}

/*
 * Stop: the runs in flight are killed and lose their output (nothing of
 * them is stored).
 */
void
runs_stop(struct daemon *d)
{
	struct run	*r;
	char		*part;

	while (d->nruns > 0) {
		r = &d->runs[d->nruns - 1];
		job_free(r->job);
		fclose(r->sink);
		part = spool_path(r->gen->rm.conf, r->src->name, 0);
		unlink(part);
		free(part);
		log_info("%s: run stopped, nothing stored", r->src->name);
		d->nruns--;
		gen_release(d, r->gen);
	}
}
