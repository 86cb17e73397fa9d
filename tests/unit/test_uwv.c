/* SPDX-License-Identifier: ISC */
/*
 * test_uwv.c: the uwv plugin's table side through the fake host: periods
 * in every form UWV files use (CBS notation, Dutch month names, dates),
 * cp1252 text, rows filtered, mapped, skipped and summed, one file's
 * stock never added to another's, bad cells named by line and column, and
 * every config error with its JSON path; and the CKAN and ZIP side on
 * file: URLs, with ZIPs written by libarchive: the newest resource,
 * members, corrupt archives, refused catalogue answers.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <cmocka.h>

#include "plugtest.c"
#include "../../plugins/lib/csvparse.c"
#include "../../plugins/lib/strv.c"
#include "../../plugins/uwv/config.c"
#include "../../plugins/uwv/table.c"
#include "../../plugins/uwv/zip.c"
#include "../../plugins/uwv/main.c"

static char		 dir[64];

static int
setup(void **unused)
{
	(void)unused;
	fh_reset();
	fh_add_indicator("vacancies", "month");
	fh_add_indicator("jobseekers", "month");
	fh_add_indicator("ww-benefits", "month");
	fh_add_region("groningen", "cbs", "PV20");
	fh_add_region("drenthe", "cbs", "PV22");
	fh_add_region("friesland", "cbs", "PV21");
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

static struct uw_state *
conf(const char *text, int want)
{
	json_error_t	 jerr;
	json_t		*c;
	void		*st = NULL;

	if ((c = json_loads(text, 0, &jerr)) == NULL)
		fail_msg("bad test JSON: %s", jerr.text);
	if (uw_init(fh_ctx(), c, &st) != want) {
		fh_dump(stderr);
		fail_msg("init of %s: expected %d", text, want);
	}
	json_decref(c);
	return st;
}

/* Read each text as one file into one table; emit if all went well. */
static int
read_files(struct uw_state *st, const char *const *texts, size_t n)
{
	struct uw_table	 t;
	size_t		 i;
	int		 rc = 0;

	memset(&t, 0, sizeof(t));
	for (i = 0; i < n && rc == 0; i++) {
		t.file = "x.csv";
		t.fileno++;
		rc = uw_text(fh_ctx(), st, texts[i], strlen(texts[i]), &t);
	}
	if (rc == 0)
		rc = uw_emit(fh_ctx(), &t);
	uw_table_free(&t);
	uw_fini(st);
	return rc;
}

static void
expect_period(const char *in, const char *want)
{
	char	 out[UW_PERIOD];

	if (want == NULL) {
		if (uw_period(in, out, sizeof(out)) == 0)
			fail_msg("\"%s\" read as %s", in, out);
		return;
	}
	if (uw_period(in, out, sizeof(out)) == -1)
		fail_msg("\"%s\" not read", in);
	assert_string_equal(out, want);
}

static void
test_periods(void **unused)
{
	(void)unused;
	expect_period("2023", "2023");
	expect_period("2023KW02", "2023-Q2");
	expect_period("2023MM05", "2023-05");
	expect_period("mei 2023", "2023-05");
	expect_period("2023 mei", "2023-05");
	expect_period("Maart 2023", "2023-03");
	expect_period("mrt. 2023", "2023-03");
	expect_period("sept-2022", "2022-09");
	expect_period("December 2019", "2019-12");
	expect_period("2023-05-16", "2023-05");
	expect_period("20230516", "2023-05");
	expect_period("16-05-2023", "2023-05");
	expect_period("6-5-2023", "2023-05");
	expect_period("16/05/2023", "2023-05");
	expect_period("2023-05-16 08:00:00", "2023-05");
	expect_period("2023-05-16T08:00:00Z", "2023-05");
	expect_period("mei", NULL);
	expect_period("mei 2023 x", NULL);
	expect_period("mai 2023", NULL);
	expect_period("2023-13-01", NULL);
	expect_period("32-01-2023", NULL);
	expect_period("16-05/2023", NULL);
	expect_period("2023-5-16x", NULL);
	expect_period("", NULL);
}

