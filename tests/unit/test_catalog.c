/* SPDX-License-Identifier: ISC */
/*
 * test_catalog.c: catalog.c on small catalogs written to a temp dir:
 * lookups, defaults, merging several files, duplicate ids within and
 * across files, dangling references, and the exact diag for each kind of
 * mistake.  JSON in this file uses ' for " to stay readable.
 */
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

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

static char	 tmpdir[] = "/tmp/test_catalog.XXXXXX";

static const char *base_regions =
    "[{'id': 'groningen', 'name': 'Provincie Groningen', 'kind': 'province',"
    "  'codes': {'cbs': 'PV20', 'nuts': 'NL11'}},"
    " {'id': 'drenthe', 'name': 'Provincie Drenthe', 'kind': 'province',"
    "  'codes': {'cbs': 'PV22', 'nuts': 'NL13'}},"
    " {'id': 'assen', 'name': 'Assen', 'kind': 'gemeente',"
    "  'parent': 'drenthe', 'codes': {'cbs': 'GM0106',"
    "  'swing': 'gemeente_106'}},"
    " {'id': 'rga', 'name': 'Regio Groningen-Assen', 'kind': 'region',"
    "  'members': ['assen']}]";

static const char *base_challenges =
    "[{'number': 1, 'id': 'schone-energie', 'title': 'Koploper',"
    "  'title_en': 'Leader', 'question': 'Hoe?', 'question_en': 'How?'},"
    " {'number': 5, 'id': 'arbeidsmarkt', 'title': 'Arbeidsmarkt',"
    "  'question': 'Hoe?'}]";

static const char *base_indicator =
    "{'id': 'unemployment-rate', 'challenge': 5, 'title': 'Werkloosheid',"
    " 'title_en': 'Unemployment rate', 'unit': '%', 'frequency': 'year',"
    " 'direction': 'lower-is-better',"
    " 'thresholds': {'kind': 'absolute', 'warning': 0.5, 'critical': 1.0},"
    " 'citation': 'CBS StatLine (2020)', 'source': 'cbs_statline',"
    " 'baselines': [{'region': 'groningen', 'period': '2020',"
    "  'value': 4.4, 'quote': 'Groningen: 4,4%'}]}";

/* s with every ' turned into ".  New. */
static char *
dq(const char *s)
{
	char	*p, *q;

	assert_non_null(p = strdup(s));
	for (q = p; *q != '\0'; q++)
		if (*q == '\'')
			*q = '"';
	return p;
}

/* Write text (with ' for ") to tmpdir/name; returns the full path, new. */
static char *
put(const char *name, const char *text)
{
	char	*path, *json;
	FILE	*fp;

	assert_true(asprintf(&path, "%s/%s", tmpdir, name) > 0);
	json = dq(text);
	assert_non_null(fp = fopen(path, "w"));
	fputs(json, fp);
	assert_int_equal(fclose(fp), 0);
	free(json);
	return path;
}

/* A catalog of the base regions and challenges and these indicators. */
static char *
doc(const char *indicators)
{
	char	*s;

	assert_true(asprintf(&s, "{'version': 1, 'regions': %s,"
	    " 'challenges': %s, 'indicators': %s}", base_regions,
	    base_challenges, indicators) > 0);
	return s;
}

static struct catalog *
load1(const char *text, struct diags *d, char **pathp)
{
	struct catalog	*cat;
	char		*path;

	path = put("c.json", text);
	cat = catalog_load(&path, 1, NULL, d);
	if (pathp != NULL)
		*pathp = path;
	else
		free(path);
	return cat;
}

