#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""`regiomon describe`: what a table offers, from the plugin's describe()
(plugin ABI 1.3), offline against recorded responses under file: base
URLs:

- cbs_statline v3: the synthetic table of tests/data/cbs/make_v3.py as
  share/demo/cbs/v3/ has it (85268NED-like);
- cbs_statline v4: the recorded 83625NED of tests/data/cbs/v4/ (its
  RegioS code list was not recorded: described without it, and said);
- one table in both APIs: the v4 metadata of the same synthetic table
  (tests/data/cbs/make_v4_twin.py), each API's key paired with the
  other's.

- eurostat: the recorded JSON-stat answers of tests/data/eurostat/;
- swing: the recorded Values pages of share/demo/swing/ and
  tests/data/swing/.

Text and --json; --source-config gives a block that check-config accepts
and whose run stores exactly the series described, each value compared
with the served one with ==.

    /usr/bin/python3 tests/integration/test_describe.py
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
import make_v3  # noqa: E402
import make_v4_twin  # noqa: E402
import rmtest  # noqa: E402

V3 = "file://" + os.path.join(TOP, "share", "demo", "cbs", "v3")
V4_REC = "file://" + os.path.join(TOP, "tests", "data", "cbs", "v4")
ES_DIR = os.path.join(TOP, "tests", "data", "eurostat")
ES = "file://" + ES_DIR
TYPED = os.path.join(TOP, "share", "demo", "cbs", "v3", make_v3.TABLE,
                     "typed-page-1.json")
# The catalog's CBS codes of the regions the demo's v3 table has.
CODES = {"nl": "NL01", "groningen": "PV20", "drenthe": "PV22",
         "gemeente-groningen": "GM0014", "assen": "GM0106",
         "tynaarlo": "GM1730"}


def norm(key):
    """A CBS period key as regiomon writes the period."""
    if key[4:6] == "JJ":
        return key[:4]
    if key[4:6] == "KW":
        return "%s-Q%d" % (key[:4], int(key[6:]))
    return "%s-%s" % (key[:4], key[6:])