static void
test_cp1252(void **unused)
{
	const char	 latin[] = "Frysl\xe2n;\x80;\x93x\x94";
	char		*u;
	size_t		 n;

	(void)unused;
	assert_false(uw_utf8_ok((const unsigned char *)latin,
	    strlen(latin)));
	assert_true(uw_utf8_ok((const unsigned char *)"Frysl\xc3\xa2n",
	    strlen("Frysl\xc3\xa2n")));
	assert_false(uw_utf8_ok((const unsigned char *)"\xc3", 1));
	assert_false(uw_utf8_ok((const unsigned char *)"\xc0\x80", 2));
	u = uw_from_cp1252((const unsigned char *)latin, strlen(latin), &n);
	assert_non_null(u);
	assert_string_equal(u, "Frysl\xc3\xa2n;\xe2\x82\xac;"
	    "\xe2\x80\x9cx\xe2\x80\x9d");
	assert_int_equal(n, strlen(u));
	free(u);
}

#define OM \
	"{\"dataset\": \"d\", \"columns\": {\"period\": \"PEILDATUM\", " \
	"\"region\": \"PROVINCIE\", \"value\": \"AANTAL\", \"indicator\": " \
	"\"REC_TYPE\"}, \"indicators\": {\"Vacature\": \"vacancies\", " \
	"\"Werkzoekende\": \"jobseekers\"}, \"regions\": {\"Groningen\": " \
	"\"groningen\", \"Drenthe\": \"drenthe\", \"Frysl\xc3\xa2n\": " \
	"\"friesland\"}"

static void
test_sum(void **unused)
{
	const char *const files[] = {
	    "\xef\xbb\xbfPEILDATUM;PROVINCIE;REC_TYPE;AANTAL;BEROEP\r\n"
	    "2023-05-16;Groningen;Vacature;12;x\r\n"
	    "2023-05-16;Groningen;Vacature;\"1.230\";y\r\n"
	    "2023-05-16;Drenthe;Werkzoekende;0,5;x\r\n"
	    "2023-05-16;Utrecht;Vacature;99;x\r\n"
	    "2023-05-16;Groningen;Stage;99;x\r\n"
	    "2023-05-16;Groningen;Werkzoekende;-;x\r\n"
	    "2023-05-16;Groningen;Vacature;7;z\r\n",
	    "PEILDATUM;PROVINCIE;REC_TYPE;AANTAL;BEROEP\n"
	    "2023-06-13;Frysl\xe2n;Vacature;3;x\n"
	};

	(void)unused;
	assert_int_equal(read_files(conf(OM ", \"aggregate\": \"sum\", "
	    "\"filter\": {\"BEROEP\": [\"x\", \"y\"]}}", RM_OK), files, 2), 0);
	/* Sorted by indicator, region, period; z filtered out. */
	assert_int_equal(fh_nobs(), 4);
	check_obs(0, "jobseekers", "drenthe", "2023-05", 0.5, 0, 0);
	check_obs(1, "jobseekers", "groningen", "2023-05", 0, 1, 0);
	check_obs(2, "vacancies", "friesland", "2023-06", 3, 0, 0);
	check_obs(3, "vacancies", "groningen", "2023-05", 1242, 0, 0);
}