/* text must fail with exactly one diag, in c.json, at where with msg. */
static void
one_error(const char *text, const char *where, const char *msg)
{
	struct diags	 d;
	char		*path;

	memset(&d, 0, sizeof(d));
	if (load1(text, &d, &path) != NULL || d.n != 1) {
		print_error("catalog %s gave %zu diags:\n", text, d.n);
		diag_print(&d, stderr);
		fail();
	}
	assert_string_equal(d.v[0].file, path);
	if (where == NULL && d.v[0].where != NULL)
		fail_msg("where %s, expected none", d.v[0].where);
	if (where != NULL) {
		assert_non_null(d.v[0].where);
		assert_string_equal(d.v[0].where, where);
	}
	assert_string_equal(d.v[0].msg, msg);
	diag_free(&d);
	free(path);
}

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	static const char *const names[] = { "a.json", "b.json", "c.json" };
	char		*p;
	size_t		 i;

	(void)state;
	for (i = 0; i < nitems(names); i++) {
		if (asprintf(&p, "%s/%s", tmpdir, names[i]) == -1)
			return -1;
		unlink(p);
		free(p);
	}
	return rmdir(tmpdir);
}

static void
test_valid(void **state)
{
	const struct region	*r;
	const struct challenge	*ch;
	const struct indicator	*ind;
	const struct baseline	*b;
	struct catalog		*cat;
	struct diags		 d;
	char			*text, *ind2, *inds;

	(void)state;
	memset(&d, 0, sizeof(d));
	ind2 = dq("{'id': 'jobs', 'challenge': 5, 'title': 'Banen',"
	    " 'unit': 'x 1000', 'frequency': 'quarter', 'direction': 'neutral',"
	    " 'thresholds': {'kind': 'relative', 'warning': 2, 'critical': 2},"
	    " 'confirm': 2, 'hysteresis': 0.25, 'grace': '30d',"
	    " 'baselines': [{'region': 'assen', 'period': '2020-Q3',"
	    "  'value': 31},"
	    " {'region': 'rga', 'period': '2020', 'value': 7}]}");
	assert_true(asprintf(&inds, "[%s, %s]", base_indicator, ind2) > 0);
	text = doc(inds);
	cat = load1(text, &d, NULL);
	diag_print(&d, stderr);
	assert_int_equal(d.n, 0);
	assert_non_null(cat);
	assert_int_equal(cat->nregions, 4);
	assert_int_equal(cat->nchallenges, 2);
	assert_int_equal(cat->nindicators, 2);

	assert_non_null(r = catalog_region(cat, "assen"));
	assert_string_equal(r->name, "Assen");
	assert_string_equal(r->kind, "gemeente");
	assert_string_equal(r->parent, "drenthe");
	assert_null(r->members);
	assert_string_equal(region_code(r, "cbs"), "GM0106");
	assert_string_equal(region_code(r, "swing"), "gemeente_106");
	assert_null(region_code(r, "nuts"));
	assert_non_null(r = catalog_region(cat, "rga"));
	assert_null(r->parent);
	assert_null(r->codes);
	assert_null(region_code(r, "cbs"));
	assert_int_equal(json_array_size(r->members), 1);
	assert_null(catalog_region(cat, "nope"));

	assert_ptr_equal(catalog_region_by_code(cat, "cbs", "PV22"),
	    catalog_region(cat, "drenthe"));
	assert_ptr_equal(catalog_region_by_code(cat, "nuts", "NL11"),
	    catalog_region(cat, "groningen"));
	assert_null(catalog_region_by_code(cat, "nuts", "PV22"));
	assert_null(catalog_region_by_code(cat, "am", "AM01"));

	assert_non_null(ch = catalog_challenge(cat, 1));
	assert_string_equal(ch->id, "schone-energie");
	assert_string_equal(ch->title_en, "Leader");
	assert_string_equal(ch->question_en, "How?");
	assert_non_null(ch = catalog_challenge(cat, 5));
	assert_null(ch->title_en);
	assert_null(catalog_challenge(cat, 2));

	/* Defaults: confirm 1, hysteresis 0, grace 120 days. */
	assert_non_null(ind = catalog_indicator(cat, "unemployment-rate"));
	assert_int_equal(ind->challenge, 5);
	assert_string_equal(ind->title, "Werkloosheid");
	assert_string_equal(ind->title_en, "Unemployment rate");
	assert_string_equal(ind->unit, "%");
	assert_int_equal(ind->freq, FREQ_YEAR);
	assert_int_equal(ind->direction, DIR_LOWER_IS_BETTER);
	assert_int_equal(ind->relative, 0);
	assert_true(ind->warning == 0.5);
	assert_true(ind->critical == 1.0);
	assert_int_equal(ind->confirm, 1);
	assert_true(ind->hysteresis == 0);
	assert_int_equal(ind->grace, 120 * 86400);
	assert_string_equal(ind->citation, "CBS StatLine (2020)");
	assert_string_equal(ind->source, "cbs_statline");
	assert_int_equal(ind->nbaselines, 1);
	assert_non_null(b = indicator_baseline(ind, "groningen"));
	assert_true(b->value == 4.4);
	assert_string_equal(b->quote, "Groningen: 4,4%");
	assert_int_equal(b->period.year, 2020);
	assert_int_equal(b->period.freq, FREQ_YEAR);
	assert_null(indicator_baseline(ind, "drenthe"));

	assert_non_null(ind = catalog_indicator(cat, "jobs"));
	assert_int_equal(ind->freq, FREQ_QUARTER);
	assert_int_equal(ind->direction, DIR_NEUTRAL);
	assert_int_equal(ind->relative, 1);
	assert_int_equal(ind->confirm, 2);
	assert_true(ind->hysteresis == 0.25);
	assert_int_equal(ind->grace, 30 * 86400);
	assert_null(ind->citation);
	assert_non_null(b = indicator_baseline(ind, "assen"));
	assert_int_equal(b->period.freq, FREQ_QUARTER);
	assert_int_equal(b->period.index, 3);
	assert_null(b->quote);
	assert_non_null(b = indicator_baseline(ind, "rga"));
	assert_int_equal(b->period.freq, FREQ_YEAR);
	assert_null(catalog_indicator(cat, "nope"));

	catalog_free(cat);
	catalog_free(NULL);
	free(text);
	free(inds);
	free(ind2);
}

