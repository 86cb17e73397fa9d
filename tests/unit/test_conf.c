/* SPDX-License-Identifier: ISC */
/*
 * test_conf.c: conf.c against valid configs (defaults, resolved paths)
 * and against one broken config per kind of mistake, checking the exact
 * "where" and message of every diag, and that all of them are reported.
 */
#include <sys/stat.h>

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

/* The same fallbacks as conf.c; the Makefile overrides both alike. */
#ifndef REGIOMON_STATEDIR
#define REGIOMON_STATEDIR	"/var/lib/regiomon"
#endif
#ifndef REGIOMON_PLUGINDIR
#define REGIOMON_PLUGINDIR	"/usr/lib/regiomon/plugins"
#endif
#ifndef REGIOMON_DATADIR
#define REGIOMON_DATADIR	"/usr/share/regiomon"
#endif

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

static struct conf *
load(const char *json, struct diags *d)
{
	return setup_conf_buffer(json, strlen(json), "t.json", d);
}

/* json must fail with exactly one diag: where (NULL: none) and msg. */
static void
one_error(const char *json, const char *where, const char *msg)
{
	struct diags	 d;
	struct conf	*conf;

	memset(&d, 0, sizeof(d));
	conf = load(json, &d);
	if (conf != NULL || d.n != 1) {
		print_error("config %s gave %zu diags:\n", json, d.n);
		diag_print(&d, stderr);
		fail();
	}
	assert_string_equal(d.v[0].file, "t.json");
	if (where == NULL && d.v[0].where != NULL)
		fail_msg("%s: where %s, expected none", json, d.v[0].where);
	if (where != NULL) {
		assert_non_null(d.v[0].where);
		assert_string_equal(d.v[0].where, where);
	}
	assert_string_equal(d.v[0].msg, msg);
	diag_free(&d);
}

static void
test_valid(void **state)
{
	const char	*json =
	    "{\"state_dir\": \"../var\", \"plugin_dir\": \"/opt/plugins\","
	    " \"catalog\": [\"a.json\", \"/abs/b.json\"],"
	    " \"http\": {\"connect_timeout\": \"7s\", \"timeout\": \"45s\","
	    "   \"max_bytes\": \"1M\", \"retries\": 0},"
	    " \"limits\": {\"child_memory\": \"512M\"},"
	    " \"store\": {\"rrdcached\": \"unix:/run/rrdcached.sock\"},"
	    " \"mail\": {}, \"alerts\": {}, \"report\": {},"
	    " \"daemon\": {},"
	    " \"sources\": ["
	    "  {\"name\": \"demo-baselines\", \"plugin\": \"csv\","
	    "   \"interval\": \"6h\", \"timeout\": \"90s\", \"enabled\": false,"
	    "   \"config\": {\"url\": \"file:x.csv\", \"whatever\": [1]}},"
	    "  {\"name\": \"cbs_jobs\", \"plugin\": \"cbs_statline\"}]}";
	const struct source	*s;
	struct diags		 d;
	struct conf		*conf;
	char			*p;

	(void)state;
	memset(&d, 0, sizeof(d));
	conf = load(json, &d);
	assert_int_equal(d.n, 0);
	assert_non_null(conf);
	assert_string_equal(conf->path, "t.json");
	assert_null(conf->dir);
	/* From memory, relative paths stay relative to the cwd. */
	assert_string_equal(conf->state_dir, "../var");
	assert_string_equal(conf->plugin_dir, "/opt/plugins");
	assert_int_equal(conf->ncatalogs, 2);
	assert_string_equal(conf->catalogs[0], "a.json");
	assert_string_equal(conf->catalogs[1], "/abs/b.json");
	assert_int_equal(conf->http_connect_timeout, 7);
	assert_int_equal(conf->http_timeout, 45);
	assert_int_equal(conf->http_max_bytes, 1024 * 1024);
	assert_int_equal(conf->http_retries, 0);
	assert_int_equal(conf->child_memory, 512 * 1024 * 1024);
	assert_string_equal(conf->rrdcached, "unix:/run/rrdcached.sock");
	assert_int_equal(conf->nsources, 2);

	s = &conf->sources[0];
	assert_string_equal(s->name, "demo-baselines");
	assert_string_equal(s->plugin, "csv");
	assert_int_equal(s->interval, 6 * 3600);
	assert_int_equal(s->timeout, 90);
	assert_int_equal(s->enabled, 0);
	assert_int_equal(s->index, 0);
	assert_true(json_is_object(s->config));
	assert_string_equal(json_string_value(json_object_get(s->config,
	    "url")), "file:x.csv");

	/* Source defaults: 1d, 5m, enabled, an empty config object. */
	s = &conf->sources[1];
	assert_int_equal(s->index, 1);
	assert_int_equal(s->interval, 86400);
	assert_int_equal(s->timeout, 300);
	assert_int_equal(s->enabled, 1);
	assert_true(json_is_object(s->config));
	assert_int_equal(json_object_size(s->config), 0);

	assert_ptr_equal(conf_source(conf, "cbs_jobs"), &conf->sources[1]);
	assert_null(conf_source(conf, "nope"));
	p = conf_path(conf, "x/y");
	assert_string_equal(p, "x/y");
	free(p);
	conf_free(conf);
}