class Describe(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="regiomon-describe-")
        cls.twin = os.path.join(cls.tmp, "v4")
        cls.v4codes = make_v4_twin.build(cls.twin)
        cls.v4 = "file://" + cls.twin

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.env = rmtest.Env([])
        self.addCleanup(self.env.close)

    def describe(self, *args, rc=0):
        r = self.env.run("describe", *args)
        self.assertEqual(r.returncode, rc, r.stderr)
        return r

    def test_v3_text(self):
        r = self.describe("cbs_statline", make_v3.TABLE, "--api", "v3-feed",
                          "--base-url", V3)
        out = r.stdout
        self.assertTrue(out.startswith(
            "cbs_statline 85268NED: Arbeidsdeelname; provincie\n"), out)
        self.assertIn("  status: Regulier\n", out)
        self.assertIn("  modified: %s\n" % make_v3.MODIFIED, out)
        self.assertIn("measures (4):\n", out)
        for key, title, unit, dec in make_v3.TOPICS:
            self.assertIn('  %s  "%s"  unit=%s  decimals=%d\n'
                          % (key, title, unit, dec), out)
        self.assertIn('      T001038  "Totaal mannen en vrouwen"  total\n',
                      out)
        self.assertIn('      3000  "Mannen"\n', out)
        self.assertIn("  GM0106  region=assen\n", out)
        self.assertIn("  year: 2013 .. 2025\n", out)
        self.assertIn("  quarter: 2013-Q1 .. 2025-Q4\n", out)
        self.assertIn("period_types (2): year, quarter\n", out)
        self.assertIn("provisional (10): 2024, 2024-Q1", out)
        self.assertEqual(r.stderr, "")

    def test_v3_json(self):
        r = self.describe("cbs_statline", make_v3.TABLE, "--api", "v3-feed",
                          "--base-url", V3, "--json")
        doc = json.loads(r.stdout)
        self.assertEqual(doc["plugin"], "cbs_statline")
        self.assertEqual(doc["what"], make_v3.TABLE)
        self.assertEqual(doc["title"], "Arbeidsdeelname; provincie")
        self.assertEqual(doc["about"]["api"], "v3-feed")
        self.assertEqual(
            [(m["key"], m["title"], m["unit"], m["decimals"])
             for m in doc["measures"]], make_v3.TOPICS)
        dims = {d["key"]: d for d in doc["dimensions"]}
        self.assertEqual(sorted(dims), ["Geslacht", "Perioden", "RegioS"])
        self.assertEqual(dims["RegioS"]["kind"], "GeoDimension")
        self.assertEqual(dims["Perioden"]["kind"], "TimeDimension")
        self.assertEqual(
            [(c["code"], c["title"], c.get("total", False))
             for c in dims["Geslacht"]["codes"]],
            [(k, t, k == "T001038") for k, t in make_v3.GESLACHT])
        self.assertEqual([c["code"] for c in dims["RegioS"]["codes"]],
                         [k for k, _ in make_v3.REGIOS])
        self.assertEqual({r["region"]: r["code"] for r in doc["regions"]},
                         CODES)
        self.assertEqual(doc["period_types"], ["year", "quarter"])
        self.assertEqual(doc["provisional"],
                         [norm(k) for k, _, _, st in make_v3.periods()
                          if st in ("Voorlopig", "NaderVoorlopig")])
        self.assertEqual(doc["periods"], {"year": "2013 .. 2025",
                                          "quarter": "2013-Q1 .. 2025-Q4"})

    def test_v4_recorded(self):
        # 83625NED as recorded: its RegioS codes were not, so they are
        # not described, and stderr says so; the rest is.
        r = self.describe("cbs_statline", "83625NED", "--api", "v4",
                          "--base-url", V4_REC)
        self.assertIn("cbs_statline 83625NED: Bestaande koopwoningen; "
                      "gemiddelde verkoopprijzen, regio\n", r.stdout)
        self.assertIn('  M001534  "Gemiddelde verkoopprijs"  unit=euro  '
                      'decimals=0\n', r.stdout)
        self.assertIn('  RegioS  "Regio\'s"  kind=GeoDimension  '
                      'codes_read=false\n', r.stdout)
        self.assertIn("  year: 1995 .. 2025\n", r.stdout)
        self.assertIn("dimension RegioS: its codes were not read",
                      r.stderr)
        r = self.describe("cbs_statline", "83625NED", "--api", "v4",
                          "--base-url", V4_REC, "--json")
        doc = json.loads(r.stdout)
        self.assertEqual(doc["measures"], [
            {"key": "M001534", "title": "Gemiddelde verkoopprijs",
             "unit": "euro", "decimals": 0}])
        self.assertEqual(doc["about"]["modified"],
                         "2026-02-17T00:00:00+01:00")
        self.assertEqual(doc["period_types"], ["year"])
        with open(os.path.join(TOP, "tests", "data", "cbs", "v4",
                               "83625NED", "codes-Perioden.json")) as f:
            rows = json.load(f)["value"]
        self.assertEqual(doc["provisional"],
                         [norm(p["Identifier"]) for p in rows
                          if p["Status"] in ("Voorlopig", "NaderVoorlopig")])
        self.assertFalse(doc["dimensions"][0]["codes_read"])

    def test_table_in_v3_and_v4(self):
        # Described in v4 with the v3 API asked too: each measure has its
        # v4 code and its v3 key; and the other way round.
        r = self.describe("cbs_statline", make_v3.TABLE, "--api", "v4",
                          "--base-url", self.v4, "--other-base-url", V3,
                          "--json")
        doc = json.loads(r.stdout)
        self.assertEqual(
            [(m["key"], m["v4_code"], m["v3_key"], m["title"])
             for m in doc["measures"]],
            [(self.v4codes[k], self.v4codes[k], k, t)
             for k, t, _, _ in make_v3.TOPICS])
        r = self.describe("cbs_statline", make_v3.TABLE, "--api", "v3-feed",
                          "--base-url", V3, "--other-base-url", self.v4)
        for key, title, _, _ in make_v3.TOPICS:
            self.assertIn("  v3_key=%s  v4_code=%s\n"
                          % (key, self.v4codes[key]), r.stdout)
        # Without the other API's address, a file: base pairs nothing.
        r = self.describe("cbs_statline", make_v3.TABLE, "--api", "v4",
                          "--base-url", self.v4, "--json")
        self.assertNotIn("v3_key", r.stdout)

    def source_config(self, *args):
        r = self.describe("cbs_statline", make_v3.TABLE, "--source-config",
                          "--indicator", "unemployment-rate", *args)
        return json.loads(r.stdout)

    def test_source_config_checks_and_runs(self):
        src = self.source_config(
            "--api", "v3-feed", "--base-url", V3, "--measure",
            "Werkloosheidspercentage_13", "--region", "nl", "--region",
            "assen", "--region", "tynaarlo")
        self.assertEqual(src["name"], "cbs-85268ned")
        self.assertEqual(src["plugin"], "cbs_statline")
        self.assertEqual(src["config"]["series"], [{
            "indicator": "unemployment-rate",
            "measure": "Werkloosheidspercentage_13",
            "regions": ["nl", "assen", "tynaarlo"],
            "filters": {"Geslacht": "T001038"}, "periods": ["year"]}])
        env = rmtest.Env([src])
        self.addCleanup(env.close)
        r = env.run("check-config")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = env.run("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        # Exactly the described series: these three, nothing else.
        stored = sorted(os.path.relpath(os.path.join(d, f),
                                        os.path.join(env.state, "rrd"))
                        for d, _, fs in os.walk(os.path.join(env.state,
                                                             "rrd"))
                        for f in fs if f.endswith(".rrd"))
        self.assertEqual(stored, ["unemployment-rate/assen.rrd",
                                  "unemployment-rate/nl.rrd",
                                  "unemployment-rate/tynaarlo.rrd"])
        with open(TYPED) as f:
            rows = json.load(f)["value"]
        n = 0
        for reg in ("nl", "assen", "tynaarlo"):
            path = env.rrd("unemployment-rate", reg)
            for row in rows:
                if row["Geslacht"].strip() != "T001038" or \
                        row["RegioS"].strip() != CODES[reg] or \
                        row["Perioden"][4:6] != "JJ":
                    continue
                got = rmtest.rrd_period_value(path, norm(row["Perioden"]))
                want = row["Werkloosheidspercentage_13"]
                if want is None:
                    # No value: unknown in the RRD (None or NaN).
                    self.assertTrue(got is None or got != got,
                                    (reg, row["Perioden"], got))
                else:
                    self.assertEqual(got, want, (reg, row["Perioden"]))
                    n += 1
        self.assertGreater(n, 30)

    def test_source_config_v4_takes_the_v3_key(self):
        # The v3 key of a table in both APIs names the v4 measure; the
        # block passes check-config (which reads nothing).
        src = self.source_config(
            "--api", "v4", "--base-url", self.v4, "--other-base-url", V3,
            "--measure", "Werkloosheidspercentage_13", "--region", "nl",
            "--filter", "Geslacht=4000", "--name", "women")
        self.assertEqual(src["name"], "women")
        self.assertEqual(src["config"]["api"], "v4")
        self.assertEqual(src["config"]["series"][0]["measure"],
                         self.v4codes["Werkloosheidspercentage_13"])
        self.assertEqual(src["config"]["series"][0]["filters"],
                         {"Geslacht": "4000"})
        env = rmtest.Env([src])
        self.addCleanup(env.close)
        r = env.run("check-config")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_source_config_refusals(self):
        base = ("cbs_statline", make_v3.TABLE, "--api", "v3-feed",
                "--base-url", V3, "--source-config")
        r = self.describe(*base, "--indicator", "unemployment-rate",
                          "--measure", "Werkloosheidspercentage_31",
                          "--region", "nl", rc=1)
        self.assertIn('--measure Werkloosheidspercentage_31: not a measure '
                      'of table 85268NED; did you mean '
                      '"Werkloosheidspercentage_13"?', r.stderr)
        self.assertEqual(r.stdout, "")
        r = self.describe(*base, "--indicator", "unemployment-rate",
                          "--measure", "Werkloosheidspercentage_13",
                          "--region", "westerkwartier", rc=1)
        self.assertIn("--region westerkwartier: its CBS code is not in the "
                      "table", r.stderr)
        r = self.describe(*base, "--indicator", "unemployment-rate",
                          "--measure", "Werkloosheidspercentage_13",
                          "--region", "nl", "--filter", "Geslacht=9999",
                          rc=1)
        self.assertIn('dimension Geslacht of table 85268NED has no code '
                      '"9999"', r.stderr)
        r = self.describe(*base, "--measure", "Werkloosheidspercentage_13",
                          "--region", "nl", rc=1)
        self.assertIn("--source-config needs --indicator ID", r.stderr)
        r = self.describe(*base, "--indicator", "no-such-indicator", rc=2)
        self.assertIn("--indicator no-such-indicator: no such indicator",
                      r.stderr)

    def test_usage_and_failures(self):
        r = self.describe("cbs_statline", rc=2)
        self.assertIn("say what to describe", r.stderr)
        r = self.describe("cbs_statline", "85268NED", "--frobnicate", rc=2)
        self.assertIn('unknown option "--frobnicate"', r.stderr)
        r = self.describe("cbs_statline", "85268NED", "--measure", "x",
                          rc=2)
        self.assertIn("go with --source-config", r.stderr)
        r = self.describe("cbs_statline", "99999NED", "--api", "v3-feed",
                          "--base-url", V3, rc=1)
        self.assertIn("99999NED/table-infos.json", r.stderr)
        self.assertIn("could not describe it", r.stderr)
        r = self.describe("cbs_statline", "85268NED", "--api", "v5", rc=1)
        self.assertIn("--api v5: expected v3, v3-feed or v4", r.stderr)
        r = self.describe("no_such_plugin", "x", rc=1)
        self.assertIn("no_such_plugin.so", r.stderr)

    def test_plugin_without_describe(self):
        # A plugin of ABI 1.0 has no describe() member: it still loads
        # and runs (test_plugin_host), and describe says what is missing.
        env = rmtest.Env([], plugin_dir=rmtest.TEST_PLUGINS)
        self.addCleanup(env.close)
        r = env.run("describe", "t_abi10", "x")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("plugin t_abi10 (ABI 1.0) cannot describe its "
                      "sources: describe() came with ABI 1.3", r.stderr)

    def test_help(self):
        r = self.env.run("describe", "--help")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith("usage: regiomon describe "))
        for w in ("--api", "--base-url", "--other-base-url", "--json",
                  "--source-config", "--indicator", "--measure",
                  "--filter", "--region", "--name", "--api-key-file"):
            self.assertIn(w, r.stdout.split("\n\n", 1)[1], w)
        for line in r.stdout.splitlines():
            self.assertLessEqual(len(line), 80, line)


