/* SPDX-License-Identifier: ISC */
/*
 * test_http.c: the parts of http.c that need no server: the size cap's
 * wording, Retry-After, backoff, file: URLs (relative to the config's
 * directory and absolute) and their errors, an error body's text.
 * Transfers over HTTP are the integration tests' job
 * (tests/integration/test_csv.py); the one network case here is a
 * refused connection on loopback.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../daemon/net/http.c"
#include "../../daemon/net/http_file.c"
#include "../../daemon/net/http_redirect.c"
#include "../../daemon/net/http_retry.c"
#include "../../daemon/net/http_said.c"

static char	 tmpdir[] = "/tmp/test_http.XXXXXX";

static void
write_file(const char *rel, const char *text)
{
	char	 path[512];
	FILE	*fp;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	if ((fp = fopen(path, "w")) == NULL)
		fail_msg("%s: cannot create", path);
	fputs(text, fp);
	fclose(fp);
}

static int
setup_dir(void **unused)
{
	char	 path[512];

	(void)unused;
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/conf", tmpdir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/share", tmpdir);
	mkdir(path, 0755);
	write_file("share/x y.csv", "a;b\n1;2\n");
	write_file("share/empty.csv", "");
	write_file("share/big.csv", "0123456789012345678901234567890");
	return 0;
}

static int
teardown_dir(void **unused)
{
	char	 path[512];

	(void)unused;
	snprintf(path, sizeof(path), "%s/share/x y.csv", tmpdir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/share/empty.csv", tmpdir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/share/big.csv", tmpdir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/share", tmpdir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/conf", tmpdir);
	rmdir(path);
	rmdir(tmpdir);
	return 0;
}

static void
test_size_format(void **unused)
{
	char	 buf[32];

	(void)unused;
	http_size_format((size_t)64 * 1024 * 1024, buf, sizeof(buf));
	assert_string_equal(buf, "64 MiB");
	http_size_format(1024, buf, sizeof(buf));
	assert_string_equal(buf, "1 KiB");
	http_size_format(1536, buf, sizeof(buf));
	assert_string_equal(buf, "1.5 KiB");
	http_size_format((size_t)3 * 1024 * 1024 * 1024, buf, sizeof(buf));
	assert_string_equal(buf, "3 GiB");
	http_size_format((size_t)5 * 1024 * 1024 + 1, buf, sizeof(buf));
	assert_string_equal(buf, "5.0 MiB");
	http_size_format(100, buf, sizeof(buf));
	assert_string_equal(buf, "100 bytes");
	http_size_format(1, buf, sizeof(buf));
	assert_string_equal(buf, "1 byte");
}

static void
test_retry_after(void **unused)
{
	/* Fri, 31 Dec 1999 23:59:59 GMT */
	const time_t	 t = 946684799;
	long		 s;

	(void)unused;
	assert_int_equal(http_retry_after_parse("120", t, &s), 0);
	assert_int_equal(s, 120);
	assert_int_equal(http_retry_after_parse(" 0 ", t, &s), 0);
	assert_int_equal(s, 0);
	assert_int_equal(http_retry_after_parse("Fri, 31 Dec 1999 23:59:59 GMT",
	    t - 10, &s), 0);
	assert_int_equal(s, 10);
	assert_int_equal(http_retry_after_parse(
	    "Friday, 31-Dec-99 23:59:59 GMT", t - 7, &s), 0);
	assert_int_equal(s, 7);
	assert_int_equal(http_retry_after_parse("Fri Dec 31 23:59:59 1999",
	    t - 3, &s), 0);
	assert_int_equal(s, 3);
	/* A date in the past means now. */
	assert_int_equal(http_retry_after_parse("Fri, 31 Dec 1999 23:59:59 GMT",
	    t + 100, &s), 0);
	assert_int_equal(s, 0);
	assert_int_equal(http_retry_after_parse("soon", t, &s), -1);
	assert_int_equal(http_retry_after_parse("12abc", t, &s), -1);
	assert_int_equal(http_retry_after_parse("", t, &s), -1);
	assert_int_equal(http_retry_after_parse("-5", t, &s), -1);
}

