/* SPDX-License-Identifier: ISC */
/*
 * test_host_agree.c: the tests' fake host (tests/host/fakehost.c) and the
 * daemon's host table (daemon/run/host.c) refuse the same observations.
 * One table of cases goes through both emit()s, the daemon's with a real
 * context writing to a temporary file, over the same catalog; each case
 * says what both must do, so they cannot agree on the wrong answer.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fakehost.c"

#define LONG_ID	"a123456789b123456789c123456789d123456789e123456789" \
		"f123456789abcd"	/* 64 bytes: one over ID_MAX - 1 */

struct agree_case {
	const char	*what;
	const char	*indicator;
	const char	*region;
	const char	*period;
	double		 value;
	int		 missing;
	int		 provisional;
	int		 ok;		/* both must accept (1) or refuse (0) */
};

static const struct agree_case cases[] = {
	{ "a year", "rate", "groningen", "2020", 4.5, 0, 0, 1 },
	{ "CBS spelling", "rate", "groningen", "2020JJ00", 4.5, 0, 0, 1 },
	{ "a quarter", "jobs-q", "drenthe", "2020-Q3", 7, 0, 1, 1 },
	{ "CBS quarter", "jobs-q", "drenthe", "2020KW03", 7, 0, 0, 1 },
	{ "a month", "vacancies", "drenthe", "2020M08", 1.5, 0, 0, 1 },
	{ "last month", "vacancies", "drenthe", "9998-12", 1, 0, 0, 1 },
	{ "first year", "rate", "groningen", "1970", 0, 0, 0, 1 },
	{ "negative zero", "rate", "groningen", "2020", -0.0, 0, 0, 1 },
	/* One value range (OBS_VALUE_MAX): what is accepted can be stored. */
	{ "largest storable", "rate", "groningen", "2020", 1e300, 0, 0, 1 },
	{ "smallest storable", "rate", "groningen", "2020", -1e300, 0, 0, 1 },
	{ "past the range", "rate", "groningen", "2020", 1e301, 0, 0, 0 },
	{ "largest double", "rate", "groningen", "2020", DBL_MAX, 0, 0, 0 },
	{ "smallest double", "rate", "groningen", "2020", -DBL_MAX, 0, 0, 0 },
	{ "subnormal", "rate", "groningen", "2020", DBL_MIN / 4, 0, 0, 1 },
	{ "provisional 2", "rate", "groningen", "2020", 1, 0, 2, 1 },
	{ "missing", "rate", "groningen", "2020", 0, 1, 0, 1 },
	{ "missing NaN", "rate", "groningen", "2020", NAN, 1, 0, 1 },
	{ "missing inf", "rate", "groningen", "2020", INFINITY, 1, 0, 1 },
	{ "missing, a value", "rate", "groningen", "2020", 5, 1, 0, 1 },
	{ "NaN", "rate", "groningen", "2020", NAN, 0, 0, 0 },
	{ "-NaN", "rate", "groningen", "2020", -NAN, 0, 0, 0 },
	{ "inf", "rate", "groningen", "2020", INFINITY, 0, 0, 0 },
	{ "-inf", "rate", "groningen", "2020", -INFINITY, 0, 0, 0 },
	{ "unknown indicator", "ratio", "groningen", "2020", 1, 0, 0, 0 },
	{ "unknown region", "rate", "friesland", "2020", 1, 0, 0, 0 },
	{ "NULL indicator", NULL, "groningen", "2020", 1, 0, 0, 0 },
	{ "NULL region", "rate", NULL, "2020", 1, 0, 0, 0 },
	{ "NULL period", "rate", "groningen", NULL, 1, 0, 0, 0 },
	{ "empty indicator", "", "groningen", "2020", 1, 0, 0, 0 },
	{ "upper case id", "Rate", "groningen", "2020", 1, 0, 0, 0 },
	{ "id with a space", "rate", "gron ingen", "2020", 1, 0, 0, 0 },
	{ "id with a dash first", "-rate", "groningen", "2020", 1, 0, 0, 0 },
	{ "too long indicator", LONG_ID, "groningen", "2020", 1, 0, 0, 0 },
	{ "too long region", "rate", LONG_ID, "2020", 1, 0, 0, 0 },
	{ "period too early", "rate", "groningen", "1969", 1, 0, 0, 0 },
	{ "period too late", "rate", "groningen", "9999", 1, 0, 0, 0 },
	{ "month 13", "vacancies", "drenthe", "2020-13", 1, 0, 0, 0 },
	{ "quarter 5", "jobs-q", "drenthe", "2020-Q5", 1, 0, 0, 0 },
	{ "a week", "rate", "groningen", "2020W01", 1, 0, 0, 0 },
	{ "a half year", "rate", "groningen", "2020H1", 1, 0, 0, 0 },
	{ "empty period", "rate", "groningen", "", 1, 0, 0, 0 },
	{ "trailing text", "rate", "groningen", "2020 ", 1, 0, 0, 0 },
	{ "quarter of a year series", "rate", "groningen", "2020-Q1", 1, 0,
	    0, 0 },
	{ "month of a quarter series", "jobs-q", "drenthe", "2020-01", 1, 0,
	    0, 0 },
	{ "year of a month series", "vacancies", "drenthe", "2020", 1, 0, 0,
	    0 },
};

