/* SPDX-License-Identifier: ISC */
/*
 * test_cbs_flat.c: the cbs_statline plugin's in-place row scanner
 * (flat.c) against jansson, which it stands in for: whatever it takes
 * must be what jansson reads, value for value, and whatever it does not
 * take must leave the rows as they were.  Then the chunks it hands over,
 * the rows it leaves to jansson one at a time, and where it hands the
 * page back to jansson.
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

#include "fakehost.c"
#include "../../plugins/lib/strv.c"
#include "../../plugins/cbs_statline/codes.c"
#include "../../plugins/cbs_statline/combine.c"
#include "../../plugins/cbs_statline/config.c"
#include "../../plugins/cbs_statline/describe.c"
#include "../../plugins/cbs_statline/describe_src.c"
#include "../../plugins/cbs_statline/flat.c"
#include "../../plugins/cbs_statline/hints.c"
#include "../../plugins/cbs_statline/main.c"
#include "../../plugins/cbs_statline/meta.c"
#include "../../plugins/cbs_statline/obs.c"
#include "../../plugins/cbs_statline/odata.c"
#include "../../plugins/cbs_statline/resolve.c"
#include "../../plugins/cbs_statline/series.c"
#include "../../plugins/cbs_statline/status.c"
#include "../../plugins/cbs_statline/url.c"
#include "../../plugins/cbs_statline/v3.c"
#include "../../plugins/cbs_statline/v4.c"
#include "../../plugins/cbs_statline/widths.c"

#define SEED_ROW	"{\"ID\": 12, \"RegioS\": \"PV20  \", \"Perioden\": " \
			"\"2020JJ00\", \"A_1\": 4.4, \"B_2\": null, \"C_3\": " \
			"-0.5e-3, \"D_4\": \"       x\", \"E_5\": true}"

/*
 * Scan text once.  If the scanner takes it, jansson must read the same
 * text to the same end, as an object with the same members and values.
 * If not, the rows must be as they were.  Returns what the scan did.
 */
static int
check_against_jansson(const char *text, size_t len)
{
	struct cbs_flat		 f;
	const struct cbs_cell	*c;
	const char		*p = text, *key;
	json_error_t		 err;
	json_t			*o, *v;
	size_t			 nkeys = 0;
	int			 rc;

	memset(&f, 0, sizeof(f));
	rc = cbs_flat_scan(&f, &p, text + len);
	assert_int_not_equal(rc, -1);
	if (rc == 0) {
		assert_ptr_equal(p, text);
		assert_int_equal(f.nrows, 0);
		assert_int_equal(f.ncells, 0);
		cbs_flat_free(&f);
		return 0;
	}
	o = json_loadb(text, len, JSON_DISABLE_EOF_CHECK |
	    JSON_DECODE_INT_AS_REAL, &err);
	if (o == NULL)
		fail_msg("scanner took what jansson refuses (%s): %.*s",
		    err.text, (int)len, text);
	assert_int_equal((size_t)(p - text), err.position);
	assert_true(json_is_object(o));
	assert_int_equal(f.nrows, 1);
	json_object_foreach(o, key, v) {
		nkeys++;
		c = cbs_flat_get(&f, 0, key);
		assert_non_null(c);
		if (json_is_number(v)) {
			assert_int_equal(c->kind, CBS_CELL_NUMBER);
			assert_memory_equal(&c->num, &(double){
			    json_number_value(v)}, sizeof(double));
		} else if (json_is_string(v)) {
			assert_int_equal(c->kind, CBS_CELL_STRING);
			assert_int_equal(c->len, json_string_length(v));
			assert_memory_equal(c->text, json_string_value(v),
			    c->len);
		} else if (json_is_null(v))
			assert_int_equal(c->kind, CBS_CELL_NULL);
		else if (json_is_true(v))
			assert_int_equal(c->kind, CBS_CELL_TRUE);
		else if (json_is_false(v))
			assert_int_equal(c->kind, CBS_CELL_FALSE);
		else
			fail_msg("scanner took a nested value: %.*s", (int)len,
			    text);
	}
	/* Duplicate keys: as many cells, the last one found. */
	assert_true(f.ncells >= nkeys);
	json_decref(o);
	cbs_flat_free(&f);
	return 1;
}

