#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""More indicators fed live (issue 17): the source cbs-regional-key-figures
of etc/regiomon.json, as it is installed, on CBS 70072ned in OData v4
(every series the config reads from that table, share-65plus and jobs
of the gemeenten and provinces too).

Its series need three things of the cbs_statline plugin that a v4 row
(one measure a row) does not give by itself:

- a sum of measures over a denominator ("measure": [...], "per_measure"),
  both fetched in one request, the parts of a value put together from
  rows that may come on different pages;
- regions summed into one catalog region ("sum_into": "rga"), numerators
  and denominators apart, and a year lacking one region (Het Hogeland
  exists from 2019) or one cell stored as missing, never as a part sum;
- the change in per cent against the value N years before
  ("growth_over"), missing when either value is, nothing when the older
  year has no row.

The same on a v3 table (wide rows: the parts of a value in one row) for
sums into a region and growth: the synthetic table of
tests/data/cbs/make_v3.py.

The table's metadata is the real recording kept in tests/data/cbs/v4/
70072ned/ (CBS, CC BY 4.0; see its index.json); no observation of these
measures is public, so the rows are written here in the recorded
Observations shape with made-up values, split over two pages, and every
stored value is compared with one computed here from the served rows.

    /usr/bin/python3 tests/integration/test_live_more.py
