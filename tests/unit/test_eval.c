/* SPDX-License-Identifier: ISC */
/*
 * test_eval.c: eval.c's judgement and state machine, driven with
 * indicators built in code: every direction with absolute and relative
 * thresholds, confirmation over releases, hysteresis on the way back,
 * improved against worse, staleness deadlines, baselines and nodata.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

#define LOWER	DIR_LOWER_IS_BETTER
#define HIGHER	DIR_HIGHER_IS_BETTER
#define NEUTRAL	DIR_NEUTRAL

static struct indicator
mkind(enum direction dir, int relative, double w, double c, double h,
    int confirm)
{
	struct indicator	 ind;

	memset(&ind, 0, sizeof(ind));
	ind.id = "test-indicator";
	ind.challenge = 5;
	ind.title = "Test";
	ind.unit = "%";
	ind.freq = FREQ_YEAR;
	ind.direction = dir;
	ind.relative = relative;
	ind.warning = w;
	ind.critical = c;
	ind.hysteresis = h;
	ind.confirm = confirm;
	ind.grace = 120L * 86400;
	return ind;
}

/* The plain state of latest against base, as a name. */
static const char *
judge(const struct indicator *ind, double base, double latest)
{
	struct judgement	 j;

	eval_judge(ind, base, latest, &j);
	return eval_state_name(eval_raw(ind, &j, ES_OK));
}

struct row {
	enum direction	 dir;
	double		 base, latest;
	const char	*want;
};

static void
check_rows(int relative, double w, double c, const struct row *rows,
    size_t n)
{
	struct indicator	 ind;
	size_t			 i;

	for (i = 0; i < n; i++) {
		ind = mkind(rows[i].dir, relative, w, c, 0, 1);
		if (strcmp(judge(&ind, rows[i].base, rows[i].latest),
		    rows[i].want) != 0)
			fail_msg("row %zu: %g -> %g (dir %d): got %s, want %s",
			    i, rows[i].base, rows[i].latest, (int)rows[i].dir,
			    judge(&ind, rows[i].base, rows[i].latest),
			    rows[i].want);
	}
}

/*
 * Absolute thresholds 0.5 / 1 (percentage points): shifts that equal a
 * threshold in decimal notation reach it, whichever way the binary
 * subtraction rounds (4.9 - 4.4 > 0.5, 1.3 - 0.8 < 0.5).
 */
static void
test_absolute(void **state)
{
	static const struct row rows[] = {
		{ LOWER, 4.4, 4.4, "ok" },
		{ LOWER, 4.4, 4.8, "ok" },
		{ LOWER, 4.4, 4.9, "warning" },
		{ LOWER, 0.8, 1.3, "warning" },
		{ LOWER, 4.4, 5.3, "warning" },
		{ LOWER, 4.4, 5.4, "critical" },
		{ LOWER, 4.4, 9.0, "critical" },
		{ LOWER, 4.4, 4.0, "ok" },
		{ LOWER, 4.4, 3.9, "improved" },
		{ LOWER, 4.4, 1.0, "improved" },
		{ HIGHER, 64.5, 64.1, "ok" },
		{ HIGHER, 64.5, 64.0, "warning" },
		{ HIGHER, 64.5, 63.5, "critical" },
		{ HIGHER, 64.5, 65.0, "improved" },
		{ HIGHER, 64.5, 70.0, "improved" },
		{ HIGHER, 64.5, 64.9, "ok" },
		{ HIGHER, -2.9, -3.4, "warning" },
		{ HIGHER, -2.9, -2.4, "improved" },
		{ NEUTRAL, 28, 28.4, "ok" },
		{ NEUTRAL, 28, 28.5, "moved" },
		{ NEUTRAL, 28, 27.5, "moved" },
		{ NEUTRAL, 28, 29, "moved-strongly" },
		{ NEUTRAL, 28, 20, "moved-strongly" },
	};

	(void)state;
	check_rows(0, 0.5, 1, rows, sizeof(rows) / sizeof(rows[0]));
}