static void
test_defaults(void **state)
{
	struct diags	 d;
	struct conf	*conf;

	(void)state;
	memset(&d, 0, sizeof(d));
	conf = load("{}", &d);
	assert_non_null(conf);
	assert_string_equal(conf->state_dir, REGIOMON_STATEDIR);
	assert_string_equal(conf->plugin_dir, REGIOMON_PLUGINDIR);
	assert_int_equal(conf->ncatalogs, 1);
	assert_string_equal(conf->catalogs[0],
	    REGIOMON_DATADIR "/catalog.json");
	assert_int_equal(conf->http_connect_timeout, 10);
	assert_int_equal(conf->http_timeout, 60);
	assert_int_equal(conf->http_low_speed_limit, 1024);
	assert_int_equal(conf->http_low_speed_time, 30);
	assert_int_equal(conf->http_max_bytes, 64 * 1024 * 1024);
	assert_int_equal(conf->http_retries, 3);
	assert_int_equal(conf->child_memory, 1024 * 1024 * 1024);
	assert_int_equal(conf->run_observations, 10000000);
	assert_int_equal(conf->run_spool, (size_t)2 << 30);
	assert_null(conf->rrdcached);
	assert_int_equal(conf->nsources, 0);
	assert_null(conf_source(conf, "x"));
	conf_free(conf);
	conf_free(NULL);
}

/* A file's relative paths resolve against the file's directory. */
static void
test_file_paths(void **state)
{
	const char	*json = "{\"state_dir\": \"../var\","
	    " \"plugin_dir\": \"plugins\", \"catalog\": [\"../share/c.json\","
	    " \"/abs/c.json\"]}\n";
	char		 dir[] = "/tmp/test_conf.XXXXXX", *sub, *file, *p;
	struct diags	 d;
	struct conf	*conf;
	FILE		*fp;

	(void)state;
	memset(&d, 0, sizeof(d));
	assert_non_null(mkdtemp(dir));
	assert_true(asprintf(&sub, "%s/etc", dir) > 0);
	assert_int_equal(mkdir(sub, 0700), 0);
	assert_true(asprintf(&file, "%s/regiomon.json", sub) > 0);
	assert_non_null(fp = fopen(file, "w"));
	fputs(json, fp);
	assert_int_equal(fclose(fp), 0);

	conf = setup_conf(file, &d);
	assert_int_equal(d.n, 0);
	assert_non_null(conf);
	assert_string_equal(conf->path, file);
	assert_string_equal(conf->dir, sub);
	assert_true(asprintf(&p, "%s/../var", sub) > 0);
	assert_string_equal(conf->state_dir, p);
	free(p);
	assert_true(asprintf(&p, "%s/plugins", sub) > 0);
	assert_string_equal(conf->plugin_dir, p);
	free(p);
	assert_true(asprintf(&p, "%s/../share/c.json", sub) > 0);
	assert_string_equal(conf->catalogs[0], p);
	free(p);
	assert_string_equal(conf->catalogs[1], "/abs/c.json");
	p = conf_path(conf, "pw");
	assert_true(strncmp(p, sub, strlen(sub)) == 0);
	assert_string_equal(p + strlen(sub), "/pw");
	free(p);
	p = conf_path(conf, "/etc/pw");
	assert_string_equal(p, "/etc/pw");
	free(p);
	conf_free(conf);

	unlink(file);
	rmdir(sub);
	rmdir(dir);
	free(file);
	free(sub);
}

