#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Which combinations do have data (issue 22), against tests/lib/httpd.py
on 127.0.0.1 answering as CBS does: its "odata" rule applies each
request's $filter, $select and $top to the table's rows, so a series'
own request brings its own combination only.

- a cbs_statline series whose measure x filter combination has no data
  is a warning that names the filter codes (or, for a series without
  filters, the measures) that do have data, found by ONE extra request:
  the series' query without its filter codes (or its measure), first
  page only ($top); in v3, v3-feed and v4 alike;
- no extra request for a series with data, nor in `fetch --check`;
- the extra request failing leaves the other series stored, and the
  warning says the codes could not be listed, and why.

The tables are those of test_cbs.py: the synthetic v3 table of
tests/data/cbs/make_v3.py with women's unemployment emptied, and the v4
recordings of 80590ned (an age code without data added to its code
list) and 83625NED (a measure without rows added to its list).

    /usr/bin/python3 tests/integration/test_combinations.py
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

TAIL = "; `regiomon describe cbs_statline %s` lists the table's codes"


class Combinations(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.access(rmtest.BIN, os.X_OK):
            raise AssertionError("%s not built (make tests)" % rmtest.BIN)
        cls.root = tempfile.mkdtemp(prefix="test_combinations.")
        cls.srv = httpd.start(cls.root)
        cls.v4base = cls.srv.url("odata/v1/CBS").rstrip("/")
        cls.v3base = cls.srv.url("ODataFeed/odata").rstrip("/")
        routes = []
        for t in ("83625NED", "80590ned"):
            routes += cbs.serve_v4(cls.root, cls.v4base, t)[1]
        v3 = make_v3.build(os.path.join(cls.root, "ODataFeed", "odata"),
                           cls.v3base, cbs.V3_PAGE)
        own = cls.own_routes(v3) + cls.v4_routes()
        cls.routes = own + routes + v3["routes"]

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.root, ignore_errors=True)

    @classmethod
    def save(cls, rel, doc):
        path = os.path.join(cls.root, "alt", rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False)
        return os.path.relpath(path, cls.root)

    @classmethod
    def own_routes(cls, v3):
        """The v3 TypedDataSet as one answer that honours the query, with
        every cell of women's unemployment (Geslacht 4000) empty."""
        base = "ODataFeed/odata/%s/" % make_v3.TABLE
        rows = []
        for name in ["TypedDataSet"] + ["TypedDataSet.p%d" % (n + 2) for n
                                        in range(len(v3["pages"]
                                                     ["TypedDataSet"]))]:
            rows += cbs.load(os.path.join(cls.root, base + name))["value"]
        for row in rows:
            if row["Geslacht"].strip() == "4000":
                row["Werkloosheidspercentage_13"] = None
        rel = cls.save(base + "TypedDataSet", {"value": rows})
        return [{"regex": r"/%s/TypedDataSet\?" % make_v3.TABLE,
                 "file": rel, "odata": True}]

    @classmethod
    def v4_routes(cls):
        """80590ned with age 70100 listed but without rows, and eight more
        ages with the rows of 52052; 83625NED with a measure M999999
        listed but without rows; both answering as their queries ask."""
        routes = []
        rel = "odata/v1/CBS/80590ned/LeeftijdCodes"
        doc = cbs.load(os.path.join(cls.root, rel))
        ages = ["10%03d" % n for n in range(8)]
        for age in ["70100"] + ages:
            doc["value"].append({"Identifier": age, "Title": age})
        routes.append({"match": "/80590ned/LeeftijdCodes",
                       "file": cls.save(rel, doc)})
        obs = cbs.load(os.path.join(TOP, "tests", "data", "cbs", "v4",
                                    "80590ned", "observations-page-1.json"))
        rows = obs["value"]
        more = [dict(r, Leeftijd=a) for a in ages for r in rows
                if r["Measure"] == "M001731_2"]
        routes.append({"regex": r"/80590ned/Observations\?",
                       "file": cls.save("80590ned.obs", {"value": rows +
                                                          more}),
                       "odata": True})
        rel = "odata/v1/CBS/83625NED/MeasureCodes"
        doc = cbs.load(os.path.join(cls.root, rel))
        doc["value"].append(dict(doc["value"][0], Identifier="M999999",
                                 Title="Nog niet gemeten"))
        routes.append({"match": "/83625NED/MeasureCodes",
                       "file": cls.save(rel, doc)})
        obs = cbs.load(os.path.join(TOP, "tests", "data", "cbs", "v4",
                                    "83625NED", "observations-page-1.json"))
        routes.append({"regex": r"/83625NED/Observations\?",
                       "file": cls.save("83625NED.obs", {"value":
                                                         obs["value"]}),
                       "odata": True})
        return routes

    def setUp(self):
        self.srv.set_routes(self.routes)
        self.env = None

    def tearDown(self):
        if self.env is not None:
            self.env.close()

    # ---- helpers

    def make_env(self, sources):
        # No retries: each request is one line of the server's log.
        self.env = rmtest.Env(sources, extra={
            "http": {"retries": 0}, "report": {"enabled": False}})
        return self.env

    def run_rm(self, *args):
        return self.env.run(*args, env=cbs.ENV)

    def src(self, name, cfg):
        return {"name": name, "plugin": "cbs_statline", "config": cfg}

    def probes(self, before):
        """The extra requests since request number before: only they ask
        for the first rows alone ($top)."""
        return [line for line in self.srv.requests()[before:]
                if "$top=" in line]

    def warnings(self):
        return json.loads(self.run_rm("sources", "--json").stdout)[0][
            "warnings"]

    def v3_env(self, api):
        return self.make_env([self.src("v3", {
            "api": api, "base_url": self.v3base, "table": make_v3.TABLE,
            "typed": True, "series": [
                {"indicator": "unemployment-rate",
                 "measure": "Werkloosheidspercentage_13",
                 "filters": {"Geslacht": "4000"},
                 "regions": ["groningen", "drenthe"]},
                {"indicator": "labour-force",
                 "measure": "Beroepsbevolking_1",
                 "filters": {"Geslacht": "3000"},
                 "regions": ["groningen"]}]})])

    def v4_env(self):
        return self.make_env([self.src("ages", {
            "api": "v4", "base_url": self.v4base, "table": "80590ned",
            "series": [
                {"indicator": "labour-participation",
                 "measure": "M001731_2", "region": "nl",
                 "filters": {"Geslacht": "T001038", "Leeftijd": "70100"},
                 "periods": ["year"]},
                {"indicator": "jobs", "measure": "M001731_2",
                 "region": "nl",
                 "filters": {"Geslacht": "T001038", "Leeftijd": "52052"},
                 "periods": ["year"]}]})])

    # ---- 1 and 2: the codes with data, by one extra request

    def test_v3_names_codes_with_data(self):
        for api in ("v3", "v3-feed"):
            with self.subTest(api=api):
                self.v3_env(api)
                before = len(self.srv.requests())
                r = self.run_rm("run")
                self.assertEqual(r.returncode, 0, r.stderr)
                want = ("(26 cells, all empty): no value to store; "
                        "combinations with data: Geslacht=3000, T001038" +
                        TAIL % make_v3.TABLE)
                self.assertIn("series[0] unemployment-rate: table "
                              "85268NED has no data for this combination "
                              "of measure, filters and period types " +
                              want, r.stderr)
                # One extra request, for the empty series, without its
                # filter code but with its measure, regions and periods.
                probes = self.probes(before)
                self.assertEqual(len(probes), 1, probes)
                self.assertIn("Werkloosheidspercentage_13", probes[0])
                self.assertNotIn("Geslacht%20eq", probes[0])
                self.assertIn("PV20", probes[0])
                self.assertIn("substringof", probes[0])
                self.assertIsNotNone(rmtest.rrd_period_value(
                    self.env.rrd("labour-force", "groningen"), "2020"))
                self.assertTrue(self.warnings()[0].endswith(want),
                                self.warnings())
                self.env.close()
                self.env = None

    def test_v4_names_codes_with_data(self):
        self.v4_env()
        before = len(self.srv.requests())
        r = self.run_rm("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        want = ("series[0] labour-participation: table 80590ned has no "
                "data for this combination of measure, filters and period "
                "types (0 rows): no value to store; combinations with "
                "data: Leeftijd=10000, 10001, 10002, 10003, 10004 and 4 "
                "more" + TAIL % "80590ned")
        self.assertIn(want, r.stderr)
        self.assertEqual(self.warnings(), [want])
        probes = self.probes(before)
        self.assertEqual(len(probes), 1, probes)
        self.assertIn("Measure%20eq%20%27M001731_2%27", probes[0])
        self.assertNotIn("Leeftijd%20eq", probes[0])
        self.assertIsNotNone(rmtest.rrd_period_value(
            self.env.rrd("jobs", "nl"), "2020"))

    def test_v4_no_filters_names_measures_with_data(self):
        # Without filters only the measure can be empty: dropped instead.
        self.make_env([self.src("hp", {
            "api": "v4", "base_url": self.v4base, "table": "83625NED",
            "series": [
                {"indicator": "house-price", "measure": "M999999",
                 "regions": ["groningen"]},
                {"indicator": "population", "measure": "M001534",
                 "regions": ["drenthe"]}]})])
        before = len(self.srv.requests())
        r = self.run_rm("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("series[0] house-price: table 83625NED has no data "
                      "for this combination of measure, filters and "
                      "period types (0 rows): no value to store; measures "
                      "with data: M001534" + TAIL % "83625NED", r.stderr)
        probes = self.probes(before)
        self.assertEqual(len(probes), 1, probes)
        self.assertNotIn("Measure%20eq", probes[0])
        self.assertIn("PV20", probes[0])

    def test_v3_no_filters_names_measures_with_data(self):
        # 85268NED as a table without Geslacht (its total's rows), and no
        # unemployment for Drenthe: a series without filters, so the
        # extra request drops the measure and reads every column.
        base = "ODataFeed/odata/%s/" % make_v3.TABLE
        props = cbs.load(os.path.join(self.root, base + "DataProperties"))
        props["value"] = [p for p in props["value"]
                          if p.get("Key") != "Geslacht"]
        rows = cbs.load(os.path.join(self.root, "alt", base +
                                     "TypedDataSet"))["value"]
        rows = [{k: v for k, v in r.items() if k != "Geslacht"}
                for r in rows if r["Geslacht"].strip() == "T001038"]
        for r in rows:
            if r["RegioS"].strip() == "PV22":
                r["Werkloosheidspercentage_13"] = None
        self.srv.set_routes([
            {"match": "/%s/DataProperties" % make_v3.TABLE,
             "file": self.save("nosex/DataProperties", props)},
            {"regex": r"/%s/TypedDataSet\?" % make_v3.TABLE,
             "file": self.save("nosex/TypedDataSet", {"value": rows}),
             "odata": True}] + self.routes)
        self.make_env([self.src("v3", {
            "api": "v3", "base_url": self.v3base, "table": make_v3.TABLE,
            "typed": True, "series": [
                {"indicator": "unemployment-rate",
                 "measure": "Werkloosheidspercentage_13",
                 "regions": ["drenthe"]},
                {"indicator": "labour-force",
                 "measure": "Beroepsbevolking_1",
                 "regions": ["groningen"]}]})])
        before = len(self.srv.requests())
        r = self.run_rm("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("(13 cells, all empty): no value to store; measures "
                      "with data: Beroepsbevolking_1, "
                      "NettoArbeidsparticipatie_12, "
                      "WerkzameBeroepsbevolking_2" + TAIL % make_v3.TABLE,
                      r.stderr)
        probes = self.probes(before)
        self.assertEqual(len(probes), 1, probes)
        self.assertNotIn("$select", probes[0])
        self.assertIn("$top=100 ", probes[0])
        self.assertIsNotNone(rmtest.rrd_period_value(
            self.env.rrd("labour-force", "groningen"), "2020"))

    def test_no_extra_request_with_data_or_check(self):
        self.make_env([self.src("v3", {
            "api": "v3-feed", "base_url": self.v3base,
            "table": make_v3.TABLE, "typed": True, "series": [
                {"indicator": "unemployment-rate",
                 "measure": "Werkloosheidspercentage_13",
                 "filters": {"Geslacht": "3000"},
                 "regions": ["groningen"]}]})])
        before = len(self.srv.requests())
        r = self.run_rm("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("no data for this combination", r.stderr)
        self.assertEqual(self.probes(before), [])
        self.env.close()
        # fetch --check reads no data, so it has no empty series to ask
        # about.
        self.v4_env()
        before = len(self.srv.requests())
        r = self.run_rm("fetch", "--check")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.probes(before), [])

    # ---- 3: the extra request fails

    def test_failed_extra_request_fails_nothing(self):
        self.srv.set_routes([{"match": "$top=", "status": 500,
                              "body": "boom"}] + self.routes)
        for api in ("v4", "v3-feed"):
            with self.subTest(api=api):
                if api == "v4":
                    self.v4_env()
                    table, keep = "80590ned", ("jobs", "nl")
                else:
                    self.v3_env(api)
                    table, keep = make_v3.TABLE, ("labour-force",
                                                  "groningen")
                before = len(self.srv.requests())
                r = self.run_rm("run")
                self.assertEqual(r.returncode, 0, r.stderr)
                want = ("no value to store; the combinations with data "
                        "could not be listed: the server answered HTTP "
                        "500" + TAIL % table)
                self.assertIn(want, r.stderr)
                self.assertEqual(len(self.probes(before)), 1)
                self.assertIsNotNone(rmtest.rrd_period_value(
                    self.env.rrd(*keep), "2020"))
                w = self.warnings()
                self.assertEqual(len(w), 1, w)
                self.assertTrue(w[0].endswith(want), w)
                st = json.loads(self.run_rm("sources", "--json").stdout)[0]
                self.assertNotIn("failed", json.dumps(st.get("state")))
                self.env.close()
                self.env = None

    def test_extra_request_without_answer(self):
        self.srv.set_routes([{"match": "$top=", "reset": True}] +
                            self.routes)
        self.v4_env()
        r = self.run_rm("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("no value to store; the combinations with data could "
                      "not be listed: no answer from the server" +
                      TAIL % "80590ned", r.stderr)
        self.assertIsNotNone(rmtest.rrd_period_value(
            self.env.rrd("jobs", "nl"), "2020"))


if __name__ == "__main__":
    unittest.main()