static void
test_row_errors(void **unused)
{
	const char *const dup[] = {
	    "PEILDATUM;PROVINCIE;REC_TYPE;AANTAL\n"
	    "mei 2023;Groningen;Vacature;1\n"
	    "mei 2023;Drenthe;Vacature;2\n"
	    "mei 2023;Groningen;Vacature;3\n"
	};
	const char *const two[] = {
	    "PEILDATUM;PROVINCIE;REC_TYPE;AANTAL\n"
	    "2023-05-09;Groningen;Vacature;1\n",
	    "PEILDATUM;PROVINCIE;REC_TYPE;AANTAL\n"
	    "2023-05-16;Groningen;Vacature;2\n"
	};
	const char *const bad[] = {
	    "PEILDATUM;PROVINCIE;REC_TYPE;AANTAL\n"
	    "2023-05-16;Groningen;Vacature;1\n"
	    "week 20;Groningen;Vacature;1\n"
	};
	const char *const num[] = {
	    "PEILDATUM;PROVINCIE;REC_TYPE;AANTAL\n"
	    "2023-05-16;Groningen;Vacature;1.5\n"
	};
	const char *const hdr[] = {
	    "PEILDATUM,PROVINCIE,REC_TYPE,AANTAL\n"
	    "2023-05-16,Groningen,Vacature,1\n"
	};
	const char *const width[] = {
	    "PEILDATUM;PROVINCIE;REC_TYPE;AANTAL\n"
	    "2023-05-16;Groningen;Vacature\n"
	};

	(void)unused;
	assert_int_equal(read_files(conf(OM "}", RM_OK), dup, 1), -1);
	expect_log("x.csv: line 4: a second row for vacancies, groningen, "
	    "2023-05 (the first is on line 2); set \"aggregate\": \"sum\"");
	assert_int_equal(fh_nobs(), 0);

	setup(NULL);
	assert_int_equal(read_files(conf(OM ", \"aggregate\": \"sum\"}",
	    RM_OK), two, 2), -1);
	expect_log("vacancies, groningen, 2023-05 is also in an earlier file");

	setup(NULL);
	assert_int_equal(read_files(conf(OM "}", RM_OK), bad, 1), -1);
	expect_log("x.csv: line 3, column \"PEILDATUM\": expected a period "
	    "(2023, 2023-Q2, 2023-05, \"mei 2023\" or a date), "
	    "got \"week 20\"");

	setup(NULL);
	assert_int_equal(read_files(conf(OM "}", RM_OK), num, 1), -1);
	expect_log("line 2, column \"AANTAL\": expected a number with a "
	    "decimal comma, got \"1.5\"");

	setup(NULL);
	assert_int_equal(read_files(conf(OM "}", RM_OK), hdr, 1), -1);
	expect_log("no column \"PEILDATUM\" (columns.period) in the header "
	    "line; it has one field: is the separator right?");

	setup(NULL);
	assert_int_equal(read_files(conf(OM "}", RM_OK), width, 1), -1);
	expect_log("line 2: 3 fields, but the header line has 4");
}

static void
test_fixed_and_scheme(void **unused)
{
	const char *const files[] = {
	    "Regio,Periode,Waarde\n"
	    "PV20,2023MM01,1.5\n"
	    "PV22,2023MM01,2.5\n"
	    "GM0014,2023MM01,9\n"
	};

	(void)unused;
	assert_int_equal(read_files(conf("{\"dataset\": \"d\", \"separator\": "
	    "\",\", \"decimal\": \".\", \"encoding\": \"utf-8\", "
	    "\"indicator\": \"ww-benefits\", \"region_scheme\": \"cbs\", "
	    "\"columns\": {\"period\": \"periode\", \"region\": \"regio\", "
	    "\"value\": \"waarde\"}}", RM_OK), files, 1), 0);
	assert_int_equal(fh_nobs(), 2);
	check_obs(0, "ww-benefits", "drenthe", "2023-01", 2.5, 0, 0);
	check_obs(1, "ww-benefits", "groningen", "2023-01", 1.5, 0, 0);
}

/* Write DIR/name: a ZIP of (name, text) members, or raw bytes. */
static void
put_zip(const char *name, const char *const *members, size_t n)
{
	struct archive		*a;
	struct archive_entry	*e;
	char			 path[128];
	size_t			 i;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((a = archive_write_new()) == NULL ||
	    archive_write_set_format_zip(a) != ARCHIVE_OK ||
	    archive_write_open_filename(a, path) != ARCHIVE_OK)
		fail_msg("archive_write: %s", path);
	for (i = 0; i + 1 < n; i += 2) {
		if ((e = archive_entry_new()) == NULL)
			fail_msg("archive_entry_new");
		archive_entry_set_pathname(e, members[i]);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)strlen(members[i + 1]));
		if (archive_write_header(a, e) != ARCHIVE_OK ||
		    archive_write_data(a, members[i + 1],
		    strlen(members[i + 1])) < 0)
			fail_msg("archive_write: %s", archive_error_string(a));
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
}

