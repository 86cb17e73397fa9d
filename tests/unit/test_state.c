/* SPDX-License-Identifier: ISC */
/*
 * test_state.c: state.c in a temp state dir: a missing file gives the
 * empty skeleton, save and load round-trip, and a corrupt file is moved
 * aside (never overwritten, never lost) and replaced by a fresh state.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <ftw.h>
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

#include "tmpdir.c"

static char *
file_in(const char *dir, const char *name)
{
	char	*p;

	if (asprintf(&p, "%s/%s", dir, name) == -1)
		fail();
	return p;
}

static void
put(const char *dir, const char *name, const char *text)
{
	char	*p = file_in(dir, name);
	FILE	*fp;

	assert_non_null(fp = fopen(p, "w"));
	fputs(text, fp);
	fclose(fp);
	free(p);
}

/* The contents of dir/name, or NULL if it does not exist.  New. */
static char *
get(const char *dir, const char *name)
{
	char	*p = file_in(dir, name), *buf;
	FILE	*fp;
	long	 len;

	if ((fp = fopen(p, "r")) == NULL) {
		free(p);
		return NULL;
	}
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	rewind(fp);
	assert_non_null(buf = calloc(1, (size_t)len + 1));
	assert_int_equal(fread(buf, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	free(p);
	return buf;
}

static int
count_files(const char *dir)
{
	DIR		*dp;
	struct dirent	*de;
	int		 n = 0;

	assert_non_null(dp = opendir(dir));
	while ((de = readdir(dp)) != NULL)
		n += de->d_name[0] != '.';
	closedir(dp);
	return n;
}

static void
assert_skeleton(json_t *s)
{
	json_t	*want;

	want = json_loads("{\"version\":1,\"series\":{},\"sources\":{}}", 0,
	    NULL);
	assert_non_null(want);
	assert_non_null(s);
	assert_true(json_equal(s, want));
	json_decref(want);
}

static void
test_missing(void **state)
{
	const char	*dir = *state;
	json_t		*s;

	s = state_load(dir, 0);
	assert_skeleton(s);
	json_decref(s);
	/* Loading creates nothing. */
	assert_int_equal(count_files(dir), 0);
}

static void
test_round_trip(void **state)
{
	const char	*dir = *state;
	json_t		*s, *ser, *src, *again;
	char		*text;

	s = state_load(dir, 0);
	ser = state_series(s, "unemployment-rate", "gm0014");
	assert_non_null(ser);
	assert_true(json_is_object(ser));
	assert_int_equal(json_object_size(ser), 0);
	json_object_set_new(ser, "provisional", json_pack("[s]", "2024"));
	json_object_set_new(ser, "updated", json_integer(1700000000));
	/* The same object again, not a new one. */
	assert_ptr_equal(state_series(s, "unemployment-rate", "gm0014"), ser);
	assert_ptr_equal(json_object_get(json_object_get(s, "series"),
	    "unemployment-rate/gm0014"), ser);
	src = state_source(s, "cbs-statline");
	json_object_set_new(src, "last_fetch", json_integer(1700000001));
	json_object_set_new(src, "status", json_string("ok \"quoted\" é"));
	assert_ptr_equal(state_source(s, "cbs-statline"), src);
	assert_int_equal(state_save(dir, s), 0);

	again = state_load(dir, 0);
	assert_non_null(again);
	assert_true(json_equal(s, again));
	assert_int_equal(json_integer_value(json_object_get(
	    state_source(again, "cbs-statline"), "last_fetch")), 1700000001);

	/* Sorted keys, one-space indent, final newline; no temp file left. */
	text = get(dir, "state.json");
	assert_non_null(text);
	assert_non_null(strstr(text, "{\n \"series\": {\n  "
	    "\"unemployment-rate/gm0014\": {"));
	assert_true(strstr(text, "\"series\"") < strstr(text, "\"sources\"") &&
	    strstr(text, "\"sources\"") < strstr(text, "\"version\""));
	assert_int_equal(text[strlen(text) - 1], '\n');
	assert_int_equal(count_files(dir), 1);
	free(text);

	/* Saving again replaces the file. */
	json_object_set_new(ser, "fresh", json_true());
	assert_int_equal(state_save(dir, s), 0);
	json_decref(again);
	again = state_load(dir, 0);
	assert_true(json_is_true(json_object_get(state_series(again,
	    "unemployment-rate", "gm0014"), "fresh")));
	json_decref(again);
	json_decref(s);
}

/*
 * Write text as state.json and load it: an empty state comes back, for a
 * readonly reader marked "unreadable" (status --exit-status cannot judge
 * it).
 */
static void
load_skeleton(const char *dir, const char *text, int readonly)
{
	json_t	*s;

	put(dir, "state.json", text);
	s = state_load(dir, readonly);
	assert_non_null(s);
	assert_int_equal(json_is_true(json_object_get(s, "unreadable")),
	    readonly);
	json_object_del(s, "unreadable");
	assert_skeleton(s);
	json_decref(s);
}

/* The file dir/name exists and, unless want is NULL, holds want. */
static void
assert_file(const char *dir, const char *name, const char *want)
{
	char	*text = get(dir, name);

	assert_non_null(text);
	if (want != NULL)
		assert_string_equal(text, want);
	free(text);
}

static void
test_corrupt(void **state)
{
	static const char bad[] = "{\"version\": 1, \"series\": {\n  \"a\": ";
	static const char newer[] = "{\"version\": 2, \"series\": {}}";
	const char	*dir = *state;
	json_t		*s;

	load_skeleton(dir, bad, 0);
	/* Moved aside byte for byte; state.json is gone until saved. */
	assert_file(dir, "state.json.corrupt", bad);
	assert_null(get(dir, "state.json"));

	/* A second corrupt file does not replace the first. */
	load_skeleton(dir, "[1, 2, 3]\n", 0);
	assert_file(dir, "state.json.corrupt", bad);
	assert_file(dir, "state.json.corrupt.1", "[1, 2, 3]\n");

	/* A command that never saves leaves a corrupt file where it is. */
	load_skeleton(dir, "[4]\n", 1);
	assert_file(dir, "state.json", "[4]\n");
	assert_null(get(dir, "state.json.corrupt.2"));

	/* A newer regiomon's file is not ours to discard: refused, kept. */
	put(dir, "state.json", newer);
	assert_null(state_load(dir, 0));
	assert_file(dir, "state.json", newer);
	assert_null(get(dir, "state.json.corrupt.2"));

	/* Valid JSON but the wrong shape or version is corrupt too. */
	load_skeleton(dir, "{\"version\": 0, \"series\": {}}", 0);
	assert_file(dir, "state.json.corrupt.2", NULL);
	load_skeleton(dir, "{\"version\": 1, \"series\": []}", 0);
	assert_file(dir, "state.json.corrupt.3", NULL);

	/* Missing top-level objects are filled in, not treated as corrupt. */
	put(dir, "state.json", "{\"version\": 1}");
	s = state_load(dir, 0);
	assert_skeleton(s);
	assert_int_equal(state_save(dir, s), 0);
	json_decref(s);
	assert_null(get(dir, "state.json.corrupt.4"));
}

/*
 * state.json is read a series at a time (each eval packed as it comes);
 * whatever the layout, the state is the one a whole parse and packing
 * give, and what the series reader does not take (a duplicate key) is
 * still judged by the whole parse: corrupt, set aside.
 */
static void
test_read_by_series(void **state)
{
	static const char *docs[] = {
		"{\"version\": 1, \"series\": {\"a/b\": {\"eval\": "
		    "{\"state\": \"ok\", \"latest\": {\"value\": 4.4}}, "
		    "\"provisional\": [\"2024\"]}, \"a/\\u00e9\\\"q\": "
		    "{\"eval\": 7}, \"c/d\": {}, \"e/f\": 3}, "
		    "\"sources\": {\"s\": {\"mark\": \"x,}{\"}}}",
		"\r\n\t{ \"sources\" : { } , \"version\" :1,\"series\":"
		    "{ } }\n\n",
		"{\"series\": {\"a/b\": {\"eval\": {\"x\": [1, {\"y\": "
		    "null}]}}}, \"version\": 1}",
	};
	const char	*dir = *state;
	json_t		*s, *want, *ss, *ev;
	const char	*key;
	char		*text;
	size_t		 i;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		/* Taken by the series reader, not left to the whole parse. */
		s = state_read(docs[i], strlen(docs[i]));
		assert_non_null(s);
		json_decref(s);
		put(dir, "state.json", docs[i]);
		s = state_load(dir, 0);
		assert_non_null(s);
		assert_null(get(dir, "state.json.corrupt"));
		/* The whole parse, evals packed as state_eval_put does. */
		assert_non_null(want = json_loads(docs[i], 0, NULL));
		json_object_foreach(json_object_get(want, "series"), key,
		    ss) {
			if (!json_is_object(ev = json_object_get(ss, "eval")))
				json_object_del(ss, "eval");
			else
				state_eval_put(ss, ev);
		}
		if (json_object_get(want, "sources") == NULL)
			json_object_set_new(want, "sources", json_object());
		if (!json_equal(s, want)) {
			text = json_dumps(s, JSON_SORT_KEYS);
			fail_msg("doc %zu read as %s", i, text);
		}
		json_decref(want);
		json_decref(s);
	}
	text = "{\"version\": 1, \"series\": {\"a/b\": {}, \"a/b\": {}}}";
	assert_null(state_read(text, strlen(text)));
	assert_null(state_read("{\"version\": 1} x", 16));
	/* Duplicates deeper down too: the whole parse refuses them. */
	text = "{\"series\": {\"a/b\": {\"source\": \"x\", \"source\": "
	    "\"y\"}}, \"version\": 1}";
	assert_null(state_read(text, strlen(text)));
	load_skeleton(dir, text, 0);
	assert_file(dir, "state.json.corrupt", NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_trip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_corrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_by_series, setup,
		    teardown),
	};

	log_init(0, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