/* Relative thresholds 5 / 10 %: of |baseline|, so a negative one too. */
static void
test_relative(void **state)
{
	static const struct row rows[] = {
		{ HIGHER, 200, 191, "ok" },
		{ HIGHER, 200, 190, "warning" },
		{ HIGHER, 200, 180, "critical" },
		{ HIGHER, 200, 210, "improved" },
		{ HIGHER, 200, 209, "ok" },
		{ LOWER, 200, 210, "warning" },
		{ LOWER, 200, 220, "critical" },
		{ LOWER, 200, 190, "improved" },
		{ NEUTRAL, 200, 190, "moved" },
		{ NEUTRAL, 200, 210, "moved" },
		{ NEUTRAL, 200, 160, "moved-strongly" },
		{ NEUTRAL, 200, 240, "moved-strongly" },
		{ HIGHER, -10, -9, "improved" },
		{ HIGHER, -10, -11, "critical" },
		{ LOWER, -10, -10.5, "improved" },
		{ HIGHER, 37500, 35625, "warning" },
	};
	struct indicator	 ind = mkind(HIGHER, 1, 5, 10, 0, 1);
	struct judgement	 j;

	(void)state;
	check_rows(1, 5, 10, rows, sizeof(rows) / sizeof(rows[0]));
	eval_judge(&ind, 200, 190, &j);
	assert_true(j.shift_abs == -10);
	assert_true(j.shift_pct == -5);
	assert_true(j.measure == -5);
	assert_true(j.worse == 5);
	eval_judge(&ind, -10, -9, &j);
	assert_true(j.shift_pct == 10);
}

/*
 * From a baseline of 0 a relative shift is undefined: no move is ok, any
 * move counts as an infinite one in its direction.
 */
static void
test_relative_zero_baseline(void **state)
{
	struct indicator	 ind = mkind(HIGHER, 1, 5, 10, 0, 1);
	struct judgement	 j;

	(void)state;
	eval_judge(&ind, 0, 0, &j);
	assert_true(isnan(j.shift_pct));
	assert_string_equal(eval_state_name(eval_raw(&ind, &j, ES_OK)), "ok");
	assert_string_equal(judge(&ind, 0, 3), "improved");
	assert_string_equal(judge(&ind, 0, -3), "critical");
	ind.direction = LOWER;
	assert_string_equal(judge(&ind, 0, 3), "critical");
	ind.direction = NEUTRAL;
	assert_string_equal(judge(&ind, 0, -0.001), "moved-strongly");
	/* Absolute thresholds do not care about a zero baseline. */
	ind = mkind(HIGHER, 0, 5, 10, 0, 1);
	eval_judge(&ind, 0, 6, &j);
	assert_true(j.shift_abs == 6);
	assert_true(isnan(j.shift_pct));
	assert_string_equal(eval_state_name(eval_raw(&ind, &j, ES_OK)),
	    "improved");
}

/* A neutral indicator never improves: any move away is worth a look. */
static void
test_neutral_never_improved(void **state)
{
	struct indicator	 ind;
	double			 v;
	int			 rel;

	(void)state;
	for (rel = 0; rel <= 1; rel++) {
		ind = mkind(NEUTRAL, rel, 2, 5, 0, 1);
		for (v = -100; v <= 100; v += 0.25)
			assert_string_not_equal(judge(&ind, 20, v),
			    "improved");
	}
}

/* Feed releases (yearly from 2021) through a machine; the final state. */
static void
feed(struct evmachine *m, const struct indicator *ind, double base,
    const double *vals, size_t n, const char *const *want)
{
	struct judgement	 j;
	struct period		 p = { 2021, FREQ_YEAR, 0 };
	size_t			 i;

	for (i = 0; i < n; i++, p.year++) {
		eval_judge(ind, base, vals[i], &j);
		eval_machine_step(m, ind, &p, &j);
		if (strcmp(eval_state_name(m->state), want[i]) != 0)
			fail_msg("release %zu (%g): got %s, want %s", i,
			    vals[i], eval_state_name(m->state), want[i]);
	}
}

