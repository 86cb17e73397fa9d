/* SPDX-License-Identifier: ISC */
/*
 * test_text.c: text.c's showing of outside text (control characters, C1,
 * invalid UTF-8 escaped, valid UTF-8 kept, never cut inside an escape),
 * text_ok() for input, the redaction of a URL's user and password, and
 * out_printf(), which escapes its %s arguments but not its format.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"

static void
test_vis(void **unused)
{
	char	 buf[64];

	(void)unused;
	text_vis(buf, sizeof(buf), "2021\n<0>regiomon: x");
	assert_string_equal(buf, "2021\\n<0>regiomon: x");
	text_vis(buf, sizeof(buf), "a\x1b[31m\t\r\x7f");
	assert_string_equal(buf, "a\\x1b[31m\\t\\r\\x7f");
	text_vis(buf, sizeof(buf), "ok \xc2\x9b" "2J");
	assert_string_equal(buf, "ok \\u009b2J");
	text_vis(buf, sizeof(buf), "caf\xe9 \xc0\xaf");
	assert_string_equal(buf, "caf\\xe9 \\xc0\\xaf");
	/* A bidi override and a line separator reorder or break a line. */
	text_vis(buf, sizeof(buf), "a\xe2\x80\xae" "b\xe2\x80\xa8" "c");
	assert_string_equal(buf, "a\\u202eb\\u2028c");
	assert_int_equal(text_ok("a\xe2\x81\xa6" "b"), 0);
	/* Valid UTF-8 stays: Dutch text, an em dash, an emoji. */
	text_vis(buf, sizeof(buf), "Caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x98\x80");
	assert_string_equal(buf, "Caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x98\x80");
	/* Cut whole: no half escape, no half character. */
	text_vis(buf, 5, "ab\ncd");
	assert_string_equal(buf, "ab\\n");
	text_vis(buf, 4, "ab\ncd");
	assert_string_equal(buf, "ab");
	text_vis(buf, 4, "a\xe2\x80\x94");
	assert_string_equal(buf, "a");
}

static void
test_ok(void **unused)
{
	(void)unused;
	assert_true(text_ok("CBS methodebreuk \xe2\x80\x94 caf\xc3\xa9"));
	assert_false(text_ok("two\nlines"));
	assert_false(text_ok("tab\there"));
	assert_false(text_ok("c1 \xc2\x9b"));
	assert_false(text_ok("latin-1 caf\xe9"));
	assert_false(text_ok("overlong \xc0\xaf"));
	assert_false(text_ok("surrogate \xed\xa0\x80"));
	assert_false(text_ok("del \x7f"));
}

static void
test_redact(void **unused)
{
	char	 buf[128];

	(void)unused;
	text_redact(buf, sizeof(buf), "GET http://u:hunter2@h:80/x?a=b@c "
	    "and smtp://me@m.org, not a@b");
	assert_string_equal(buf, "GET http://***@h:80/x?a=b@c and "
	    "smtp://***@m.org, not a@b");
	text_redact(buf, sizeof(buf), "https://h/p@x");
	assert_string_equal(buf, "https://h/p@x");
	/* A password with an @ in it: all of it up to the last @ goes. */
	text_redact(buf, sizeof(buf), "https://user:p@ss@host/x");
	assert_string_equal(buf, "https://***@host/x");
	/* No room for the "***": cut before the password. */
	text_redact(buf, 12, "see http://u:hunter2@h/");
	assert_null(strstr(buf, "hunter2"));
}

static void
test_out_printf(void **unused)
{
	char	*text = NULL;
	size_t	 len = 0;
	FILE	*fp;

	(void)unused;
	assert_non_null(fp = open_memstream(&text, &len));
	out_printf(fp, "\033[1m%-6s|%5d|%ld|%zu|%lld|%.2f|%c|%%|%*s|\033[0m\n",
	    "a\nb", 42, -7L, (size_t)9, 1LL << 40, 2.5, 'x', 4, "\xc2\x9b");
	fclose(fp);
	assert_string_equal(text, "\033[1ma\\nb  |   42|-7|9|1099511627776|"
	    "2.50|x|%|\\u009b|\033[0m\n");
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vis),
		cmocka_unit_test(test_ok),
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_out_printf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
