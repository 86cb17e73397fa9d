/* SPDX-License-Identifier: ISC */
/*
 * test_cbs_odata.c: how the cbs_statline plugin talks OData: endpoint
 * URLs (and the recorded file names under a file: base), percent-encoding,
 * quoted $filter literals, the $filter and $select it builds for v3
 * (padded keys) and v4, which nextLinks it follows, and the page loop's
 * loop detection, page limit and error bodies, read from file: chains in
 * tests/data/cbs/unit/loop/ through the fake host.
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

#define UNIT_DIR	"tests/data/cbs/unit"

static struct rm_plugin	 plug;

static int
setup(void **unused)
{
	(void)unused;
	fh_reset();
	fh_set_confdir(UNIT_DIR);
	fh_add_indicator("house-price", "year");
	fh_add_indicator("unemployment-rate", "year");
	fh_add_region("groningen", "cbs", "PV20");
	fh_add_region("drenthe", "cbs", "PV22");
	fh_add_region("assen", "cbs", "GM0106");
	fh_add_region("nl", "cbs", "NL01");
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

/* The parsed config of text; fails the test if init refuses it. */
static struct cbs_conf *
conf_of(const char *text)
{
	json_error_t	 jerr;
	json_t		*j;
	void		*st = NULL;

	if ((j = json_loads(text, 0, &jerr)) == NULL)
		fail_msg("bad test JSON: %s", jerr.text);
	if (plug.init(fh_ctx(), j, &st) != RM_OK) {
		fh_dump(stderr);
		fail_msg("init refused %s", text);
	}
	json_decref(j);
	return st;
}

static void
test_encode(void **unused)
{
	struct cbs_buf	 b;

	(void)unused;
	memset(&b, 0, sizeof(b));
	cbs_buf_enc(&b, "RegioS eq 'PV20  ' and x/y,z$&=?#%\xc3\xab~._-");
	assert_false(b.oom);
	assert_string_equal(b.p, "RegioS%20eq%20%27PV20%20%20%27%20and%20"
	    "x%2Fy%2Cz%24%26%3D%3F%23%25%C3%AB~._-");
	cbs_buf_free(&b);
	/* OData doubles a quote inside a literal. */
	cbs_buf_literal(&b, "'s-Gravenhage");
	assert_string_equal(b.p, "'''s-Gravenhage'");
	cbs_buf_free(&b);
	cbs_buf_literal(&b, "");
	assert_string_equal(b.p, "''");
	cbs_buf_free(&b);
	cbs_buf_add(&b, "http://h/p");
	cbs_url_param(&b, "$format", "json");
	cbs_url_param(&b, "$select", "A,B");
	assert_string_equal(b.p, "http://h/p?$format=json&$select=A%2CB");
	cbs_buf_free(&b);
}

static void
test_endpoint_urls(void **unused)
{
	struct cbs_conf	*c;
	char		*u;

	(void)unused;
	c = conf_of("{\"api\": \"v3\", \"table\": \"03759ned\", \"series\": "
	    "[{\"indicator\": \"house-price\", \"measure\": \"M1\", "
	    "\"regions\": [\"nl\"]}]}");
	u = cbs_url(c, "TableInfos", "table-infos.json");
	assert_string_equal(u, "https://opendata.cbs.nl/ODataApi/odata/"
	    "03759ned/TableInfos?$format=json");
	free(u);
	cbs_conf_free(c);
	c = conf_of("{\"api\": \"v3-feed\", \"table\": \"83625NED\", "
	    "\"series\": [{\"indicator\": \"house-price\", \"measure\": "
	    "\"M1\", \"regions\": [\"nl\"]}]}");
	u = cbs_url(c, "Perioden", "codes-Perioden.json");
	assert_string_equal(u, "https://opendata.cbs.nl/ODataFeed/odata/"
	    "83625NED/Perioden?$format=json");
	free(u);
	cbs_conf_free(c);
	/* v4 has no $format; a trailing slash on the base is dropped. */
	c = conf_of("{\"api\": \"v4\", \"base_url\": \"http://127.0.0.1:8/"
	    "odata/v1/CBS//\", \"table\": \"83625NED\", \"series\": "
	    "[{\"indicator\": \"house-price\", \"measure\": \"M1\", "
	    "\"regions\": [\"nl\"]}]}");
	u = cbs_url(c, "Properties", "properties.json");
	assert_string_equal(u, "http://127.0.0.1:8/odata/v1/CBS/83625NED/"
	    "Properties");
	free(u);
	cbs_conf_free(c);
	/* A file: base names the recorded files. */
	c = conf_of("{\"api\": \"v4\", \"base_url\": \"file:../share/demo/"
	    "cbs/v4/\", \"table\": \"83625NED\", \"series\": "
	    "[{\"indicator\": \"house-price\", \"measure\": \"M1\", "
	    "\"regions\": [\"nl\"]}]}");
	u = cbs_url(c, "Properties", "properties.json");
	assert_string_equal(u, "file:../share/demo/cbs/v4/83625NED/"
	    "properties.json");
	free(u);
	cbs_conf_free(c);
}

