/* SPDX-License-Identifier: ISC */
/*
 * sched.c: when each source of the daemon runs next.  Every source has its
 * own interval, a first run spread over the first minutes after a start,
 * and an exponential backoff while it fails, capped relative to its own
 * interval; failures and recoveries are logged once per change of state.
 * Times are seconds on an injectable clock (CLOCK_MONOTONIC by default).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "run/run.h"
#include "app/app.h"

/*
 * The rules (README "Running as a service" says the same):
 *  - first run: within [0, min(interval, JITTER_MAX)) after the start, at
 *    an offset fixed by the source's name, so that restarts and many
 *    daemons do not hit a statistics office at the same second;
 *  - failure k (k consecutive failures): retry after
 *	min(base * 2^(k-1) * (1 + BACKOFF_JITTER * u), cap)
 *    with base = max(interval / 8, min(interval, BASE_MAX)) and
 *    cap = max(interval, min(16 * interval, CAP_SHORT)), u in [0, 1) fixed
 *    by name and k.  A 1m source backs off 1m, 2m, 4m ... 16m; a daily one
 *    retries after 3h, 6h, 12h, then daily; a weekly one after 21h, 42h,
 *    84h, then weekly: never more often than every interval/8, never less
 *    often than its interval once it is long (an hour or more);
 *  - success: next = max(this run's due time + interval, now), so a source
 *    keeps its pace and a run that outlasts its interval is not stacked.
 */
#define JITTER_MAX	300.0		/* seconds */
#define BASE_MAX	300.0
#define CAP_SHORT	3600.0
#define CAP_FACTOR	16.0
#define BACKOFF_JITTER	0.1

struct sched {
	sched_clock_fn		 *clock;
	struct sched_entry	**v;
	size_t			  n;
};

/* FNV-1a of s, then mixed with k (splitmix64's finaliser). */
static uint64_t
name_hash(const char *s, uint64_t k)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	h ^= k * 0x9e3779b97f4a7c15ULL;
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
	return h ^ (h >> 31);
}

/* A number in [0, 1) fixed by name and k. */
static double
name_fraction(const char *name, uint64_t k)
{
	return (double)(name_hash(name, k) >> 11) * 0x1.0p-53;
}

/* The delay of the first run of a source after a start. */
double
sched_first_delay(const char *name, long interval)
{
	double	 span = (double)interval;

	if (span > JITTER_MAX)
		span = JITTER_MAX;
	return name_fraction(name, 0) * span;
}

/* The delay before the next attempt after failures consecutive ones. */
double
sched_backoff(const char *name, long interval, unsigned failures)
{
	double	 i = (double)interval, base, cap, d;

	base = fmin(i, BASE_MAX);
	if (base < i / 8)
		base = i / 8;
	cap = fmax(i, fmin(CAP_FACTOR * i, CAP_SHORT));
	if (failures == 0)
		return i;
	/* 2^30 times any base is far beyond every cap. */
	d = ldexp(base, failures > 31 ? 30 : (int)failures - 1);
	d *= 1 + BACKOFF_JITTER * name_fraction(name, failures);
	return fmin(d, cap);
}

/*
 * Write a duration as "45s", "16m", "2h30m", "3d" (rounded to whole
 * seconds, two units at most) into buf.  Returns buf.
 */
const char *
sched_fmt_duration(char *buf, size_t size, double secs)
{
	static const struct {
		long		 n;
		const char	*u;
	} units[] = { { 86400, "d" }, { 3600, "h" }, { 60, "m" }, { 1, "s" } };
	long	 s, q;
	size_t	 i, o = 0, used = 0;
	int	 len;

	s = secs <= 0 ? 0 : (long)(secs + 0.5);
	if (size > 0)
		buf[0] = '\0';
	for (i = 0; i < nitems(units) && used < 2; i++) {
		if ((q = s / units[i].n) == 0 && !(s == 0 && units[i].n == 1))
			continue;
		s -= q * units[i].n;
		len = snprintf(buf + o, size - o, "%ld%s", q, units[i].u);
		if (len < 0 || (size_t)len >= size - o)
			break;
		o += (size_t)len;
		used++;
		if (s == 0)
			break;
	}
	return buf;
}

/* A scheduler on clock (NULL: mono_now).  New, free with sched_free(). */
struct sched *
sched_new(sched_clock_fn *clock)
{
	struct sched	*s;

	s = xcalloc(1, sizeof(*s));
	s->clock = clock != NULL ? clock : mono_now;
	return s;
}

void
sched_free(struct sched *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	free(s);
}

double
sched_now(const struct sched *s)
{
	return s->clock();
}

size_t
sched_count(const struct sched *s)
{
	return s->n;
}

/* The i-th entry, borrowed until the next sync or sched_done. */
struct sched_entry *
sched_entry_at(const struct sched *s, size_t i)
{
	return i < s->n ? s->v[i] : NULL;
}

struct sched_entry *
sched_find(const struct sched *s, const char *name)
{
	size_t	 i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i]->name, name) == 0)
			return s->v[i];
	return NULL;
}

/* Forget every entry's "seen" mark; sched_sync_add sets it again. */
void
sched_sync_begin(struct sched *s)
{
	size_t	 i;

	for (i = 0; i < s->n; i++)
		s->v[i]->seen = 0;
}

/* The next due time of e when its schedule is set anew at now. */
static double
restored_due(const struct sched_entry *e, double now)
{
	double	 delay, first;

	first = now + sched_first_delay(e->name, e->interval);
	if (e->last < 0)
		return first;
	delay = e->failures > 0 ? sched_backoff(e->name, e->interval,
	    e->failures) : (double)e->interval;
	/* A clock that jumped back must not push the run out forever. */
	if (e->last > now)
		return fmax(first, now + delay);
	return fmax(first, e->last + delay);
}