static void
test_unreadable(void **state)
{
	struct diags	 d;

	(void)state;
	memset(&d, 0, sizeof(d));
	assert_null(setup_conf("/nonexistent/regiomon.json", &d));
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].file, "/nonexistent/regiomon.json");
	assert_null(d.v[0].where);
	assert_string_equal(d.v[0].msg, "cannot read: No such file or "
	    "directory");
	diag_free(&d);

	assert_null(setup_conf("/tmp", &d));
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].msg, "cannot read: Is a directory");
	diag_free(&d);
}

/* A syntax error names "file:line:column", with jansson's words. */
static void
test_syntax(void **state)
{
	static const struct {
		const char	*json, *file, *msg;
	} cases[] = {
		{ "{\"a\": 1,}", "t.json:1:9",
		    "string or '}' expected near '}'" },
		{ "{\n \"state_dir\": \"x\"\n \"plugin_dir\": \"y\"\n}",
		    "t.json:3:13", "'}' expected near '\"plugin_dir\"'" },
		{ "{\"state_dir\": \"a\", \"state_dir\": \"b\"}", "t.json:1:30",
		    "duplicate object key near '\"state_dir\"'" },
		{ "", "t.json:1:0", "unexpected token near end of file" },
		{ "{\"a\": \"\\u0000\"}", "t.json:1:14",
		    "\\u0000 is not allowed without JSON_ALLOW_NUL near "
		    "'\"\\u0000\"'" },
	};
	struct diags	 d;
	size_t		 i;

	(void)state;
	memset(&d, 0, sizeof(d));
	for (i = 0; i < nitems(cases); i++) {
		assert_null(load(cases[i].json, &d));
		assert_int_equal(d.n, 1);
		assert_string_equal(d.v[0].file, cases[i].file);
		assert_null(d.v[0].where);
		assert_string_equal(d.v[0].msg, cases[i].msg);
		diag_free(&d);
	}
}

#define SRC(x)	"{\"sources\": [{\"name\": \"a\", \"plugin\": \"csv\", " x "}]}"

