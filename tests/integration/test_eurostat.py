#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""The eurostat plugin end to end: the real binary against JSON-stat 2.0
answers served by tests/lib/httpd.py on 127.0.0.1, in the API's shapes
(sparse "value" and "status" objects keyed by the row-major index, status
flags p, e, b, c and ':'), read back from the RRD files bit for bit; the
query the plugin sends; the 413 EXTRACTION_TOO_BIG and 5xx faults, a
table that goes bad half-way, "updated" change detection, config errors
with JSON paths, and the shipped demo sources.

Run from the repository root:

    /usr/bin/python3 tests/integration/test_eurostat.py

REGIOMON_BUILD names the build directory (default ./build).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import urllib.parse

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
import httpd  # noqa: E402
import rmtest  # noqa: E402

DATA = os.path.join(TOP, "tests", "data", "eurostat")
CATALOG = os.path.join(DATA, "catalog.json")
FAST = {"REGIOMON_HTTP_BACKOFF_MS": "50"}


def load(name):
    with open(os.path.join(DATA, name), encoding="utf-8") as f:
        return json.load(f)


def decode(doc, pick, geos):
    """An independent JSON-stat 2.0 decoder: {(geo, time): (value or None,
    status)} for the cells whose other dimensions have the codes in pick.
    The flat index is row-major, the last dimension fastest."""
    ids, size = doc["id"], doc["size"]
    index = {}
    for d in ids:
        idx = doc["dimension"][d]["category"]["index"]
        index[d] = idx if isinstance(idx, dict) else {
            c: i for i, c in enumerate(idx)}
    times = sorted(index["time"], key=index["time"].get)
    out = {}
    for g in geos:
        for t in times:
            pos = dict(pick, geo=g, time=t)
            flat = 0
            for d, s in zip(ids, size):
                flat = flat * s + index[d][pos[d]]
            out[(g, t)] = (doc["value"].get(str(flat)),
                           doc.get("status", {}).get(str(flat), ""))
    return out