/*
 * A later file adds regions and indicators, uses the first file's regions
 * and challenges, and the first file may use the later file's regions.
 */
/*
 * Regions are found through a hash index once loaded: with 3,000 of
 * them (collisions and a table grown past the first size), every id
 * gives its own region and ids not in the catalog give none.
 */
static void
test_many_regions(void **state)
{
	struct catalog		*cat;
	struct diags		 d;
	char			*text, *p, id[32];
	size_t			 i, n = 3000, len = 0, cap = n * 64 + 4096;

	(void)state;
	memset(&d, 0, sizeof(d));
	assert_non_null(text = malloc(cap));
	len += (size_t)snprintf(text, cap, "{\"version\": 1, \"regions\": [");
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, cap - len, "%s{\"id\": "
		    "\"r%zu\", \"name\": \"R\", \"kind\": \"gemeente\"}",
		    i > 0 ? "," : "", i);
	snprintf(text + len, cap - len, "], \"challenges\": [], "
	    "\"indicators\": []}");
	p = put("c.json", text);
	cat = catalog_load(&p, 1, NULL, &d);
	if (cat == NULL)
		diag_print(&d, stderr);
	assert_non_null(cat);
	assert_int_equal(cat->nregions, n);
	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "r%zu", i);
		assert_ptr_equal(catalog_region(cat, id), &cat->regions[i]);
		snprintf(id, sizeof(id), "r%zux", i);
		assert_null(catalog_region(cat, id));
	}
	assert_null(catalog_region(cat, ""));
	catalog_free(cat);
	free(text);
	free(p);
}