static void
test_v4_query(void **unused)
{
	struct cbs_conf	*c;
	struct cbs_run	 run;
	char		*u;

	(void)unused;
	c = conf_of("{\"api\": \"v4\", \"table\": \"03759ned\", \"series\": "
	    "[{\"indicator\": \"house-price\", \"measure\": \"M000352\", "
	    "\"filters\": {\"Geslacht\": \" T001038 \"}, "
	    "\"regions\": [\"groningen\", \"assen\"], "
	    "\"periods\": [\"year\", \"month\"]}]}");
	memset(&run, 0, sizeof(run));
	run.ctx = fh_ctx();
	run.conf = c;
	c->series[0].terms[0].resolved = strdup("M000352");
	u = cbs_v4_query(&run, &c->series[0]);
	/*
	 * Measure eq 'M000352' and (RegioS eq 'PV20' or RegioS eq 'GM0106')
	 * and Geslacht eq 'T001038' and (contains(Perioden,'JJ') or
	 * contains(Perioden,'MM')); codes trimmed, v4 keys unpadded.
	 */
	assert_string_equal(u, "https://datasets.cbs.nl/odata/v1/CBS/03759ned/"
	    "Observations?$filter=Measure%20eq%20%27M000352%27%20and%20"
	    "%28RegioS%20eq%20%27PV20%27%20or%20RegioS%20eq%20%27GM0106%27"
	    "%29%20and%20Geslacht%20eq%20%27T001038%27%20and%20%28contains"
	    "%28Perioden%2C%27JJ%27%29%20or%20contains%28Perioden%2C%27MM"
	    "%27%29%29&$select=Measure%2CValueAttribute%2CValue%2CRegioS"
	    "%2CGeslacht%2CPerioden");
	free(u);
	cbs_conf_free(c);
}

static void
test_v3_query(void **unused)
{
	struct cbs_conf	*c;
	struct cbs_run	 run;
	char		*u;

	(void)unused;
	c = conf_of("{\"api\": \"v3-feed\", \"table\": \"85268NED\", "
	    "\"typed\": false, \"series\": [{\"indicator\": \"house-price\", "
	    "\"measure\": [\"A_1\", \"B_2\"], \"per_measure\": \"T_3\", "
	    "\"filters\": {\"Geslacht\": \"3000\"}, "
	    "\"regions\": [\"nl\", \"assen\"], \"periods\": [\"quarter\"]}]}");
	memset(&run, 0, sizeof(run));
	run.ctx = fh_ctx();
	run.conf = c;
	c->series[0].terms[0].resolved = strdup("A_1");
	c->series[0].terms[1].resolved = strdup("B_2");
	c->series[0].per->resolved = strdup("T_3");
	/* What cbs_widths() learns from the server: padded keys. */
	c->series[0].regions[0].padded = strdup("NL01  ");
	c->series[0].regions[1].padded = strdup("GM0106");
	c->series[0].filters[0].padded = strdup("3000   ");
	u = cbs_v3_query(&run, &c->series[0]);
	assert_string_equal(u, "https://opendata.cbs.nl/ODataFeed/odata/"
	    "85268NED/UntypedDataSet?$format=json&$filter=%28RegioS%20eq%20"
	    "%27NL01%20%20%27%20or%20RegioS%20eq%20%27GM0106%27%29%20and%20"
	    "Geslacht%20eq%20%273000%20%20%20%27%20and%20%28substringof%28"
	    "%27KW%27%2CPerioden%29%29&$select=RegioS%2CGeslacht%2CPerioden"
	    "%2CA_1%2CB_2%2CT_3");
	free(u);
	cbs_conf_free(c);
}

