#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""The swing plugin end to end: the real binary against Klimaatmonitor
Open Data Service pages (OData v4 JSON: a "value" list of ExternalCode /
Period / ValueString rows, @odata.nextLink paging) served by
tests/lib/httpd.py on 127.0.0.1; the API key in the apikey header on every
page; TJ -> PJ scaling and shares (one variable per another) read back
from the RRD files bit for bit; 401, a missing key file, 5xx half-way
through the pages and a nextLink to elsewhere; config errors with JSON
paths; the shipped demo source.

Run from the repository root:

    /usr/bin/python3 tests/integration/test_swing.py
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
import httpd  # noqa: E402
import rmtest  # noqa: E402

DATA = os.path.join(TOP, "tests", "data", "swing")
FAST = {"REGIOMON_HTTP_BACKOFF_MS": "50"}
KEY = "k3y-0f-the-analyst"
VALUES = ("/Variables('%s')/GeoLevels('gemeente')/PeriodLevels('year')"
          "/Periods('all')/Values")
MISSING = ("?", "", "-99997")

with open(rmtest.CATALOG, encoding="utf-8") as f:
    REGION = {r["codes"]["swing"]: r["id"]
              for r in json.load(f)["regions"]
              if "swing" in r.get("codes", {})}


def rows(var, codes, years, value):
    return [{"ExternalCode": c, "GeoLevel": "gemeente", "PeriodLevel": "year",
             "Period": y, "ValueString": value(c, y), "Description": None}
            for c in codes for y in years]