static void
test_merge(void **state)
{
	const struct indicator	*ind;
	struct catalog		*cat;
	struct diags		 d;
	char			*paths[2], *a;

	(void)state;
	memset(&d, 0, sizeof(d));
	a = dq("{'version': 1, 'regions': [{'id': 'groningen', 'name': 'G',"
	    " 'kind': 'province', 'codes': {'cbs': 'PV20'}},"
	    " {'id': 'rga', 'name': 'RGA', 'kind': 'region',"
	    "  'members': ['tynaarlo']}],"
	    " 'challenges': [{'number': 5, 'id': 'arbeidsmarkt', 'title': 'A',"
	    "  'question': 'Q'}]}");
	paths[0] = put("a.json", a);
	paths[1] = put("b.json", "{'version': 1,"
	    " 'regions': [{'id': 'tynaarlo', 'name': 'Tynaarlo',"
	    "  'kind': 'gemeente', 'parent': 'groningen',"
	    "  'codes': {'cbs': 'GM1730'}}],"
	    " 'indicators': [{'id': 'jobs', 'challenge': 5, 'title': 'Banen',"
	    "  'unit': '', 'frequency': 'month', 'direction': 'neutral',"
	    "  'thresholds': {'kind': 'absolute', 'warning': 1,"
	    "   'critical': 2},"
	    "  'baselines': [{'region': 'tynaarlo', 'period': '2020-03',"
	    "   'value': 1}, {'region': 'rga', 'period': '2020',"
	    "   'value': 2}]}]}");
	cat = catalog_load(paths, 2, NULL, &d);
	diag_print(&d, stderr);
	assert_int_equal(d.n, 0);
	assert_non_null(cat);
	assert_int_equal(cat->nregions, 3);
	assert_int_equal(cat->nchallenges, 1);
	assert_int_equal(cat->nindicators, 1);
	assert_ptr_equal(catalog_region_by_code(cat, "cbs", "GM1730"),
	    catalog_region(cat, "tynaarlo"));
	assert_non_null(ind = catalog_indicator(cat, "jobs"));
	assert_string_equal(ind->unit, "");
	assert_non_null(indicator_baseline(ind, "rga"));
	assert_string_equal(catalog_region(cat, "tynaarlo")->parent,
	    "groningen");
	catalog_free(cat);
	free(paths[0]);
	free(paths[1]);
	free(a);

	/* No files: an empty catalog. */
	cat = catalog_load(NULL, 0, NULL, &d);
	assert_non_null(cat);
	assert_int_equal(cat->nregions, 0);
	assert_null(catalog_region(cat, "groningen"));
	catalog_free(cat);
}

/* Relative paths resolve against dir; diags name the resolved path. */
static void
test_dir(void **state)
{
	struct catalog	*cat;
	struct diags	 d;
	char		*text, *p, *rel = "c.json", *missing = "nope.json";

	(void)state;
	memset(&d, 0, sizeof(d));
	text = doc("[]");
	p = put("c.json", text);
	cat = catalog_load(&rel, 1, tmpdir, &d);
	assert_int_equal(d.n, 0);
	assert_non_null(cat);
	assert_non_null(catalog_region(cat, "groningen"));
	catalog_free(cat);
	free(p);
	free(text);

	assert_null(catalog_load(&missing, 1, tmpdir, &d));
	assert_int_equal(d.n, 1);
	assert_true(asprintf(&p, "%s/nope.json", tmpdir) > 0);
	assert_string_equal(d.v[0].file, p);
	assert_null(d.v[0].where);
	assert_string_equal(d.v[0].msg,
	    "cannot read: No such file or directory");
	free(p);
	diag_free(&d);
}