static void
test_backoff(void **unused)
{
	(void)unused;
	unsetenv("REGIOMON_HTTP_BACKOFF_MS");
	assert_int_equal(http_retry_wait_ms(1, "", 300), 1000);
	assert_int_equal(http_retry_wait_ms(2, "", 300), 2000);
	assert_int_equal(http_retry_wait_ms(3, "", 300), 4000);
	/* Capped at 60 s, and at the total timeout. */
	assert_int_equal(http_retry_wait_ms(10, "", 300), 60000);
	assert_int_equal(http_retry_wait_ms(10, "", 5), 5000);
	/* Retry-After wins over the backoff, within the same caps. */
	assert_int_equal(http_retry_wait_ms(1, "3", 300), 3000);
	assert_int_equal(http_retry_wait_ms(1, "3600", 300), 60000);
	assert_int_equal(http_retry_wait_ms(1, "3600", 20), 20000);
	/* A Retry-After we cannot read falls back to the backoff. */
	assert_int_equal(http_retry_wait_ms(2, "later", 300), 2000);
	setenv("REGIOMON_HTTP_BACKOFF_MS", "50", 1);
	assert_int_equal(http_retry_wait_ms(1, "", 300), 50);
	assert_int_equal(http_retry_wait_ms(3, "", 300), 200);
	setenv("REGIOMON_HTTP_BACKOFF_MS", "junk", 1);
	assert_int_equal(http_retry_wait_ms(1, "", 300), 1000);
	unsetenv("REGIOMON_HTTP_BACKOFF_MS");
}

static void
expect_path(const char *url, const char *dir, const char *want)
{
	char	 err[256];
	char	*p;

	err[0] = '\0';
	p = file_url_path(url, dir, err, sizeof(err));
	if (p == NULL)
		fail_msg("%s: %s", url, err);
	assert_string_equal(p, want);
	free(p);
}

static void
expect_no_path(const char *url, const char *errtext)
{
	char	 err[256];

	assert_null(file_url_path(url, "/etc", err, sizeof(err)));
	if (strstr(err, errtext) == NULL)
		fail_msg("%s: error \"%s\" lacks \"%s\"", url, err, errtext);
}

static void
test_file_url_path(void **unused)
{
	(void)unused;
	expect_path("file:../share/demo/x.csv", "/etc/regiomon",
	    "/etc/regiomon/../share/demo/x.csv");
	expect_path("file:x.csv", NULL, "x.csv");
	expect_path("file:x.csv", "etc", "etc/x.csv");
	/* Relative paths are taken as written, %20 and all. */
	expect_path("file:a%20b.csv", "/d", "/d/a%20b.csv");
	expect_path("file:/abs/x.csv", "/d", "/abs/x.csv");
	expect_path("file:///abs/a%20b.csv", "/d", "/abs/a b.csv");
	expect_path("FILE:///abs/x.csv", "/d", "/abs/x.csv");
	expect_path("file://localhost/abs/x.csv", "/d", "/abs/x.csv");
	expect_no_path("file://example.org/x.csv", "must name a local path");
	expect_no_path("file:", "no path after");
	expect_no_path("file:///x%2", "bad %-escape");
	expect_no_path("file:///x%00y", "bad %-escape");
}

static struct conf *
test_conf(void)
{
	static struct conf	 conf;

	memset(&conf, 0, sizeof(conf));
	conf.http_connect_timeout = 5;
	conf.http_timeout = 10;
	conf.http_max_bytes = 1024;
	conf.http_retries = 0;
	return &conf;
}