class Swing(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.access(rmtest.BIN, os.X_OK):
            raise AssertionError("%s not built (make tests)" % rmtest.BIN)
        cls.root = tempfile.mkdtemp(prefix="test_swing.")
        cls.srv = httpd.start(cls.root)
        cls.base = cls.srv.url("odata").rstrip("/")
        cls.pages = []
        for i in (1, 2, 3):
            with open(os.path.join(DATA, "hern_tot-%d.json" % i),
                      encoding="utf-8") as f:
                text = f.read().replace("{BASE}", cls.base)
            with open(os.path.join(cls.root, "hern%d.json" % i), "w",
                      encoding="utf-8") as f:
                f.write(text)
            cls.pages.append(json.loads(text))
        # Energy use in total and of the built environment, one page each.
        codes = ["gemeente_106", "gemeente_1730", "gemeente_363"]
        years = ["2020", "2021", "2022"]
        tot = {("gemeente_106", "2021"): "?", ("gemeente_1730", "2022"): "0"}
        cls.total = rows("energie_totaal_combi", codes, years,
                         lambda c, y: tot.get((c, y), "%d.%d" % (
                             4000 + len(c) * 100 + int(y), int(y) % 7)))
        cls.go = rows("energie_go", codes, years,
                      lambda c, y: "%d.%d" % (1300 + int(y) % 13 * 17,
                                              len(c) % 10))
        for name, rs in (("total.json", cls.total), ("go.json", cls.go)):
            with open(os.path.join(cls.root, name), "w") as f:
                json.dump({"@odata.context": cls.base + "/$metadata#Values",
                           "value": rs}, f)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.root)

    def setUp(self):
        self.srv.set_routes(self.routes())
        self.seen = len(self.srv.requests())
        self.env = None
        self.keyfile = os.path.join(self.root, "key")
        with open(self.keyfile, "w") as f:
            f.write(KEY + "\n")
        os.chmod(self.keyfile, 0o600)

    def tearDown(self):
        if self.env is not None:
            self.env.close()

    def routes(self):
        return [{"match": "$skip=14", "file": "hern2.json"},
                {"match": "$skip=28", "file": "hern3.json"},
                {"match": VALUES % "hern_tot", "file": "hern1.json"},
                {"match": VALUES % "energie_totaal_combi",
                 "file": "total.json"},
                {"match": VALUES % "energie_go", "file": "go.json"}]

    def source(self, name="km", **config):
        base = {"base_url": self.base, "api_key_file": self.keyfile,
                "series": [{"variable": "hern_tot",
                            "indicator": "renewable-supply-sun-wind",
                            "scale": 0.001}]}
        base.update(config)
        return {"name": name, "plugin": "swing", "config": base}

    def make_env(self, *sources):
        self.env = rmtest.Env(list(sources))
        return self.env

    def requests(self):
        return self.srv.requests()[self.seen:]

    def assert_failed(self, r, *texts):
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        for t in texts:
            self.assertIn(t, r.stderr)

    def test_pages_values_exact_and_key_header(self):
        env = self.make_env(self.source())
        r = env.run("run", env=FAST)
        self.assertEqual(r.returncode, 0, r.stderr)
        checked = missing = 0
        for page in self.pages:
            for row in page["value"]:
                region = REGION.get(row["ExternalCode"])
                if region is None:
                    # Amsterdam and Leeuwarden are not in the catalog.
                    self.assertIn(row["ExternalCode"],
                                  ("gemeente_363", "gemeente_80"))
                    continue
                got = rmtest.rrd_period_value(
                    env.rrd("renewable-supply-sun-wind", region),
                    row["Period"])
                if row["ValueString"] in MISSING:
                    self.assertIsNone(got, row)
                    missing += 1
                else:
                    # TJ to PJ, divided exactly as Python divides.
                    self.assertEqual(got, float(row["ValueString"]) / 1000,
                                     row)
                    checked += 1
        self.assertEqual((checked, missing), (25, 3))
        self.assertEqual(self.requests(), [
            "GET /odata%s 200" % (VALUES % "hern_tot"),
            "GET /odata%s?$skip=14 200" % (VALUES % "hern_tot"),
            "GET /odata%s?$skip=28 200" % (VALUES % "hern_tot")])
        keys = [h.get("apikey") for _, h in
                self.srv.request_headers()[self.seen:]]
        self.assertEqual(keys, [KEY] * 3)

    def test_regions_and_share_per_variable(self):
        env = self.make_env(self.source(
            regions=["assen", "tynaarlo"],
            series=[{"variable": "energie_go", "per": "energie_totaal_combi",
                     "scale": 100,
                     "indicator": "energy-demand-built-environment-share"}]))
        r = env.run("fetch", "km", env=FAST)
        self.assertEqual(r.returncode, 0, r.stderr)
        total = {(x["ExternalCode"], x["Period"]): x["ValueString"]
                 for x in self.total}
        want = []
        for row in self.go:
            region = REGION.get(row["ExternalCode"])
            if region not in ("assen", "tynaarlo"):
                continue
            den = total[(row["ExternalCode"], row["Period"])]
            value = None
            if den not in ("?", "0"):
                value = float(row["ValueString"]) / float(den) * 100
            want.append((region, row["Period"], value))
        got = [(o["region"], o["period"], o["value"])
               for o in rmtest.fetch_lines(r.stdout)]
        self.assertEqual(got, want)
        self.assertEqual(sum(v is None for _, _, v in got), 2)

    def test_401_refused_key(self):
        env = self.make_env(self.source())
        self.srv.set_routes([{"status": 401,
                              "body": "Guest user group not found"}])
        r = env.run("run", env=FAST)
        self.assert_failed(r, "refused the API key (HTTP 401: Guest user "
                           "group not found): check the key in %s"
                           % self.keyfile)
        self.assertEqual(len(self.requests()), 1)
        self.assertFalse(os.path.isdir(os.path.join(env.state, "rrd")))

    def test_no_key_file(self):
        env = self.make_env(self.source(
            api_key_file=os.path.join(self.root, "nokey")))
        r = env.run("run", env=FAST)
        # Not there yet: the source waits for the admin (issue 17), it
        # does not fail; nothing is asked of the service.
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("km: waiting: needs an API key in %s (request one "
                      "from the service at 127.0.0.1)"
                      % os.path.join(self.root, "nokey"), r.stderr)
        self.assertEqual(self.requests(), [])
        with open(self.keyfile, "w") as f:
            f.write("\n  \n")
        env = self.make_env(self.source())
        self.assert_failed(env.run("run", env=FAST), "empty; expected the "
                           "API key on the first line")
        self.assertEqual(self.requests(), [])

    def test_5xx_on_page_2_stores_nothing(self):
        env = self.make_env(self.source())
        self.srv.set_routes([{"match": "$skip=14", "status": 502}]
                            + self.routes())
        r = env.run("run", env=FAST)
        self.assert_failed(r, "HTTP 502 after 4 attempts")
        # Page 1 was emitted, and still nothing of the run is stored.
        self.assertFalse(os.path.exists(env.rrd("renewable-supply-sun-wind",
                                                "assen")))

    def test_next_link_elsewhere_refused(self):
        page = dict(self.pages[0])
        page["@odata.nextLink"] = page["@odata.nextLink"].replace(
            "127.0.0.1", "127.0.0.2")
        with open(os.path.join(self.root, "evil.json"), "w") as f:
            json.dump(page, f)
        self.srv.set_routes([{"file": "evil.json"}])
        env = self.make_env(self.source())
        r = env.run("run", env=FAST)
        self.assert_failed(r, "@odata.nextLink", "leaves http://127.0.0.1:")
        self.assertEqual(len(self.requests()), 1)

    def test_bad_value_string(self):
        page = {"value": rows("hern_tot", ["gemeente_106"], ["2021"],
                              lambda c, y: "12,5 TJ")}
        with open(os.path.join(self.root, "bad.json"), "w") as f:
            json.dump(page, f)
        self.srv.set_routes([{"file": "bad.json"}])
        env = self.make_env(self.source())
        r = env.run("fetch", "km", env=FAST)
        self.assert_failed(r, "hern_tot page 1: value[0] (gemeente_106, "
                           "2021): ValueString \"12,5 TJ\" is not a number")
        self.assertEqual(r.stdout, "")

    def test_check_config_paths(self):
        env = self.make_env(
            self.source(api_key_file="key.txt", regions=["rga"],
                        series=[{"varaible": "x", "indicator": "nope"},
                                {"variable": "a b", "indicator":
                                 "electricity-demand", "scale": -1}],
                        decimal=";"),
            {"name": "b", "plugin": "swing",
             "config": {"series": [{"variable": "hern_tot",
                                    "indicator": "electricity-demand"}]}})
        r = env.run("check-config")
        self.assertEqual(r.returncode, 78, r.stderr)
        for want in (
                'sources[0].config.api_key_file: expected an absolute path',
                'sources[0].config.regions[0]: region "rga" is not in the '
                'catalog or has no swing code',
                'sources[0].config.series[0].varaible: unknown key; did you '
                'mean "variable"?',
                'sources[0].config.series[0].variable: missing',
                'sources[0].config.series[0].indicator: unknown indicator '
                '"nope"',
                'sources[0].config.series[1].variable: expected a variable '
                'code',
                'sources[0].config.series[1].scale: expected a positive '
                'number',
                'sources[0].config.decimal: expected "." or ","',
                'sources[1].config.api_key_file: missing: the Open Data '
                'Service needs a personal API key'):
            self.assertIn(want, r.stderr)

    def test_demo_source(self):
        conf = os.path.join(TOP, "share", "demo", "regiomon.json")
        state = tempfile.mkdtemp(prefix="test_swing.state.")
        try:
            r = subprocess.run(
                [rmtest.BIN, "-c", conf, "-P", rmtest.PLUGINS, "-S", state,
                 "fetch", "demo-klimaatmonitor"],
                capture_output=True, text=True, timeout=60)
        finally:
            shutil.rmtree(state)
        self.assertEqual(r.returncode, 0, r.stderr)
        got = {(o["indicator"], o["region"], o["period"]): o["value"]
               for o in rmtest.fetch_lines(r.stdout)}
        # Both pages of hern_tot, 7 gemeenten x 5 years, per indicator.
        self.assertEqual(len(got), 3 * 35)
        self.assertEqual(got[("renewable-supply-sun-wind", "assen", "2019")],
                         1.18)
        self.assertIsNone(got[("renewable-supply-sun-wind", "noordenveld",
                               "2023")])


if __name__ == "__main__":
    unittest.main()