static void
test_duplicates(void **state)
{
	struct diags	 d;
	char		*paths[2], *text, *inds, *msg;

	(void)state;
	memset(&d, 0, sizeof(d));
	one_error("{'version': 1, 'regions': ["
	    "{'id': 'a', 'name': 'A', 'kind': 'province'},"
	    "{'id': 'b', 'name': 'B', 'kind': 'province'},"
	    "{'id': 'a', 'name': 'A2', 'kind': 'province'}]}",
	    "regions[2].id", "duplicate region id \"a\" (first at regions[0])");
	one_error("{'version': 1, 'challenges': ["
	    "{'number': 1, 'id': 'a', 'title': 'T', 'question': 'Q'},"
	    "{'number': 1, 'id': 'b', 'title': 'T', 'question': 'Q'}]}",
	    "challenges[1].number",
	    "duplicate challenge number 1 (first at challenges[0])");
	one_error("{'version': 1, 'challenges': ["
	    "{'number': 1, 'id': 'a', 'title': 'T', 'question': 'Q'},"
	    "{'number': 2, 'id': 'a', 'title': 'T', 'question': 'Q'}]}",
	    "challenges[1].id",
	    "duplicate challenge id \"a\" (first at challenges[0])");
	one_error("{'version': 1, 'regions': ["
	    "{'id': 'a', 'name': 'A', 'kind': 'province',"
	    " 'codes': {'cbs': 'X'}},"
	    "{'id': 'b', 'name': 'B', 'kind': 'province',"
	    " 'codes': {'nuts': 'X', 'cbs': 'X'}}]}",
	    "regions[1].codes.cbs",
	    "code \"X\" is also the cbs code of region \"a\"");

	assert_true(asprintf(&inds, "[%s, %s]", base_indicator,
	    base_indicator) > 0);
	text = doc(inds);
	one_error(text, "indicators[1].id", "duplicate indicator id "
	    "\"unemployment-rate\" (first at indicators[0])");
	free(text);
	free(inds);

	text = doc("[{'id': 'x', 'challenge': 5, 'title': 'X', 'unit': '',"
	    " 'frequency': 'year', 'direction': 'neutral',"
	    " 'thresholds': {'kind': 'absolute', 'warning': 1, 'critical': 1},"
	    " 'baselines': [{'region': 'assen', 'period': '2020', 'value': 1},"
	    "  {'region': 'assen', 'period': '2020', 'value': 2}]}]");
	one_error(text, "indicators[0].baselines[1].region",
	    "duplicate baseline for region \"assen\" (first at "
	    "indicators[0].baselines[0])");
	free(text);

	/* Across files, the message names the file of the first one. */
	assert_true(asprintf(&inds, "[%s]", base_indicator) > 0);
	text = doc(inds);
	paths[0] = put("a.json", text);
	paths[1] = put("b.json", "{'version': 1, 'regions': [{'id': 'zz',"
	    " 'name': 'Z', 'kind': 'gemeente'}, {'id': 'assen', 'name': 'A',"
	    " 'kind': 'gemeente'}]}");
	assert_null(catalog_load(paths, 2, NULL, &d));
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].file, paths[1]);
	assert_string_equal(d.v[0].where, "regions[1].id");
	assert_true(asprintf(&msg, "duplicate region id \"assen\" (first in "
	    "%s at regions[2])", paths[0]) > 0);
	assert_string_equal(d.v[0].msg, msg);
	diag_free(&d);
	free(msg);

	/* The same file twice: everything in it is a duplicate. */
	free(paths[1]);
	paths[1] = paths[0];
	assert_null(catalog_load(paths, 2, NULL, &d));
	assert_int_equal(d.n, 4 + 2 * 2 + 1);
	diag_free(&d);
	free(paths[0]);
	free(text);
	free(inds);
}

