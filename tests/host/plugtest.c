/* SPDX-License-Identifier: ISC */
/*
 * plugtest.c: the helpers of the plugin unit tests (cmocka), on the fake
 * host (fakehost.c, included here).  Include it after <cmocka.h> and
 * before the plugin's sources; the test's setup() fills in the catalog
 * and calls rm_plugin_init(fh_host(), &plug).
 */
#include "fakehost.c"

static struct rm_plugin	 plug;

/* A test may leave some of these unused. */
#define PT_UNUSED	__attribute__((__unused__))
static int	init_conf(const char *, void **) PT_UNUSED;
static int	run(const char *, const char *) PT_UNUSED;
static void	check_obs(size_t, const char *, const char *, const char *,
		    double, int, int) PT_UNUSED;
static void	expect_log_at(int, const char *) PT_UNUSED;
static void	expect_log(const char *) PT_UNUSED;
static void	expect_conf_error(const char *, const char *) PT_UNUSED;

/* init() with the JSON text conf; RM_OK or RM_ERR. */
static int
init_conf(const char *text, void **state)
{
	json_error_t	 jerr;
	json_t		*conf;
	int		 rc;

	if ((conf = json_loads(text, 0, &jerr)) == NULL)
		fail_msg("bad test JSON: %s", jerr.text);
	*state = NULL;
	rc = plug.init(fh_ctx(), conf, state);
	json_decref(conf);
	return rc;
}

/*
 * init() and collect() with body as every GET's answer (NULL: the last
 * one set, or http.c); collect's status.  init must accept conf.
 */
static int
run(const char *conf, const char *body)
{
	void	*state;
	int	 rc;

	if (body != NULL)
		fh_set_body(body);
	if (init_conf(conf, &state) != RM_OK) {
		fh_dump(stderr);
		fail_msg("init refused %s", conf);
	}
	rc = plug.collect(fh_ctx(), state);
	plug.fini(state);
	if (getenv("FAKEHOST_VERBOSE") != NULL)
		fh_dump(stderr);
	return rc;
}

/* Observation i is this one; values must come through bit-exact. */
static void
check_obs(size_t i, const char *ind, const char *reg, const char *per,
    double value, int missing, int provisional)
{
	const struct fh_obs	*o = fh_obs(i);

	if (o == NULL) {
		fh_dump(stderr);
		fail_msg("no observation %zu", i);
	}
	assert_string_equal(o->indicator, ind);
	assert_string_equal(o->region, reg);
	assert_string_equal(o->period, per);
	assert_int_equal(o->missing, missing);
	assert_int_equal(o->provisional, provisional);
	if (!missing && o->value != value)
		fail_msg("obs %zu: value %.17g, expected %.17g", i, o->value,
		    value);
}

/* A log line at prio containing text. */
static void
expect_log_at(int prio, const char *text)
{
	if (!fh_log_has(prio, text)) {
		fh_dump(stderr);
		fail_msg("no log line <%d> containing: %s", prio, text);
	}
}

/* An error log line containing text. */
static void
expect_log(const char *text)
{
	expect_log_at(RM_LOG_ERR, text);
}

/* A config error at exactly path containing text. */
static void
expect_conf_error(const char *path, const char *text)
{
	if (!fh_conf_error_has(path, text)) {
		fh_dump(stderr);
		fail_msg("no config error at %s containing: %s", path, text);
	}
}