static int
check_str(const char *text)
{
	return check_against_jansson(text, strlen(text));
}

static void
test_takes_plain_rows(void **unused)
{
	(void)unused;
	assert_int_equal(check_str(SEED_ROW), 1);
	assert_int_equal(check_str("{}"), 1);
	assert_int_equal(check_str("{ \"a\" :\t0 ,\n\"b\":\r\"\" }"), 1);
	assert_int_equal(check_str("{\"a\": 1E+2, \"b\": -0, \"c\": 0.25e9,"
	    " \"d\": false, \"e\": 123456789012345678901234567890}"), 1);
	assert_int_equal(check_str("{\"a\": 1e-400}"), 1);	/* underflow */
	assert_int_equal(check_str("{\"a\": 1, \"a\": 2} trailing"), 1);
}

static void
test_leaves_the_rest(void **unused)
{
	static const char *const no[] = {
		"{\"a\": \"x\\u0041\"}",	/* an escape */
		"{\"a\": \"\\\"\"}",
		"{\"a\": \"caf\xc3\xa9\"}",	/* valid UTF-8: jansson's */
		"{\"a\": \"\xff\"}",
		"{\"a\": \"tab\there\"}",	/* a control character */
		"{\"a\": [1]}", "{\"a\": {}}",
		"{\"a\": 01}", "{\"a\": 1.}", "{\"a\": .5}", "{\"a\": -}",
		"{\"a\": 1e}", "{\"a\": +1}", "{\"a\": 0x10}", "{\"a\": NaN}",
		"{\"a\": Infinity}", "{\"a\": 1e999}", "{\"a\": -1e400}",
		"{\"a\": nul}", "{\"a\": nullx}", "{\"a\": truee}",
		"{\"a\": 1,}", "{\"a\" 1}", "{a: 1}", "{\"a\": 1",
		"{\"a\": \"x", "[1, 2]", "\"row\"", "", "{\"a\": 1 \"b\": 2}",
	};
	size_t	 i;

	(void)unused;
	for (i = 0; i < NELEM(no); i++)
		if (check_str(no[i]) != 0)
			fail_msg("took %s", no[i]);
}

/*
 * 30,000 mutations of a row (a byte replaced, inserted or deleted, from
 * an alphabet of JSON's own characters and a few foreign ones): none may
 * be taken unless jansson reads it the same.  Both outcomes must occur,
 * or the test proves nothing.
 */
static void
test_mutations_agree_with_jansson(void **unused)
{
	static const char alpha[] = "{}[]\":,.-+eE0123456789 \t\nnultrfasx\\"
	    "\xff\xc3\x01";
	char		 buf[sizeof(SEED_ROW) + 8];
	size_t		 len, at, i, taken = 0, left = 0;
	unsigned	 seed = 20261129;
	int		 k, op;

	(void)unused;
	for (i = 0; i < 30000; i++) {
		memcpy(buf, SEED_ROW, sizeof(SEED_ROW));
		len = sizeof(SEED_ROW) - 1;
		for (k = 0; k < 1 + (int)(i % 3); k++) {
			seed = seed * 1103515245u + 12345u;
			at = (seed >> 8) % len;
			op = (int)((seed >> 4) % 3);
			seed = seed * 1103515245u + 12345u;
			if (op == 0)
				buf[at] = alpha[(seed >> 8) % (sizeof(alpha) -
				    1)];
			else if (op == 1 && len + 1 < sizeof(buf)) {
				memmove(buf + at + 1, buf + at, len - at);
				buf[at] = alpha[(seed >> 8) % (sizeof(alpha) -
				    1)];
				len++;
			} else if (len > 1) {
				memmove(buf + at, buf + at + 1, len - at - 1);
				len--;
			}
		}
		if (check_against_jansson(buf, len))
			taken++;
		else
			left++;
	}
	assert_true(taken > 1000);
	assert_true(left > 1000);
}

