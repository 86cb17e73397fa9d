#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""The rest of the analyst's workbench (issue 22), against
tests/lib/httpd.py on 127.0.0.1 serving the CBS tables of test_cbs.py
(v4 recordings in tests/data/cbs/v4/, the v3 table of
tests/data/cbs/make_v3.py), and the recorded responses themselves under
a file: base:

- `check-config --online [SOURCE ...]` is `fetch --check [SOURCE ...]`
  after the offline check: the same lines and exit statuses;
- the candidates of an ambiguous measure title are told apart by their
  unit and the title of their group (v4 MeasureGroups, recorded for
  80590ned), not the group's id;
- a series whose combination has no data names the codes that do have
  data, where the rows read tell it (the extra request of a server that
  honours the $filter is test_combinations.py);
- `describe swing VARIABLE` gives the variable's title, unit and geo
  levels next to its years, and `describe swing --search TEXT` lists the
  variables whose code or title holds TEXT.

The Open Data Service's metadata answers below are not recordings: no
public recording of them was found.  They are built here in the shape
public clients of the service read (see doc/sources.md, "describe
swing"): Variables('V') an object with ExternalCode, Name, Unit and
Source; Variables('V')/GeoLevels and Variables "value" lists of
ExternalCode and Name.  The titles and units are those of the service's
variable list as klimaatdata.nl keeps it (woutermeensje/klimaatdata.nl,
resources/data/klimaatmonitor_catalog.php); the Values pages are
tests/data/swing/.

    /usr/bin/python3 tests/integration/test_workbench_more.py
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

V4_REC = "file://" + os.path.join(TOP, "tests", "data", "cbs", "v4")
CHECKED = "%s: checked against the service: every reference found; " \
    "nothing stored"


class Workbench(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.access(rmtest.BIN, os.X_OK):
            raise AssertionError("%s not built (make tests)" % rmtest.BIN)
        cls.root = tempfile.mkdtemp(prefix="test_workbench_more.")
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

    def src(self, name, cfg):
        return {"name": name, "plugin": "cbs_statline", "config": cfg}

    def v3_cfg(self, api, series):
        return {"api": api, "base_url": self.v3base,
                "table": make_v3.TABLE, "typed": True, "series": series}

    def good_and_bad(self):
        good = self.src("hp", {
            "api": "v4", "base_url": self.v4base, "table": "83625NED",
            "series": [{"indicator": "house-price", "measure": "M001534",
                        "regions": cbs.ALL}]})
        bad = self.src("v3", self.v3_cfg("v3-feed", [
            {"indicator": "unemployment-rate", "measure": "Werkloosheid_13",
             "filters": {"Geslacht": "T001038"},
             "regions": ["groningen", "het-hogeland"]}]))
        return [good, bad]

    # ---- 1. check-config --online

    def test_check_config_online_is_fetch_check(self):
        self.make_env(self.good_and_bad())
        # One source: the same line, no "configuration OK".
        before = len(self.srv.requests())
        r = self.run_rm("check-config", "--online", "hp")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, CHECKED % "hp" + "\n")
        reqs = self.srv.requests()[before:]
        self.assertTrue(any("/83625NED/RegioSCodes" in l for l in reqs))
        self.assertFalse([l for l in reqs if "/Observations" in l])
        self.assertFalse(os.path.exists(os.path.join(self.env.state, "rrd",
                                                     "house-price")))
        # Every enabled source: the lines and status of fetch --check.
        on = self.run_rm("check-config", "--online")
        fc = self.run_rm("fetch", "--check")
        self.assertEqual(on.returncode, 1, on.stderr)
        self.assertEqual(on.returncode, fc.returncode)
        self.assertEqual(on.stdout, fc.stdout)
        self.assertEqual(on.stdout.splitlines(), [CHECKED % "hp"])
        self.assertIn("v3: failed", on.stderr)
        self.assertIn('measure "Werkloosheid_13" is not in table 85268NED',
                      on.stderr)
        # The option may follow the names.
        r = self.run_rm("check-config", "v3", "--online")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(r.stdout, "")
        # Offline, check-config still takes no source.
        r = self.run_rm("check-config")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "configuration OK\n")
        r = self.run_rm("check-config", "hp")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn('unexpected "hp": its arguments are --online and, '
                      'with it, SOURCE names', r.stderr)
        r = self.run_rm("check-config", "--onlin")
        self.assertEqual(r.returncode, 2, r.stderr)
        r = self.run_rm("check-config", "--online", "nosuch")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn('regiomon: check-config: no source "nosuch"', r.stderr)

    def test_check_config_online_config_error_first(self):
        # A bad config is 78 before anything is asked of a service.
        srcs = self.good_and_bad()
        srcs[0]["config"]["tabel"] = "x"
        self.make_env(srcs)
        before = len(self.srv.requests())
        r = self.run_rm("check-config", "--online")
        self.assertEqual(r.returncode, 78, r.stderr)
        self.assertIn('unknown key', r.stderr)
        self.assertEqual(self.srv.requests()[before:], [])

    def test_check_config_online_help(self):
        self.make_env([])
        r = self.run_rm("check-config", "--help")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("check-config --online [SOURCE ...]", r.stdout)
        self.assertIn("the same as `regiomon fetch --check [SOURCE ...]`",
                      r.stdout)
        r = self.run_rm("fetch", "--help")
        self.assertIn("`check-config\n                --online [SOURCE "
                      "...]` is the same check", r.stdout)
        with open(os.path.join(TOP, "share", "man", "regiomon.8"),
                  encoding="utf-8") as f:
            man = f.read()
        self.assertTrue('.BR "check\\-config \\-\\-online" " [\\fIsource'
                        in man, "regiomon.8 lacks check-config --online")

    # ---- 2. an ambiguous title: unit and the group's title

    def ambiguous(self, base):
        return self.src("unemp", {
            "api": "v4", "base_url": base, "table": "80590ned",
            "series": [{"indicator": "labour-participation",
                        "measure_title": "Seizoengecorrigeerd",
                        "region": "nl", "filters": {
                            "Geslacht": "T001038", "Leeftijd": "52052"}}]})

    def test_ambiguous_title_group_titles_v4(self):
        # The recorded MeasureGroups of 80590ned, served.
        rec = cbs.load(os.path.join(cbs.FIXTURES, "80590ned",
                                    "measure-groups.json"))
        rel = self.alt_file("odata/v1/CBS/80590ned/MeasureGroups", rec)
        self.srv.set_routes([{"match": "/80590ned/MeasureGroups",
                              "file": rel}] + self.routes)
        self.make_env([self.ambiguous(self.v4base)])
        r = self.run_rm("run")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn(
            'series[0].measure_title: title "Seizoengecorrigeerd" matches 7 '
            'measures of table 80590ned: D002308 (unit x 1000, group '
            '"Beroepsbevolking"), D006409 (unit x 1000, group "Werkzame '
            'beroepsbevolking"), D001875 (unit x 1000, group "Werkloze '
            'beroepsbevolking"), M004210 (unit %, group '
            '"Werkloosheidspercentage"), D006394 (unit x 1000, group '
            '"Niet-beroepsbevolking"), M006335 (unit %, group "Bruto '
            'arbeidsparticipatie"), M005036 (unit %, group "Netto '
            'arbeidsparticipatie"); give "measure" with one of those keys '
            'instead', r.stderr)
        # Asked for on this error only.
        self.assertTrue(any("/80590ned/MeasureGroups" in l
                            for l in self.srv.requests()))

    def test_ambiguous_title_group_titles_file_base(self):
        # The recordings themselves, as `fetch --check` reads them.
        self.make_env([self.ambiguous(V4_REC)])
        r = self.run_rm("fetch", "--check", "unemp")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn('M004210 (unit %, group "Werkloosheidspercentage")',
                      r.stderr)

    def test_ambiguous_title_without_groups_keeps_ids(self):
        # A service without MeasureGroups: the ids, and why.
        self.make_env([self.ambiguous(self.v4base)])
        before = len(self.srv.requests())
        r = self.run_rm("run")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn('M004210 (unit %, group "M001906_1")', r.stderr)
        self.assertIn("its MeasureGroups could not be read: measures are "
                      "told apart by their group ids", r.stderr)
        self.assertTrue(any("/80590ned/MeasureGroups" in l
                            for l in self.srv.requests()[before:]))

    def test_resolved_title_asks_no_groups(self):
        # A title that resolves costs no MeasureGroups request.
        self.make_env([self.src("unemp", {
            "api": "v4", "base_url": self.v4base, "table": "80590ned",
            "series": [{"indicator": "unemployment-rate",
                        "measure": "M001906_2", "region": "nl",
                        "filters": {"Geslacht": "T001038",
                                    "Leeftijd": "52052"},
                        "periods": ["year"]}]})])
        before = len(self.srv.requests())
        r = self.run_rm("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertFalse([l for l in self.srv.requests()[before:]
                          if "MeasureGroups" in l])

    # ---- 3. an empty combination names the codes that have data

    def v3_empty_routes(self, keep_only=None):
        """The v3 table with every cell of women (Geslacht 4000) empty, as
        CBS serves a combination without data: rows of nulls.  With
        keep_only, only the rows of that Geslacht code are served, as a
        server that honours the $filter sends them."""
        rules = []
        base = "ODataFeed/odata/%s/" % make_v3.TABLE
        names = ["TypedDataSet"] + ["TypedDataSet.p%d" % (n + 2) for n in
                                    range(len(self.v3["pages"]
                                              ["TypedDataSet"]))]
        for n, name in enumerate(names):
            doc = cbs.load(os.path.join(self.root, base + name))
            for row in doc["value"]:
                if row["Geslacht"].strip() == "4000":
                    row["Werkloosheidspercentage_13"] = None
            if keep_only is not None:
                doc["value"] = [r for r in doc["value"]
                                if r["Geslacht"].strip() == keep_only]
            rel = self.alt_file(base + name, doc)
            if n == 0:
                rules.append({"regex": r"/%s/TypedDataSet\?(?!.*\$skip)"
                              % make_v3.TABLE, "file": rel})
            else:
                rules.append({"regex": r"/%s/TypedDataSet\?.*\$skip=%d$"
                              % (make_v3.TABLE, n * cbs.V3_PAGE),
                              "file": rel})
        return rules

    def test_v3_empty_combination_names_codes_with_data(self):
        self.srv.set_routes(self.v3_empty_routes() + self.routes)
        for api in ("v3", "v3-feed"):
            with self.subTest(api=api):
                # Two series of the same rows: one empty, one with data.
                self.make_env([self.src("v3", self.v3_cfg(api, [
                    {"indicator": "unemployment-rate",
                     "measure": "Werkloosheidspercentage_13",
                     "filters": {"Geslacht": "4000"},
                     "regions": ["groningen", "drenthe"]},
                    {"indicator": "labour-force",
                     "measure": "Beroepsbevolking_1",
                     "filters": {"Geslacht": "4000"},
                     "regions": ["groningen", "drenthe"]}]))])
                r = self.run_rm("run")
                self.assertEqual(r.returncode, 0, r.stderr)
                want = ("series[0] unemployment-rate: table 85268NED has "
                        "no data for this combination of measure, filters "
                        "and period types (26 cells, all empty): no value "
                        "to store; combinations with data: "
                        "Geslacht=3000, T001038; measures with data for "
                        "these filters: Beroepsbevolking_1; `regiomon "
                        "describe cbs_statline 85268NED` lists the "
                        "table's codes")
                self.assertIn(want, r.stderr)
                self.assertIsNotNone(rmtest.rrd_period_value(
                    self.env.rrd("labour-force", "groningen"), "2020"))
                # sources shows the same warning, whole.
                w = json.loads(self.run_rm("sources", "--json").stdout)
                self.assertEqual(w[0]["warnings"], [want], w)
                self.env.close()
                self.env = None

    def test_v3_rows_that_cannot_tell(self):
        # Women's rows only, for the series' request and for the one
        # extra request without its filter code (test_combinations.py):
        # no other code has data.
        self.srv.set_routes(self.v3_empty_routes(keep_only="4000") +
                            self.routes)
        self.make_env([self.src("v3", self.v3_cfg("v3-feed", [
            {"indicator": "unemployment-rate",
             "measure": "Werkloosheidspercentage_13",
             "filters": {"Geslacht": "4000"}, "regions": ["groningen"]}]))])
        r = self.run_rm("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("(13 cells, all empty): no value to store; the "
                      "table's first 1000 rows without these filter codes "
                      "show no other code with data; `regiomon describe "
                      "cbs_statline 85268NED` lists the table's codes",
                      r.stderr)
        self.assertNotIn("combinations with data", r.stderr)

    def v4_ages(self, extra_ages):
        """80590ned with more age codes: the recorded rows again under
        each of extra_ages (with data), and 70100 listed without any."""
        rel = "odata/v1/CBS/80590ned/LeeftijdCodes"
        doc = cbs.load(os.path.join(self.root, rel))
        for age in ["70100"] + extra_ages:
            doc["value"].append({"Identifier": age, "Title": age})
        routes = [{"match": "/80590ned/LeeftijdCodes",
                   "file": self.alt_file(rel, doc)}]
        rel = "odata/v1/CBS/80590ned/Observations"
        doc = cbs.load(os.path.join(self.root, rel))
        rows = [r for r in doc["value"] if r["Measure"] == "M001731_2"]
        for age in extra_ages:
            doc["value"] += [dict(r, Leeftijd=age) for r in rows]
        doc.pop("@odata.nextLink", None)
        routes.append({"match": "/80590ned/Observations",
                       "file": self.alt_file(rel, doc)})
        self.srv.set_routes(routes + self.routes)

    def v4_empty_env(self):
        self.make_env([self.src("unemp", {
            "api": "v4", "base_url": self.v4base, "table": "80590ned",
            "series": [
                {"indicator": "labour-participation",
                 "measure": "M001731_2", "region": "nl",
                 "filters": {"Geslacht": "T001038", "Leeftijd": "70100"},
                 "periods": ["year"]}]})])

    def test_v4_empty_combination_names_codes_with_data(self):
        self.v4_ages([])
        self.v4_empty_env()
        r = self.run_rm("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("series[0] labour-participation: table 80590ned has "
                      "no data for this combination of measure, filters "
                      "and period types (0 rows): no value to store; "
                      "combinations with data: Leeftijd=52052; `regiomon "
                      "describe", r.stderr)

    def test_v4_codes_with_data_bounded(self):
        self.v4_ages(["10%03d" % n for n in range(8)])
        self.v4_empty_env()
        r = self.run_rm("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("combinations with data: Leeftijd=10000, 10001, "
                      "10002, 10003, 10004 and 4 more; `regiomon describe",
                      r.stderr)

    # ---- 4. describe swing: title, unit, geo levels, years; --search

    def swing_env(self):
        self.make_env([])
        key = os.path.join(self.env.dir, "km.key")
        with open(key, "w") as f:
            f.write("k3y\n")
        os.chmod(key, 0o600)
        return key

    def swing_routes(self):
        base = self.srv.url("sw/jiveservices/odata").rstrip("/")
        d = os.path.join(self.alt, "sw")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(TOP, "tests", "data", "swing",
                               "hern_tot-1.json"), encoding="utf-8") as f:
            page = json.loads(f.read().replace("{BASE}", base))
        page.pop("@odata.nextLink", None)
        docs = {
            "values.json": page,
            "var.json": {"@odata.context": base + "/$metadata#Variables"
                         "/$entity", "ExternalCode": "hern_tot",
                         "Name": "Totaal bekende hernieuwbare energie",
                         "Unit": "TJ", "Source": "Klimaatmonitor"},
            "geo.json": {"value": [{"ExternalCode": "gemeente"},
                                   {"ExternalCode": "res"},
                                   {"ExternalCode": "provincie"}]},
            "list1.json": {"value": [
                {"ExternalCode": "hern_tot",
                 "Name": "Totaal bekende hernieuwbare energie"},
                {"ExternalCode": "energie_totaal_combi",
                 "Name": "Totaal bekend energieverbruik (aardgas, "
                         "elektriciteit, stadswarmte, voertuigbrandstof, "
                         "ov. warmte)"}],
                "@odata.nextLink": base + "/Variables?$skip=2"},
            "list2.json": {"value": [
                {"ExternalCode": "huidig_twh_res_pbl",
                 "Name": "Huidige productie wind op land en zonnestroom "
                         "volgens PBL-systematiek", "Unit": "TWh"},
                {"ExternalCode": "energie_go",
                 "Name": "Totaal bekend energieverbruik Gebouwde "
                         "omgeving"}]},
        }
        for name, doc in docs.items():
            with open(os.path.join(d, name), "w", encoding="utf-8") as f:
                json.dump(doc, f, ensure_ascii=False)
        rel = os.path.relpath(d, self.root)
        self.srv.set_routes([
            {"match": "/Periods('all')/Values",
             "file": rel + "/values.json"},
            {"regex": r"/Variables\('hern_tot'\)/GeoLevels$",
             "file": rel + "/geo.json"},
            {"regex": r"/Variables\('hern_tot'\)$", "file": rel + "/var.json"},
            {"regex": r"/Variables\?\$skip=2$", "file": rel + "/list2.json"},
            {"regex": r"/Variables$", "file": rel + "/list1.json"},
            {"status": 404, "body": "not found"}])
        return base

    def test_describe_swing_title_unit_levels_years(self):
        key = self.swing_env()
        base = self.swing_routes()
        r = self.run_rm("describe", "swing", "hern_tot", "--base-url", base,
                        "--api-key-file", key)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith(
            "swing hern_tot: Totaal bekende hernieuwbare energie\n"
            "unit: TJ\n"), r.stdout)
        self.assertIn("geo_levels (3): gemeente, res, provincie\n", r.stdout)
        self.assertIn("periods:\n  year: 2019 .. 2022\n", r.stdout)
        doc = json.loads(self.run_rm(
            "describe", "swing", "hern_tot", "--base-url", base,
            "--api-key-file", key, "--json").stdout)
        self.assertEqual(doc["title"], "Totaal bekende hernieuwbare energie")
        self.assertEqual(doc["unit"], "TJ")
        self.assertEqual(doc["geo_levels"], ["gemeente", "res", "provincie"])
        # The key went with every request.
        self.assertTrue(any("/Variables('hern_tot')/GeoLevels" in l
                            for l in self.srv.requests()))

    def test_describe_swing_without_metadata(self):
        # A service that answers Values only: said, described without.
        key = self.swing_env()
        base = self.swing_routes()
        self.srv.set_routes([{"match": "/Periods('all')/Values",
                              "file": os.path.relpath(os.path.join(
                                  self.alt, "sw", "values.json"),
                                  self.root)},
                             {"status": 404, "body": "not found"}])
        r = self.run_rm("describe", "swing", "hern_tot", "--base-url", base,
                        "--api-key-file", key)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith("swing hern_tot\n"), r.stdout)
        self.assertIn("geo_levels (1): gemeente\n", r.stdout)
        self.assertIn("the variable's title and unit are not known",
                      r.stderr)

    def test_describe_swing_search(self):
        key = self.swing_env()
        base = self.swing_routes()
        r = self.run_rm("describe", "swing", "--search", "ENERGIEVERBRUIK",
                        "--base-url", base, "--api-key-file", key)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.splitlines(), [
            'swing ENERGIEVERBRUIK: the variables whose code or title '
            'holds "ENERGIEVERBRUIK" (of 4)',
            "base_url: " + base,
            "variables (2):",
            '  energie_totaal_combi  "Totaal bekend energieverbruik '
            '(aardgas, elektriciteit, stadswarmte, voertuigbrandstof, ov. '
            'warmte)"',
            '  energie_go  "Totaal bekend energieverbruik Gebouwde '
            'omgeving"'])
        doc = json.loads(self.run_rm(
            "describe", "swing", "--search", "wind", "--base-url", base,
            "--api-key-file", key, "--json").stdout)
        self.assertEqual(doc["variables"], [
            {"code": "huidig_twh_res_pbl",
             "title": "Huidige productie wind op land en zonnestroom "
                      "volgens PBL-systematiek", "unit": "TWh"}])
        r = self.run_rm("describe", "swing", "--search", "kernenergie",
                        "--base-url", base, "--api-key-file", key)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("variables: none\n", r.stdout)
        # A file: base's variables.json, without a key.
        with open(os.path.join(self.alt, "sw", "list1.json"),
                  encoding="utf-8") as f:
            doc = json.load(f)
        doc.pop("@odata.nextLink")
        with open(os.path.join(self.env.dir, "variables.json"), "w",
                  encoding="utf-8") as f:
            json.dump(doc, f)
        r = self.run_rm("describe", "swing", "--search", "hern", "--base-url",
                        "file://" + self.env.dir)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('variables (1):\n  hern_tot  "Totaal bekende '
                      'hernieuwbare energie"\n', r.stdout)
        # Usage.
        r = self.run_rm("describe", "swing", "hern_tot", "--search", "x")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("--search lists variables; give no WHAT with it",
                      r.stderr)
        r = self.run_rm("describe", "swing", "--search", "")
        self.assertEqual(r.returncode, 2, r.stderr)
        r = self.run_rm("describe", "swing", "--search", "x",
                        "--source-config", "--indicator",
                        "renewable-supply-sun-wind", "--base-url", base,
                        "--api-key-file", key)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("give no VARIABLE and no --source-config", r.stderr)
        r = self.run_rm("describe", "cbs_statline", "--search", "x")
        self.assertNotEqual(r.returncode, 0, r.stderr)
        self.assertIn("search", r.stderr)


if __name__ == "__main__":
    unittest.main()