/*
 * Add the source name, or update it if it is known.  A new source runs
 * first at sched_first_delay(), or, when ago >= 0 says it last ran ago
 * seconds ago (failures consecutive failures, the last for why), when
 * its interval or backoff since then is over: a restart keeps the pace.
 * A known source keeps its schedule; a changed interval moves its next
 * run to the last run plus the new interval.  Returns the entry, borrowed.
 */
struct sched_entry *
sched_sync_add(struct sched *s, const char *name, long interval, double ago,
    unsigned failures, const char *why)
{
	struct sched_entry	*e, **v;
	double			 now = s->clock();
	char			 d[32];

	if (interval < 1)
		interval = 1;
	if ((e = sched_find(s, name)) != NULL) {
		e->seen = 1;
		e->removed = 0;
		if (e->interval != interval) {
			e->interval = interval;
			if (!e->running)
				e->due = restored_due(e, now);
		}
		return e;
	}
	if ((v = reallocarray(s->v, s->n + 1, sizeof(*v))) == NULL)
		fatal(NULL);
	s->v = v;
	e = xcalloc(1, sizeof(*e));
	strlcpy(e->name, name, sizeof(e->name));
	e->interval = interval;
	e->seen = 1;
	e->last = ago >= 0 ? now - ago : -1;
	e->failures = ago >= 0 ? failures : 0;
	e->due = restored_due(e, now);
	if (e->failures > 0) {
		/* Said once here, as the log before the restart said it. */
		e->failing = 1;
		strlcpy(e->why, why != NULL ? why : "", sizeof(e->why));
		log_warnx("%s: failing since before the start (%u attempt%s, "
		    "last: %s); next attempt in %s", e->name, e->failures,
		    e->failures == 1 ? "" : "s", e->why, sched_fmt_duration(
		    d, sizeof(d), e->due - now));
	}
	s->v[s->n++] = e;
	return e;
}

static void
entry_remove(struct sched *s, size_t i)
{
	free(s->v[i]);
	memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof(*s->v));
	s->n--;
}

/*
 * Drop the entries not added since sched_sync_begin.  One still running
 * stays, marked removed, until its sched_done.
 */
void
sched_sync_end(struct sched *s)
{
	size_t	 i = 0;

	while (i < s->n) {
		if (s->v[i]->seen) {
			i++;
		} else if (s->v[i]->running) {
			s->v[i]->removed = 1;
			i++;
		} else
			entry_remove(s, i);
	}
}

/* 1 if e may start at now (given the caller's block rule). */
static int
startable(const struct sched_entry *e, sched_block_fn *blocked, void *arg)
{
	if (e->running || e->removed)
		return 0;
	return blocked == NULL || !blocked(arg, e->name);
}

/*
 * The entry due earliest at or before now that is not running and not
 * blocked, or NULL.  Borrowed.
 */
struct sched_entry *
sched_next(struct sched *s, double now, sched_block_fn *blocked, void *arg)
{
	struct sched_entry	*best = NULL;
	size_t			 i;

	for (i = 0; i < s->n; i++) {
		if (s->v[i]->due > now || !startable(s->v[i], blocked, arg))
			continue;
		if (best == NULL || s->v[i]->due < best->due)
			best = s->v[i];
	}
	return best;
}

/*
 * Seconds from now until the next entry that could start is due (0 if
 * one is due already), or -1 if there is none: an idle daemon sleeps
 * exactly that long.
 */
double
sched_wait(const struct sched *s, double now, sched_block_fn *blocked,
    void *arg)
{
	double	 best = -1;
	size_t	 i;

	for (i = 0; i < s->n; i++) {
		if (!startable(s->v[i], blocked, arg))
			continue;
		if (best < 0 || s->v[i]->due < best)
			best = s->v[i]->due;
	}
	if (best < 0)
		return -1;
	return best > now ? best - now : 0;
}

/* Mark e running: it is never started twice. */
void
sched_started(struct sched *s, struct sched_entry *e, double now)
{
	(void)s;
	e->running = 1;
	e->started = now;
}

/*
 * Record the end of e's run at now (ok, or failed for why) and set its
 * next due time; log a change between working and failing, once.  An
 * entry removed from the config while it ran is freed here.
 */
void
sched_done(struct sched *s, struct sched_entry *e, double now, int ok,
    const char *why)
{
	char	 d[32];
	double	 delay;
	size_t	 i;

	e->running = 0;
	e->last = now;
	if (ok) {
		if (e->failing)
			log_notice("%s: recovered after %u failed attempt%s",
			    e->name, e->failures, e->failures == 1 ? "" : "s");
		e->failing = 0;
		e->failures = 0;
		e->why[0] = '\0';
		if (now - e->started > (double)e->interval && !e->slow)
			log_warnx("%s: the run took %s, longer than its "
			    "interval", e->name, sched_fmt_duration(d,
			    sizeof(d), now - e->started));
		e->slow = now - e->started > (double)e->interval;
		e->due = fmax(e->due + (double)e->interval, now);
	} else {
		if (e->failures < UINT32_MAX)
			e->failures++;
		delay = sched_backoff(e->name, e->interval, e->failures);
		sched_fmt_duration(d, sizeof(d), delay);
		if (!e->failing)
			log_errx("%s: failing: %s; next attempt in %s",
			    e->name, why, d);
		else
			log_debug("%s: attempt %u failed: %s; next attempt in "
			    "%s", e->name, e->failures, why, d);
		e->failing = 1;
		strlcpy(e->why, why != NULL ? why : "", sizeof(e->why));
		e->due = now + delay;
	}
	if (!e->removed)
		return;
	for (i = 0; i < s->n; i++)
		if (s->v[i] == e)
			entry_remove(s, i);
}