/* confirm = 2: a new state needs two consecutive releases agreeing. */
static void
test_confirm(void **state)
{
	struct indicator	 ind = mkind(LOWER, 0, 0.5, 1, 0, 2);
	struct evmachine	 m;
	static const double	 v1[] = { 5.0, 4.4, 5.0, 5.0, 4.4, 4.4 };
	static const char *const w1[] = {
		"ok", "ok", "ok", "warning", "warning", "ok"
	};
	/* Warning then critical: no two agree, so nothing changes... */
	static const double	 v2[] = { 5.0, 6.0, 5.0, 6.0, 6.0 };
	static const char *const w2[] = {
		"ok", "ok", "ok", "ok", "critical"
	};

	(void)state;
	eval_machine_init(&m);
	feed(&m, &ind, 4.4, v1, 6, w1);
	assert_int_equal(m.since.year, 2026);
	assert_int_equal(m.npending, 0);
	eval_machine_init(&m);
	feed(&m, &ind, 4.4, v2, 3, w2);
	/* ...and the candidate is visible while it waits. */
	assert_int_equal(m.npending, 1);
	assert_string_equal(eval_state_name(m.pending), "warning");
	eval_machine_init(&m);
	feed(&m, &ind, 4.4, v2, 5, w2);
	assert_int_equal(m.since.year, 2025);
	/* confirm = 1 (the default) changes at once. */
	ind.confirm = 1;
	eval_machine_init(&m);
	{
		static const char *const w3[] = {
			"warning", "ok", "warning", "warning", "ok", "ok"
		};

		feed(&m, &ind, 4.4, v1, 6, w3);
	}
}

/*
 * Hysteresis 0.2: leaving warning needs the shift at or below 0.3,
 * leaving critical at or below 0.8, leaving improved a gain at or below
 * 0.3; getting worse needs no margin.
 */
static void
test_hysteresis(void **state)
{
	struct indicator	 ind = mkind(LOWER, 0, 0.5, 1, 0.2, 1);
	struct evmachine	 m;
	static const double	 v1[] = { 4.9, 4.8, 4.75, 4.7, 4.9 };
	static const char *const w1[] = {
		"warning", "warning", "warning", "ok", "warning"
	};
	static const double	 v2[] = { 5.4, 5.3, 5.2, 4.8, 4.7 };
	static const char *const w2[] = {
		"critical", "critical", "warning", "warning", "ok"
	};
	/* From critical straight into the ok band stops at warning. */
	static const double	 v3[] = { 5.4, 4.8, 4.4 };
	static const char *const w3[] = { "critical", "warning", "ok" };
	static const double	 v4[] = { 3.9, 4.0, 4.1, 3.9 };
	static const char *const w4[] = {
		"improved", "improved", "ok", "improved"
	};

	(void)state;
	eval_machine_init(&m);
	feed(&m, &ind, 4.4, v1, 5, w1);
	eval_machine_init(&m);
	feed(&m, &ind, 4.4, v2, 5, w2);
	eval_machine_init(&m);
	feed(&m, &ind, 4.4, v3, 3, w3);
	eval_machine_init(&m);
	feed(&m, &ind, 4.4, v4, 4, w4);
	/* Without hysteresis the same values come straight back. */
	ind.hysteresis = 0;
	eval_machine_init(&m);
	{
		static const char *const w5[] = {
			"warning", "ok", "ok", "ok", "warning"
		};

		feed(&m, &ind, 4.4, v1, 5, w5);
	}
}

/* Hysteresis and confirmation together, on a relative neutral series. */
static void
test_hysteresis_confirm(void **state)
{
	struct indicator	 ind = mkind(NEUTRAL, 1, 5, 10, 1, 2);
	struct evmachine	 m;
	static const double	 v[] = {
		106, 106, 104.5, 104.5, 103.9, 103.9
	};
	static const char *const w[] = {
		"ok", "moved", "moved", "moved", "moved", "ok"
	};

	(void)state;
	eval_machine_init(&m);
	feed(&m, &ind, 100, v, 6, w);
}

/* The same moves are improved or worse depending on the direction. */
static void
test_direction_sequences(void **state)
{
	struct indicator	 ind;
	struct evmachine	 m;
	static const double	 v[] = { 110, 120, 100, 90, 80 };
	static const char *const hi[] = {
		"improved", "improved", "ok", "critical", "critical"
	};
	static const char *const lo[] = {
		"critical", "critical", "ok", "improved", "improved"
	};
	static const char *const ne[] = {
		"moved-strongly", "moved-strongly", "ok", "moved-strongly",
		"moved-strongly"
	};

	(void)state;
	ind = mkind(HIGHER, 1, 5, 10, 0, 1);
	eval_machine_init(&m);
	feed(&m, &ind, 100, v, 5, hi);
	ind = mkind(LOWER, 1, 5, 10, 0, 1);
	eval_machine_init(&m);
	feed(&m, &ind, 100, v, 5, lo);
	ind = mkind(NEUTRAL, 1, 5, 10, 0, 1);
	eval_machine_init(&m);
	feed(&m, &ind, 100, v, 5, ne);
}

static time_t
utc(int y, int mo, int d)
{
	struct tm	 tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	return timegm(&tm);
}