static void
test_references(void **state)
{
	struct diags	 d;
	char		*text;

	(void)state;
	memset(&d, 0, sizeof(d));
	one_error("{'version': 1, 'regions': [{'id': 'assen', 'name': 'A',"
	    " 'kind': 'gemeente', 'parent': 'drente'}, {'id': 'drenthe',"
	    " 'name': 'D', 'kind': 'province'}]}", "regions[0].parent",
	    "unknown region \"drente\"; did you mean \"drenthe\"?");
	one_error("{'version': 1, 'regions': [{'id': 'rga', 'name': 'R',"
	    " 'kind': 'region', 'members': ['rga', 'zuidlaren']}]}",
	    "regions[0].members[1]", "unknown region \"zuidlaren\"");
	one_error("{'version': 1, 'regions': [{'id': 'a', 'name': 'A',"
	    " 'kind': 'region', 'parent': 'a'}]}", "regions[0].parent",
	    "a region cannot be its own parent");

	/* A parent loop: each region on it is reported. */
	memset(&d, 0, sizeof(d));
	assert_null(load1("{'version': 1, 'regions': ["
	    "{'id': 'a', 'name': 'A', 'kind': 'region', 'parent': 'b'},"
	    "{'id': 'b', 'name': 'B', 'kind': 'region', 'parent': 'a'},"
	    "{'id': 'c', 'name': 'C', 'kind': 'region', 'parent': 'a'}]}",
	    &d, NULL));
	assert_int_equal(d.n, 2);
	assert_string_equal(d.v[0].where, "regions[0].parent");
	assert_string_equal(d.v[0].msg, "parent chain of \"a\" loops back "
	    "to it");
	assert_string_equal(d.v[1].where, "regions[1].parent");
	diag_free(&d);

	text = doc("[{'id': 'x', 'challenge': 7, 'title': 'X', 'unit': '',"
	    " 'frequency': 'year', 'direction': 'neutral',"
	    " 'thresholds': {'kind': 'absolute', 'warning': 1, 'critical': 1},"
	    " 'baselines': [{'region': 'grongingen', 'period': '2020',"
	    "  'value': 1}]}]");
	assert_null(load1(text, &d, NULL));
	assert_int_equal(d.n, 2);
	assert_string_equal(d.v[0].where, "indicators[0].challenge");
	assert_string_equal(d.v[0].msg,
	    "unknown challenge 7; expected one of: 1, 5");
	assert_string_equal(d.v[1].where, "indicators[0].baselines[0].region");
	assert_string_equal(d.v[1].msg,
	    "unknown region \"grongingen\"; did you mean \"groningen\"?");
	diag_free(&d);
	free(text);
}

/* Mistakes in the catalog file itself, its regions and challenges. */
static void
test_errors(void **state)
{
	static const struct {
		const char	*text, *where, *msg;
	} cases[] = {
		{ "[]", NULL, "expected an object, got array" },
		{ "{}", NULL, "missing required key \"version\"" },
		{ "{'version': 2}", "version",
		    "unsupported version 2; expected 1" },
		{ "{'version': '1'}", "version",
		    "expected an integer, got \"1\"" },
		{ "{'version': 1, 'indicator': []}", NULL,
		    "unknown key \"indicator\"; did you mean \"indicators\"?" },
		{ "{'version': 1, 'regions': {}}", "regions",
		    "expected an array, got object" },
		{ "{'version': 1, 'regions': ['groningen']}", "regions[0]",
		    "expected an object, got \"groningen\"" },
		{ "{'version': 1, 'regions': [{'id': 'a',"
		    " 'kind': 'province'}]}",
		    "regions[0]", "missing required key \"name\"" },
		{ "{'version': 1, 'regions': [{'id': 'a', 'name': 'A',"
		    " 'kind': 'city'}]}", "regions[0].kind",
		    "expected one of province, gemeente, region, country, "
		    "got \"city\"" },
		{ "{'version': 1, 'regions': [{'id': 'Groningen', 'name': 'A',"
		    " 'kind': 'province'}]}", "regions[0].id",
		    "invalid id \"Groningen\": use a-z, 0-9, \"-\" and \"_\"" },
		{ "{'version': 1, 'regions': [{'id': 'a', 'name': 'A',"
		    " 'kind': 'province', 'code': {}}]}", "regions[0]",
		    "unknown key \"code\"; did you mean \"codes\"?" },
		{ "{'version': 1, 'regions': [{'id': 'a', 'name': 'A',"
		    " 'kind': 'province', 'codes': ['PV20']}]}",
		    "regions[0].codes", "expected an object, got array" },
		{ "{'version': 1, 'regions': [{'id': 'a', 'name': 'A',"
		    " 'kind': 'province', 'codes': {'cbs': 20}}]}",
		    "regions[0].codes.cbs",
		    "expected a non-empty string, got number" },
		{ "{'version': 1, 'regions': [{'id': 'a', 'name': 'A',"
		    " 'kind': 'province', 'codes': {'CBS': 'PV20'}}]}",
		    "regions[0].codes",
		    "invalid scheme \"CBS\": use a-z, 0-9, \"-\" and \"_\"" },
		{ "{'version': 1, 'regions': [{'id': 'a', 'name': 'A',"
		    " 'kind': 'region', 'members': 'b'}]}",
		    "regions[0].members",
		    "expected an array, got \"b\"" },
		{ "{'version': 1, 'regions': [{'id': 'a', 'name': 'A',"
		    " 'kind': 'region', 'members': ['../b']}]}",
		    "regions[0].members[0]",
		    "invalid id \"../b\": use a-z, 0-9, \"-\" and \"_\"" },
		{ "{'version': 1, 'challenges': [{'number': 0, 'id': 'a',"
		    " 'title': 'T', 'question': 'Q'}]}", "challenges[0].number",
		    "expected an integer >= 1, got 0" },
		{ "{'version': 1, 'challenges': [{'number': 1, 'id': 'a',"
		    " 'title': '', 'question': 'Q'}]}", "challenges[0].title",
		    "expected a non-empty string, got \"\"" },
		{ "{'version': 1, 'challenges': [{'number': 1, 'id': 'a',"
		    " 'title': 'T'}]}", "challenges[0]",
		    "missing required key \"question\"" },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < nitems(cases); i++)
		one_error(cases[i].text, cases[i].where, cases[i].msg);
}

