/* SPDX-License-Identifier: ISC */
/*
 * test_sdk.c: the helpers the host table offers plugins since ABI 1.1
 * (daemon/run/host.c), through the fake host (tests/host/), which hands
 * out the daemon's own: did-you-mean, config key and type checking, the
 * buffer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fakehost.c"

static const struct rm_conf_key keys[] = {
	{ "url", RM_CONF_STRING, "a URL" },
	{ "separator", RM_CONF_ANY, NULL },
	{ "skip", RM_CONF_BOOL, "true or false" },
	{ "missing", RM_CONF_STRINGS, "a list of cells" }
};

static int
setup(void **unused)
{
	(void)unused;
	fh_reset();
	return 0;
}

/* Check conf (JSON text) at path; the rc of conf_keys. */
static int
check(const char *path, const char *text)
{
	json_t	*conf;
	int	 rc;

	if ((conf = json_loads(text, 0, NULL)) == NULL)
		fail_msg("bad test JSON: %s", text);
	rc = fh_host()->conf_keys(fh_ctx(), path, conf, keys,
	    sizeof(keys) / sizeof(keys[0]));
	json_decref(conf);
	return rc;
}

static void
test_table(void **unused)
{
	const struct rm_host	*h = fh_host();

	(void)unused;
	/* 1.3 grew struct rm_plugin (describe) and this table; 1.4 too. */
	assert_int_equal(h->abi_minor, 4);
	assert_true(RM_HOST_HAS(h, secret_wanted));
	assert_true(RM_HOST_HAS(h, check_only));
	assert_true(RM_HOST_HAS(h, release));
	assert_true(RM_HOST_HAS(h, read_secret));
	assert_true(h->size >= offsetof(struct rm_host, release) +
	    sizeof(h->release));
}

static void
test_did_you_mean(void **unused)
{
	static const char *const cand[] = { "value", "period", "region" };
	const struct rm_host	*h = fh_host();
	char			 long_s[300];

	(void)unused;
	/* A swap of neighbours is one edit. */
	assert_string_equal(h->did_you_mean("valeu", cand, 3), "value");
	assert_string_equal(h->did_you_mean("regoin", cand, 3), "region");
	assert_null(h->did_you_mean("indicator", cand, 3));
	assert_int_equal(h->edit_distance("valeu", "value"), 1);
	assert_int_equal(h->edit_distance("", "abc"), 3);
	memset(long_s, 'a', sizeof(long_s) - 1);
	long_s[sizeof(long_s) - 1] = '\0';
	assert_int_equal(h->edit_distance("a", long_s), SIZE_MAX);
}

static void
test_conf_keys(void **unused)
{
	(void)unused;
	assert_int_equal(check("", "{\"url\": \"x\", \"skip\": true, "
	    "\"separator\": 1, \"missing\": [\"\"]}"), RM_OK);
	assert_int_equal(fh_nconf_errors(), 0);
	assert_int_equal(check("", "{\"urll\": \"x\", \"bogus\": 1}"),
	    RM_ERR);
	assert_int_equal(fh_nconf_errors(), 2);
	assert_string_equal(fh_conf_error(0)->path, "urll");
	assert_string_equal(fh_conf_error(0)->text,
	    "unknown key; did you mean \"url\"?");
	assert_string_equal(fh_conf_error(1)->path, "bogus");
	assert_string_equal(fh_conf_error(1)->text, "unknown key");
	fh_reset();
	assert_int_equal(check("columns", "{\"url\": \"\", \"skip\": 0, "
	    "\"missing\": [\"\", 3]}"), RM_ERR);
	assert_int_equal(fh_nconf_errors(), 3);
	assert_true(fh_conf_error_has("columns.url", "expected a URL"));
	assert_true(fh_conf_error_has("columns.skip",
	    "expected true or false"));
	assert_true(fh_conf_error_has("columns.missing[1]",
	    "expected a string"));
	fh_reset();
	assert_int_equal(fh_host()->conf_type(fh_ctx(), "missing",
	    json_object_get(NULL, "x"), RM_CONF_STRINGS, "a list"), RM_ERR);
	assert_true(fh_conf_error_has("missing", "expected a list"));
}

static void
test_buf(void **unused)
{
	const struct rm_host	*h = fh_host();
	struct rm_buf		*b;
	size_t			 len, i;
	char			*s;

	(void)unused;
	assert_non_null(b = h->buf_new());
	s = h->buf_take(b, &len);
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	h->release(s);
	assert_non_null(b = h->buf_new());
	assert_int_equal(h->buf_add(b, "ab\0c", 4), RM_OK);
	for (i = 0; i < 100; i++)
		assert_int_equal(h->buf_printf(b, "%zu,", i), RM_OK);
	s = h->buf_take(b, &len);
	assert_non_null(s);
	assert_int_equal(len, 4 + 10 * 2 + 90 * 3);
	assert_memory_equal(s, "ab\0c0,1,2,", 10);
	assert_int_equal(s[len], '\0');
	h->release(s);
	h->release(NULL);
	assert_null(h->buf_take(NULL, &len));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_did_you_mean),
		cmocka_unit_test_setup_teardown(test_conf_keys, setup, setup),
		cmocka_unit_test(test_buf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