"""
import copy
import json
import os
import shutil
import sys
import tempfile
import unittest
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "data",
                                "cbs"))
import httpd  # noqa: E402
import make_v3  # noqa: E402
import rmtest  # noqa: E402

TOP = rmtest.TOP
LIVE = os.path.join(TOP, "etc", "regiomon.json")
META = os.path.join(TOP, "tests", "data", "cbs", "v4", "70072ned")
TABLE = "70072ned"
SOURCE = "cbs-regional-key-figures"
CODES = {"nl": "NL01", "groningen": "PV20", "drenthe": "PV22",
         "assen": "GM0106", "gemeente-groningen": "GM0014",
         "het-hogeland": "GM1966", "midden-groningen": "GM1952",
         "noordenveld": "GM1699", "tynaarlo": "GM1730",
         "westerkwartier": "GM1969"}
BYCODE = {c: r for r, c in CODES.items()}
YEARS = range(2008, 2026)
LAND_USE_YEARS = (2010, 2012, 2015, 2017, 2021)
SCALES = {"x 1 000": 1000}


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def save(path, doc):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))


def live_source(name):
    return copy.deepcopy(next(s for s in load(LIVE)["sources"]
                              if s["name"] == name))


def made_up_rows():
    """Observations of 70072ned in the recorded shape (Id, Measure,
    ValueAttribute, Value, StringValue, RegioS, Perioden), made-up values:
    Het Hogeland (GM1966) only from 2019, land use only in some years,
    and a few cells "Impossible" (null), as the recording has them."""
    rows = []

    def add(measure, code, year, value):
        attr = "None" if value is not None else "Impossible"
        rows.append({"Id": len(rows) + 1, "Measure": measure,
                     "ValueAttribute": attr, "Value": value,
                     "StringValue": None, "RegioS": code,
                     "Perioden": "%dJJ00" % year})

    for n, code in enumerate(sorted(BYCODE)):
        for y in YEARS:
            if code == "GM1966" and y < 2019:
                continue
            big = 17000000 if code == "NL01" else 50000 + 7000 * n
            pop = big + (y - 2008) * (900 + 37 * n)
            old = round(pop * (0.14 + 0.004 * (y - 2008) + 0.003 * n))
            older = round(pop * (0.04 + 0.001 * (y - 2008)))
            jobs = round(pop * (0.52 + 0.002 * ((y * 7 + n) % 11)) / 1000, 1)
            add("M000352_3", code, y, pop)
            add("M8417", code, y, old)
            add("M8418", code, y,
                None if (code, y) == ("GM1699", 2020) else older)
            add("M000308_3", code, y,
                None if (code, y) == ("PV20", 2013) else jobs)
            add("A045823_1", code, y, 2000 + 350 * n + 3 * (y - 2008)
                if y in LAND_USE_YEARS else None)
            add("M000100", code, y, 250 + n)
    return rows


def serve(root, rows, base):
    """The recorded metadata and the rows under root/odata/v1/CBS/TABLE,
    the rows sorted by measure and cut in two pages chained by
    @odata.nextLink, so that the parts of one value come on different
    pages.  Returns the routes that serve the second page."""
    d = os.path.join(root, "odata", "v1", "CBS", TABLE)
    for name, entity in (("properties.json", "Properties"),
                         ("dimensions.json", "Dimensions"),
                         ("measure-codes.json", "MeasureCodes"),
                         ("codes-Perioden.json", "PeriodenCodes")):
        save(os.path.join(d, entity), load(os.path.join(META, name)))
    # RegioSCodes was recorded whole (5 MB); the regions the rows hold.
    save(os.path.join(d, "RegioSCodes"),
         {"value": [{"Identifier": c, "Title": c} for c in sorted(BYCODE)]})
    rows = sorted(rows, key=lambda r: (r["Measure"], r["Id"]))
    half = len(rows) // 2
    ctx = "https://datasets.cbs.nl/odata/v1/CBS/%s/$metadata#Observations" \
        % TABLE
    link = "%s/%s/Observations?$skip=%d" % (base, TABLE, half)
    save(os.path.join(d, "Observations"),
         {"@odata.context": ctx, "value": rows[:half],
          "@odata.nextLink": link})
    save(os.path.join(d, "Observations.p2"),
         {"@odata.context": ctx, "value": rows[half:]})
    return [{"regex": r"/%s/Observations\?.*\$skip=%d$" % (TABLE, half),
             "file": "odata/v1/CBS/%s/Observations.p2" % TABLE}]


def expected(rows, s):
    """{(indicator, region, period): value or None} of series s of the
    live config, computed from the served rows: its measures summed over
    its regions (each region apart, or all into "sum_into"), divided by
    the denominator summed alike, times the scale; then its growth."""
    terms = s["measure"] if isinstance(s["measure"], list) \
        else [s["measure"]]
    parts = terms + ([s["per_measure"]] if "per_measure" in s else [])
    codes = [CODES[r] for r in s["regions"]]
    cell = {}
    for r in rows:
        if r["Measure"] in parts and r["RegioS"] in codes:
            cell[(r["Measure"], r["RegioS"], r["Perioden"][:4])] = \
                r["Value"] if r["ValueAttribute"] == "None" else None
    scale = s.get("scale", 1)
    scale = SCALES.get(scale, scale)
    groups = [(s["sum_into"], codes)] if "sum_into" in s else \
        [(BYCODE[c], [c]) for c in codes]
    level = {}
    for region, members in groups:
        for y in YEARS:
            y = str(y)
            got = [cell.get((m, c, y), "absent") for m in parts
                   for c in members]
            if all(v == "absent" for v in got):
                continue
            if any(v is None or v == "absent" for v in got):
                level[(region, y)] = None
                continue
            num = sum(cell[(m, c, y)] for m in terms for c in members)
            if "per_measure" in s:
                den = sum(cell[(s["per_measure"], c, y)] for c in members)
                level[(region, y)] = None if den == 0 else \
                    num / den * scale
            else:
                level[(region, y)] = num * scale
    out = {}
    n = s.get("growth_over")
    for (region, y), v in level.items():
        if n:
            old = str(int(y) - n)
            if (region, old) not in level:
                continue
            b = level[(region, old)]
            v = None if v is None or b is None or b == 0 else \
                (v / b - 1) * 100
        out[(s["indicator"], region, y)] = v
    return out


class KeyFigures(unittest.TestCase):
    """The live source on the served table: every value, == ."""

    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="test_live_more.")
        cls.srv = httpd.start(cls.root)
        cls.base = cls.srv.url("odata/v1/CBS").rstrip("/")
        cls.rows = made_up_rows()
        cls.srv.set_routes(serve(cls.root, cls.rows, cls.base))
        src = live_source(SOURCE)
        src["config"]["base_url"] = cls.base
        cls.src = src
        cls.env = rmtest.Env([src])
        cls.r = cls.env.run("fetch", SOURCE)
        cls.got = {(o["indicator"], o["region"], o["period"]): o["value"]
                   for o in rmtest.fetch_lines(cls.r.stdout)}

    @classmethod
    def tearDownClass(cls):
        cls.env.close()
        cls.srv.stop()
        shutil.rmtree(cls.root, ignore_errors=True)

    def series(self, indicator, regions=None):
        """What was fetched and what the served rows give for every
        series of indicator (share-65plus and jobs have two: the region
        summed, and each member), or only for those regions."""
        want = {}
        for s in self.src["config"]["series"]:
            if s["indicator"] == indicator:
                want.update(expected(self.rows, s))
        got = {k: v for k, v in self.got.items() if k[0] == indicator}
        if regions is not None:
            want = {k: v for k, v in want.items() if k[1] in regions}
            got = {k: v for k, v in got.items() if k[1] in regions}
        return got, want

    def assertSeries(self, got, want):
        self.assertEqual(set(got), set(want))
        for k in want:
            if want[k] is None:
                self.assertIsNone(got[k], k)
            else:
                self.assertAlmostEqual(got[k], want[k], places=6, msg=k)

    def test_runs(self):
        self.assertEqual(self.r.returncode, 0, self.r.stderr)
        self.assertEqual(self.src["config"]["api"], "v4")
        self.assertNotEqual(self.src.get("enabled", True), False)

    def test_stored(self):
        # `run` stores what `fetch` prints: the region summed into is a
        # series of this source like any other.
        env = rmtest.Env([self.src])
        self.addCleanup(env.close)
        r = env.run("run", SOURCE)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(
            rmtest.rrd_period_value(env.rrd(
                "share-65plus-excl-gemeente-groningen", "rga"), "2024"),
            self.got[("share-65plus-excl-gemeente-groningen", "rga",
                      "2024")])

    def test_both_pages_one_request_per_series(self):
        reqs = [urllib.parse.unquote(line) for line in self.srv.requests()
                if "/Observations" in line]
        # One request per series for its first page, one per nextLink.
        n = len(self.src["config"]["series"])
        self.assertEqual(len(reqs), 2 * n, reqs)
        share = [q for q in reqs if "M8417" in q]
        self.assertTrue(share)
        self.assertIn("(Measure eq 'M8417' or Measure eq 'M8418' or "
                      "Measure eq 'M000352_3')", share[0])

    def test_share_65plus_without_gemeente_groningen(self):
        got, want = self.series("share-65plus-excl-gemeente-groningen")
        self.assertSeries(got, want)
        # Het Hogeland has rows from 2019: before, the region's share is
        # missing, not the share of five gemeenten.
        self.assertIsNone(got[("share-65plus-excl-gemeente-groningen",
                               "rga", "2018")])
        # Noordenveld's 80+ of 2020 is "Impossible": missing too.
        self.assertIsNone(got[("share-65plus-excl-gemeente-groningen",
                               "rga", "2020")])
        v = got[("share-65plus-excl-gemeente-groningen", "rga", "2024")]
        self.assertTrue(10 < v < 40, v)
        self.assertEqual({k[1] for k in got}, {"rga"})

    def test_share_65plus_and_jobs_of_the_region(self):
        for ind in ("share-65plus", "jobs"):
            got, want = self.series(ind, {"rga"})
            self.assertSeries(got, want)
            self.assertTrue(got)
        # Jobs are "x 1 000": the sum of seven gemeenten, in jobs.
        y = "2023"
        self.assertAlmostEqual(
            self.got[("jobs", "rga", y)],
            sum(r["Value"] for r in self.rows
                if r["Measure"] == "M000308_3" and
                r["Perioden"] == y + "JJ00" and r["RegioS"].startswith("GM")
                ) * 1000, places=6)

    def test_share_65plus_and_jobs_of_each_member(self):
        # The gemeenten one by one (share-65plus), and the provinces, nl
        # and the gemeenten (jobs): the v4 keys of the recording, where
        # the sources cbs-ageing and cbs-jobs read v3 titles before.
        regions = {"share-65plus": set(CODES) - {"nl", "groningen",
                                                  "drenthe"},
                   "jobs": set(CODES)}
        for ind, want_regions in regions.items():
            got, want = self.series(ind, set(CODES))
            self.assertSeries(got, want)
            self.assertEqual({k[1] for k in got}, want_regions)
        pop, old, older = (next(
            r["Value"] for r in self.rows if r["Measure"] == m and
            r["RegioS"] == "GM0014" and r["Perioden"] == "2022JJ00")
            for m in ("M000352_3", "M8417", "M8418"))
        self.assertAlmostEqual(
            self.got[("share-65plus", "gemeente-groningen", "2022")],
            (old + older) / pop * 100, places=9)
        # Groningen's jobs of 2013 are "Impossible": missing, not 0.
        self.assertIsNone(self.got[("jobs", "groningen", "2013")])

    def test_jobs_per_1000_inhabitants(self):
        got, want = self.series("jobs-per-1000-inhabitants")
        self.assertSeries(got, want)
        self.assertEqual(len(got), len(YEARS))
        pop = next(r["Value"] for r in self.rows
                   if r["Measure"] == "M000352_3" and
                   r["RegioS"] == "GM0106" and r["Perioden"] == "2020JJ00")
        jobs = next(r["Value"] for r in self.rows
                    if r["Measure"] == "M000308_3" and
                    r["RegioS"] == "GM0106" and r["Perioden"] == "2020JJ00")
        self.assertAlmostEqual(
            got[("jobs-per-1000-inhabitants", "assen", "2020")],
            jobs * 1000 / pop * 1000, places=6)

    def test_natural_area_per_inhabitant(self):
        got, want = self.series("natural-area-per-inhabitant")
        self.assertSeries(got, want)
        # Land use is not measured every year: the other years are
        # missing, not zero.
        for region in ("groningen", "drenthe", "nl"):
            for y in YEARS:
                v = got[("natural-area-per-inhabitant", region, str(y))]
                if y in LAND_USE_YEARS:
                    self.assertGreater(v, 0)
                else:
                    self.assertIsNone(v)

    def test_job_growth_over_nine_years(self):
        got, want = self.series("job-growth")
        self.assertSeries(got, want)
        # The first year with a value nine years before is 2017.
        self.assertEqual(min(k[2] for k in got), "2017")
        jobs = {(r["RegioS"], r["Perioden"][:4]): r["Value"]
                for r in self.rows if r["Measure"] == "M000308_3"}
        self.assertAlmostEqual(
            got[("job-growth", "drenthe", "2018")],
            (jobs[("PV22", "2018")] / jobs[("PV22", "2009")] - 1) * 100,
            places=6)
        # Groningen's 2013 is "Impossible": its growth 2013-2022 is
        # missing; 2013 itself has no value nine years before.
        self.assertIsNone(got[("job-growth", "groningen", "2022")])
        self.assertNotIn(("job-growth", "groningen", "2013"), got)


class V3(unittest.TestCase):
    """sum_into and growth_over on v3 wide rows (make_v3.py's table,
    paged), every value compared with one computed from its typed rows."""

    SERIES = [
        # Assen and Tynaarlo's labour force summed; Tynaarlo's 2014 is
        # suppressed, so the sum's 2014 is missing.
        {"indicator": "labour-force", "measure": "Beroepsbevolking_1",
         "scale": "x 1 000", "filters": {"Geslacht": "T001038"},
         "regions": ["assen", "tynaarlo"], "sum_into": "rga"},
        # A share of two summed measures: the employed over the labour
        # force of both provinces (numerators and denominators apart).
        {"indicator": "labour-participation",
         "measure_title": "Werkzame beroepsbevolking",
         "per_measure_title": "Beroepsbevolking", "scale": 100,
         "filters": {"Geslacht": "T001038"},
         "regions": ["groningen", "drenthe"], "sum_into": "nl"},
        # The growth over two years (a mechanics test, whatever the
        # indicator's unit).
        {"indicator": "labour-force", "measure": "Beroepsbevolking_1",
         "filters": {"Geslacht": "T001038"}, "regions": ["groningen"],
         "growth_over": 2},
        # The table spans 13 years: no growth over 20 to store, said.
        {"indicator": "labour-participation",
         "measure": "NettoArbeidsparticipatie_12",
         "filters": {"Geslacht": "T001038"}, "regions": ["drenthe"],
         "growth_over": 20},
    ]

    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="test_live_more.v3.")
        cls.srv = httpd.start(cls.root)
        base = cls.srv.url("ODataFeed/odata").rstrip("/")
        cls.v3 = make_v3.build(os.path.join(cls.root, "ODataFeed", "odata"),
                               base, 100)
        cls.srv.set_routes(cls.v3["routes"])
        cls.env = rmtest.Env([{"name": "v3", "plugin": "cbs_statline",
                               "config": {"api": "v3-feed",
                                          "base_url": base,
                                          "table": make_v3.TABLE,
                                          "series": cls.SERIES}}])
        cls.r = cls.env.run("fetch", "v3")
        cls.got = {(o["indicator"], o["region"], o["period"]): o["value"]
                   for o in rmtest.fetch_lines(cls.r.stdout)}

    @classmethod
    def tearDownClass(cls):
        cls.env.close()
        cls.srv.stop()
        shutil.rmtree(cls.root, ignore_errors=True)

    def cell(self, key, code, year):
        return next(r[key] for r in self.v3["typed"]
                    if r["Geslacht"].strip() == "T001038" and
                    r["RegioS"].strip() == code and
                    r["Perioden"] == "%dJJ00" % year)

    def test_runs(self):
        self.assertEqual(self.r.returncode, 0, self.r.stderr)
        # Only the yearly rows, in the regions summed into or grown.
        self.assertEqual({k[1] for k in self.got}, {"rga", "nl",
                                                     "groningen"})

    def test_no_growth_said(self):
        self.assertNotIn("drenthe", {k[1] for k in self.got})
        self.assertIn("series[3] labour-participation: no period of table "
                      "85268NED has a value 20 periods before it: no growth "
                      "to store", self.r.stderr)

    def test_sum_into(self):
        for y in make_v3.YEARS:
            parts = [self.cell("Beroepsbevolking_1", c, y)
                     for c in ("GM0106", "GM1730")]
            want = None if None in parts else sum(parts) * 1000
            got = self.got[("labour-force", "rga", str(y))]
            if want is None:
                self.assertIsNone(got, y)
            else:
                self.assertAlmostEqual(got, want, places=6, msg=y)
        self.assertIsNone(self.got[("labour-force", "rga", "2014")])

    def test_share_of_the_sum(self):
        for y in make_v3.YEARS:
            num = sum(self.cell("WerkzameBeroepsbevolking_2", c, y)
                      for c in ("PV20", "PV22"))
            den = sum(self.cell("Beroepsbevolking_1", c, y)
                      for c in ("PV20", "PV22"))
            self.assertAlmostEqual(
                self.got[("labour-participation", "nl", str(y))],
                num / den * 100, places=6, msg=y)

    def test_growth(self):
        years = list(make_v3.YEARS)
        for y in years:
            key = ("labour-force", "groningen", str(y))
            if y - 2 not in years:
                self.assertNotIn(key, self.got)
                continue
            self.assertAlmostEqual(
                self.got[key],
                (self.cell("Beroepsbevolking_1", "PV20", y) /
                 self.cell("Beroepsbevolking_1", "PV20", y - 2) - 1) * 100,
                places=6, msg=y)


class ConfigErrors(unittest.TestCase):
    """check-config names the field and what fixes it."""

    def check(self, series, want):
        src = live_source(SOURCE)
        src["config"]["series"] = [series]
        env = rmtest.Env([src])
        self.addCleanup(env.close)
        r = env.run("check-config")
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertIn(want, r.stdout + r.stderr)

    def test_sum_into_itself(self):
        self.check({"indicator": "jobs", "measure": "M000308_3",
                    "regions": ["assen", "tynaarlo"],
                    "sum_into": "tynaarlo"},
                   "series[0].sum_into: region \"tynaarlo\" is also in "
                   "\"regions\": a sum cannot hold itself")

    def test_growth_with_scale(self):
        self.check({"indicator": "job-growth", "measure": "M000308_3",
                    "regions": ["nl"], "growth_over": 9,
                    "scale": "x 1 000"},
                   "series[0].growth_over: a growth in per cent does not "
                   "depend on the scale: leave \"scale\" out")


if __name__ == "__main__":
    unittest.main()
