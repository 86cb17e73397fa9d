/* SPDX-License-Identifier: ISC */
/*
 * test_sched.c: the daemon's scheduler on an injected clock: first runs
 * spread within their bounds, pacing by interval, a running source never
 * handed out twice, backoff growth and caps for short and long intervals,
 * recovery, one log line per change of state, reloads and restarts.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/core.h"
#include "model/model.h"
#include "store/store.h"
#include "net/net.h"
#include "eval/eval.h"
#include "run/run.h"
#include "mail/mail.h"
#include "report/report.h"
#include "alert/alert.h"
#include "app/app.h"

static double	 fake_now;

static double
fake_clock(void)
{
	return fake_now;
}

/* stderr (where log.c writes) captured in a temp file. */
struct capture {
	int	 saved;
	char	 path[32];
};

static void
capture_start(struct capture *c)
{
	int	 fd;

	strlcpy(c->path, "/tmp/test_sched.XXXXXX", sizeof(c->path));
	assert_true((fd = mkstemp(c->path)) != -1);
	fflush(stderr);
	assert_true((c->saved = dup(STDERR_FILENO)) != -1);
	assert_true(dup2(fd, STDERR_FILENO) != -1);
	close(fd);
}

/* Stop capturing; the text logged meanwhile, new. */
static char *
capture_end(struct capture *c)
{
	FILE	*fp;
	char	*text;
	long	 len;

	fflush(stderr);
	dup2(c->saved, STDERR_FILENO);
	close(c->saved);
	assert_non_null(fp = fopen(c->path, "r"));
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	rewind(fp);
	assert_non_null(text = calloc(1, (size_t)len + 1));
	assert_int_equal(fread(text, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	unlink(c->path);
	return text;
}

static int
count(const char *text, const char *needle)
{
	int	 n = 0;

	for (; (text = strstr(text, needle)) != NULL; text++)
		n++;
	return n;
}

static void
test_fmt_duration(void **unused)
{
	char	 b[32];

	(void)unused;
	assert_string_equal(sched_fmt_duration(b, sizeof(b), 0), "0s");
	assert_string_equal(sched_fmt_duration(b, sizeof(b), 45), "45s");
	assert_string_equal(sched_fmt_duration(b, sizeof(b), 960), "16m");
	assert_string_equal(sched_fmt_duration(b, sizeof(b), 9000), "2h30m");
	assert_string_equal(sched_fmt_duration(b, sizeof(b), 86400), "1d");
	assert_string_equal(sched_fmt_duration(b, sizeof(b), 90061), "1d1h");
	assert_string_equal(sched_fmt_duration(b, sizeof(b), 1.4), "1s");
}

/* First runs: within [0, min(interval, 5 min)), fixed per name, spread. */
static void
test_first_delay(void **unused)
{
	static const long iv[] = { 1, 10, 60, 299, 300, 3600, 86400, 604800 };
	char		 name[32];
	double		 d, lo = 1e9, hi = -1;
	size_t		 i;
	int		 n;

	(void)unused;
	for (i = 0; i < sizeof(iv) / sizeof(iv[0]); i++) {
		for (n = 0; n < 200; n++) {
			snprintf(name, sizeof(name), "source-%d", n);
			d = sched_first_delay(name, iv[i]);
			assert_true(d >= 0);
			assert_true(d < (iv[i] < 300 ? iv[i] : 300));
			assert_true(d == sched_first_delay(name, iv[i]));
		}
	}
	for (n = 0; n < 200; n++) {
		snprintf(name, sizeof(name), "s%d", n);
		d = sched_first_delay(name, 86400);
		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
	}
	/* 200 names spread over the five minutes, not bunched. */
	assert_true(lo < 15);
	assert_true(hi > 285);
	assert_true(sched_first_delay("cbs-a", 86400) !=
	    sched_first_delay("cbs-b", 86400));
}

/* delay in [want, want * 1.1), or exactly the cap. */
static void
assert_delay(const char *name, long interval, unsigned k, double want,
    double cap)
{
	double	 d = sched_backoff(name, interval, k);

	if (want >= cap) {
		assert_true(d == cap);
		return;
	}
	assert_true(d >= want);
	assert_true(d < want * 1.1 || d == cap);
	assert_true(d <= cap);
}

static void
test_backoff_short(void **unused)
{
	(void)unused;
	/* 1m: 1, 2, 4, 8, then 16m, the cap, for ever. */
	assert_delay("a", 60, 1, 60, 960);
	assert_delay("a", 60, 2, 120, 960);
	assert_delay("a", 60, 3, 240, 960);
	assert_delay("a", 60, 4, 480, 960);
	assert_true(sched_backoff("a", 60, 5) == 960);
	assert_true(sched_backoff("a", 60, 1000) == 960);
	/* 1s: up to 16s. */
	assert_delay("b", 1, 1, 1, 16);
	assert_delay("b", 1, 3, 4, 16);
	assert_true(sched_backoff("b", 1, 5) == 16);
	/* 10m: first retry after 5m, capped at an hour. */
	assert_delay("c", 600, 1, 300, 3600);
	assert_delay("c", 600, 2, 600, 3600);
	assert_true(sched_backoff("c", 600, 5) == 3600);
	/* No failure: the interval itself. */
	assert_true(sched_backoff("a", 60, 0) == 60);
}

static void
test_backoff_long(void **unused)
{
	(void)unused;
	/* Daily: 3h, 6h, 12h, then daily. */
	assert_delay("d", 86400, 1, 10800, 86400);
	assert_delay("d", 86400, 2, 21600, 86400);
	assert_delay("d", 86400, 3, 43200, 86400);
	assert_true(sched_backoff("d", 86400, 4) == 86400);
	assert_true(sched_backoff("d", 86400, UINT32_MAX) == 86400);
	/* Weekly: 21h, 42h, 84h, then weekly. */
	assert_delay("w", 604800, 1, 75600, 604800);
	assert_delay("w", 604800, 3, 302400, 604800);
	assert_true(sched_backoff("w", 604800, 4) == 604800);
}

/*
 * The rule over many intervals: the delay grows with each failure, never
 * comes sooner than interval/8, never later than the cap, and for an
 * interval of an hour or more never later than the interval itself.
 */
static void
test_backoff_bounds(void **unused)
{
	static const long iv[] = { 1, 5, 59, 60, 299, 300, 301, 900, 3599,
	    3600, 7200, 21600, 86400, 7 * 86400, 30 * 86400 };
	double		 d, prev, cap;
	size_t		 i;
	unsigned	 k;

	(void)unused;
	for (i = 0; i < sizeof(iv) / sizeof(iv[0]); i++) {
		cap = iv[i] >= 3600 ? iv[i] : (iv[i] * 16.0 < 3600 ?
		    iv[i] * 16.0 : 3600);
		if (cap < iv[i])
			cap = iv[i];
		prev = 0;
		for (k = 1; k <= 64; k++) {
			d = sched_backoff("x", iv[i], k);
			assert_true(d >= iv[i] / 8.0);
			assert_true(d <= cap);
			assert_true(d >= prev || d == cap);
			prev = d;
		}
		assert_true(sched_backoff("x", iv[i], 64) == cap);
	}
}

/* On time, never twice, paced from the due time, clamped when late. */
static void
test_pacing(void **unused)
{
	struct capture		 c;
	struct sched		*s;
	struct sched_entry	*e;
	double			 due;
	char			*log;

	(void)unused;
	fake_now = 1000;
	s = sched_new(fake_clock);
	sched_sync_begin(s);
	e = sched_sync_add(s, "a", 10, -1, 0, NULL);
	sched_sync_end(s);
	assert_true(e->due >= 1000 && e->due < 1010);
	assert_null(sched_next(s, e->due - 0.001, NULL, NULL));
	assert_true(sched_wait(s, 1000, NULL, NULL) == e->due - 1000);
	due = e->due;
	assert_ptr_equal(sched_next(s, due, NULL, NULL), e);
	sched_started(s, e, due);
	/* Running: never handed out again, however late it gets. */
	assert_null(sched_next(s, due + 100, NULL, NULL));
	assert_true(sched_wait(s, due + 100, NULL, NULL) == -1);
	sched_done(s, e, due + 1, 1, NULL);
	assert_true(e->due == due + 10);
	assert_int_equal(e->failures, 0);
	/* A run longer than the interval: next at once, warned once. */
	log_init(0, 0);
	capture_start(&c);
	sched_started(s, e, due + 10);
	sched_done(s, e, due + 35, 1, NULL);
	assert_true(e->due == due + 35);
	sched_started(s, e, due + 35);
	sched_done(s, e, due + 60, 1, NULL);
	log = capture_end(&c);
	assert_int_equal(count(log, "longer than its interval"), 1);
	free(log);
	sched_free(s);
}

/* Backoff in the schedule, one line when failing, one on recovery. */
static void
test_failure_and_recovery(void **unused)
{
	struct capture		 c;
	struct sched		*s;
	struct sched_entry	*e;
	double			 now;
	char			*log;
	unsigned		 k;

	(void)unused;
	log_init(0, 0);
	fake_now = 0;
	s = sched_new(fake_clock);
	sched_sync_begin(s);
	e = sched_sync_add(s, "bad", 60, -1, 0, NULL);
	sched_sync_end(s);
	capture_start(&c);
	for (k = 1; k <= 6; k++) {
		now = e->due;
		assert_ptr_equal(sched_next(s, now, NULL, NULL), e);
		sched_started(s, e, now);
		sched_done(s, e, now + 2, 0, "HTTP 500");
		assert_int_equal(e->failures, k);
		assert_true(e->failing);
		assert_true(e->due == now + 2 + sched_backoff("bad", 60, k));
	}
	/* Six failures, and the delay reached the cap. */
	assert_true(e->due - (now + 2) == 960);
	now = e->due;
	sched_started(s, e, now);
	sched_done(s, e, now + 1, 1, NULL);
	log = capture_end(&c);
	assert_int_equal(count(log, "bad: failing: HTTP 500; next attempt in"),
	    1);
	assert_int_equal(count(log, "bad:"), 2);
	assert_int_equal(count(log, "bad: recovered after 6 failed attempts"),
	    1);
	free(log);
	/* Back to its interval. */
	assert_int_equal(e->failures, 0);
	assert_false(e->failing);
	assert_true(e->due == now + 60);
	sched_free(s);
}

static int
block_b(void *arg, const char *name)
{
	(*(int *)arg)++;
	return strcmp(name, "b") == 0;
}

static void
test_blocked(void **unused)
{
	struct sched		*s;
	struct sched_entry	*a, *b;
	int			 calls = 0;

	(void)unused;
	fake_now = 0;
	s = sched_new(fake_clock);
	sched_sync_begin(s);
	a = sched_sync_add(s, "a", 100, -1, 0, NULL);
	b = sched_sync_add(s, "b", 100, -1, 0, NULL);
	sched_sync_end(s);
	a->due = 50;
	b->due = 10;
	assert_ptr_equal(sched_next(s, 60, NULL, NULL), b);
	assert_ptr_equal(sched_next(s, 60, block_b, &calls), a);
	assert_true(calls > 0);
	assert_null(sched_next(s, 20, block_b, &calls));
	assert_true(sched_wait(s, 20, block_b, &calls) == 30);
	assert_true(sched_wait(s, 20, NULL, NULL) == 0);
	sched_free(s);
}

/* A reload keeps known sources' schedules, adds and drops others. */
static void
test_sync(void **unused)
{
	struct sched		*s;
	struct sched_entry	*a, *b, *c;
	double			 bdue;

	(void)unused;
	fake_now = 100;
	s = sched_new(fake_clock);
	sched_sync_begin(s);
	a = sched_sync_add(s, "a", 60, -1, 0, NULL);
	b = sched_sync_add(s, "b", 60, -1, 0, NULL);
	sched_sync_end(s);
	sched_started(s, a, 130);
	bdue = b->due = 140;
	fake_now = 135;
	sched_sync_begin(s);
	assert_ptr_equal(sched_sync_add(s, "b", 60, -1, 0, NULL), b);
	c = sched_sync_add(s, "c", 60, -1, 0, NULL);
	sched_sync_end(s);
	assert_int_equal(sched_count(s), 3);
	assert_true(b->due == bdue);
	assert_true(c->due >= 135 && c->due < 195);
	/* a left the config while running: kept until done, not started. */
	assert_true(a->removed);
	assert_true(sched_next(s, 1e9, NULL, NULL) != a);
	sched_done(s, a, 136, 1, NULL);
	assert_int_equal(sched_count(s), 2);
	assert_null(sched_find(s, "a"));
	/* A changed interval counts from the last run. */
	sched_started(s, b, 140);
	sched_done(s, b, 141, 1, NULL);
	assert_true(b->due == 200);
	fake_now = 150;
	sched_sync_begin(s);
	sched_sync_add(s, "b", 3600, -1, 0, NULL);
	sched_sync_add(s, "c", 60, -1, 0, NULL);
	sched_sync_end(s);
	assert_true(b->due == 141 + 3600);
	sched_free(s);
}

/* A restart keeps the pace and the failing state from state.json. */
static void
test_restore(void **unused)
{
	struct capture		 c;
	struct sched		*s;
	struct sched_entry	*e, *f, *g;
	char			*log;

	(void)unused;
	log_init(0, 0);
	fake_now = 5000;
	s = sched_new(fake_clock);
	capture_start(&c);
	sched_sync_begin(s);
	/* Ran 10 minutes ago, hourly: due in 50 minutes. */
	e = sched_sync_add(s, "hourly", 3600, 600, 0, NULL);
	/* Failed twice, last 10 s ago: its backoff goes on. */
	f = sched_sync_add(s, "broken", 60, 10, 2, "timed out");
	/* Ran long ago: at its first-run offset. */
	g = sched_sync_add(s, "old", 60, 1e6, 0, NULL);
	sched_sync_end(s);
	log = capture_end(&c);
	assert_true(e->due == 5000 + 3000);
	assert_true(f->failing);
	assert_int_equal(f->failures, 2);
	assert_true(f->due == fmax(5000 + sched_first_delay("broken", 60),
	    4990 + sched_backoff("broken", 60, 2)));
	assert_true(g->due == 5000 + sched_first_delay("old", 60));
	assert_int_equal(count(log, "broken: failing since before the start "
	    "(2 attempts, last: timed out)"), 1);
	free(log);
	sched_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fmt_duration),
		cmocka_unit_test(test_first_delay),
		cmocka_unit_test(test_backoff_short),
		cmocka_unit_test(test_backoff_long),
		cmocka_unit_test(test_backoff_bounds),
		cmocka_unit_test(test_pacing),
		cmocka_unit_test(test_failure_and_recovery),
		cmocka_unit_test(test_blocked),
		cmocka_unit_test(test_sync),
		cmocka_unit_test(test_restore),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