class DescribeEurostat(unittest.TestCase):
    def setUp(self):
        self.env = rmtest.Env([])
        self.addCleanup(self.env.close)
        with open(os.path.join(ES_DIR, "lfst_r_lfu3rt.json")) as f:
            self.doc = json.load(f)

    def describe(self, *args, rc=0):
        r = self.env.run("describe", "eurostat", "lfst_r_lfu3rt",
                         "--base-url", ES, *args)
        self.assertEqual(r.returncode, rc, r.stderr)
        return r

    def test_text(self):
        out = self.describe().stdout
        self.assertTrue(out.startswith(
            "eurostat lfst_r_lfu3rt: Unemployment rates by sex, age, "
            "educational attainment level and NUTS 2 region (%)\n"), out)
        self.assertIn("  updated: 2025-04-24T23:00:00+0200\n", out)
        self.assertIn('      T  "Total"  total\n', out)
        self.assertIn('      NL12  "Friesland (NL)"\n', out)
        self.assertIn("  NL11  region=groningen\n", out)
        self.assertIn("  time: 2015 .. 2024\n", out)
        # Cells 99, 117 and 119 are flagged p (117 "bp"): 2024, 2022.
        self.assertIn("provisional (2): 2022, 2024\n", out)

    def test_json(self):
        doc = json.loads(self.describe("--json").stdout)
        self.assertEqual(doc["title"], self.doc["label"])
        dims = self.doc["dimension"]
        self.assertEqual([d["key"] for d in doc["dimensions"]],
                         self.doc["id"])
        for d in doc["dimensions"]:
            if d["key"] == "time":
                self.assertNotIn("codes", d)
                continue
            idx = dims[d["key"]]["category"]["index"]
            self.assertEqual([c["code"] for c in d["codes"]],
                             sorted(idx, key=idx.get))
            self.assertEqual(
                [c["title"] for c in d["codes"]],
                [dims[d["key"]]["category"]["label"][c["code"]]
                 for c in d["codes"]])
        self.assertEqual(doc["regions"], [
            {"code": "NL", "region": "nl"},
            {"code": "NL11", "region": "groningen"},
            {"code": "NL13", "region": "drenthe"}])
        self.assertEqual(doc["periods"], {"time": "2015 .. 2024"})
        self.assertEqual(doc["provisional"], ["2022", "2024"])

    def test_source_config_checks_and_runs(self):
        r = self.describe("--source-config", "--indicator",
                          "unemployment-rate", "--region", "groningen",
                          "--region", "drenthe", "--name", "es-unemp")
        src = json.loads(r.stdout)
        self.assertEqual(src["config"]["filters"], {
            "freq": "A", "sex": "T", "age": "Y15-74", "isced11": "TOTAL",
            "unit": "PC"})
        env = rmtest.Env([src])
        self.addCleanup(env.close)
        r = env.run("check-config")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = env.run("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        stored = sorted(os.listdir(os.path.join(env.state, "rrd",
                                                "unemployment-rate")))
        self.assertEqual(stored, ["drenthe.rrd", "groningen.rrd"])
        ids, sizes, dims = (self.doc["id"], self.doc["size"],
                            self.doc["dimension"])
        stride = [1] * len(ids)
        for i in range(len(ids) - 2, -1, -1):
            stride[i] = stride[i + 1] * sizes[i + 1]
        pin = {"freq": "A", "sex": "T", "age": "Y15-74",
               "isced11": "TOTAL", "unit": "PC"}
        n = 0
        for reg, nuts in (("groningen", "NL11"), ("drenthe", "NL13")):
            path = env.rrd("unemployment-rate", reg)
            for year, k in dims["time"]["category"]["index"].items():
                codes = dict(pin, geo=nuts, time=year)
                pos = sum(dims[d]["category"]["index"][codes[d]] * stride[i]
                          for i, d in enumerate(ids))
                want = self.doc["value"].get(str(pos))
                flag = self.doc["status"].get(str(pos), "")
                got = rmtest.rrd_period_value(path, year)
                if want is None or "c" in flag or ":" in flag:
                    self.assertTrue(got is None or got != got,
                                    (reg, year, got))
                else:
                    self.assertEqual(got, want, (reg, year))
                    n += 1
        self.assertGreater(n, 10)

    def test_refusals(self):
        r = self.describe("--source-config", "--indicator",
                          "unemployment-rate", "--region", "assen", rc=1)
        self.assertIn("--region assen: ", r.stderr)
        r = self.describe("--source-config", "--indicator",
                          "unemployment-rate", "--region", "nl",
                          "--filter", "sex=X", rc=1)
        self.assertIn('--filter sex=X: dimension sex has no code "X"',
                      r.stderr)
        r = self.env.run("describe", "eurostat", "no_such_dataset",
                         "--base-url", ES)
        self.assertEqual(r.returncode, 1)
        self.assertIn("no_such_dataset.json", r.stderr)


