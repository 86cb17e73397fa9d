/* SPDX-License-Identifier: ISC */
/*
 * test_silence.c: silence.c in a temp state dir: dates and their end of
 * day, add/save/load round trips with ids never reused, matching (one
 * region beats every region, expired ones stop), and a broken file
 * reported with its JSON path and left untouched.
 */
#include <sys/stat.h>

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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

#include "tmpdir.c"

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

static void
put(const char *dir, const char *text)
{
	char	*p = silence_path(dir);
	FILE	*fp;

	assert_non_null(fp = fopen(p, "w"));
	fputs(text, fp);
	fclose(fp);
	free(p);
}

static char *
get(const char *dir)
{
	char	*p = silence_path(dir), *buf;
	FILE	*fp;
	long	 len;

	assert_non_null(fp = fopen(p, "r"));
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	rewind(fp);
	assert_non_null(buf = calloc(1, (size_t)len + 1));
	assert_int_equal(fread(buf, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	free(p);
	return buf;
}

/* "until DATE" covers DATE: it ends at 00:00 UTC the next day. */
static void
test_dates(void **state)
{
	static const char *const bad[] = {
		"2027-02-29", "2027-13-01", "2027-00-10", "2027-04-31",
		"27-01-01", "2027-1-01", "2027-01-1", "2027-01-31x",
		"2027/01/31", "", "1969-12-31", "2027-01-3a",
	};
	time_t	 t;
	size_t	 i;

	(void)state;
	assert_int_equal(silence_date_parse("2027-01-31", &t), 0);
	assert_true(t == utc(2027, 2, 1));
	assert_int_equal(silence_date_parse("2028-02-29", &t), 0);
	assert_true(t == utc(2028, 3, 1));
	assert_int_equal(silence_date_parse("2026-12-31", &t), 0);
	assert_true(t == utc(2027, 1, 1));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (silence_date_parse(bad[i], &t) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
	assert_int_equal(silence_date_parse(NULL, &t), -1);
}

static void
test_comments(void **state)
{
	(void)state;
	assert_true(silence_comment_ok("CBS revision of 2023"));
	assert_true(silence_comment_ok("Súdwest-Fryslân herindeling"));
	assert_false(silence_comment_ok(""));
	assert_false(silence_comment_ok("   "));
	assert_false(silence_comment_ok("two\nlines"));
	assert_false(silence_comment_ok("tab\there"));
	assert_false(silence_comment_ok(NULL));
}

/* Saved and loaded back equal; ids grow and are never reused. */
static void
test_round_trip(void **state)
{
	const char	*dir = *state;
	struct silences	 ss;
	struct diags	 d;
	time_t		 now = utc(2026, 11, 28), ends;
	char		*text;

	memset(&d, 0, sizeof(d));
	assert_int_equal(silences_load(dir, &ss, &d), 0);
	assert_int_equal(ss.n, 0);
	assert_int_equal(silence_date_parse("2027-01-31", &ends), 0);
	assert_int_equal(silence_add(&ss, "unemployment-rate", "groningen",
	    "2027-01-31", ends, "CBS methodebreuk", now), 1);
	assert_int_equal(silence_add(&ss, "jobs", "", "2027-01-31", ends,
	    "herziening", now), 2);
	assert_int_equal(silence_add(&ss, "rd-spend", NULL, "2027-01-31",
	    ends, "x", now), 3);
	assert_int_equal(silence_remove(&ss, 3), 0);
	assert_int_equal(silence_remove(&ss, 3), -1);
	assert_int_equal(silences_save(dir, &ss), 0);
	silences_free(&ss);

	text = get(dir);
	assert_non_null(strstr(text, "\"comment\": \"CBS methodebreuk\""));
	assert_non_null(strstr(text, "\"created\": \"2026-11-28T00:00:00Z\""));
	free(text);

	assert_int_equal(silences_load(dir, &ss, &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(ss.n, 2);
	assert_int_equal(ss.v[0].id, 1);
	assert_string_equal(ss.v[0].indicator, "unemployment-rate");
	assert_string_equal(ss.v[0].region, "groningen");
	assert_string_equal(ss.v[0].until, "2027-01-31");
	assert_true(ss.v[0].ends == ends);
	assert_string_equal(ss.v[0].comment, "CBS methodebreuk");
	assert_string_equal(ss.v[1].region, "");
	/* Id 3 was removed, but it is not given out again. */
	assert_int_equal(silence_add(&ss, "jobs", "rga", "2027-01-31", ends,
	    "y", now), 4);
	silences_free(&ss);
}

/*
 * Matching: the indicator must agree; a silence naming the region beats
 * one for every region; from the end of the until day on, none matches.
 */
static void
test_match(void **state)
{
	struct silences		 ss;
	const struct silence	*s;
	time_t			 now = utc(2026, 11, 28), e1, e2;

	(void)state;
	memset(&ss, 0, sizeof(ss));
	assert_int_equal(silence_date_parse("2026-12-31", &e1), 0);
	assert_int_equal(silence_date_parse("2027-06-30", &e2), 0);
	silence_add(&ss, "jobs", "", "2026-12-31", e1, "all regions", now);
	silence_add(&ss, "jobs", "rga", "2027-06-30", e2, "rga only", now);
	assert_null(silence_match(&ss, "labour-force", "rga", now));
	assert_non_null(s = silence_match(&ss, "jobs", "rga", now));
	assert_string_equal(s->comment, "rga only");
	assert_non_null(s = silence_match(&ss, "jobs", "nl", now));
	assert_string_equal(s->comment, "all regions");
	/* The last second of 2026-12-31 is still covered... */
	assert_non_null(silence_match(&ss, "jobs", "nl", e1 - 1));
	assert_false(silence_expired(&ss.v[0], e1 - 1));
	/* ...midnight is not. */
	assert_null(silence_match(&ss, "jobs", "nl", e1));
	assert_true(silence_expired(&ss.v[0], e1));
	assert_non_null(silence_match(&ss, "jobs", "rga", e1));
	assert_null(silence_match(&ss, "jobs", "rga", e2));
	silences_free(&ss);
}

/* Every problem is reported with its path; the file is not touched. */
static void
test_bad_file(void **state)
{
	const char	*dir = *state;
	struct silences	 ss;
	struct diags	 d;
	char		*text;
	size_t		 i;
	int		 seen_until = 0, seen_key = 0, seen_comment = 0;
	static const char doc[] =
	    "{\"version\": 1, \"silences\": [\n"
	    " {\"id\": 1, \"indicator\": \"jobs\", \"until\": \"2027-02-30\","
	    " \"comment\": \"x\"},\n"
	    " {\"id\": 2, \"indicator\": \"jobs\", \"until\": \"2027-02-01\","
	    " \"coment\": \"x\"}]}\n";

	memset(&d, 0, sizeof(d));
	put(dir, doc);
	assert_int_equal(silences_load(dir, &ss, &d), -1);
	assert_int_equal(ss.n, 0);
	for (i = 0; i < d.n; i++) {
		if (d.v[i].where != NULL &&
		    strcmp(d.v[i].where, "silences[0].until") == 0 &&
		    strstr(d.v[i].msg, "\"2027-02-30\"") != NULL)
			seen_until = 1;
		if (d.v[i].where != NULL &&
		    strcmp(d.v[i].where, "silences[1]") == 0 &&
		    strstr(d.v[i].msg, "did you mean \"comment\"") != NULL)
			seen_key = 1;
		if (d.v[i].where != NULL &&
		    strcmp(d.v[i].where, "silences[1]") == 0 &&
		    strstr(d.v[i].msg, "missing required key \"comment\"") !=
		    NULL)
			seen_comment = 1;
		assert_non_null(strstr(d.v[i].file, "silences.json"));
	}
	assert_true(seen_until);
	assert_true(seen_key);
	assert_true(seen_comment);
	diag_free(&d);
	text = get(dir);
	assert_string_equal(text, doc);
	free(text);

	/* A syntax error names the line and column. */
	put(dir, "{\"version\": 1,\n \"silences\": [}\n");
	assert_int_equal(silences_load(dir, &ss, &d), -1);
	assert_int_equal(d.n, 1);
	assert_non_null(strstr(d.v[0].file, "silences.json:2:"));
	diag_free(&d);
}

/*
 * Ids stop at 999999999 (fuzz_silences found id LONG_MAX making next_id
 * wrap): a larger one is refused, and past the last id nothing is added.
 */
static void
test_last_id(void **state)
{
	const char	*dir = *state;
	struct silences	 ss;
	struct diags	 d;

	memset(&d, 0, sizeof(d));
	put(dir, "{\"version\": 1, \"silences\": [{\"id\": "
	    "9223372036854775807, \"indicator\": \"jobs\", \"until\": "
	    "\"2027-01-31\", \"comment\": \"x\"}]}");
	assert_int_equal(silences_load(dir, &ss, &d), -1);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].where, "silences[0].id");
	assert_string_equal(d.v[0].msg,
	    "expected an integer from 1 to 999999999");
	diag_free(&d);

	put(dir, "{\"version\": 1, \"next_id\": 1000000001, "
	    "\"silences\": []}");
	assert_int_equal(silences_load(dir, &ss, &d), -1);
	assert_string_equal(d.v[0].msg,
	    "expected an integer from 1 to 1000000000");
	diag_free(&d);

	put(dir, "{\"version\": 1, \"silences\": [{\"id\": 999999998, "
	    "\"indicator\": \"jobs\", \"until\": \"2027-01-31\", "
	    "\"comment\": \"x\"}]}");
	assert_int_equal(silences_load(dir, &ss, &d), 0);
	assert_int_equal(silence_add(&ss, "jobs", "rga", "2027-01-31",
	    utc(2027, 2, 1), "y", 0), 999999999);
	assert_int_equal(ss.next_id, 1000000000);
	assert_int_equal(silence_add(&ss, "jobs", "rga", "2027-01-31",
	    utc(2027, 2, 1), "z", 0), -1);
	assert_int_equal(ss.n, 2);
	assert_int_equal(silences_save(dir, &ss), 0);
	silences_free(&ss);
	assert_int_equal(silences_load(dir, &ss, &d), 0);
	assert_int_equal(ss.n, 2);
	assert_int_equal(ss.next_id, 1000000000);
	silences_free(&ss);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_comments),
		cmocka_unit_test_setup_teardown(test_round_trip, setup,
		    teardown),
		cmocka_unit_test(test_match),
		cmocka_unit_test_setup_teardown(test_bad_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_last_id, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