/*
 * Mistakes in an indicator: the base indicator with one key set to value
 * (JSON, ' for ") or removed (value NULL).
 */
static void
test_indicator_errors(void **state)
{
	static const struct {
		const char	*key, *value, *where, *msg;
	} cases[] = {
		{ "frequency", "'yearly'", "indicators[0].frequency",
		    "expected one of year, quarter, month, got \"yearly\"" },
		{ "frequency", "null", "indicators[0].frequency",
		    "expected one of year, quarter, month, got null" },
		{ "direction", "'up'", "indicators[0].direction",
		    "expected one of higher-is-better, lower-is-better, "
		    "neutral, got \"up\"" },
		{ "id", "'Unemployment'", "indicators[0].id",
		    "invalid id \"Unemployment\": use a-z, 0-9, \"-\" and "
		    "\"_\"" },
		{ "challenge", "'5'", "indicators[0].challenge",
		    "expected an integer, got \"5\"" },
		{ "challenge", "0", "indicators[0].challenge",
		    "expected an integer >= 1, got 0" },
		{ "title", "''", "indicators[0].title",
		    "expected a non-empty string, got \"\"" },
		{ "unit", "1", "indicators[0].unit",
		    "expected a string, got number" },
		{ "unit", NULL, "indicators[0]",
		    "missing required key \"unit\"" },
		{ "thresholds", "'absolute'", "indicators[0].thresholds",
		    "expected an object, got \"absolute\"" },
		{ "thresholds", "{'kind': 'percent', 'warning': 1,"
		    " 'critical': 2}", "indicators[0].thresholds.kind",
		    "expected one of absolute, relative, got \"percent\"" },
		{ "thresholds", "{'kind': 'absolute', 'warning': 0,"
		    " 'critical': 2}", "indicators[0].thresholds.warning",
		    "expected a number > 0, got 0" },
		{ "thresholds", "{'kind': 'relative', 'warning': 2,"
		    " 'critical': 1}", "indicators[0].thresholds.critical",
		    "expected a number >= warning (2), got 1" },
		{ "thresholds", "{'kind': 'absolute', 'warning': 1}",
		    "indicators[0].thresholds",
		    "missing required key \"critical\"" },
		{ "thresholds", "{'kind': 'absolute', 'warning': '1',"
		    " 'critical': 2}", "indicators[0].thresholds.warning",
		    "expected a number, got \"1\"" },
		{ "confirm", "0", "indicators[0].confirm",
		    "expected an integer >= 1, got 0" },
		{ "confirm", "1.5", "indicators[0].confirm",
		    "expected an integer, got 1.5" },
		{ "hysteresis", "-0.1", "indicators[0].hysteresis",
		    "expected a number >= 0, got -0.1" },
		{ "grace", "'4 months'", "indicators[0].grace",
		    "expected a duration like \"120d\", got \"4 months\"" },
		{ "grace", "120", "indicators[0].grace",
		    "expected a duration like \"120d\", got number" },
		{ "citation", "['a']", "indicators[0].citation",
		    "expected a non-empty string, got array" },
		{ "treshold", "1", "indicators[0]",
		    "unknown key \"treshold\"; did you mean \"thresholds\"?" },
		{ "baselines", NULL, "indicators[0]",
		    "missing required key \"baselines\"" },
		{ "baselines", "{}", "indicators[0].baselines",
		    "expected an array, got object" },
		{ "baselines", "[{'region': 'groningen', 'period': '2020-13',"
		    " 'value': 1}]", "indicators[0].baselines[0].period",
		    "expected a period like \"2020\", \"2020-Q3\" or "
		    "\"2020-07\", got \"2020-13\"" },
		{ "baselines", "[{'region': 'groningen', 'period': 2020,"
		    " 'value': 1}]", "indicators[0].baselines[0].period",
		    "expected a period like \"2020\", \"2020-Q3\" or "
		    "\"2020-07\", got number" },
		{ "baselines", "[{'region': 'groningen', 'period': '2020-07',"
		    " 'value': 1}]", "indicators[0].baselines[0].period",
		    "expected a year period for a year indicator, got "
		    "\"2020-07\"" },
		{ "baselines", "[{'region': 'groningen', 'period': '2020',"
		    " 'value': '4,4'}]", "indicators[0].baselines[0].value",
		    "expected a number, got \"4,4\"" },
		{ "baselines", "[{'period': '2020', 'value': 1}]",
		    "indicators[0].baselines[0]",
		    "missing required key \"region\"" },
		{ "baselines", "[{'region': 'groningen', 'period': '2020',"
		    " 'value': 1, 'quot': 'x'}]", "indicators[0].baselines[0]",
		    "unknown key \"quot\"; did you mean \"quote\"?" },
	};
	struct diags	 d;
	json_t		*ind, *v;
	char		*s, *inds, *text;
	size_t		 i;

	(void)state;
	memset(&d, 0, sizeof(d));
	for (i = 0; i < nitems(cases); i++) {
		s = dq(base_indicator);
		assert_non_null(ind = json_loads(s, 0, NULL));
		free(s);
		if (cases[i].value == NULL)
			assert_int_equal(json_object_del(ind, cases[i].key), 0);
		else {
			s = dq(cases[i].value);
			v = json_loads(s, JSON_DECODE_ANY, NULL);
			assert_non_null(v);
			free(s);
			json_object_set_new(ind, cases[i].key, v);
		}
		assert_non_null(s = json_dumps(ind, 0));
		assert_true(asprintf(&inds, "[%s]", s) > 0);
		text = doc(inds);
		one_error(text, cases[i].where, cases[i].msg);
		free(text);
		free(inds);
		free(s);
		json_decref(ind);
	}

	/* A quarterly series takes a year or a quarter as its baseline. */
	text = doc("[{'id': 'x', 'challenge': 5, 'title': 'X', 'unit': '',"
	    " 'frequency': 'quarter', 'direction': 'neutral',"
	    " 'thresholds': {'kind': 'absolute', 'warning': 1, 'critical': 1},"
	    " 'baselines': [{'region': 'assen', 'period': '2020-07',"
	    "  'value': 1}]}]");
	one_error(text, "indicators[0].baselines[0].period", "expected a "
	    "year or a quarter period for a quarter indicator, got "
	    "\"2020-07\"");
	free(text);
}

/* The shipped catalog, when there is one, must load cleanly. */
static void
test_shipped(void **state)
{
	char		*path = "share/catalog.json";
	struct catalog	*cat;
	struct diags	 d;

	(void)state;
	if (access(path, R_OK) == -1)
		skip();
	memset(&d, 0, sizeof(d));
	cat = catalog_load(&path, 1, NULL, &d);
	diag_print(&d, stderr);
	assert_int_equal(d.n, 0);
	assert_non_null(cat);
	assert_true(cat->nindicators > 0);
	catalog_free(cat);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_many_regions),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_dir),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_references),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_indicator_errors),
		cmocka_unit_test(test_shipped),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