class DescribeSwing(unittest.TestCase):
    DIR = os.path.join(TOP, "share", "demo", "swing")

    def setUp(self):
        self.env = rmtest.Env([])
        self.addCleanup(self.env.close)
        # Both pages: hern_tot.json links on to hern_tot-2.json.
        self.rows, name = [], "hern_tot.json"
        while name:
            with open(os.path.join(self.DIR, name)) as f:
                page = json.load(f)
            self.rows += page["value"]
            name = page.get("@odata.nextLink")

    def describe(self, *args, rc=0, var="hern_tot", base=None):
        r = self.env.run("describe", "swing", var, "--base-url",
                         "file://" + (base or self.DIR), *args)
        self.assertEqual(r.returncode, rc, r.stderr)
        return r

    def test_text_and_json(self):
        out = self.describe().stdout
        self.assertTrue(out.startswith("swing hern_tot\n"), out)
        self.assertIn("geo_levels (1): gemeente\n", out)
        self.assertIn("  gemeente_106  region=assen\n", out)
        years = sorted({r["Period"] for r in self.rows})
        self.assertIn("  year: %s .. %s\n" % (years[0], years[-1]), out)
        doc = json.loads(self.describe("--json").stdout)
        self.assertEqual(doc["values"]["rows"], len(self.rows))
        self.assertEqual(doc["values"]["areas"],
                         len({r["ExternalCode"] for r in self.rows}))
        self.assertEqual(doc["period_types"], ["year"])
        self.assertIn({"code": "gemeente_1730", "region": "tynaarlo"},
                      doc["regions"])
        # tests/data/swing/hern_tot-1.json (a page for the loopback
        # server, its link left out here) has a "?" and an empty value.
        with open(os.path.join(TOP, "tests", "data", "swing",
                               "hern_tot-1.json")) as f:
            page = json.load(f)
        page.pop("@odata.nextLink", None)
        with open(os.path.join(self.env.dir, "hern_tot.json"), "w") as f:
            json.dump(page, f)
        doc = json.loads(self.describe("--json",
                                       base=self.env.dir).stdout)
        self.assertEqual(doc["values"]["not_a_number"], 2)

    def test_source_config_checks_and_runs(self):
        src = json.loads(self.describe(
            "--source-config", "--indicator", "renewable-supply-sun-wind",
            "--region", "assen", "--region", "tynaarlo").stdout)
        self.assertEqual(src["name"], "hern-tot")
        self.assertEqual(src["config"]["series"], [
            {"variable": "hern_tot",
             "indicator": "renewable-supply-sun-wind"}])
        env = rmtest.Env([src])
        self.addCleanup(env.close)
        r = env.run("check-config")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = env.run("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sorted(os.listdir(os.path.join(
            env.state, "rrd", "renewable-supply-sun-wind"))),
            ["assen.rrd", "tynaarlo.rrd"])
        n = 0
        for reg, code in (("assen", "gemeente_106"),
                          ("tynaarlo", "gemeente_1730")):
            path = env.rrd("renewable-supply-sun-wind", reg)
            for row in self.rows:
                if row["ExternalCode"] != code:
                    continue
                self.assertEqual(rmtest.rrd_period_value(path,
                                                         row["Period"]),
                                 float(row["ValueString"]), row)
                n += 1
        self.assertEqual(n, 10)

    def test_refusals(self):
        r = self.describe("--source-config", "--indicator",
                          "renewable-supply-sun-wind", "--region", "nl",
                          rc=1)
        self.assertIn("--region nl: ", r.stderr)
        r = self.describe(var="no_such_var", rc=1)
        self.assertIn("no_such_var.json", r.stderr)
        r = self.env.run("describe", "swing", "hern_tot")
        self.assertEqual(r.returncode, 1)
        self.assertIn("give --api-key-file FILE", r.stderr)


if __name__ == "__main__":
    unittest.main()