/* One mistake per config, and the exact diag it must give. */
static const struct {
	const char	*json, *where, *msg;
} errors[] = {
	/* Shapes and types. */
	{ "[]", NULL, "expected an object, got array" },
	{ "\"x\"", NULL, "expected an object, got \"x\"" },
	{ "{\"state_dir\": 5}", "state_dir", "expected a path, got number" },
	{ "{\"state_dir\": \"\"}", "state_dir", "expected a path, got \"\"" },
	{ "{\"plugin_dir\": null}", "plugin_dir",
	    "expected a path, got null" },
	{ "{\"catalog\": \"c.json\"}", "catalog",
	    "expected an array of paths, got \"c.json\"" },
	{ "{\"catalog\": []}", "catalog",
	    "expected at least one catalog file, got []" },
	{ "{\"catalog\": [\"a.json\", 3]}", "catalog[1]",
	    "expected a path, got number" },
	{ "{\"http\": []}", "http", "expected an object, got array" },
	{ "{\"mail\": \"smtp://x\"}", "mail",
	    "expected an object, got \"smtp://x\"" },
	{ "{\"daemon\": true}", "daemon", "expected an object, got boolean" },
	{ "{\"sources\": {}}", "sources", "expected an array, got object" },
	{ "{\"sources\": [7]}", "sources[0]",
	    "expected an object, got number" },
	{ SRC("\"interval\": 86400"), "sources[0].interval",
	    "expected a duration like \"1d\", got number" },
	{ SRC("\"enabled\": \"yes\""), "sources[0].enabled",
	    "expected true or false, got \"yes\"" },
	{ SRC("\"config\": []"), "sources[0].config",
	    "expected an object, got array" },
	{ "{\"sources\": [{\"name\": 1, \"plugin\": \"csv\"}]}",
	    "sources[0].name", "expected a string, got number" },
	{ "{\"store\": {\"rrdcached\": \"\"}}", "store.rrdcached",
	    "expected a non-empty string, got \"\"" },
	/* Unknown and missing keys. */
	{ "{\"catalogs\": []}", NULL,
	    "unknown key \"catalogs\"; did you mean \"catalog\"?" },
	{ "{\"plugindir\": \"x\"}", NULL,
	    "unknown key \"plugindir\"; did you mean \"plugin_dir\"?" },
	{ "{\"zzz\": 1}", NULL, "unknown key \"zzz\"; expected one of: "
	    "state_dir, plugin_dir, catalog, http, limits, store, sources, "
	    "mail, alerts, report, daemon, illustrative" },
	/* The demo's "illustrative" section. */
	{ "{\"illustrative\": {}}", "illustrative",
	    "missing required key \"note\"" },
	{ "{\"illustrative\": {\"note\": \"x\", \"series\": [1]}}",
	    "illustrative.series[0]",
	    "expected an indicator id, or \"indicator/region\", got number" },
	{ SRC("\"intervall\": \"1d\""), "sources[0]",
	    "unknown key \"intervall\"; did you mean \"interval\"?" },
	{ "{\"http\": {\"timout\": \"1m\"}}", "http",
	    "unknown key \"timout\"; did you mean \"timeout\"?" },
	{ "{\"limits\": {\"memory\": \"1G\"}}", "limits",
	    "unknown key \"memory\"; expected one of: child_memory, "
	    "run_observations, run_spool" },
	{ "{\"sources\": [{\"name\": \"a\"}]}", "sources[0]",
	    "missing required key \"plugin\"" },
	{ "{\"sources\": [{\"plugin\": \"csv\"}]}", "sources[0]",
	    "missing required key \"name\"" },
	{ "{\"sources\": [{\"name\": \"cbs-jobs\", \"plugin\": \"csv\"},"
	    " {\"name\": \"x\", \"plugin\": \"csv\"},"
	    " {\"name\": \"cbs-jobs\", \"plugin\": \"exec\"}]}",
	    "sources[2].name",
	    "duplicate source name \"cbs-jobs\" (first at sources[0])" },
	/* Values. */
	{ SRC("\"interval\": \"dagelijks\""), "sources[0].interval",
	    "expected a duration like \"1d\", got \"dagelijks\"" },
	{ SRC("\"interval\": \"0d\""), "sources[0].interval",
	    "expected a duration like \"1d\", got \"0d\"" },
	{ SRC("\"timeout\": \"-1h\""), "sources[0].timeout",
	    "expected a duration like \"1d\", got \"-1h\"" },
	{ "{\"http\": {\"timeout\": \"5x\"}}", "http.timeout",
	    "expected a duration like \"1d\", got \"5x\"" },
	{ "{\"http\": {\"connect_timeout\": \"1d \"}}", "http.connect_timeout",
	    "expected a duration like \"1d\", got \"1d \"" },
	{ "{\"http\": {\"max_bytes\": \"64MB\"}}", "http.max_bytes",
	    "expected a size like \"64M\", got \"64MB\"" },
	{ "{\"http\": {\"max_bytes\": 1024}}", "http.max_bytes",
	    "expected a size like \"64M\", got number" },
	{ "{\"limits\": {\"child_memory\": \"-1G\"}}", "limits.child_memory",
	    "expected a size like \"64M\", got \"-1G\"" },
	{ "{\"http\": {\"retries\": -1}}", "http.retries",
	    "expected an integer from 0 to 100, got -1" },
	{ "{\"http\": {\"retries\": 2.5}}", "http.retries",
	    "expected an integer, got 2.5" },
	{ "{\"http\": {\"retries\": \"3\"}}", "http.retries",
	    "expected an integer, got \"3\"" },
	/* An http.timeout set must leave the source's run room to retry. */
	{ "{\"http\": {\"timeout\": \"1m\"}, \"sources\": [{\"name\": "
	    "\"a\", \"plugin\": \"csv\", \"timeout\": \"90s\"}]}",
	    "sources[0].timeout", "90s leaves no room for a retry after a "
	    "transfer that runs into http.timeout (60s); make this at least "
	    "120s or http.timeout shorter" },
	{ "{\"http\": {\"timeout\": \"1m\", \"retries\": 0}, \"sources\": "
	    "[{\"name\": \"a\", \"plugin\": \"csv\", \"timeout\": "
	    "\"1m\"}]}", "sources[0].timeout", "60s leaves no room for the "
	    "error after a transfer that runs into http.timeout (60s); make "
	    "this at least 61s or http.timeout shorter" },
	{ "{\"http\": {\"low_speed_time\": \"0s\"}}", "http.low_speed_time",
	    "expected a duration like \"30s\", got \"0s\"" },
	{ "{\"sources\": [{\"name\": \"a\", \"plugin\": \"csv\", "
	    "\"allow_redirect_hosts\": \"cdn.example.org\"}]}",
	    "sources[0].allow_redirect_hosts",
	    "expected an array, got \"cdn.example.org\"" },
	{ "{\"sources\": [{\"name\": \"a\", \"plugin\": \"csv\", "
	    "\"allow_redirect_hosts\": [\"cdn.example.org:443\", "
	    "\"https://b.example.org/\"]}]}",
	    "sources[0].allow_redirect_hosts[1]", "expected a host name, or "
	    "host:port, like \"cdn.example.org\" (no scheme or path), got "
	    "\"https://b.example.org/\"" },
	/* Ids become path names: nothing but [a-z0-9][a-z0-9_-]*. */
	{ "{\"sources\": [{\"name\": \"../../etc\", \"plugin\": \"csv\"}]}",
	    "sources[0].name",
	    "invalid id \"../../etc\": use a-z, 0-9, \"-\" and \"_\"" },
	{ "{\"sources\": [{\"name\": \"CBS-Jobs\", \"plugin\": \"csv\"}]}",
	    "sources[0].name",
	    "invalid id \"CBS-Jobs\": use a-z, 0-9, \"-\" and \"_\"" },
	{ "{\"sources\": [{\"name\": \"_x\", \"plugin\": \"csv\"}]}",
	    "sources[0].name",
	    "invalid id \"_x\": must start with a-z or 0-9" },
	{ "{\"sources\": [{\"name\": \"\", \"plugin\": \"csv\"}]}",
	    "sources[0].name",
	    "invalid id \"\": use a-z, 0-9, \"-\" and \"_\"" },
	{ "{\"sources\": [{\"name\": \"a\", \"plugin\": \"../lib/x\"}]}",
	    "sources[0].plugin",
	    "invalid id \"../lib/x\": use a-z, 0-9, \"-\" and \"_\"" },
	{ "{\"sources\": [{\"name\": \"a\", \"plugin\": \"a\\nb\"}]}",
	    "sources[0].plugin",
	    "invalid id \"a\\u000ab\": use a-z, 0-9, \"-\" and \"_\"" },
	{ "{\"sources\": [{\"name\": \"a234567890123456789012345678901234"
	    "5678901234567890123456789012345\", \"plugin\": \"csv\"}]}",
	    "sources[0].name", "invalid id \"a2345678901234567890123456789012"
	    "3456789012345678...\": longer than 63 bytes" },
};