/*
 * Stale when the period after the latest has been over for longer than
 * the grace: a year's 2024 figure is due in 2025, over at 2026-01-01.
 */
static void
test_stale_after(void **state)
{
	struct indicator	 ind = mkind(LOWER, 0, 0.5, 1, 0, 1);
	struct period		 p = { 2024, FREQ_YEAR, 0 };
	time_t			 t;

	(void)state;
	t = eval_stale_after(&ind, &p);
	assert_true(t == utc(2026, 1, 1) + 120L * 86400);
	assert_true(t == utc(2026, 5, 1));
	ind.grace = 400L * 86400;
	assert_true(eval_stale_after(&ind, &p) == utc(2027, 2, 5));
	ind.freq = FREQ_QUARTER;
	ind.grace = 180L * 86400;
	p.freq = FREQ_QUARTER;
	p.index = 4;
	/* 2024-Q4 -> 2025-Q1, over at 2025-04-01, plus 180 days. */
	assert_true(eval_stale_after(&ind, &p) == utc(2025, 9, 28));
	ind.freq = FREQ_MONTH;
	ind.grace = 0;
	p.freq = FREQ_MONTH;
	p.index = 12;
	assert_true(eval_stale_after(&ind, &p) == utc(2025, 2, 1));
}

static struct point
pt(int year, enum freq f, int idx, double v)
{
	struct point	 p;

	p.period.year = year;
	p.period.freq = f;
	p.period.index = idx;
	p.value = v;
	return p;
}

/* Catalog baseline first, else the series' own 2020 (mean), else none. */
static void
test_baseline(void **state)
{
	struct indicator	 ind = mkind(NEUTRAL, 1, 10, 25, 0, 1);
	struct baseline		 bl[2];
	struct evbase		 b;
	struct point		 q[6];
	int			 i;

	(void)state;
	memset(bl, 0, sizeof(bl));
	bl[0].region = "rga";
	bl[0].period.year = 2019;
	bl[0].period.freq = FREQ_QUARTER;
	bl[0].period.index = 2;
	bl[0].value = 33;
	ind.freq = FREQ_QUARTER;
	ind.baselines = bl;
	ind.nbaselines = 1;
	for (i = 0; i < 4; i++)
		q[i] = pt(2020, FREQ_QUARTER, i + 1, 10.0 * (i + 1));
	q[4] = pt(2021, FREQ_QUARTER, 1, 30);
	q[5] = pt(2021, FREQ_QUARTER, 2, NAN);
	assert_int_equal(eval_baseline(&ind, "rga", q, 6, &b), 0);
	assert_true(b.from_catalog);
	assert_true(b.value == 33);
	assert_int_equal(b.period.year, 2019);
	assert_int_equal(b.period.index, 2);
	/* No catalog figure for nl: the mean of the four 2020 quarters. */
	assert_int_equal(eval_baseline(&ind, "nl", q, 6, &b), 0);
	assert_false(b.from_catalog);
	assert_true(b.value == 25);
	assert_int_equal(b.period.year, 2020);
	assert_int_equal((int)b.period.freq, (int)FREQ_YEAR);
	/* One 2020 quarter missing: no baseline. */
	q[2].value = NAN;
	assert_int_equal(eval_baseline(&ind, "nl", q, 6, &b), -1);
	assert_int_equal(eval_baseline(&ind, "nl", q + 3, 3, &b), -1);
}

/*
 * A catalog figure is checked against the series' own value for its
 * period: within the tolerance the figure stands, beyond it the series'
 * own value is the baseline (another definition), and without one the
 * figure stands unchecked.
 */
