#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""The cbs_statline plugin's errors and their fixes (issue 22), against
tests/lib/httpd.py on 127.0.0.1 serving the same CBS tables as
test_cbs.py (v4 recordings in tests/data/cbs/v4/, the v3 table of
tests/data/cbs/make_v3.py):

- one rule in v3, v3-feed and v4: a region or filter code the table
  does not have fails the source as a config error of its series, naming
  the series, the catalog region, the CBS code and the closest codes; a
  series whose measure x filter combination has no data is a warning and
  the other series of the source are stored;
- a wrong measure key gets the closest keys (and a note when a v3 key is
  used with v4), an ambiguous title lists each candidate's unit and group,
  a wrong filter code gets a did-you-mean;
- each failure says its fix: the table id's case, an "api" that does not
  fit base_url, the ODataApi's 10,000-cell limit, "periods" for a
  quarterly indicator, the shipped catalog replaced by a "catalog" list;
  and the server's own error text is kept in the message.

The bodies of the 404 and 500 answers below are samples in the shape of
an OData error (CBS's exact wording is not documented): the test checks
that the text is carried into the message, whatever it says.

    /usr/bin/python3 tests/integration/test_cbs_errors.py
"""
import json
import os
import shutil
import sys
import tempfile
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
sys.path.insert(0, os.path.join(TOP, "tests", "data", "cbs"))
sys.path.insert(0, os.path.join(TOP, "tests", "integration"))
import httpd  # noqa: E402
import make_v3  # noqa: E402
import rmtest  # noqa: E402
import test_cbs as cbs  # noqa: E402

ODATA_404 = ('{"odata.error":{"code":"","message":{"lang":"nl-NL",'
             '"value":"Resource not found for the segment \'83625ned\'."}}}')
ODATA_500 = ('{"odata.error":{"code":"","message":{"lang":"nl-NL",'
             '"value":"Er is een limiet van 10.000 cellen als hoeveelheid '
             'data die maximaal tegelijk opgevraagd kan worden."}}}')


class CbsErrors(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.access(rmtest.BIN, os.X_OK):
            raise AssertionError("%s not built (make tests)" % rmtest.BIN)
        cls.root = tempfile.mkdtemp(prefix="test_cbs_errors.")
        cls.srv = httpd.start(cls.root)
        cls.v4base = cls.srv.url("odata/v1/CBS").rstrip("/")
        cls.v3base = cls.srv.url("ODataFeed/odata").rstrip("/")
        routes = []
        for t in ("83625NED", "80590ned"):
            routes += cbs.serve_v4(cls.root, cls.v4base, t)[1]
        cls.v3 = make_v3.build(os.path.join(cls.root, "ODataFeed", "odata"),
                               cls.v3base, cbs.V3_PAGE)
        routes += cls.v3["routes"]
        cls.routes = routes

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.root, ignore_errors=True)

    def setUp(self):
        self.srv.set_routes(self.routes)
        self.env = None
        self.alt = tempfile.mkdtemp(prefix="alt.", dir=self.root)

    def tearDown(self):
        if self.env is not None:
            self.env.close()
        shutil.rmtree(self.alt, ignore_errors=True)

    # ---- helpers

    def make_env(self, sources, catalog=rmtest.CATALOG):
        healthy = os.path.join(self.alt, "healthy.csv")
        with open(healthy, "w", encoding="utf-8") as f:
            f.write(cbs.HEALTHY_CSV)
        sources = sources + [{"name": "healthy", "plugin": "csv", "config": {
            "url": "file://" + healthy}}]
        self.env = rmtest.Env(sources, catalog=catalog, extra={
            "http": {"retries": 1}, "report": {"enabled": False}})
        return self.env

    def run_rm(self, *args):
        return self.env.run(*args, env=cbs.ENV)

    def alt_file(self, rel, doc):
        path = os.path.join(self.alt, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False)
        return os.path.relpath(path, self.root)

    def served(self, rel):
        return cbs.load(os.path.join(self.root, rel))

    def assert_healthy(self):
        path = self.env.rrd("jobs", "rga")
        for period, want in cbs.HEALTHY.items():
            self.assertEqual(rmtest.rrd_period_value(path, period), want)

    def assert_failed(self, r, source, *texts):
        """The run failed with every text logged, the source failed and
        the healthy source was stored."""
        self.assertEqual(r.returncode, 1, r.stderr)
        for t in texts:
            self.assertIn(t, r.stderr)
        self.assertIn("%s: failed" % source, r.stderr)
        self.assertIn("last_error", self.env.state_json()["sources"][source])
        self.assert_healthy()

    def src(self, name, cfg):
        return {"name": name, "plugin": "cbs_statline", "config": cfg}

    def v3_cfg(self, api, series):
        return {"api": api, "base_url": self.v3base,
                "table": make_v3.TABLE, "typed": True, "series": series}

    def stored(self, indicator, region, period):
        return rmtest.rrd_period_value(self.env.rrd(indicator, region),
                                       period)

    # ---- one rule: codes the table lacks

    def test_v3_missing_region_is_a_config_error(self):
        for api in ("v3", "v3-feed"):
            with self.subTest(api=api):
                self.make_env([self.src("v3", self.v3_cfg(api, [
                    {"indicator": "unemployment-rate",
                     "measure": "Werkloosheidspercentage_13",
                     "filters": {"Geslacht": "T001038"},
                     "regions": ["groningen", "het-hogeland"]}]))])
                r = self.run_rm("run")
                self.assert_failed(
                    r, "v3", 'series[0] unemployment-rate: region '
                    '"het-hogeland" (CBS code "GM1966") is not in table '
                    '85268NED: its RegioS has no code "GM1966"; closest '
                    'codes: "GM0106"', 'take the region out of "regions"')
                self.env.close()
                self.env = None

    def test_v4_missing_region_is_a_config_error(self):
        # 83625NED without Assen: its RegioSCodes lack GM0106.
        rel = "odata/v1/CBS/83625NED/RegioSCodes"
        doc = self.served(rel)
        doc["value"] = [c for c in doc["value"]
                        if c["Identifier"] != "GM0106"]
        self.srv.set_routes([{"match": "/83625NED/RegioSCodes",
                              "file": self.alt_file(rel, doc)}] +
                            self.routes)
        self.make_env([self.src("hp", {
            "api": "v4", "base_url": self.v4base, "table": "83625NED",
            "series": [{"indicator": "house-price", "measure": "M001534",
                        "regions": cbs.ALL}]})])
        r = self.run_rm("run")
        self.assert_failed(
            r, "hp", 'series[0] house-price: region "assen" (CBS code '
            '"GM0106") is not in table 83625NED: its RegioS has no code '
            '"GM0106"; closest codes: "GM')
        # Before, v4 stored the other regions with a warning.
        self.assertFalse(os.path.exists(self.env.rrd("house-price", "nl")))

    def test_wrong_filter_code_did_you_mean(self):
        self.make_env([self.src("v3", self.v3_cfg("v3-feed", [
            {"indicator": "unemployment-rate",
             "measure": "Werkloosheidspercentage_13",
             "filters": {"Geslacht": "T00138"}, "regions": ["groningen"]}]))])
        r = self.run_rm("run")
        self.assert_failed(r, "v3", 'series[0] unemployment-rate: '
                           'filters.Geslacht: table 85268NED has no code '
                           '"T00138"; did you mean "T001038"?')

    # ---- one rule: empty combinations

    def v3_empty_routes(self):
        """The v3 table with every Werkloosheidspercentage_13 cell of
        women (Geslacht 4000) empty, as CBS serves a combination without
        data: rows of nulls."""
        rules = []
        base = "ODataFeed/odata/%s/" % make_v3.TABLE
        names = ["TypedDataSet"] + ["TypedDataSet.p%d" % (n + 2) for n in
                                    range(len(self.v3["pages"]
                                              ["TypedDataSet"]))]
        for n, name in enumerate(names):
            doc = self.served(base + name)
            for row in doc["value"]:
                if row["Geslacht"].strip() == "4000":
                    row["Werkloosheidspercentage_13"] = None
            rel = self.alt_file(base + name, doc)
            if n == 0:
                rules.append({"regex": r"/%s/TypedDataSet\?(?!.*\$skip)"
                              % make_v3.TABLE, "file": rel})
            else:
                rules.append({"regex": r"/%s/TypedDataSet\?.*\$skip=%d$"
                              % (make_v3.TABLE, n * cbs.V3_PAGE),
                              "file": rel})
        return rules

    def test_v3_empty_combination_is_a_warning(self):
        self.srv.set_routes(self.v3_empty_routes() + self.routes)
        for api in ("v3", "v3-feed"):
            with self.subTest(api=api):
                self.make_env([self.src("v3", self.v3_cfg(api, [
                    {"indicator": "unemployment-rate",
                     "measure": "Werkloosheidspercentage_13",
                     "filters": {"Geslacht": "4000"},
                     "regions": ["groningen", "drenthe"]},
                    {"indicator": "labour-force",
                     "measure": "Beroepsbevolking_1",
                     "filters": {"Geslacht": "T001038"},
                     "regions": ["groningen"]}]))])
                r = self.run_rm("run")
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn("series[0] unemployment-rate: table 85268NED "
                              "has no data for this combination of measure, "
                              "filters and period types (26 cells, all "
                              "empty)", r.stderr)
                # The good series of the same source is stored.
                self.assertIsNotNone(self.stored("labour-force",
                                                 "groningen", "2020"))
                self.assertNotIn("last_error", self.env.state_json()
                                 ["sources"]["v3"])
                # `sources` shows the last run's warning, whole.
                r = self.run_rm("sources", "--json")
                w = json.loads(r.stdout)[0]["warnings"]
                self.assertEqual(len(w), 1, w)
                self.assertIn("series[0] unemployment-rate: table "
                              "85268NED has no data for this combination",
                              w[0])
                r = self.run_rm("sources")
                self.assertIn("\n  warning: series[0] unemployment-rate: "
                              "table 85268NED has no data", r.stdout)
                self.assert_healthy()
                self.env.close()
                self.env = None

    def test_v4_empty_combination_is_a_warning(self):
        # 80590ned with one more age code, which has no observations.
        rel = "odata/v1/CBS/80590ned/LeeftijdCodes"
        doc = self.served(rel)
        doc["value"].append({"Identifier": "70100", "Title": "70100"})
        self.srv.set_routes([{"match": "/80590ned/LeeftijdCodes",
                              "file": self.alt_file(rel, doc)}] +
                            self.routes)
        self.make_env([self.src("unemp", {
            "api": "v4", "base_url": self.v4base, "table": "80590ned",
            "series": [
                {"indicator": "labour-participation",
                 "measure": "M001731_2", "region": "nl",
                 "filters": {"Geslacht": "T001038", "Leeftijd": "70100"},
                 "periods": ["year"]},
                {"indicator": "unemployment-rate", "measure": "M001906_2",
                 "region": "nl",
                 "filters": {"Geslacht": "T001038", "Leeftijd": "52052"},
                 "periods": ["year"]}]})])
        r = self.run_rm("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("series[0] labour-participation: table 80590ned has "
                      "no data for this combination of measure, filters "
                      "and period types (0 rows)", r.stderr)
        # Before, the whole source failed, the good series too.
        self.assertIsNotNone(self.stored("unemployment-rate", "nl", "2020"))
        self.assert_healthy()

    # ---- suggestions

    def test_measure_key_suggestions(self):
        self.make_env([
            self.src("hp", {
                "api": "v4", "base_url": self.v4base, "table": "83625NED",
                "series": [{"indicator": "house-price",
                            "measure": "M001543", "regions": ["nl"]}]}),
            self.src("unemp", {
                "api": "v4", "base_url": self.v4base, "table": "80590ned",
                "series": [{"indicator": "unemployment-rate",
                            "measure": "Werkloosheidspercentage_13",
                            "region": "nl", "filters": {
                                "Geslacht": "T001038", "Leeftijd": "52052"}},
                           {"indicator": "labour-participation",
                            "measure_title": "Seizoengecorrigeerd",
                            "region": "nl", "filters": {
                                "Geslacht": "T001038",
                                "Leeftijd": "52052"}}]})])
        r = self.run_rm("run")
        self.assert_failed(
            r, "hp", 'series[0].measure: measure "M001543" is not in table '
            '83625NED; did you mean "M001534"?; closest keys: "M001534"')
        self.assert_failed(
            r, "unemp", 'series[0].measure: "Werkloosheidspercentage_13" '
            'looks like a v3 key, but "api" is "v4": v3 and v4 key the same '
            'measure differently; give "measure_title" instead',
            # Seven measures share the title: each with unit and group.
            'series[1].measure_title: title "Seizoengecorrigeerd" matches 7 '
            'measures of table 80590ned: D002308 (unit x 1000, group '
            '"3000790_1"), D006409 (unit x 1000, group "3000795_1")',
            'M004210 (unit %, group "M001906_1")')

    # ---- errors that say what to do

    def test_table_id_case(self):
        self.srv.set_routes([{"match": "/83625ned/Properties", "status": 404,
                              "body": ODATA_404}] + self.routes)
        self.make_env([self.src("hp", {
            "api": "v4", "base_url": self.v4base, "table": "83625ned",
            "series": [{"indicator": "house-price", "measure": "M001534",
                        "regions": ["nl"]}]})])
        r = self.run_rm("run")
        self.assert_failed(
            r, "hp", "HTTP 404; the server said: " + ODATA_404,
            "the table id is case-sensitive: did you mean 83625NED? "
            '(set "table": "83625NED")')

    def test_table_id_case_in_describe(self):
        # describe reads the metadata as a run does: the same fix.
        self.make_env([])
        r = self.env.run("describe", "cbs_statline", "83625ned", "--api",
                         "v4", "--base-url", self.v4base)
        self.assertNotEqual(r.returncode, 0, r.stderr)
        self.assertIn("/83625ned/Properties: HTTP 404", r.stderr)
        self.assertIn("the table id is case-sensitive: did you mean "
                      "83625NED?", r.stderr)

    def test_api_does_not_fit_base_url(self):
        self.make_env([self.src("v3", {
            "api": "v4", "base_url": self.v3base, "table": make_v3.TABLE,
            "series": [{"indicator": "unemployment-rate",
                        "measure": "M001906_2", "regions": ["nl"]}]})])
        r = self.run_rm("run")
        self.assert_failed(
            r, "v3", "/ODataFeed/odata/85268NED/Properties: HTTP 404",
            'base_url looks like a v3 feed URL but "api" is "v4": use '
            '"api": "v3-feed" with it')

    def test_odataapi_cell_limit(self):
        self.srv.set_routes([{"match": "/85268NED/TypedDataSet",
                              "status": 500, "body": ODATA_500}] +
                            self.routes)
        self.make_env([self.src("v3", self.v3_cfg("v3", [
            {"indicator": "unemployment-rate",
             "measure": "Werkloosheidspercentage_13",
             "filters": {"Geslacht": "T001038"}, "regions": ["nl"]}]))])
        r = self.run_rm("run")
        self.assert_failed(
            r, "v3", "HTTP 500 after 2 attempts; the server said: " +
            ODATA_500, 'use "api": "v3-feed" for tables over 10,000 cells')

    def test_year_for_quarterly_indicator(self):
        self.make_env([self.src("v3", self.v3_cfg("v3-feed", [
            {"indicator": "unemployment-rate-quarter",
             "measure": "Werkloosheidspercentage_13",
             "filters": {"Geslacht": "T001038"}, "regions": ["groningen"]}]))],
            catalog=[rmtest.CATALOG, cbs.PERIODS_CATALOG])
        r = self.run_rm("run")
        self.assert_failed(
            r, "v3", "for unemployment-rate-quarter, which is a quarterly "
            "series: have the source give quarterly periods (cbs_statline: "
            'add "periods": ["quarter"] to the series)')

    def test_only_an_extra_catalog(self):
        self.env = rmtest.Env([], catalog=[cbs.PERIODS_CATALOG])
        r = self.env.run("check-config")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("unknown challenge 5: the catalog files loaded define "
                      'no challenges; a "catalog" list in the config '
                      "replaces the shipped catalog, so list that first to "
                      'keep it: "catalog": ["', r.stderr)

    # ---- fetch --check

    def test_fetch_check(self):
        good = self.src("hp", {
            "api": "v4", "base_url": self.v4base, "table": "83625NED",
            "series": [{"indicator": "house-price", "measure": "M001534",
                        "regions": cbs.ALL}]})
        bad = self.src("v3", self.v3_cfg("v3-feed", [
            {"indicator": "unemployment-rate", "measure": "Werkloosheid_13",
             "filters": {"Geslacht": "T001038"},
             "regions": ["groningen", "het-hogeland"]}]))
        self.make_env([good, bad])
        before = len(self.srv.requests())
        r = self.run_rm("fetch", "hp", "--check")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "hp: checked against the service: every "
                         "reference found; nothing stored\n")
        self.assertIn("table 83625NED (v4): 1 series checked", r.stderr)
        reqs = self.srv.requests()[before:]
        self.assertTrue(any("/83625NED/RegioSCodes" in l for l in reqs))
        # The metadata only: no data read, nothing stored.
        self.assertFalse([l for l in reqs if "/Observations" in l])
        self.assertFalse(os.path.exists(os.path.join(self.env.state, "rrd",
                                                     "house-price")))
        # Every problem of a source at once, again without its data.
        before = len(self.srv.requests())
        r = self.run_rm("fetch", "--check", "v3")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertIn('measure "Werkloosheid_13" is not in table 85268NED',
                      r.stderr)
        self.assertIn('region "het-hogeland" (CBS code "GM1966") is not in '
                      'table 85268NED', r.stderr)
        self.assertFalse([l for l in self.srv.requests()[before:]
                          if "DataSet" in l])
        # Without a name: every enabled source, a line each.
        r = self.run_rm("fetch", "--check")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(r.stdout.splitlines(), [
            "hp: checked against the service: every reference found; "
            "nothing stored",
            "healthy: checked against the service: every reference found; "
            "nothing stored"])
        self.assertIn("v3: failed", r.stderr)
        r = self.run_rm("fetch", "hp", "--chek")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn('unexpected "--chek"; usage: fetch SOURCE, or fetch '
                      '--check [SOURCE ...]', r.stderr)
        r = self.run_rm("fetch", "hp", "v3")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("one SOURCE only (--check takes several)", r.stderr)


if __name__ == "__main__":
    unittest.main()