static void
test_file_get(void **unused)
{
	struct rm_request	 req;
	struct rm_response	 resp;
	struct conf		*conf;
	char			 confdir[512], url[600], err[1024], want[1024];

	(void)unused;
	snprintf(confdir, sizeof(confdir), "%s/conf", tmpdir);
	memset(&req, 0, sizeof(req));

	req.url = "file:../share/x y.csv";
	assert_int_equal(http_get(test_conf(), confdir, &req, &resp, err,
	    sizeof(err)), RM_OK);
	assert_int_equal(resp.status, 200);
	assert_int_equal(resp.len, 8);
	assert_string_equal(resp.body, "a;b\n1;2\n");
	http_response_free(&resp);
	assert_null(resp.body);
	assert_int_equal(resp.len, 0);
	assert_int_equal(resp.status, 0);

	snprintf(url, sizeof(url), "file://%s/share/x%%20y.csv", tmpdir);
	req.url = url;
	assert_int_equal(http_get(test_conf(), "/nonexistent", &req, &resp,
	    err, sizeof(err)), RM_OK);
	assert_string_equal(resp.body, "a;b\n1;2\n");
	http_response_free(&resp);

	/* An empty file is an empty, NUL-terminated body. */
	req.url = "file:../share/empty.csv";
	assert_int_equal(http_get(test_conf(), confdir, &req, &resp, err,
	    sizeof(err)), RM_OK);
	assert_non_null(resp.body);
	assert_int_equal(resp.len, 0);
	assert_string_equal(resp.body, "");
	http_response_free(&resp);

	req.url = "file:../share/nope.csv";
	assert_int_equal(http_get(test_conf(), confdir, &req, &resp, err,
	    sizeof(err)), RM_ERR);
	snprintf(want, sizeof(want), "GET file:../share/nope.csv: cannot read "
	    "%s/conf/../share/nope.csv: No such file or directory", tmpdir);
	assert_string_equal(err, want);
	assert_null(resp.body);
	http_response_free(&resp);

	req.url = "file:../share";
	assert_int_equal(http_get(test_conf(), confdir, &req, &resp, err,
	    sizeof(err)), RM_ERR);
	assert_non_null(strstr(err, "not a regular file"));

	/* The cap: the request's own, else the config's. */
	req.url = "file:../share/big.csv";
	req.max_bytes = 10;
	assert_int_equal(http_get(test_conf(), confdir, &req, &resp, err,
	    sizeof(err)), RM_ERR);
	assert_string_equal(err, "GET file:../share/big.csv: response larger "
	    "than 10 bytes cap");
	assert_null(resp.body);
	req.max_bytes = 31;
	assert_int_equal(http_get(test_conf(), confdir, &req, &resp, err,
	    sizeof(err)), RM_OK);
	assert_int_equal(resp.len, 31);
	http_response_free(&resp);
	req.max_bytes = 0;
	conf = test_conf();
	conf->http_max_bytes = 30;
	assert_int_equal(http_get(conf, confdir, &req, &resp, err,
	    sizeof(err)), RM_ERR);
	assert_string_equal(err, "GET file:../share/big.csv: response larger "
	    "than 30 bytes cap");
}

static void
test_refused(void **unused)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);
	struct rm_request	 req;
	struct rm_response	 resp;
	struct conf		*conf = test_conf();
	char			 url[64], err[1024], want[256];
	int			 s;

	(void)unused;
	/* A port that was just free: nothing listens there. */
	s = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&sin, &len), 0);
	close(s);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/x.csv",
	    ntohs(sin.sin_port));

	memset(&req, 0, sizeof(req));
	req.url = url;
	conf->http_retries = 2;
	setenv("REGIOMON_HTTP_BACKOFF_MS", "1", 1);
	assert_int_equal(http_get(conf, NULL, &req, &resp, err, sizeof(err)),
	    RM_ERR);
	snprintf(want, sizeof(want), "GET %s: cannot connect: Connection "
	    "refused after 3 attempts", url);
	assert_string_equal(err, want);
	assert_int_equal(resp.status, 0);
	assert_null(resp.body);
	unsetenv("REGIOMON_HTTP_BACKOFF_MS");
}