static void
test_same_origin(void **unused)
{
	(void)unused;
	assert_true(cbs_same_origin("https://opendata.cbs.nl/ODataFeed/odata",
	    "https://opendata.cbs.nl/ODataFeed/OData/x/TypedDataSet?"
	    "$skip=10000"));
	assert_true(cbs_same_origin("http://127.0.0.1:8080/a",
	    "http://127.0.0.1:8080/b?$skip=1"));
	assert_true(cbs_same_origin("http://Opendata.CBS.nl/a",
	    "https://opendata.cbs.nl/b"));
	assert_false(cbs_same_origin("https://opendata.cbs.nl/a",
	    "http://opendata.cbs.nl/b"));
	assert_false(cbs_same_origin("http://127.0.0.1:8080/a",
	    "http://127.0.0.1:8081/a"));
	assert_false(cbs_same_origin("https://opendata.cbs.nl/a",
	    "https://opendata.cbs.nl.evil.example/a"));
	assert_false(cbs_same_origin("https://opendata.cbs.nl/a",
	    "file:///etc/passwd"));
	assert_false(cbs_same_origin("https://opendata.cbs.nl/a", "ftp://x"));
	assert_true(cbs_same_origin("file:../share/demo", "file:x.json"));
	assert_false(cbs_same_origin("file:../share/demo", "http://x/"));
}

/* cbs_next_link() of a page with nextLink link, read from page url. */
static char *
next_of(const char *link, const char *url)
{
	struct cbs_conf	*c;
	struct cbs_run	 run;
	json_t		*root;
	char		*next = NULL;

	c = conf_of("{\"api\": \"v4\", \"table\": \"T\", \"series\": "
	    "[{\"indicator\": \"house-price\", \"measure\": \"M1\", "
	    "\"regions\": [\"nl\"]}]}");
	memset(&run, 0, sizeof(run));
	run.ctx = fh_ctx();
	run.conf = c;
	root = json_pack("{s:s*}", "@odata.nextLink", link);
	if (cbs_next_link(&run, root, url, 1, "Observations", &next) == -1)
		next = NULL;
	json_decref(root);
	cbs_conf_free(c);
	return next;
}

static void
test_next_link_resolved(void **unused)
{
	const char	*page = "https://datasets.cbs.nl/odata/v1/CBS/T/"
			    "Observations?$filter=x";
	char		*n;

	(void)unused;
	/* Verbatim: none of the first page's parameters added again. */
	n = next_of("https://datasets.cbs.nl/odata/v1/CBS/T/Observations?"
	    "$skip=100000", page);
	assert_string_equal(n, "https://datasets.cbs.nl/odata/v1/CBS/T/"
	    "Observations?$skip=100000");
	free(n);
	/* An http link from an https page stays on https. */
	n = next_of("http://datasets.cbs.nl/odata/v1/CBS/T/Observations?"
	    "$skip=1", page);
	assert_string_equal(n, "https://datasets.cbs.nl/odata/v1/CBS/T/"
	    "Observations?$skip=1");
	free(n);
	/* A path is taken on the page's host. */
	n = next_of("/odata/v1/CBS/T/Observations?$skip=2", page);
	assert_string_equal(n, "https://datasets.cbs.nl/odata/v1/CBS/T/"
	    "Observations?$skip=2");
	free(n);
	/* The end, and links that are refused. */
	assert_null(next_of(NULL, page));
	assert_int_equal(fh_nlogs(), 0);
	assert_null(next_of("https://datasets.cbs.nl.example/x", page));
	assert_null(next_of("file:///etc/passwd", page));
	assert_null(next_of("", page));
	assert_true(fh_log_has(RM_LOG_ERR, "nextLink: expected a URL"));
	assert_int_equal(fh_nlogs(), 3);
}