static void
put_file(const char *name, const char *text)
{
	char	 path[128];
	FILE	*fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fp = fopen(path, "w")) == NULL)
		fail_msg("%s", path);
	fputs(text, fp);
	fclose(fp);
}

/* A CKAN answer whose newest ZIP resource is url. */
static void
put_package(const char *url)
{
	char	*text;

	if (asprintf(&text, "{\"success\": true, \"result\": {\"resources\": "
	    "[{\"url\": \"old.zip\", \"format\": \"ZIP\", \"last_modified\": "
	    "\"2023-05-10T07:55:01\"}, {\"url\": \"%s\", \"format\": "
	    "\"ZIP\", \"last_modified\": \"2023-05-17T08:12:40\"}, "
	    "{\"url\": \"notes.pdf\", \"format\": \"PDF\", "
	    "\"last_modified\": \"2023-06-01T00:00:00\"}]}}", url) == -1)
		fail_msg("asprintf");
	put_file("d.json", text);
	free(text);
}

static int
collect(const char *extra)
{
	json_error_t	 jerr;
	json_t		*c;
	char		*text;
	void		*st = NULL;
	int		 rc;

	if (asprintf(&text, OM ", \"catalog_url\": \"file:%s\", \"aggregate\": "
	    "\"sum\"%s}", dir, extra) == -1)
		fail_msg("asprintf");
	if ((c = json_loads(text, 0, &jerr)) == NULL)
		fail_msg("bad test JSON: %s", jerr.text);
	free(text);
	if (plug.init(fh_ctx(), c, &st) != RM_OK) {
		fh_dump(stderr);
		fail_msg("init refused");
	}
	json_decref(c);
	rc = plug.collect(fh_ctx(), st);
	plug.fini(st);
	return rc;
}