static void
test_bad_requests(void **unused)
{
	static const char *const hdrs[] = { "X-A: 1\r\nX-B: 2", NULL };
	struct rm_request	 req;
	struct rm_response	 resp;
	char			 err[1024];

	(void)unused;
	memset(&req, 0, sizeof(req));
	req.url = "ftp://example.org/x.csv";
	assert_int_equal(http_get(test_conf(), NULL, &req, &resp, err,
	    sizeof(err)), RM_ERR);
	assert_string_equal(err, "GET ftp://example.org/x.csv: only http, "
	    "https and file URLs are allowed");
	req.url = "http://127.0.0.1:9/x";
	req.headers = hdrs;
	assert_int_equal(http_get(test_conf(), NULL, &req, &resp, err,
	    sizeof(err)), RM_ERR);
	assert_non_null(strstr(err, "bad request header"));
}

/*
 * One hop: from cur (the request's own URL is home) to next, for a source
 * allowing hosts (a JSON array, or NULL).  want is "" when it is allowed,
 * with home_too as given, else the reason.
 */
static void
expect_hop(const char *home, const char *cur, const char *next,
    const char *hosts, const char *want, int want_home)
{
	struct http_origin	 h, c, to;
	struct source		 src;
	char			 why[256];
	int			 rc, home_too = -1;

	memset(&src, 0, sizeof(src));
	if (hosts != NULL)
		assert_non_null(src.redirect_hosts = json_loads(hosts, 0,
		    NULL));
	assert_int_equal(http_origin_parse(home, &h), 0);
	assert_int_equal(http_origin_parse(cur, &c), 0);
	why[0] = '\0';
	rc = http_redirect_check(&src, &h, &c, next, &to, &home_too, why,
	    sizeof(why));
	if (*want == '\0') {
		assert_int_equal(rc, 0);
		assert_int_equal(home_too, want_home);
	} else {
		assert_int_equal(rc, -1);
		assert_string_equal(why, want);
	}
	json_decref(src.redirect_hosts);
}