static int
count_rows(struct cbs_run *run, json_t *rows, const char *url, size_t page,
    size_t first, void *arg)
{
	size_t	*n = arg;

	(void)run;
	(void)url;
	(void)rows;
	(void)first;
	*n = page;
	return 0;
}

/* cbs_pages() from url with a file: base; its return and pages read. */
static int
pages(const char *url, long limit, size_t *npages)
{
	struct cbs_conf	*c;
	struct cbs_run	 run;
	int		 rc;

	c = conf_of("{\"api\": \"v4\", \"base_url\": \"file:loop\", "
	    "\"table\": \"T\", \"series\": [{\"indicator\": "
	    "\"house-price\", \"measure\": \"M1\", \"regions\": [\"nl\"]}]}");
	c->page_limit = limit;
	memset(&run, 0, sizeof(run));
	run.ctx = fh_ctx();
	run.conf = c;
	*npages = 0;
	rc = cbs_pages(&run, url, "Observations", NULL, count_rows, NULL,
	    npages);
	cbs_conf_free(c);
	return rc;
}

static void
test_next_link_loop(void **unused)
{
	size_t	 n;

	(void)unused;
	assert_int_equal(pages("file:loop/page1.json", 100, &n), -1);
	assert_int_equal(n, 3);
	assert_true(fh_log_has(RM_LOG_ERR, "Observations page 3 "
	    "(file:loop/page3.json): nextLink loops back to page 2 "
	    "(file:loop/page2.json)"));
}

static void
test_page_limit(void **unused)
{
	size_t	 n;

	(void)unused;
	assert_int_equal(pages("file:loop/page1.json", 2, &n), -1);
	assert_int_equal(n, 2);
	assert_true(fh_log_has(RM_LOG_ERR, "Observations: more than 2 "
	    "pages (page_limit); stopped before file:loop/page3.json"));
}

static void
test_offsite_next_link(void **unused)
{
	size_t	 n;

	(void)unused;
	assert_int_equal(pages("file:loop/offsite.json", 100, &n), -1);
	assert_int_equal(n, 0);
	assert_true(fh_log_has(RM_LOG_ERR, "nextLink "
	    "\"https://evil.example/x\" leaves file:loop; refused"));
}

static void
test_error_bodies(void **unused)
{
	size_t	 n;

	(void)unused;
	assert_int_equal(pages("file:loop/error.json", 100, &n), -1);
	assert_true(fh_log_has(RM_LOG_ERR, "the server answered with an "
	    "error: Er is een fout opgetreden"));
	assert_int_equal(pages("file:loop/novalue.json", 100, &n), -1);
	assert_true(fh_log_has(RM_LOG_ERR, "value: expected the array of "
	    "rows of an OData answer"));
	assert_int_equal(pages("file:loop/missing.json", 100, &n), -1);
	assert_true(fh_log_has(RM_LOG_ERR, "No such file or directory"));
	assert_int_equal(n, 0);
}

/* What fn was handed of a page: the first row of each call, the IDs. */
struct handed {
	size_t	 ncalls, nrows;
	size_t	 first[16];
	double	 id[1024];	/* -1 for a row that is not an object */
};

static int
record_rows(struct cbs_run *run, json_t *rows, const char *url, size_t page,
    size_t first, void *arg)
{
	struct handed	*h = arg;
	json_t		*row;
	size_t		 i;

	(void)run;
	(void)url;
	(void)page;
	assert_true(h->ncalls < 16);
	assert_int_equal(first, h->nrows);
	h->first[h->ncalls++] = first;
	json_array_foreach(rows, i, row) {
		assert_true(h->nrows < 1024);
		h->id[h->nrows++] = json_is_object(row) ?
		    json_number_value(json_object_get(row, "ID")) : -1;
	}
	return 0;
}

/*
 * A page of n rows, 100 to a region, whose strings look like structure;
 * row at is the text odd instead (at >= n: none).  New.
 */