#define NCASES	(sizeof(cases) / sizeof(cases[0]))

static struct regiomon	 rm;
static struct source	 src;

static int
setup(void **unused)
{
	(void)unused;
	log_init(0, 0);
	fh_reset();
	fh_add_indicator("rate", "year");
	fh_add_indicator("jobs-q", "quarter");
	fh_add_indicator("vacancies", "month");
	fh_add_region("groningen", "cbs", "PV20");
	fh_add_region("drenthe", "cbs", "PV22");
	/* The daemon's host looks at the fake host's catalog. */
	memset(&rm, 0, sizeof(rm));
	rm.catalog = &fh_cat;
	memset(&src, 0, sizeof(src));
	src.name = "agree";
	return 0;
}

static int
teardown(void **unused)
{
	(void)unused;
	fh_reset();
	return 0;
}

static void
to_rm_obs(const struct agree_case *c, struct rm_obs *o)
{
	memset(o, 0, sizeof(*o));
	o->indicator = c->indicator;
	o->region = c->region;
	o->period = c->period;
	o->value = c->value;
	o->missing = c->missing;
	o->provisional = c->provisional;
}

/* Each case alone, through a fresh daemon context. */
static void
test_each(void **unused)
{
	const struct rm_host	*daemon = host_table(), *fake = fh_host();
	const struct agree_case	*c;
	struct rm_ctx		*ctx;
	struct rm_obs		 o;
	FILE			*fp;
	size_t			 i;
	int			 drc, frc, bad = 0;

	(void)unused;
	for (i = 0; i < NCASES; i++) {
		c = &cases[i];
		to_rm_obs(c, &o);
		if ((fp = tmpfile()) == NULL)
			fail_msg("tmpfile: %s", strerror(errno));
		ctx = host_ctx_new(&rm, &src, fp, NULL);
		drc = daemon->emit(ctx, &o);
		assert_int_equal(host_ctx_failed(ctx), drc != RM_OK);
		host_ctx_free(ctx);
		/* An accepted observation is a line for the parent. */
		assert_int_equal(ftell(fp) > 0, drc == RM_OK);
		fclose(fp);
		fh_clear();
		frc = fake->emit(fh_ctx(), &o);
		assert_int_equal(fh_nobs(), frc == RM_OK);
		if (drc != frc || (drc == RM_OK) != c->ok) {
			fh_dump(stderr);
			fprintf(stderr, "case %zu (%s): daemon %s, fake host "
			    "%s, expected both to %s\n", i, c->what,
			    drc == RM_OK ? "accepts" : "refuses",
			    frc == RM_OK ? "accepts" : "refuses",
			    c->ok ? "accept" : "refuse");
			bad++;
		}
	}
	if (bad)
		fail_msg("%d of %zu cases: the hosts disagree or are wrong "
		    "(see above); fix tests/host/fakehost.c to call what "
		    "daemon/run/host.c calls", bad, NCASES);
}

/*
 * All cases one after another through one daemon context: its cache of
 * the last accepted series must not let a later case through.
 */
static void
test_sequence(void **unused)
{
	const struct rm_host	*daemon = host_table(), *fake = fh_host();
	struct rm_ctx		*ctx;
	struct rm_obs		 o;
	FILE			*fp;
	size_t			 i, nok = 0;
	int			 drc, frc;

	(void)unused;
	if ((fp = tmpfile()) == NULL)
		fail_msg("tmpfile: %s", strerror(errno));
	ctx = host_ctx_new(&rm, &src, fp, NULL);
	fh_clear();
	for (i = 0; i < NCASES; i++) {
		to_rm_obs(&cases[i], &o);
		drc = daemon->emit(ctx, &o);
		frc = fake->emit(fh_ctx(), &o);
		if (drc != frc || (drc == RM_OK) != cases[i].ok)
			fail_msg("case %zu (%s) in sequence: daemon %d, fake "
			    "host %d, expected %s", i, cases[i].what, drc, frc,
			    cases[i].ok ? "RM_OK" : "RM_ERR");
		nok += drc == RM_OK;
	}
	assert_true(host_ctx_failed(ctx));
	host_ctx_free(ctx);
	fclose(fp);
	assert_int_equal(fh_nobs(), nok);
	assert_int_equal(fh_nrefused(), NCASES - nok);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_each, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sequence, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
