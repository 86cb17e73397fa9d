/* SPDX-License-Identifier: ISC */
/*
 * test_exec.c: the exec plugin through the fake host: observation lines
 * read exactly like the daemon reads them, durations, the clean
 * environment and the PATH lookup, real runs of /bin/sh (stdout, stderr,
 * exit status, a lost last newline, the timeout), and every config error
 * with its JSON path.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "plugtest.c"
#include "../../plugins/lib/strv.c"
#include "../../plugins/exec/config.c"
#include "../../plugins/exec/output.c"
#include "../../plugins/exec/main.c"

static int
setup(void **unused)
{
	(void)unused;
	fh_reset();
	fh_add_indicator("unemployment-rate", "year");
	fh_add_indicator("vacancies", "quarter");
	fh_add_indicator("jobseekers", "month");
	fh_add_region("groningen", NULL, NULL);
	fh_add_region("drenthe", NULL, NULL);
	memset(&plug, 0, sizeof(plug));
	assert_int_equal(rm_plugin_init(fh_host(), &plug), RM_OK);
	return 0;
}

static int
teardown(void **unused)
{
	(void)unused;
	fh_reset();
	return 0;
}

/* Run /bin/sh -c script with the extra config; collect's status. */
static int
sh(const char *script, const char *extra)
{
	json_t	*conf;
	char	*text, *cfg;
	void	*state;
	int	 rc;

	conf = json_pack("{s:[s,s,s]}", "command", "/bin/sh", "-c", script);
	text = json_dumps(conf, JSON_COMPACT);
	json_decref(conf);
	if (text == NULL)
		fail_msg("json_dumps");
	/* Splice extra keys in before the closing brace. */
	text[strlen(text) - 1] = '\0';
	if (asprintf(&cfg, "%s%s}", text, extra) == -1)
		fail_msg("asprintf");
	free(text);
	if (init_conf(cfg, &state) != RM_OK) {
		fh_dump(stderr);
		fail_msg("init refused %s", cfg);
	}
	free(cfg);
	rc = plug.collect(fh_ctx(), state);
	plug.fini(state);
	if (getenv("FAKEHOST_VERBOSE") != NULL)
		fh_dump(stderr);
	return rc;
}

static int
line(const char *s)
{
	return ex_obs_line(fh_ctx(), s, strlen(s), 7);
}

static void
test_lines(void **unused)
{
	(void)unused;
	assert_int_equal(line("{\"indicator\": \"vacancies\", \"region\": "
	    "\"drenthe\", \"period\": \"2023KW02\", "
	    "\"value\": 0.30000000000000004, \"status\": \"provisional\", "
	    "\"source\": \"s\", \"note\": \"n\"}"), 0);
	assert_int_equal(line("  \t"), 0);
	assert_int_equal(line("{\"indicator\": \"unemployment-rate\", "
	    "\"region\": \"groningen\", \"period\": \"2020\"}"), 0);
	assert_int_equal(fh_nobs(), 2);
	check_obs(0, "vacancies", "drenthe", "2023-Q2", 0.1 + 0.2, 0, 1);
	check_obs(1, "unemployment-rate", "groningen", "2020", 0, 1, 0);

	assert_int_equal(line("[1]"), -1);
	expect_log_at(RM_LOG_ERR, "program output line 7: expected a JSON "
	    "object");
	assert_int_equal(line("{\"indicator\": \"vacancies\"}"), -1);
	expect_log_at(RM_LOG_ERR, "expected \"indicator\" and \"region\" "
	    "strings");
	assert_int_equal(line("{\"indicator\": \"vacancies\", \"region\": "
	    "\"drenthe\", \"period\": \"Q2 2023\", \"value\": 1}"), -1);
	expect_log_at(RM_LOG_ERR, "\"period\": expected 2020, 2020-Q3 or "
	    "2020-07");
	assert_int_equal(line("{\"indicator\": \"vacancies\", \"region\": "
	    "\"drenthe\", \"period\": \"2020\", \"value\": true}"), -1);
	expect_log_at(RM_LOG_ERR, "\"value\": expected a number or null");
	assert_int_equal(line("{\"indicator\": \"vacancies\", \"region\": "
	    "\"drenthe\", \"period\": \"2020\", \"status\": null}"), -1);
	expect_log_at(RM_LOG_ERR, "\"status\": expected \"final\" or "
	    "\"provisional\"");
	assert_int_equal(line("{\"indicator\": \"vacancies\", \"region\": "
	    "\"drenthe\", \"period\": \"2020\", \"Value\": 1}"), -1);
	expect_log_at(RM_LOG_ERR, "unknown key \"Value\"");
	assert_int_equal(line("{\"indicator\": \"jobs\", \"region\": "
	    "\"drenthe\", \"period\": \"2020\", \"value\": 1}"), -1);
	expect_log_at(RM_LOG_ERR, "program output line 7: observation refused");
	assert_int_equal(line("{\"indicator\": "), -1);
	expect_log_at(RM_LOG_ERR, "program output line 7: not JSON");
	assert_int_equal(fh_nobs(), 2);
}