static void
test_redirect_check(void **unused)
{
	const char	*a = "https://a.example/x", *h = "http://a.example/x";

	(void)unused;
	assert_int_equal(http_global_init(), 0);
	/* The origin, and an upgrade of it, get the request's headers. */
	expect_hop(a, a, "https://A.example:443/y?z", NULL, "", 1);
	expect_hop(h, h, "https://a.example/y", NULL, "", 1);
	expect_hop(h, h, "http://a.example:80/y", NULL, "", 1);
	/* Never down to http, not even on the same host. */
	expect_hop(a, a, "http://a.example/y", NULL,
	    "it goes from https to http", 0);
	expect_hop(a, "https://b.example/", "http://a.example/y", NULL,
	    "it goes from https to http", 0);
	/* Another host or port only when the source names it. */
	expect_hop(a, a, "https://b.example/y", NULL, "b.example:443 is "
	    "another origin (the source's allow_redirect_hosts can allow it)",
	    0);
	expect_hop(h, h, "http://a.example:8080/y", NULL, "a.example:8080 is "
	    "another origin (the source's allow_redirect_hosts can allow it)",
	    0);
	expect_hop(a, a, "https://b.example/y", "[\"B.example\"]", "", 0);
	expect_hop(a, a, "https://b.example:8443/y", "[\"b.example\"]",
	    "b.example:8443 is another origin (the source's "
	    "allow_redirect_hosts can allow it)", 0);
	expect_hop(a, a, "https://b.example:8443/y", "[\"b.example:8443\"]",
	    "", 0);
	expect_hop(a, a, "https://[2001:db8::1]:8443/", "[\"[2001:db8::1]:"
	    "8443\"]", "", 0);
	expect_hop(a, a, "https://u:p@b.example/y", "[\"b.example\"]",
	    "it carries a user name or password", 0);
	/* Never to metadata services, multicast or "any", allowed or not. */
	expect_hop(h, h, "http://169.254.169.254/latest/meta-data",
	    "[\"169.254.169.254\"]", "169.254.169.254 is a link-local address",
	    0);
	expect_hop(h, h, "http://[fe80::1]/", NULL,
	    "[fe80::1] is a link-local address", 0);
	expect_hop(h, h, "http://[::ffff:169.254.1.1]/", NULL,
	    "[::ffff:169.254.1.1] is a link-local address", 0);
	expect_hop(h, h, "http://[::a9fe:a9fe]/", NULL,
	    "[::a9fe:a9fe] is a link-local address", 0);
	expect_hop(h, h, "http://[64:ff9b::a9fe:a9fe]/", NULL,
	    "[64:ff9b::a9fe:a9fe] is a link-local address", 0);
	expect_hop(h, h, "http://[2002:a9fe:a9fe::1]/", "[\"[2002:a9fe:"
	    "a9fe::1]\"]", "[2002:a9fe:a9fe::1] is a link-local address", 0);
	expect_hop(h, h, "http://[fd00:ec2::254]/", "[\"[fd00:ec2::254]\"]",
	    "[fd00:ec2::254] is a cloud metadata address", 0);
	expect_hop(h, h, "http://224.0.0.1/", NULL,
	    "224.0.0.1 is a multicast address", 0);
	expect_hop(h, h, "http://[ff02::1]/", NULL,
	    "[ff02::1] is a multicast address", 0);
	expect_hop(h, h, "http://0.0.0.0:8080/", NULL,
	    "0.0.0.0 is an unspecified address", 0);
	expect_hop(h, h, "http://[::]/", NULL,
	    "[::] is an unspecified address", 0);
	expect_hop(h, h, "file:///etc/passwd", NULL,
	    "not an http or https URL", 0);
	expect_hop(h, h, "ftp://a.example/x", NULL,
	    "not an http or https URL", 0);
}

/* What a server said, made fit for one line of a message. */
static void
test_server_text(void **unused)
{
	char		 out[HTTP_SAID_MAX + 8], big[1000];
	const char	*html = "<html><head><title>404 Not Found</title>"
	    "</head>\n<body>\n  <h1>Not   Found</h1>\r\n</body></html>";
	size_t		 n;

	(void)unused;
	assert_int_equal(http_server_text(html, strlen(html), out,
	    sizeof(out)), strlen("404 Not Found Not Found"));
	assert_string_equal(out, "404 Not Found Not Found");
	/* JSON is kept as it is; a control byte shows as '?'. */
	http_server_text("{\"error\": \"a\x01" "b\"}", 17, out,
	    sizeof(out));
	assert_string_equal(out, "{\"error\": \"a?b\"}");
	/* Cut at HTTP_SAID_MAX with "...", never inside UTF-8. */
	memset(big, 'x', sizeof(big));
	memcpy(big + HTTP_SAID_MAX - 1, "\xc3\xa9", 2);
	n = http_server_text(big, sizeof(big), out, sizeof(out));
	assert_int_equal(n, HTTP_SAID_MAX - 1 + 3);
	assert_string_equal(out + HTTP_SAID_MAX - 1, "...");
	assert_int_equal(http_server_text("  \n ", 4, out, sizeof(out)), 0);
	assert_string_equal(out, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_format),
		cmocka_unit_test(test_server_text),
		cmocka_unit_test(test_retry_after),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_file_url_path),
		cmocka_unit_test(test_file_get),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_bad_requests),
		cmocka_unit_test(test_redirect_check),
	};
	int	 rc;

	if (http_global_init() == -1)
		return 1;
	rc = cmocka_run_group_tests(tests, setup_dir, teardown_dir);
	http_global_cleanup();
	return rc;
}