static void
test_errors(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < nitems(errors); i++)
		one_error(errors[i].json, errors[i].where, errors[i].msg);
}

/* Validation goes on after a mistake: every one is reported, in order. */
static void
test_all_reported(void **state)
{
	const char	*json = "{\"catalogs\": [],"
	    " \"http\": {\"retries\": -1, \"max_bytes\": \"lots\"},"
	    " \"sources\": ["
	    "  {\"name\": \"../etc\", \"plugin\": \"csv\","
	    "   \"interval\": \"dagelijks\"},"
	    "  {\"plugin\": \"csv\", \"enabled\": \"yes\"},"
	    "  {\"name\": \"b\", \"plugin\": \"x\", \"config\": 1}]}";
	static const char *const want[][2] = {
		{ NULL, "unknown key \"catalogs\"; did you mean \"catalog\"?" },
		{ "http.retries", "expected an integer from 0 to 100, got -1" },
		{ "http.max_bytes", "expected a size like \"64M\", got "
		    "\"lots\"" },
		{ "sources[0].name", "invalid id \"../etc\": use a-z, 0-9, "
		    "\"-\" and \"_\"" },
		{ "sources[0].interval", "expected a duration like \"1d\", "
		    "got \"dagelijks\"" },
		{ "sources[1].enabled", "expected true or false, got "
		    "\"yes\"" },
		{ "sources[1]", "missing required key \"name\"" },
		{ "sources[2].config", "expected an object, got number" },
	};
	struct diags	 d;
	size_t		 i;

	(void)state;
	memset(&d, 0, sizeof(d));
	assert_null(load(json, &d));
	assert_int_equal(d.n, nitems(want));
	for (i = 0; i < nitems(want); i++) {
		if (want[i][0] == NULL)
			assert_null(d.v[i].where);
		else
			assert_string_equal(d.v[i].where, want[i][0]);
		assert_string_equal(d.v[i].msg, want[i][1]);
	}
	diag_free(&d);
}