static void
test_duration(void **unused)
{
	long	 s;

	(void)unused;
	assert_int_equal(ex_duration("90s", &s), 0);
	assert_int_equal(s, 90);
	assert_int_equal(ex_duration("5m", &s), 0);
	assert_int_equal(s, 300);
	assert_int_equal(ex_duration("1d", &s), 0);
	assert_int_equal(s, 86400);
	assert_int_equal(ex_duration("2d", &s), -1);
	assert_int_equal(ex_duration("0s", &s), -1);
	assert_int_equal(ex_duration("5", &s), -1);
	assert_int_equal(ex_duration("5mm", &s), -1);
	assert_int_equal(ex_duration("-5s", &s), -1);
	assert_int_equal(ex_duration(" 5s", &s), -1);
}

static void
test_env_and_path(void **unused)
{
	struct ex_state	*st;
	char		*prog;

	(void)unused;
	assert_int_equal(init_conf("{\"command\": [\"sh\", \"-c\", \"true\"], "
	    "\"env\": {\"LANG\": \"nl_NL.UTF-8\", \"TOKEN_FILE\": \"/k\"}}",
	    (void **)&st), RM_OK);
	assert_int_equal(st->nenv, 3);
	assert_string_equal(st->envp[0], "PATH=/usr/bin:/bin");
	assert_string_equal(st->envp[1], "LANG=nl_NL.UTF-8");
	assert_string_equal(st->envp[2], "TOKEN_FILE=/k");
	assert_null(st->envp[3]);
	prog = ex_resolve(fh_ctx(), st);
	assert_non_null(prog);
	assert_string_equal(prog, "/usr/bin/sh");
	free(prog);
	ex_fini(st);

	assert_int_equal(init_conf("{\"command\": [\"sh\"], \"env\": "
	    "{\"PATH\": \"/nonexistent:/also/not\"}}", (void **)&st), RM_OK);
	assert_null(ex_resolve(fh_ctx(), st));
	expect_log_at(RM_LOG_ERR, "command[0]: \"sh\" not found in PATH "
	    "/nonexistent:/also/not");
	ex_fini(st);
}

static void
test_runs(void **unused)
{
	(void)unused;
	assert_int_equal(sh("echo '{\"indicator\": \"jobseekers\", "
	    "\"region\": \"groningen\", \"period\": \"2020-07\", "
	    "\"value\": 12}'; echo 'fetched 1 row' >&2; "
	    "printf '{\"indicator\": \"jobseekers\", \"region\": "
	    "\"drenthe\", \"period\": \"2020M08\", \"value\": 1.5}'", ""),
	    RM_OK);
	assert_int_equal(fh_nobs(), 2);
	check_obs(0, "jobseekers", "groningen", "2020-07", 12, 0, 0);
	/* The last line lost its newline: read anyway at end of file. */
	check_obs(1, "jobseekers", "drenthe", "2020-08", 1.5, 0, 0);
	expect_log_at(RM_LOG_NOTICE, "program stderr: fetched 1 row");

	setup(NULL);
	assert_int_equal(sh("echo \"$HOME$USER\" >&2; exit 3", ""), RM_ERR);
	expect_log_at(RM_LOG_ERR, "program /bin/sh exited with status 3");
	/* Nothing of the daemon's environment: an empty line on stderr. */
	expect_log_at(RM_LOG_NOTICE, "program stderr: ");
	assert_false(fh_log_has(-1, "root"));

	setup(NULL);
	assert_int_equal(sh("kill -9 $$", ""), RM_ERR);
	expect_log_at(RM_LOG_ERR, "program /bin/sh was killed by signal 9");

	setup(NULL);
	assert_int_equal(sh("echo oops; sleep 30", ""), RM_ERR);
	expect_log_at(RM_LOG_ERR, "program output line 1: not JSON");

	setup(NULL);
	assert_int_equal(sh("sleep 30", ", \"timeout\": \"1s\""), RM_ERR);
	expect_log_at(RM_LOG_ERR, "program /bin/sh did not finish within 1s; "
	    "killed it and its process group");

	/* Pipes closed, still running: the timeout holds all the same. */
	setup(NULL);
	assert_int_equal(sh("exec >&- 2>&-; sleep 30", ", \"timeout\": "
	    "\"1s\""), RM_ERR);
	expect_log_at(RM_LOG_ERR, "did not finish within 1s");
}

static void
test_conf_errors(void **unused)
{
	void	*st;

	(void)unused;
	assert_int_equal(init_conf("{\"comand\": [\"x\"]}", &st), RM_ERR);
	assert_null(st);
	expect_conf_error("comand", "did you mean \"command\"?");
	expect_conf_error("command", "missing: give the program");
	assert_int_equal(init_conf("{\"command\": \"/bin/sh -c x\", "
	    "\"env\": [], \"timeout\": 30}", &st), RM_ERR);
	expect_conf_error("command", "expected a non-empty list");
	expect_conf_error("env", "expected an object");
	expect_conf_error("timeout", "expected a duration");
	assert_int_equal(init_conf("{\"command\": [\"\", 1], \"env\": "
	    "{\"1X\": \"a\", \"\": \"b\", \"OK\": \"c\"}}", &st), RM_ERR);
	expect_conf_error("command[0]", "expected a string naming the "
	    "program");
	expect_conf_error("command[1]", "expected a string");
	expect_conf_error("env.1X", "expected a variable name");
	expect_conf_error("env.", "expected a variable name");
	assert_int_equal(init_conf("{\"command\": [\"/nonexistent/x\"]}", &st),
	    RM_ERR);
	expect_conf_error("command[0]", "/nonexistent/x: No such file or "
	    "directory");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lines, setup, teardown),
		cmocka_unit_test(test_duration),
		cmocka_unit_test_setup_teardown(test_env_and_path, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_runs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conf_errors, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