static void
test_baseline_comparable(void **state)
{
	struct indicator	 ind = mkind(HIGHER, 1, 2, 5, 0, 1);
	struct baseline		 bl;
	struct evbase		 b;
	struct point		 p[2];

	(void)state;
	memset(&bl, 0, sizeof(bl));
	bl.region = "drenthe";
	bl.period.year = 2020;
	bl.period.freq = FREQ_YEAR;
	bl.value = 249000;
	ind.baselines = &bl;
	ind.nbaselines = 1;
	ind.baseline_tolerance = 0.02;
	p[0] = pt(2020, FREQ_YEAR, 0, 241000);
	p[1] = pt(2021, FREQ_YEAR, 0, 250000);
	assert_int_equal(eval_baseline(&ind, "drenthe", p, 2, &b), 0);
	assert_true(b.differs && !b.from_catalog && b.value == 241000);
	assert_true(b.has_catalog && b.catalog == 249000);
	/* 245000 is 1.6% off: the strategy's figure. */
	p[0].value = 245000;
	assert_int_equal(eval_baseline(&ind, "drenthe", p, 2, &b), 0);
	assert_true(!b.differs && b.from_catalog && b.value == 249000);
	assert_true(b.has_own && b.own == 245000);
	/* Just at the tolerance is within it. */
	p[0].value = 249000 * 0.98;
	assert_int_equal(eval_baseline(&ind, "drenthe", p, 2, &b), 0);
	assert_false(b.differs);
	/* No 2020 value: the figure, unchecked. */
	assert_int_equal(eval_baseline(&ind, "drenthe", p + 1, 1, &b), 0);
	assert_true(b.from_catalog && !b.has_own && b.value == 249000);
}

/*
 * Progress towards a target: the straight path from the baseline (2020)
 * to the target (2030) is halfway in 2025; a value past it is on track,
 * one short of it behind, for a rising and a falling target alike.
 */
static void
test_target_path(void **state)
{
	struct indicator	 ind = mkind(HIGHER, 1, 2, 5, 0, 1);
	struct baseline		 tg[2];
	struct evbase		 b;
	struct evtarget		 t;
	struct period		 lp = { 2025, FREQ_YEAR, 0 };

	(void)state;
	memset(tg, 0, sizeof(tg));
	memset(&b, 0, sizeof(b));
	b.period.year = 2020;
	b.period.freq = FREQ_YEAR;
	b.value = 100;
	tg[0].region = "rga";
	tg[0].period.year = 2030;
	tg[0].period.freq = FREQ_YEAR;
	tg[0].value = 200;
	ind.targets = tg;
	ind.ntargets = 1;
	assert_int_equal(eval_target(&ind, "nl", &b, &lp, 150, &t), -1);
	assert_int_equal(eval_target(&ind, "rga", &b, &lp, 151, &t), 0);
	assert_true(fabs(t.path - 150) < 1e-6);
	assert_true(t.on_track);
	assert_int_equal(eval_target(&ind, "rga", &b, &lp, 149, &t), 0);
	assert_false(t.on_track);
	/* A falling target: below the path is ahead. */
	tg[0].value = 50;
	ind.direction = LOWER;
	assert_int_equal(eval_target(&ind, "rga", &b, &lp, 74, &t), 0);
	assert_true(fabs(t.path - 75) < 1e-6 && t.on_track);
	assert_int_equal(eval_target(&ind, "rga", &b, &lp, 76, &t), 0);
	assert_false(t.on_track);
	/* Of two targets, the first not yet passed. */
	tg[0].value = 200;
	tg[1] = tg[0];
	tg[1].period.year = 2024;
	tg[1].value = 140;
	ind.ntargets = 2;
	assert_int_equal(eval_target(&ind, "rga", &b, &lp, 150, &t), 0);
	assert_int_equal(t.period.year, 2030);
	lp.year = 2022;
	assert_int_equal(eval_target(&ind, "rga", &b, &lp, 150, &t), 0);
	assert_int_equal(t.period.year, 2024);
	/* Past every target: the last one, the path at its value. */
	lp.year = 2035;
	assert_int_equal(eval_target(&ind, "rga", &b, &lp, 150, &t), 0);
	assert_int_equal(t.period.year, 2030);
	assert_true(t.path == 200 && !t.on_track);
}