/* What a fn saw: the rows of each call and their first row's index. */
static size_t	 calls, seen_rows, firsts[64], sizes[64], notes;
static int	 stop_at = -1;

static int
count_rows(struct cbs_run *run, const struct cbs_flat *rows,
    const char *url, size_t page, size_t first, void *arg)
{
	const struct cbs_cell	*c;
	size_t			 r;

	(void)run;
	(void)url;
	(void)page;
	(void)arg;
	if (calls < NELEM(firsts)) {
		firsts[calls] = first;
		sizes[calls] = rows->nrows;
	}
	calls++;
	seen_rows += rows->nrows;
	/* A row jansson read: its cells must still point into its tree. */
	for (r = 0; r < rows->nrows; r++)
		if ((c = cbs_flat_get(rows, r, "note")) != NULL &&
		    c->len == 5 && memcmp(c->text, "a\nb\xc3\xa9", 5) == 0)
			notes++;
	return (int)calls == stop_at ? -1 : 0;
}

enum odd { ODD_ESCAPE, ODD_ARRAY, ODD_BROKEN };

/*
 * A page's "value" array of n rows, region r/100 for row r; row odd
 * (unless n or more) has an escape and a non-ASCII byte, is an array, or
 * is no JSON.
 */
static char *
page_of(size_t n, size_t odd, enum odd kind)
{
	struct cbs_buf	 b;
	char		 row[128];
	size_t		 r;

	memset(&b, 0, sizeof(b));
	cbs_buf_add(&b, "[");
	for (r = 0; r < n; r++) {
		if (r == odd && kind == ODD_ARRAY)
			snprintf(row, sizeof(row), "%s[%zu]", r > 0 ? ", " :
			    "", r);
		else if (r == odd && kind == ODD_BROKEN)
			snprintf(row, sizeof(row), "%s{\"RegioS\": }", r > 0 ?
			    ", " : "");
		else
			snprintf(row, sizeof(row), "%s{\"RegioS\": "
			    "\"GM%04zu\", \"V\": %zu%s}", r > 0 ? ", " : "",
			    r / 100, r,
			    r == odd ? ", \"note\": \"a\\nb\xc3\xa9\"" : "");
		cbs_buf_add(&b, row);
	}
	cbs_buf_add(&b, "]");
	assert_false(b.oom);
	return b.p;
}

static int
rows_of_page(const char *body, const char *cut, size_t *done)
{
	struct cbs_run	 run;

	memset(&run, 0, sizeof(run));
	calls = seen_rows = notes = 0;
	return cbs_flat_rows(&run, body, 0, strlen(body) - 1, "u", 1, cut,
	    count_rows, NULL, done);
}

static void
test_chunks_end_where_the_cut_changes(void **unused)
{
	char	*body;
	size_t	 done, i;

	(void)unused;
	body = page_of(1000, (size_t)-1, ODD_ESCAPE);
	/* No cut: CBS_CHUNK rows a time. */
	assert_int_equal(rows_of_page(body, NULL, &done), 0);
	assert_int_equal(done, 1000);
	assert_int_equal(seen_rows, 1000);
	assert_int_equal(calls, 4);
	assert_int_equal(sizes[0], CBS_CHUNK);
	/* Cut on the region: each chunk ends at a region's last row. */
	assert_int_equal(rows_of_page(body, "RegioS", &done), 0);
	assert_int_equal(seen_rows, 1000);
	for (i = 0; i < calls; i++) {
		assert_int_equal(firsts[i] % 100, 0);
		assert_true(sizes[i] > CBS_CHUNK || i == calls - 1);
	}
	assert_int_equal(firsts[1], 300);
	/* fn stops: so does the page. */
	stop_at = 2;
	assert_int_equal(rows_of_page(body, NULL, &done), -1);
	stop_at = -1;
	free(body);
	/* A page without rows is still one call. */
	assert_int_equal(rows_of_page("[ ]", NULL, &done), 0);
	assert_int_equal(calls, 1);
	assert_int_equal(seen_rows, 0);
}