static void
test_collect(void **unused)
{
	const char *const good[] = {
		"LEESMIJ.txt", "Open Match\r\n",
		"dir/UWV_OpenMatch.CSV",
		"PEILDATUM;PROVINCIE;REC_TYPE;AANTAL\r\n"
		"2023-05-16;Groningen;Vacature;3\r\n"
		"2023-05-16;Groningen;Vacature;4\r\n"
	};
	const char *const old[] = {
		"x.csv", "PEILDATUM;PROVINCIE;REC_TYPE;AANTAL\n"
		"2023-05-09;Groningen;Vacature;99\n"
	};
	const char *const nocsv[] = {
		"LEESMIJ.txt", "x", "toelichting.pdf", "%PDF-"
	};
	const char	*files[] = { "d.json", "old.zip", "new.zip",
			    "nocsv.zip", "bad.zip" };
	char		 path[128];
	size_t		 i;

	(void)unused;
	snprintf(dir, sizeof(dir), "/tmp/test_uwv.XXXXXX");
	if (mkdtemp(dir) == NULL)
		fail_msg("mkdtemp");
	put_zip("old.zip", old, 2);
	put_zip("new.zip", good, 4);
	put_zip("nocsv.zip", nocsv, 4);
	put_file("bad.zip", "PK\003\004 this is not a zip at all");
	put_package("new.zip");

	/* The newest ZIP, its CSV member (any case), summed. */
	assert_int_equal(collect(""), RM_OK);
	assert_int_equal(fh_nobs(), 1);
	check_obs(0, "vacancies", "groningen", "2023-05", 7, 0, 0);

	setup(NULL);
	/* Two weekly snapshots of one month: never added up. */
	assert_int_equal(collect(", \"select\": \"all\""), RM_ERR);
	assert_int_equal(fh_nobs(), 0);
	expect_log("new.zip: line 2: vacancies, groningen, 2023-05 is also in "
	    "an earlier file");

	setup(NULL);
	put_package("nocsv.zip");
	assert_int_equal(collect(""), RM_ERR);
	expect_log("nocsv.zip: the ZIP holds no member matching \"*.csv\"; "
	    "it has \"LEESMIJ.txt\", \"toelichting.pdf\"");

	setup(NULL);
	assert_int_equal(collect(", \"member\": \"*.pdf\", \"encoding\": "
	    "\"cp1252\""), RM_ERR);
	expect_log("no column \"PEILDATUM\"");

	setup(NULL);
	put_package("bad.zip");
	assert_int_equal(collect(""), RM_ERR);
	expect_log("bad.zip: not a ZIP, or a truncated or corrupt one");

	setup(NULL);
	assert_int_equal(collect(", \"format\": \"csv\""), RM_ERR);
	expect_log("dataset d has no CSV resource among its 3");

	setup(NULL);
	put_file("d.json", "{\"success\": false, \"error\": {\"message\": "
	    "\"Not found\", \"__type\": \"Not Found Error\"}}");
	assert_int_equal(collect(""), RM_ERR);
	expect_log("package_show failed: Not found");

	setup(NULL);
	put_package("ftp://example.org/x.zip");
	assert_int_equal(collect(""), RM_ERR);
	expect_log("resource URL \"ftp://example.org/x.zip\": only http(s) "
	    "URLs and file: URLs are followed");

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

static void
test_conf_errors(void **unused)
{
	(void)unused;
	assert_null(conf("{\"datset\": \"d\", \"catalog_url\": \"ftp://x\", "
	    "\"format\": \"xlsx\", \"select\": \"newest\", \"encoding\": "
	    "\"utf-16\", \"columns\": {\"period\": \"P\", \"vlaue\": \"V\"}, "
	    "\"indicator\": \"vacancies\", \"indicators\": {\"a\": \"b\"}, "
	    "\"filter\": {\"X\": []}, \"missing\": [1]}", RM_ERR));
	expect_conf_error("datset", "did you mean \"dataset\"?");
	expect_conf_error("dataset", "missing: give the CKAN dataset id");
	expect_conf_error("catalog_url", "expected an http://, https:// or "
	    "file: URL");
	expect_conf_error("format", "expected \"zip\", \"csv\" or \"any\"");
	expect_conf_error("select", "expected \"latest\" or \"all\"");
	expect_conf_error("encoding", "expected \"auto\", \"utf-8\" or "
	    "\"cp1252\"");
	expect_conf_error("columns.vlaue", "did you mean \"value\"?");
	expect_conf_error("columns.value", "missing: name the value column");
	expect_conf_error("indicators", "needs \"columns.indicator\"");
	expect_conf_error("regions", "missing: map the region cells");
	expect_conf_error("filter.X", "a non-empty list");
	expect_conf_error("missing[0]", "expected a string");

	setup(NULL);
	assert_null(conf("{\"dataset\": \"d\", \"columns\": {\"period\": "
	    "\"P\", \"value\": \"V\", \"region\": \"R\", \"indicator\": "
	    "\"I\"}, \"indicator\": \"vacancies\", \"region\": \"utrecht\", "
	    "\"region_scheme\": \"iso\"}", RM_ERR));
	expect_conf_error("indicator", "not both");
	expect_conf_error("indicators", "missing: map the cells of column "
	    "\"I\"");
	expect_conf_error("region_scheme", "expected \"cbs\", \"nuts\", "
	    "\"swing\" or \"am\"");
	expect_conf_error("regions", "give one of \"regions\", "
	    "\"region_scheme\" and \"region\"");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_periods, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cp1252, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sum, setup, teardown),
		cmocka_unit_test_setup_teardown(test_row_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fixed_and_scheme, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_collect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conf_errors, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