/* nodata: nothing stored, only missing values, or no baseline. */
static void
test_nodata(void **state)
{
	struct indicator	 ind = mkind(LOWER, 0, 0.5, 1, 0, 1);
	struct baseline		 bl;
	struct evresult		 r;
	struct point		 p[3];

	(void)state;
	memset(&bl, 0, sizeof(bl));
	bl.region = "groningen";
	bl.period.year = 2020;
	bl.value = 4.4;
	ind.baselines = &bl;
	ind.nbaselines = 1;
	eval_series(&ind, "groningen", NULL, 0, &r);
	assert_int_equal((int)r.state, (int)ES_NODATA);
	assert_false(r.has_latest);
	assert_true(r.has_base);
	assert_non_null(r.reason);
	p[0] = pt(2021, FREQ_YEAR, 0, NAN);
	p[1] = pt(2022, FREQ_YEAR, 0, NAN);
	eval_series(&ind, "groningen", p, 2, &r);
	assert_int_equal((int)r.state, (int)ES_NODATA);
	/* A value but no baseline: latest known, still nodata. */
	p[0] = pt(2021, FREQ_YEAR, 0, 5.0);
	eval_series(&ind, "drenthe", p, 1, &r);
	assert_int_equal((int)r.state, (int)ES_NODATA);
	assert_true(r.has_latest);
	assert_false(r.has_base);
	assert_non_null(strstr(r.reason, "baseline"));
	/* The series' own 2020 then serves. */
	p[0] = pt(2020, FREQ_YEAR, 0, 5.0);
	p[1] = pt(2021, FREQ_YEAR, 0, 6.5);
	p[2] = pt(2022, FREQ_YEAR, 0, NAN);
	eval_series(&ind, "drenthe", p, 3, &r);
	assert_int_equal((int)r.state, (int)ES_CRITICAL);
	assert_false(r.base.from_catalog);
	assert_true(r.latest_value == 6.5);
	assert_int_equal(r.latest.year, 2021);
	assert_true(r.j.shift_abs == 1.5);
	assert_true(r.j.shift_pct == 30);
	assert_null(r.reason);
}

/*
 * The whole series is replayed as releases: missing periods neither
 * confirm nor break a run, and a first evaluation of years of history
 * ends where release-by-release evaluation would have.
 */
static void
test_series_replay(void **state)
{
	struct indicator	 ind = mkind(LOWER, 0, 0.5, 1, 0, 2);
	struct baseline		 bl;
	struct evresult		 r;
	struct point		 p[6];

	(void)state;
	memset(&bl, 0, sizeof(bl));
	bl.region = "groningen";
	bl.period.year = 2020;
	bl.value = 4.4;
	ind.baselines = &bl;
	ind.nbaselines = 1;
	p[0] = pt(2020, FREQ_YEAR, 0, 4.4);
	p[1] = pt(2021, FREQ_YEAR, 0, 5.0);
	p[2] = pt(2022, FREQ_YEAR, 0, NAN);
	p[3] = pt(2023, FREQ_YEAR, 0, 5.1);
	p[4] = pt(2024, FREQ_YEAR, 0, 4.5);
	eval_series(&ind, "groningen", p, 4, &r);
	assert_int_equal((int)r.state, (int)ES_WARNING);
	assert_int_equal(r.m.since.year, 2023);
	assert_int_equal(r.m.releases, 3);
	eval_series(&ind, "groningen", p, 5, &r);
	/* One ok release is not enough to go back with confirm 2. */
	assert_int_equal((int)r.state, (int)ES_WARNING);
	assert_int_equal(r.m.npending, 1);
	assert_int_equal((int)r.m.pending, (int)ES_OK);
	assert_int_equal(r.latest.year, 2024);
}

static void
test_names(void **state)
{
	enum estate	 s;
	int		 i;

	(void)state;
	for (i = 0; i < ES_COUNT; i++) {
		assert_int_equal(eval_state_parse(eval_state_name(
		    (enum estate)i), &s), 0);
		assert_int_equal((int)s, i);
	}
	assert_int_equal(eval_state_parse("resolved", &s), -1);
	assert_int_equal(eval_state_parse(NULL, &s), -1);
	assert_true(eval_state_rank(ES_CRITICAL) > eval_state_rank(ES_WARNING));
	assert_true(eval_state_rank(ES_WARNING) > eval_state_rank(ES_STALE));
	assert_true(eval_state_rank(ES_STALE) > eval_state_rank(ES_NODATA));
	assert_true(eval_state_rank(ES_NODATA) > eval_state_rank(ES_OK));
	assert_true(eval_state_rank(ES_OK) > eval_state_rank(ES_IMPROVED));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_absolute),
		cmocka_unit_test(test_relative),
		cmocka_unit_test(test_relative_zero_baseline),
		cmocka_unit_test(test_neutral_never_improved),
		cmocka_unit_test(test_baseline_comparable),
		cmocka_unit_test(test_target_path),
		cmocka_unit_test(test_confirm),
		cmocka_unit_test(test_hysteresis),
		cmocka_unit_test(test_hysteresis_confirm),
		cmocka_unit_test(test_direction_sequences),
		cmocka_unit_test(test_stale_after),
		cmocka_unit_test(test_baseline),
		cmocka_unit_test(test_nodata),
		cmocka_unit_test(test_series_replay),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