static void
test_helpers(void **state)
{
	char		 buf[128], small[12];
	const char	*p;
	json_t		*v;

	(void)state;
	assert_string_equal(conf_quote("a\"b\\c\td", buf, sizeof(buf)),
	    "\"a\\\"b\\\\c\\u0009d\"");
	/* Long strings are cut, never inside a UTF-8 sequence. */
	p = conf_quote("0123456789012345678901234567890123456789012345678"
	    "9", buf, sizeof(buf));
	assert_string_equal(p, "\"012345678901234567890123456789012345678901"
	    "234567...\"");
	p = conf_quote("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", small,
	    sizeof(small));
	assert_string_equal(p, "\"\xc3\xa9\xc3\xa9\xc3\xa9...\"");
	assert_true(strlen(p) < sizeof(small));

	v = json_integer(3);
	assert_string_equal(conf_got(v, buf, sizeof(buf)), "number");
	json_decref(v);
	v = json_string("x");
	assert_string_equal(conf_got(v, buf, sizeof(buf)), "\"x\"");
	json_decref(v);

	assert_string_equal(conf_jpath(buf, sizeof(buf), "", "a", 0), "a");
	assert_string_equal(conf_jpath(buf, sizeof(buf), "a", "b", 0), "a.b");
	assert_string_equal(conf_jpath(buf, sizeof(buf), "a", NULL, 12),
	    "a[12]");
	assert_string_equal(conf_jpath(small, sizeof(small), "sources", NULL,
	    123456), "sources[...");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_file_paths),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_all_reported),
		cmocka_unit_test(test_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