static void
test_rows_it_does_not_take_go_to_jansson(void **unused)
{
	char	*body;
	size_t	 done, at[] = { 0, 255, 256, 600, 999 }, i;

	(void)unused;
	/*
	 * A row with an escape and UTF-8 is read by jansson alone, whether
	 * it is the first of a chunk, the last or the one kept over.
	 */
	for (i = 0; i < NELEM(at); i++) {
		body = page_of(1000, at[i], ODD_ESCAPE);
		assert_int_equal(rows_of_page(body, "RegioS", &done), 0);
		assert_int_equal(done, 1000);
		assert_int_equal(seen_rows, 1000);
		assert_int_equal(notes, 1);
		free(body);
	}
}

static void
test_hands_back_at_a_row_that_is_no_object(void **unused)
{
	char	*body;
	size_t	 done;

	(void)unused;
	/* Row 600 is an array: the rows before its chunk were handed. */
	body = page_of(1000, 600, ODD_ARRAY);
	assert_int_equal(rows_of_page(body, NULL, &done), 1);
	assert_int_equal(done, 2 * CBS_CHUNK);
	assert_int_equal(seen_rows, done);
	free(body);
	body = page_of(10, 0, ODD_BROKEN);
	assert_int_equal(rows_of_page(body, NULL, &done), 1);
	assert_int_equal(done, 0);
	assert_int_equal(calls, 0);
	free(body);
	/* A trailing comma is jansson's to report. */
	assert_int_equal(rows_of_page("[{\"a\": 1}, ]", NULL, &done), 1);
	assert_int_equal(calls, 0);
}

/* A row from jansson: the same cells, pointing into the tree. */
static void
test_rows_from_jansson(void **unused)
{
	struct cbs_flat		 f;
	const struct cbs_cell	*c;
	json_t			*o;

	(void)unused;
	memset(&f, 0, sizeof(f));
	o = json_loads("{\"RegioS\": \"PV\\u0032\\u0030  \", \"n\": 2, "
	    "\"x\": [1], \"z\": \"a\\u0000b\"}", JSON_DECODE_INT_AS_REAL |
	    JSON_ALLOW_NUL,
	    NULL);
	assert_non_null(o);
	assert_int_equal(cbs_flat_add_json(&f, o), 0);
	c = cbs_flat_get(&f, 0, "RegioS");
	assert_non_null(c);
	assert_int_equal(c->len, 6);
	assert_memory_equal(c->text, "PV20  ", 6);
	assert_true(cbs_flat_get(&f, 0, "n")->num == 2.0);
	assert_int_equal(cbs_flat_get(&f, 0, "x")->kind, CBS_CELL_OTHER);
	/* Up to the NUL, as C code reading the string always saw it. */
	assert_int_equal(cbs_flat_get(&f, 0, "z")->len, 1);
	assert_null(cbs_flat_get(&f, 0, "Regio"));
	json_decref(o);
	cbs_flat_free(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_takes_plain_rows),
		cmocka_unit_test(test_leaves_the_rest),
		cmocka_unit_test(test_mutations_agree_with_jansson),
		cmocka_unit_test(test_chunks_end_where_the_cut_changes),
		cmocka_unit_test(test_rows_it_does_not_take_go_to_jansson),
		cmocka_unit_test(test_hands_back_at_a_row_that_is_no_object),
		cmocka_unit_test(test_rows_from_jansson),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