static char *
page_of(size_t n, size_t at, const char *odd)
{
	char	*p, *s = strdup("{\"odata.metadata\": \"x]}\",\r\n "
	    "\"value\" : [\n");
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (i == at)
			assert_true(asprintf(&p, "%s%s%s", s, odd,
			    i + 1 < n ? "," : "") != -1);
		else
			assert_true(asprintf(&p, "%s {\"ID\": %zu, "
			    "\"RegioS\": \"R%zu\", \"T\": \"\\\"value\\\": "
			    "[{\\\\\"}\t%s", s, i, i / 100,
			    i + 1 < n ? ",\r\n" : "\n") != -1);
		free(s);
		s = p;
	}
	assert_true(asprintf(&p, "%s], \"odata.nextLink\": null}", s) != -1);
	free(s);
	return p;
}

/* cbs_pages() over the page body, rows recorded in h. */
static int
page_rows(const char *body, const char *cut, struct handed *h)
{
	struct cbs_conf	*c;
	struct cbs_run	 run;
	int		 rc;

	c = conf_of("{\"api\": \"v3\", \"table\": \"T\", \"series\": "
	    "[{\"indicator\": \"house-price\", \"measure\": \"M1\", "
	    "\"regions\": [\"nl\"]}]}");
	memset(&run, 0, sizeof(run));
	run.ctx = fh_ctx();
	run.conf = c;
	memset(h, 0, sizeof(*h));
	fh_set_body(body);
	rc = cbs_pages(&run, "https://opendata.cbs.nl/ODataApi/odata/T/x",
	    "TypedDataSet", cut, record_rows, NULL, h);
	cbs_conf_free(c);
	return rc;
}

/* Rows come in chunks that end where the cut column changes. */
static void
test_rows_chunked(void **unused)
{
	struct handed	 h;
	char		*body;
	size_t		 i;

	(void)unused;
	body = page_of(600, 600, NULL);
	assert_int_equal(page_rows(body, "RegioS", &h), 0);
	assert_int_equal(h.ncalls, 2);
	assert_int_equal(h.first[1], 300);
	assert_int_equal(h.nrows, 600);
	for (i = 0; i < 600; i++)
		assert_true(h.id[i] == (double)i);
	assert_int_equal(page_rows(body, NULL, &h), 0);
	assert_int_equal(h.ncalls, 3);
	assert_int_equal(h.first[2], 512);
	assert_int_equal(h.nrows, 600);
	free(body);
	body = page_of(0, 0, NULL);
	assert_int_equal(page_rows(body, NULL, &h), 0);
	assert_int_equal(h.ncalls, 1);
	assert_int_equal(h.nrows, 0);
	free(body);
	assert_int_equal(fh_nlogs(), 0);
}

/*
 * A row that does not parse on its own: the whole page is parsed and fn
 * gets the rows it has not seen, or the page fails as a whole text.
 */
static void
test_rows_fallback(void **unused)
{
	struct handed	 h;
	json_error_t	 jerr;
	char		*body, *want;
	size_t		 i;

	(void)unused;
	body = page_of(600, 400, "5");
	assert_int_equal(page_rows(body, "RegioS", &h), 0);
	assert_int_equal(h.ncalls, 2);
	assert_int_equal(h.first[1], 300);
	assert_int_equal(h.nrows, 600);
	for (i = 0; i < 600; i++)
		assert_true(h.id[i] == (i == 400 ? -1 : (double)i));
	free(body);
	body = page_of(600, 400, "{\"ID\": 400,, }");
	assert_null(json_loads(body, 0, &jerr));
	assert_true(asprintf(&want, "invalid JSON at line %d, column %d: %s",
	    jerr.line, jerr.column, jerr.text) != -1);
	assert_int_equal(page_rows(body, "RegioS", &h), -1);
	assert_true(fh_log_has(RM_LOG_ERR, want));
	free(want);
	free(body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_encode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_endpoint_urls, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_v4_query, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v3_query, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_origin, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_next_link_resolved, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_next_link_loop, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_page_limit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_offsite_next_link, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_error_bodies, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rows_chunked, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rows_fallback, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