class Eurostat(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.access(rmtest.BIN, os.X_OK):
            raise AssertionError("%s not built (make tests)" % rmtest.BIN)
        cls.root = tempfile.mkdtemp(prefix="test_eurostat.")
        for f in os.listdir(DATA):
            shutil.copy(os.path.join(DATA, f), cls.root)
        cls.srv = httpd.start(cls.root)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.root)

    def setUp(self):
        self.srv.set_routes(self.routes())
        self.seen = len(self.srv.requests())
        self.env = None

    def tearDown(self):
        if self.env is not None:
            self.env.close()

    def routes(self):
        return [{"regex": r"^/%s\?" % d, "file": d + ".json"}
                for d in ("lfst_r_lfu3rt", "rd_e_gerdreg")]

    def source(self, name="u", **config):
        base = {"base_url": self.srv.url(""), "dataset": "lfst_r_lfu3rt",
                "indicator": "unemployment-rate",
                "regions": ["groningen", "drenthe"],
                "filters": {"sex": "T", "unit": "PC"}}
        base.update(config)
        return {"name": name, "plugin": "eurostat", "config": base}

    def make_env(self, *sources):
        self.env = rmtest.Env(list(sources), catalog=CATALOG)
        return self.env

    def requests(self):
        return self.srv.requests()[self.seen:]

    def assert_failed(self, r, *texts):
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        for t in texts:
            self.assertIn(t, r.stderr)

    # The good path

    def test_values_exact_for_every_period(self):
        env = self.make_env(self.source(since="2015"))
        r = env.run("run", "u", env=FAST)
        self.assertEqual(r.returncode, 0, r.stderr)
        want = decode(load("lfst_r_lfu3rt.json"),
                      {"freq": "A", "sex": "T", "age": "Y15-74",
                       "isced11": "TOTAL", "unit": "PC"}, ["NL11", "NL13"])
        region = {"NL11": "groningen", "NL13": "drenthe"}
        checked = 0
        for (geo, year), (value, status) in want.items():
            got = rmtest.rrd_period_value(env.rrd("unemployment-rate",
                                                  region[geo]), year)
            if value is None or "c" in status or ":" in status:
                self.assertIsNone(got, (geo, year))
            else:
                # Bit for bit: the served double is the stored double.
                self.assertEqual(got, value, (geo, year))
                checked += 1
        self.assertEqual(checked, 16)
        # Confidential with a number is still missing.
        self.assertEqual(want[("NL13", "2017")][1], "c")

        # The request: geo codes from the catalog, the filters, the window.
        (line,) = self.requests()
        self.assertTrue(line.startswith("GET /lfst_r_lfu3rt?"), line)
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(
            line.split()[1]).query)
        self.assertEqual(q["geo"], ["NL11", "NL13"])
        self.assertEqual(q["sex"], ["T"])
        self.assertEqual(q["unit"], ["PC"])
        self.assertEqual(q["sinceTimePeriod"], ["2015"])
        self.assertEqual(q["format"], ["JSON"])

    def test_statuses_in_fetch(self):
        env = self.make_env(self.source())
        r = env.run("fetch", "u", env=FAST)
        self.assertEqual(r.returncode, 0, r.stderr)
        got = {(o["region"], o["period"]): (o["value"], o["status"])
               for o in rmtest.fetch_lines(r.stdout)}
        self.assertEqual(len(got), 20)
        self.assertEqual(got[("groningen", "2024")], (5.9, "provisional"))
        self.assertEqual(got[("groningen", "2023")], (5.5, "final"))   # e
        self.assertEqual(got[("groningen", "2015")], (None, "final"))  # :
        self.assertEqual(got[("drenthe", "2016")], (None, "final"))    # c
        self.assertEqual(got[("drenthe", "2017")], (None, "final"))    # c
        self.assertEqual(got[("drenthe", "2018")], (None, "final"))    # gap
        self.assertEqual(got[("drenthe", "2022")], (3.7, "provisional"))

    def test_real_capture_sparse_with_indicator_map(self):
        """The rd_e_gerdreg capture from the notes: BES/DE11/2023 is flat
        index 13 = 1*9 + 1*3 + 1, value 6.9 flagged b; index 17 carries
        only a status (confidential, no number)."""
        env = self.make_env(self.source(
            "r", dataset="rd_e_gerdreg", regions=["stuttgart", "extremadura"],
            filters={}, indicator={"dimension": "sectperf", "map": {
                "TOTAL": "rd-intensity", "BES": "rd-intensity-business"}}))
        r = env.run("fetch", "r", env=FAST)
        self.assertEqual(r.returncode, 0, r.stderr)
        got = [(o["indicator"], o["region"], o["period"], o["value"])
               for o in rmtest.fetch_lines(r.stdout)]
        T, B = "rd-intensity", "rd-intensity-business"
        self.assertEqual(got, [
            (T, "stuttgart", "2022", None), (T, "stuttgart", "2023", None),
            (T, "stuttgart", "2024", None),
            (T, "extremadura", "2022", 0.67), (T, "extremadura", "2023", 0.71),
            (T, "extremadura", "2024", None),
            (B, "stuttgart", "2022", None), (B, "stuttgart", "2023", 6.9),
            (B, "stuttgart", "2024", None),
            (B, "extremadura", "2022", None), (B, "extremadura", "2023", None),
            (B, "extremadura", "2024", None)])
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(
            self.requests()[0].split()[1]).query)
        self.assertEqual(q["sectperf"], ["TOTAL", "BES"])
        self.assertEqual(q["geo"], ["DE11", "ES43"])

    def test_unchanged_then_updated(self):
        env = self.make_env(self.source())
        self.assertEqual(env.run("run", env=FAST).returncode, 0)
        r = env.run("-v", "run", env=FAST)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("unchanged since 2025-04-24T23:00:00+0200", r.stderr)
        # Eurostat publishes: a new stamp and a revised value.
        doc = load("lfst_r_lfu3rt.json")
        doc["updated"] = "2025-05-02T11:00:00+0200"
        doc["value"]["99"] = 6.05
        with open(os.path.join(self.root, "new.json"), "w") as f:
            json.dump(doc, f)
        self.srv.set_routes([{"match": "/lfst_r_lfu3rt?",
                              "file": "new.json"}])
        r = env.run("run", env=FAST)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(rmtest.rrd_period_value(
            env.rrd("unemployment-rate", "groningen"), "2024"), 6.05)

    # Faults: clear errors, nothing stored

    def stored_2024(self, env):
        return rmtest.rrd_period_value(env.rrd("unemployment-rate",
                                               "groningen"), "2024")

    def test_413_extraction_too_big(self):
        env = self.make_env(self.source())
        self.assertEqual(env.run("run", env=FAST).returncode, 0)
        self.srv.set_routes([{"match": "/lfst_r_lfu3rt?", "status": 413,
                              "file": "error_413.json"}])
        r = env.run("run", env=FAST)
        self.assert_failed(r, "HTTP 413", "EXTRACTION_TOO_BIG",
                           "max authorised is 5000000",
                           "narrow the request")
        # A 413 is the answer, not a hiccup: asked once.
        self.assertEqual(len(self.requests()), 2)
        self.assertEqual(self.stored_2024(env), 5.9)

    def test_5xx_retried_then_fails(self):
        env = self.make_env(self.source())
        self.srv.set_routes([{"match": "/lfst_r_lfu3rt?", "status": 503}])
        r = env.run("run", env=FAST)
        self.assert_failed(r, "HTTP 503 after 4 attempts")
        self.assertFalse(os.path.exists(env.rrd("unemployment-rate",
                                                "groningen")))
        self.srv.set_routes([{"match": "/lfst_r_lfu3rt?", "status":
                              [500, 200], "file": "lfst_r_lfu3rt.json"}])
        r = env.run("run", env=FAST)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.stored_2024(env), 5.9)

    def test_bad_table_half_way_stores_nothing(self):
        env = self.make_env(self.source())
        self.assertEqual(env.run("run", env=FAST).returncode, 0)
        # Revised values, then a time code that is no period: Groningen's
        # cells are emitted before the bad code is met.
        doc = load("lfst_r_lfu3rt.json")
        doc["updated"] = "2025-06-01T11:00:00+0200"
        doc["value"]["99"] = 7.25
        doc["dimension"]["time"]["category"]["index"]["2025-W01"] = 10
        doc["size"][-1] = 11
        # Re-key the sparse maps for the longer last dimension.
        for key in ("value", "status"):
            doc[key] = {str(int(k) // 10 * 11 + int(k) % 10): v
                        for k, v in doc[key].items()}
        with open(os.path.join(self.root, "bad.json"), "w") as f:
            json.dump(doc, f)
        self.srv.set_routes([{"match": "/lfst_r_lfu3rt?",
                              "file": "bad.json"}])
        r = env.run("run", env=FAST)
        self.assert_failed(r, 'time code "2025-W01" is not a period')
        self.assertEqual(self.stored_2024(env), 5.9)

    def test_unfiltered_dimension(self):
        env = self.make_env(self.source(filters={"unit": "PC"}))
        r = env.run("fetch", "u", env=FAST)
        self.assert_failed(r, 'dimension "sex" has 3 codes (F, M, T); '
                           'choose one with filters.sex')
        self.assertEqual(r.stdout, "")

    def test_filter_code_not_in_answer(self):
        env = self.make_env(self.source(filters={"sex": "X", "unit": "PC"}))
        r = env.run("fetch", "u", env=FAST)
        self.assert_failed(r, 'dimension "sex" has no code "X" '
                           '(filters.sex); it has F, M, T')

    def test_check_config_paths(self):
        env = self.make_env(self.source(
            filters={"sex": ["F", "M"], "unit": ["C%d" % i
                                                 for i in range(51)]},
            regions=["groningen", "assen", "atlantis"], fliters={},
            since="yesterday", last=3, lang="NL"),
            self.source("v", indicator={"dimension": "geo", "map": {}}))
        r = env.run("check-config")
        self.assertEqual(r.returncode, 78, r.stderr)
        for want in (
                'sources[0].config.fliters: unknown key; did you mean '
                '"filters"?',
                'sources[0].config.filters.sex: 2 codes would give 2 values '
                'per region and period',
                'sources[0].config.filters.unit: 51 values; the API takes '
                'at most 50 per filter',
                'sources[0].config.regions[1]: region "assen" is not in '
                'the catalog or has no NUTS code',
                'sources[0].config.regions[2]: region "atlantis"',
                'sources[0].config.since: expected a period like "2015"',
                'sources[0].config.lang: expected "EN", "FR" or "DE"',
                'sources[1].config.indicator.dimension: "geo" cannot pick '
                'the indicator',
                'sources[1].config.indicator.map: expected an object'):
            self.assertIn(want, r.stderr)

    # The shipped demo

    def test_demo_sources(self):
        conf = os.path.join(TOP, "share", "demo", "regiomon.json")
        state = tempfile.mkdtemp(prefix="test_eurostat.state.")
        try:
            r = subprocess.run(
                [rmtest.BIN, "-c", conf, "-P", rmtest.PLUGINS, "-S", state,
                 "fetch", "demo-eurostat-unemployment"],
                capture_output=True, text=True, timeout=60)
        finally:
            shutil.rmtree(state)
        self.assertEqual(r.returncode, 0, r.stderr)
        got = {(o["region"], o["period"]): (o["value"], o["status"])
               for o in rmtest.fetch_lines(r.stdout)}
        # Groningen comes from demo-strategy, which has it as well: a
        # series is fed by one source.
        self.assertEqual(got[("drenthe", "2020")], (3.7, "final"))
        self.assertEqual(got[("nl", "2024")], (4.4, "provisional"))
        self.assertEqual(len(got), 20)


if __name__ == "__main__":
    unittest.main()
