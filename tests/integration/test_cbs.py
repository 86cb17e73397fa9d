#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""The cbs_statline plugin end to end, against tests/lib/httpd.py on
127.0.0.1 serving CBS responses in their real wire shapes:

- v4 (datasets.cbs.nl): the recorded responses of 83625NED, 03759ned and
  80590ned in tests/data/cbs/v4/, their Observations split over
  pages chained by "@odata.nextLink";
- v3 (opendata.cbs.nl): a table written by tests/data/cbs/make_v3.py in
  the documented v3 shape (wide rows, padded RegioS keys, TypedDataSet and
  UntypedDataSet, Perioden with Status), paged with "odata.nextLink"; and
  the same table with months (make_v3.py --months) as 99997NED.

Quarterly and monthly series feed the quarterly and monthly indicators of
tests/data/cbs/catalog-periods.json (the shipped catalog has no quarterly
or monthly unemployment indicator), added to the shipped catalog.

Every stored period of every series is compared with the served value
with ==; provisional periods, a revised value, the unchanged-table skip
(counted at the server) and the faults (5xx, 429, resets, truncated JSON,
a nextLink loop, a page ten times the size cap, a measure title that no
longer exists, an unknown period code) are checked, each next to a healthy
csv source that must still be stored.

    /usr/bin/python3 tests/integration/test_cbs.py

REGIOMON_BUILD names the build directory; REGIOMON_CBS_FIXTURES the
recorded v4 responses (default tests/data/cbs/v4).
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
sys.path.insert(0, os.path.join(TOP, "tests", "data", "cbs"))
import httpd  # noqa: E402
import make_v3  # noqa: E402
import rmtest  # noqa: E402

FIXTURES = os.environ.get("REGIOMON_CBS_FIXTURES") or os.path.join(
    TOP, "tests", "data", "cbs", "v4")
ENV = {"REGIOMON_HTTP_BACKOFF_MS": "50"}

# Catalog region id -> CBS code, as share/catalog.json has them.
CODES = {"nl": "NL01", "groningen": "PV20", "drenthe": "PV22",
         "assen": "GM0106", "gemeente-groningen": "GM0014",
         "het-hogeland": "GM1966", "midden-groningen": "GM1952",
         "noordenveld": "GM1699", "tynaarlo": "GM1730",
         "westerkwartier": "GM1969"}
ALL = sorted(CODES)

# The recorded tables are all Definitief; fresh years are provisional at
# CBS, so the served PeriodenCodes of 83625NED say so for 2024 and 2025.
# 80590ned's latest quarters and months likewise.
V4_STATUS = {"83625NED": {"2024JJ00": "NaderVoorlopig",
                          "2025JJ00": "Voorlopig"},
             "80590ned": {"2026KW01": "NaderVoorlopig",
                          "2026KW02": "Voorlopig",
                          "2026MM04": "NaderVoorlopig",
                          "2026MM05": "Voorlopig",
                          "2026MM06": "Voorlopig"}}
V4_PAGE = 2000
V3_PAGE = 500
V3_MONTHS = "99997NED"
PERIODS_CATALOG = os.path.join(TOP, "tests", "data", "cbs",
                               "catalog-periods.json")
PTYPE = {"year": "JJ", "quarter": "KW", "month": "MM"}

HEALTHY_CSV = "indicator;region;period;value\njobs;rga;2020;251570\n" \
    "jobs;rga;2021;252000,5\n"
HEALTHY = {"2020": 251570.0, "2021": 252000.5}


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def save(path, doc):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))


def serve_v4(root, base, table):
    """Serve a recorded v4 table under root/odata/v1/CBS/TABLE with its
    Observations split into pages.  Returns (rows, routes, page URLs)."""
    src = os.path.join(FIXTURES, table)
    d = os.path.join(root, "odata", "v1", "CBS", table)
    for name, entity in (("properties.json", "Properties"),
                         ("measure-codes.json", "MeasureCodes"),
                         ("dimensions.json", "Dimensions"),
                         ("codes-Perioden.json", "PeriodenCodes")):
        doc = load(os.path.join(src, name))
        if entity == "PeriodenCodes":
            for row in doc["value"]:
                row["Status"] = V4_STATUS.get(table, {}).get(
                    row["Identifier"], row["Status"])
        save(os.path.join(d, entity), doc)
    obs = load(os.path.join(src, "observations-page-1.json"))
    rows = obs["value"]
    # The code lists of the other dimensions were not recorded; the
    # plugin checks a config's codes against them, so they are served
    # as the codes the recorded rows hold.
    for dim in load(os.path.join(src, "dimensions.json"))["value"]:
        ident = dim["Identifier"]
        if ident == "Perioden":
            continue
        codes = sorted({r[ident].strip() for r in rows})
        save(os.path.join(d, ident + "Codes"),
             {"value": [{"Identifier": c, "Title": c} for c in codes]})
    chunks = [rows[i:i + V4_PAGE] for i in range(0, len(rows), V4_PAGE)]
    routes, links = [], []
    for n, chunk in enumerate(chunks):
        doc = {"@odata.context": obs["@odata.context"], "value": chunk}
        if n + 1 < len(chunks):
            doc["@odata.nextLink"] = "%s/%s/Observations?$skip=%d" % (
                base, table, (n + 1) * V4_PAGE)
            links.append(doc["@odata.nextLink"])
        name = "Observations" if n == 0 else "Observations.p%d" % (n + 1)
        save(os.path.join(d, name), doc)
        if n > 0:
            routes.append({"regex": r"/%s/Observations\?.*\$skip=%d$"
                           % (table, n * V4_PAGE),
                           "file": "odata/v1/CBS/%s/%s" % (table, name)})
    return rows, routes, links


def v4_expected(rows, measure, codes, filters=None, scale=1):
    """{(code, period): value or None} of the yearly rows a series
    selects, computed from the served rows."""
    out = {}
    for r in rows:
        if r["Measure"].strip() != measure:
            continue
        if any(r[d].strip() != c for d, c in (filters or {}).items()):
            continue
        code = r["RegioS"].strip() if "RegioS" in r else None
        if code is not None and code not in codes:
            continue
        per = r["Perioden"].strip()
        if per[4:6] != "JJ":
            continue
        missing = r["ValueAttribute"] != "None" or r["Value"] is None
        out[(code, per[:4])] = None if missing else r["Value"] * scale
    return out


def period_of(code):
    """regiomon's period of a CBS period code: 2020JJ00 -> 2020, 2020KW03
    -> 2020-Q3, 2020MM07 -> 2020-07."""
    kind, n = code[4:6], int(code[6:8])
    return {"JJ": code[:4], "KW": "%s-Q%d" % (code[:4], n),
            "MM": "%s-%02d" % (code[:4], n)}[kind]


def v4_expected_of(rows, measure, filters, ptype):
    """{(None, period): value} of a national v4 series of one period type
    ("KW", "MM")."""
    out = {}
    for r in rows:
        if r["Measure"].strip() != measure or r["Perioden"][4:6] != ptype:
            continue
        if any(r[d].strip() != c for d, c in filters.items()):
            continue
        missing = r["ValueAttribute"] != "None" or r["Value"] is None
        out[(None, period_of(r["Perioden"]))] = None if missing else \
            r["Value"]
    return out


def v3_expected_of(rows, key, codes, ptype, typed=True):
    """{(code, period): value} of a v3 series of one period type."""
    out = {}
    for r in rows:
        if r["Geslacht"].strip() != "T001038" or \
                r["Perioden"][4:6] != ptype:
            continue
        code = r["RegioS"].strip()
        if code not in codes:
            continue
        v = r[key]
        if not typed:
            v = v.strip()
            v = None if v in ("", ".", "x", "-", "?") else float(v)
        out[(code, period_of(r["Perioden"]))] = v
    return out


def v3_expected(rows, key, codes, sex="T001038", typed=True, scale=1):
    out = {}
    for r in rows:
        if r["Geslacht"].strip() != sex or r["Perioden"][4:6] != "JJ":
            continue
        code = r["RegioS"].strip()
        if code not in codes:
            continue
        v = r[key]
        if not typed:
            v = v.strip()
            v = None if v in ("", ".", "x", "-", "?") else float(v)
        out[(code, r["Perioden"][:4])] = None if v is None else v * scale
    return out


class Cbs(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.access(rmtest.BIN, os.X_OK):
            raise AssertionError("%s not built (make tests)" % rmtest.BIN)
        cls.root = tempfile.mkdtemp(prefix="test_cbs.")
        cls.srv = httpd.start(cls.root)
        cls.v4base = cls.srv.url("odata/v1/CBS").rstrip("/")
        cls.v3base = cls.srv.url("ODataFeed/odata").rstrip("/")
        cls.v4 = {}
        routes = []
        for t in ("83625NED", "03759ned", "80590ned"):
            rows, r, links = serve_v4(cls.root, cls.v4base, t)
            cls.v4[t] = {"rows": rows, "links": links}
            routes += r
        cls.v3 = make_v3.build(os.path.join(cls.root, "ODataFeed", "odata"),
                               cls.v3base, V3_PAGE)
        routes += cls.v3["routes"]
        cls.v3m = make_v3.build(os.path.join(cls.root, "ODataFeed", "odata"),
                                cls.v3base, V3_PAGE, table=V3_MONTHS,
                                months=True)
        routes += cls.v3m["routes"]
        cls.routes = routes
        cls.srv.set_routes(routes)

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

    def make_env(self, sources, http=None, catalog=rmtest.CATALOG):
        healthy = tempfile.NamedTemporaryFile("w", suffix=".csv",
                                              delete=False, dir=self.alt)
        healthy.write(HEALTHY_CSV)
        healthy.close()
        sources = sources + [{"name": "healthy", "plugin": "csv", "config": {
            "url": "file://" + healthy.name}}]
        # The report is not this plugin's business; skip its graphs.
        extra = {"http": dict({"retries": 3}, **(http or {})),
                 "report": {"enabled": False}}
        self.env = rmtest.Env(sources, catalog=catalog, extra=extra)
        return self.env

    def run_rm(self, *args):
        """Run regiomon; returns (process, the server's request lines)."""
        before = len(self.srv.requests())
        r = self.env.run(*args, env=ENV)
        return r, self.srv.requests()[before:]

    def alt_file(self, rel, doc_or_text):
        """Write a variant of a served file under the per-test alt dir;
        the path to use in a route's "file"."""
        path = os.path.join(self.alt, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            if isinstance(doc_or_text, str):
                f.write(doc_or_text)
            else:
                json.dump(doc_or_text, f, ensure_ascii=False)
        return os.path.relpath(path, self.root)

    def served(self, rel):
        return load(os.path.join(self.root, rel))

    def assert_series(self, indicator, expected):
        """Every (code, period) of expected reads back from its RRD file
        exactly (None: stored as unknown)."""
        self.assertTrue(expected, "nothing expected for " + indicator)
        byid = {c: i for i, c in CODES.items()}
        for (code, period), want in sorted(expected.items(),
                                           key=lambda kv: (str(kv[0][0]),
                                                           kv[0][1])):
            region = byid[code] if code is not None else "nl"
            got = rmtest.rrd_period_value(self.env.rrd(indicator, region),
                                          period)
            self.assertEqual(got, want, "%s/%s %s" % (indicator, region,
                                                      period))

    def assert_healthy(self):
        path = self.env.rrd("jobs", "rga")
        for period, want in HEALTHY.items():
            self.assertEqual(rmtest.rrd_period_value(path, period), want)
        self.assertNotIn("last_error",
                         self.env.state_json()["sources"]["healthy"])

    def assert_failed(self, r, source, text, indicator="house-price"):
        """The run failed with text logged, stored nothing of source, and
        stored the healthy source."""
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn(text, r.stderr)
        self.assertIn("%s: failed" % source, r.stderr)
        d = os.path.join(self.env.state, "rrd", indicator)
        self.assertEqual(os.listdir(d) if os.path.isdir(d) else [], [])
        st = self.env.state_json()["sources"][source]
        self.assertIn("last_error", st)
        self.assertNotIn("mark", st)
        self.assert_healthy()

    def house_prices(self, **extra):
        cfg = {"api": "v4", "base_url": self.v4base, "table": "83625NED",
               "series": [{"indicator": "house-price",
                           "measure": "M001534", "regions": ALL,
                           "periods": ["year"]}]}
        cfg.update(extra)
        return {"name": "hp", "plugin": "cbs_statline", "config": cfg}

    def hp_expected(self):
        return v4_expected(self.v4["83625NED"]["rows"], "M001534",
                           set(CODES.values()))

    def v3_source(self, name, api, typed):
        return {"name": name, "plugin": "cbs_statline", "config": {
            "api": api, "base_url": self.v3base, "table": "85268NED",
            "typed": typed,
            "series": [
                {"indicator": "unemployment-rate",
                 "measure_title": "Werkloosheidspercentage",
                 "filters": {"Geslacht": "T001038"},
                 "regions": ["groningen", "drenthe", "nl", "assen"],
                 "periods": ["year"]},
                {"indicator": "labour-participation",
                 "measure": "NettoArbeidsparticipatie_12",
                 "filters": {"Geslacht": "T001038"},
                 "regions": ["groningen", "drenthe", "nl"]},
                {"indicator": "labour-force",
                 "measure": "Beroepsbevolking_1", "scale": "x 1 000",
                 "filters": {"Geslacht": "T001038"},
                 "regions": ["groningen", "drenthe", "tynaarlo"]},
            ]}}

    def page_route(self, table, n):
        """The base route that serves page n (>= 2) of a v4 table."""
        for r in self.routes:
            if r["file"].endswith("/%s/Observations.p%d" % (table, n)):
                return r
        raise AssertionError("no page %d of %s" % (n, table))

    # ---- values

    def test_v4_every_period_exact(self):
        pop_filters = {"Geslacht": "T001038", "Leeftijd": "10000",
                       "BurgerlijkeStaat": "T001019"}
        unemp_filters = {"Geslacht": "T001038", "Leeftijd": "52052"}
        self.make_env([
            self.house_prices(),
            {"name": "pop", "plugin": "cbs_statline", "config": {
                "api": "v4", "base_url": self.v4base, "table": "03759ned",
                "series": [{"indicator": "population",
                            "measure_title": "Bevolking op 1 januari",
                            "filters": pop_filters, "regions": ALL}]}},
            {"name": "unemp", "plugin": "cbs_statline", "config": {
                "api": "v4", "base_url": self.v4base, "table": "80590ned",
                "series": [{"indicator": "unemployment-rate",
                            "measure": "M001906_2", "region": "nl",
                            "filters": unemp_filters,
                            "periods": ["year"]}]}},
        ])
        r, reqs = self.run_rm("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assert_series("house-price", self.hp_expected())
        self.assert_series("population", v4_expected(
            self.v4["03759ned"]["rows"], "M000352", set(CODES.values()),
            pop_filters))
        self.assert_series("unemployment-rate", v4_expected(
            self.v4["80590ned"]["rows"], "M001906_2", None, unemp_filters))
        # Some of the recorded cells are "Impossible": Het Hogeland did
        # not exist before 2019.
        self.assertIn(None, self.hp_expected().values())
        # The fresh years are provisional, the others final.
        st = self.env.state_json()
        for region in ALL:
            self.assertEqual(sorted(st["series"]["house-price/" + region]
                                    ["provisional"]), ["2024", "2025"])
        self.assertEqual(st["series"]["population/assen"]["provisional"],
                         [])
        # Every nextLink was followed verbatim, in order.
        for t in ("83625NED", "03759ned", "80590ned"):
            got = [l.split()[1] for l in reqs
                   if ("/%s/Observations" % t) in l]
            want = [u.split(str(self.srv.port), 1)[1]
                    for u in self.v4[t]["links"]]
            self.assertEqual(got[1:], want, t)
            self.assertIn("$filter=Measure%20eq%20%27", got[0])
            self.assertIn("$select=", got[0])
        self.assertIn("RegioS%20eq%20%27PV20%27", [l for l in reqs if
                      "/83625NED/Observations?" in l][0])
        self.assert_healthy()

    def test_v4_fetch_prints(self):
        self.make_env([self.house_prices()])
        r, _ = self.run_rm("fetch", "hp")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = rmtest.fetch_lines(r.stdout)
        want = self.hp_expected()
        self.assertEqual(len(lines), len(want))
        byid = {c: i for i, c in CODES.items()}
        got = {(CODES[o["region"]], o["period"]): o["value"] for o in lines}
        self.assertEqual(got, want)
        for o in lines:
            self.assertEqual(o["indicator"], "house-price")
            self.assertEqual(o["status"], "provisional" if o["period"] in
                             ("2024", "2025") else "final",
                             (byid, o))
        self.assertFalse(os.path.exists(self.env.rrd("house-price", "nl")))

    def check_v3(self, api, typed):
        src = self.v3_source("v3", api, typed)
        self.make_env([src])
        r, reqs = self.run_rm("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = self.v3["typed" if typed else "untyped"]
        codes = lambda regs: {CODES[x] for x in regs}  # noqa: E731
        self.assert_series("unemployment-rate", v3_expected(
            rows, "Werkloosheidspercentage_13",
            codes(["groningen", "drenthe", "nl", "assen"]), typed=typed))
        self.assert_series("labour-participation", v3_expected(
            rows, "NettoArbeidsparticipatie_12",
            codes(["groningen", "drenthe", "nl"]), typed=typed))
        lf = v3_expected(rows, "Beroepsbevolking_1",
                         codes(["groningen", "drenthe", "tynaarlo"]),
                         typed=typed, scale=1000)
        self.assert_series("labour-force", lf)
        self.assertIn(None, lf.values())   # Tynaarlo 2014: "x" / null
        st = self.env.state_json()
        self.assertEqual(sorted(st["series"]["unemployment-rate/groningen"]
                                ["provisional"]), ["2024", "2025"])
        # Keys are padded to the width the server uses, and every
        # nextLink is followed as it is.
        entity = "TypedDataSet" if typed else "UntypedDataSet"
        data = [l.split()[1] for l in reqs if "/85268NED/%s" % entity in l]
        self.assertIn("RegioS%20eq%20%27PV20%20%20%27", data[0])
        self.assertIn("RegioS%20eq%20%27GM0106%27", data[0])
        self.assertIn("Geslacht%20eq%20%27T001038%27", data[0])
        self.assertIn("substringof%28%27JJ%27%2CPerioden%29", data[0])
        links = [u.split(str(self.srv.port), 1)[1]
                 for u in self.v3["pages"][entity]]
        self.assertEqual(len(data), 3 * (1 + len(links)))
        self.assertEqual(data[1:1 + len(links)], links)
        self.assert_healthy()

    def test_v3_feed_typed_every_period_exact(self):
        self.check_v3("v3-feed", True)

    def test_v3_untyped_every_period_exact(self):
        self.check_v3("v3", False)

    def v3_first_page_as(self, body):
        """Serve body (bytes) as the first TypedDataSet page of 85268NED
        (every request for a later page has a $skip)."""
        path = os.path.join(self.alt, "page1.json")
        with open(path, "wb") as f:
            f.write(body)
        self.srv.set_routes([{
            "regex": r"/85268NED/TypedDataSet\?(?!.*skip)",
            "file": os.path.relpath(path, self.root)}] + self.routes)

    def test_v3_rows_the_scanner_leaves_to_jansson(self):
        # The plugin reads plain rows in place (flat.c) and hands a page
        # to jansson from the first row with an escape or a byte over
        # 0x7f: every row must come out once, with the same values.
        doc = self.served("ODataFeed/odata/85268NED/TypedDataSet")
        rows = doc["value"]
        # A year of Groningen, in the first chunk of 256 rows.
        esc = [i for i, row in enumerate(rows) if row["RegioS"] == "PV20  "
               and row["Perioden"].endswith("JJ00")][0]
        self.assertLess(esc, 256)
        rows[esc]["RegioS"] = "@ESCAPED@"
        rows[300]["Toelichting"] = "voorlopige cijfers, één bron"
        self.v3_first_page_as(json.dumps(doc, ensure_ascii=False).replace(
            '"@ESCAPED@"', '"PV2\\u0030  "').encode("utf-8"))
        self.make_env([self.v3_source("v3", "v3-feed", True)])
        want = v3_expected(self.v3["typed"], "Werkloosheidspercentage_13",
                           {CODES[x] for x in ["groningen", "drenthe", "nl",
                                               "assen"]})
        r, _ = self.run_rm("fetch", "v3")
        self.assertEqual(r.returncode, 0, r.stderr)
        got = [l for l in rmtest.fetch_lines(r.stdout)
               if l["indicator"] == "unemployment-rate"]
        self.assertEqual(len(got), len(want))
        r, _ = self.run_rm("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assert_series("unemployment-rate", want)

    def test_v3_invalid_utf8_in_a_row_fails_the_page(self):
        # Bytes that are no UTF-8 make the page invalid JSON, even in a
        # column no series reads: the scanner must not take them.
        doc = self.served("ODataFeed/odata/85268NED/TypedDataSet")
        doc["value"][300]["Toelichting"] = "@BAD@"
        self.v3_first_page_as(json.dumps(doc).encode("utf-8").replace(
            b'"@BAD@"', b'"caf\xff"'))
        self.make_env([self.v3_source("v3", "v3-feed", True)])
        r, _ = self.run_rm("run")
        self.assert_failed(r, "v3", "TypedDataSet page 1", "unemployment-rate")

    def test_v3_series_of_the_same_rows_share_requests(self):
        # Two measures of the same regions, filter and periods are two
        # columns of the same wide rows: one page loop reads both.
        regions = ["groningen", "drenthe", "nl"]
        series = [{"indicator": "unemployment-rate",
                   "measure": "Werkloosheidspercentage_13",
                   "filters": {"Geslacht": "T001038"}, "regions": regions},
                  {"indicator": "labour-participation",
                   "measure_title": "Netto arbeidsparticipatie",
                   "filters": {"Geslacht": "T001038"}, "regions": regions}]
        self.make_env([{"name": "v3", "plugin": "cbs_statline", "config": {
            "api": "v3-feed", "base_url": self.v3base, "table": "85268NED",
            "series": series}}])
        r, reqs = self.run_rm("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        data = [l.split()[1] for l in reqs if "/85268NED/TypedDataSet" in l]
        links = self.v3["pages"]["TypedDataSet"]
        self.assertEqual(len(data), 1 + len(links))
        self.assertIn("$select=RegioS%2CGeslacht%2CPerioden%2C"
                      "Werkloosheidspercentage_13%2C"
                      "NettoArbeidsparticipatie_12", data[0])
        rows = self.v3["typed"]
        codes = {CODES[x] for x in regions}
        self.assert_series("unemployment-rate", v3_expected(
            rows, "Werkloosheidspercentage_13", codes))
        self.assert_series("labour-participation", v3_expected(
            rows, "NettoArbeidsparticipatie_12", codes))

    # ---- quarters and months

    def assert_only(self, fetched, indicator, expected, provisional):
        """The lines `fetch` printed for indicator are exactly expected
        (no period of another type, none left out), each with its
        status."""
        national = all(code is None for code, _ in expected)
        got = {}
        for o in fetched:
            if o["indicator"] != indicator:
                continue
            code = None if national else CODES[o["region"]]
            self.assertNotIn((code, o["period"]), got)
            got[(code, o["period"])] = o["value"]
            self.assertEqual(o["status"], "provisional" if o["period"] in
                             provisional else "final", o)
        self.assertEqual(got, expected, indicator)

    def test_v4_quarters_and_months_exact(self):
        # 80590ned, national unemployment: one table, years, quarters and
        # months of every measure mixed on its pages.  The quarterly and
        # the monthly indicator each get their own periods only.
        filters = {"Geslacht": "T001038", "Leeftijd": "52052"}
        self.make_env([{"name": "unemp", "plugin": "cbs_statline",
                        "config": {
                            "api": "v4", "base_url": self.v4base,
                            "table": "80590ned",
                            "series": [
                                {"indicator": "unemployment-rate-quarter",
                                 "measure": "M001906_2", "region": "nl",
                                 "filters": filters,
                                 "periods": ["quarter"]},
                                {"indicator": "unemployment-rate-month",
                                 "measure": "M004210", "region": "nl",
                                 "filters": filters,
                                 "periods": ["month"]}]}}],
                      catalog=[rmtest.CATALOG, PERIODS_CATALOG])
        rows = self.v4["80590ned"]["rows"]
        quarters = v4_expected_of(rows, "M001906_2", filters, "KW")
        months = v4_expected_of(rows, "M004210", filters, "MM")
        self.assertEqual(len(quarters), 94)
        self.assertEqual(len(months), 282)
        prov_q = ["2026-Q1", "2026-Q2"]
        prov_m = ["2026-04", "2026-05", "2026-06"]
        r, _ = self.run_rm("fetch", "unemp")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = rmtest.fetch_lines(r.stdout)
        self.assertEqual(len(lines), len(quarters) + len(months))
        self.assert_only(lines, "unemployment-rate-quarter", quarters,
                         prov_q)
        self.assert_only(lines, "unemployment-rate-month", months, prov_m)
        r, reqs = self.run_rm("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assert_series("unemployment-rate-quarter", quarters)
        self.assert_series("unemployment-rate-month", months)
        st = self.env.state_json()["series"]
        self.assertEqual(sorted(st["unemployment-rate-quarter/nl"]
                                ["provisional"]), prov_q)
        self.assertEqual(sorted(st["unemployment-rate-month/nl"]
                                ["provisional"]), prov_m)
        # The yearly rows were served too (the server ignores $filter)
        # but asked for by no series: nothing yearly was stored.
        self.assertFalse(os.path.exists(os.path.join(
            self.env.state, "rrd", "unemployment-rate")))
        obs = [l.split()[1] for l in reqs if "/80590ned/Observations?" in l
               and "$filter" in l]
        self.assertTrue(any("contains%28Perioden%2C%27KW%27%29" in u
                            for u in obs), obs)
        self.assertTrue(any("contains%28Perioden%2C%27MM%27%29" in u
                            for u in obs), obs)
        self.assertFalse(any("%27JJ%27" in u for u in obs), obs)
        self.assert_healthy()

    def check_v3_months(self, api, typed):
        regions = ["groningen", "drenthe", "nl", "assen"]
        codes = {CODES[x] for x in regions}
        self.make_env([{"name": "v3m", "plugin": "cbs_statline", "config": {
            "api": api, "base_url": self.v3base, "table": V3_MONTHS,
            "typed": typed,
            "series": [
                {"indicator": "unemployment-rate-quarter",
                 "measure": "Werkloosheidspercentage_13",
                 "filters": {"Geslacht": "T001038"}, "regions": regions,
                 "periods": ["quarter"]},
                {"indicator": "unemployment-rate-month",
                 "measure_title": "Werkloosheidspercentage",
                 "filters": {"Geslacht": "T001038"}, "regions": regions,
                 "periods": ["month"]}]}}],
            catalog=[rmtest.CATALOG, PERIODS_CATALOG])
        rows = self.v3m["typed" if typed else "untyped"]
        quarters = v3_expected_of(rows, "Werkloosheidspercentage_13", codes,
                                  "KW", typed)
        months = v3_expected_of(rows, "Werkloosheidspercentage_13", codes,
                                "MM", typed)
        self.assertEqual(len(quarters), 4 * 13 * 4)
        self.assertEqual(len(months), 4 * 13 * 12)
        # Assen has no quarterly or monthly figures: unknown, not zero.
        self.assertIsNone(quarters[("GM0106", "2020-Q1")])
        self.assertIsNone(months[("GM0106", "2020-01")])
        prov = {period_of(k) for k, _, _, st in self.v3m["periods"]
                if st in ("Voorlopig", "NaderVoorlopig")}
        r, _ = self.run_rm("fetch", "v3m")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = rmtest.fetch_lines(r.stdout)
        self.assertEqual(len(lines), len(quarters) + len(months))
        self.assert_only(lines, "unemployment-rate-quarter", quarters, prov)
        self.assert_only(lines, "unemployment-rate-month", months, prov)
        r, reqs = self.run_rm("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assert_series("unemployment-rate-quarter", quarters)
        self.assert_series("unemployment-rate-month", months)
        st = self.env.state_json()["series"]
        for region in ("groningen", "drenthe", "nl"):
            self.assertEqual(sorted(st["unemployment-rate-quarter/" + region]
                                    ["provisional"]),
                             ["%d-Q%d" % (y, q) for y in (2024, 2025)
                              for q in range(1, 5)])
            self.assertEqual(sorted(st["unemployment-rate-month/" + region]
                                    ["provisional"]),
                             ["%d-%02d" % (y, m) for y in (2024, 2025)
                              for m in range(1, 13)])
        self.assertFalse(os.path.exists(os.path.join(
            self.env.state, "rrd", "unemployment-rate")))
        entity = "TypedDataSet" if typed else "UntypedDataSet"
        data = [l.split()[1] for l in reqs
                if "/%s/%s?" % (V3_MONTHS, entity) in l and "$filter" in l]
        self.assertTrue(any("substringof%28%27KW%27%2CPerioden%29" in u
                            for u in data), data)
        self.assertTrue(any("substringof%28%27MM%27%2CPerioden%29" in u
                            for u in data), data)
        self.assertFalse(any("%27JJ%27" in u for u in data), data)
        self.assert_healthy()

    def test_v3_feed_quarters_and_months_exact(self):
        self.check_v3_months("v3-feed", True)

    def test_v3_untyped_quarters_and_months_exact(self):
        self.check_v3_months("v3", False)

    def test_revised_provisional_value_rebuilds(self):
        self.make_env([self.house_prices()])
        r, _ = self.run_rm("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        path = self.env.rrd("house-price", "groningen")
        before = os.stat(path).st_ino
        old = self.hp_expected()
        # CBS revises Groningen's provisional 2025 and stamps the table.
        props = self.served("odata/v1/CBS/83625NED/Properties")
        props["Modified"] = "2026-03-17T00:00:00+01:00"
        page1 = self.served("odata/v1/CBS/83625NED/Observations")
        pages = [page1] + [self.served(self.page_route("83625NED", n)
                                       ["file"]) for n in (2, 3, 4, 5)]
        revised = None
        for n, page in enumerate(pages):
            for row in page["value"]:
                if row["RegioS"] == "PV20" and row["Perioden"] == "2025JJ00":
                    row["Value"] = row["Value"] + 1234
                    revised = (n, row["Value"])
        self.assertIsNotNone(revised)
        n, value = revised
        routes = [{"regex": r"/83625NED/Properties$",
                   "file": self.alt_file("props.json", props)}]
        if n == 0:
            routes.append({"regex": r"/83625NED/Observations\?\$filter",
                           "file": self.alt_file("p1.json", page1)})
        else:
            rr = dict(self.page_route("83625NED", n + 1))
            rr["file"] = self.alt_file("pn.json", pages[n])
            routes.append(rr)
        self.srv.set_routes(routes + self.routes)
        r, _ = self.run_rm("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(rmtest.rrd_period_value(path, "2025"), value)
        for (code, period), want in old.items():
            if code == "PV20" and period != "2025":
                self.assertEqual(rmtest.rrd_period_value(path, period),
                                 want, period)
        self.assertNotEqual(os.stat(path).st_ino, before,
                            "a revised value rebuilds the file")
        st = self.env.state_json()
        self.assertEqual(sorted(st["series"]["house-price/groningen"]
                                ["provisional"]), ["2024", "2025"])
        self.assertIn("2026-03-17", st["sources"]["hp"]["mark"])

    def test_unchanged_table_only_metadata(self):
        self.make_env([self.house_prices(),
                       self.v3_source("v3", "v3-feed", True)])
        r, first = self.run_rm("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertGreater(len(first), 10)
        path = self.env.rrd("house-price", "nl")
        ino = os.stat(path).st_ino
        r, second = self.run_rm("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([l.split()[1].split("?")[0] for l in second],
                         ["/odata/v1/CBS/83625NED/Properties",
                          "/ODataFeed/odata/85268NED/TableInfos"])
        self.assertIn("hp: unchanged", r.stderr)
        self.assertEqual(os.stat(path).st_ino, ino)
        # A changed config downloads again, though the table did not
        # change.
        cfg = load(self.env.conf)
        cfg["sources"][0]["config"]["series"][0]["regions"] = ["nl"]
        self.env.write_conf(cfg)
        r, third = self.run_rm("run", "hp")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(any("/83625NED/Observations" in l for l in third))

    # ---- the shipped demo

    def test_demo_v3_source(self):
        # `make demo` runs demo-cbs-labour-v3 on share/demo/cbs/v3 (file:
        # base, v3-feed): every served cell of the series, and only those,
        # is stored exactly.
        conf = os.path.join(TOP, "share", "demo", "regiomon.json")
        src = next(s for s in load(conf)["sources"]
                   if s["name"] == "demo-cbs-labour-v3")
        self.assertNotEqual(src.get("enabled"), False)
        series = src["config"]["series"][0]
        rows = load(os.path.join(TOP, "share", "demo", "cbs", "v3",
                                 "85268NED", "typed-page-1.json"))["value"]
        want = v3_expected(rows, "Beroepsbevolking_1",
                           {CODES[x] for x in series["regions"]},
                           scale=1000)
        self.assertEqual(len(want), 4 * 13)
        self.assertIn(None, want.values())
        state = tempfile.mkdtemp(prefix="demo.", dir=self.alt)
        cmd = [rmtest.BIN, "-c", conf, "-P", rmtest.PLUGINS, "-S", state]
        r = subprocess.run(cmd + ["fetch", "demo-cbs-labour-v3"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        got = {(CODES[o["region"]], o["period"]): o["value"]
               for o in rmtest.fetch_lines(r.stdout)}
        self.assertEqual(got, want)
        r = subprocess.run(cmd + ["run", "demo-cbs-labour-v3"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        byid = {c: i for i, c in CODES.items()}
        for (code, period), value in want.items():
            path = os.path.join(state, "rrd", "labour-force",
                                byid[code] + ".rrd")
            self.assertEqual(rmtest.rrd_period_value(path, period), value,
                             (code, period))
        with open(os.path.join(state, "state.json")) as f:
            st = json.load(f)["series"]
        self.assertEqual(sorted(st["labour-force/nl"]["provisional"]),
                         ["2024", "2025"])

    # ---- faults

    def test_http_500(self):
        page2 = self.page_route("83625NED", 2)
        self.srv.set_routes([dict(page2, status=500)] + self.routes)
        self.make_env([self.house_prices()])
        r, reqs = self.run_rm("run")
        self.assert_failed(r, "hp", "HTTP 500 after 4 attempts")
        self.assertEqual(len([l for l in reqs if "$skip=2000" in l]), 4)
        # 500 then success: retried, and every value stored.
        self.srv.set_routes([dict(page2, status=[500, 200])] + self.routes)
        r, reqs = self.run_rm("-v", "run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("HTTP 500, retrying", r.stderr)
        self.assert_series("house-price", self.hp_expected())

    def test_http_429_retry_after(self):
        page3 = self.page_route("83625NED", 3)
        self.srv.set_routes([dict(page3, status=[429, 200],
                                  headers={"Retry-After": "1"})] +
                            self.routes)
        self.make_env([self.house_prices()])
        r, reqs = self.run_rm("-v", "run")
        self.assertEqual(r.returncode, 0, r.stderr)
        # The server's Retry-After (1 s), not the 50 ms backoff.
        self.assertIn("HTTP 429, retrying in 1000 ms", r.stderr)
        self.assertEqual([l.split()[2] for l in reqs if "$skip=4000" in l],
                         ["429", "200"])
        self.assert_series("house-price", self.hp_expected())
        # A server that keeps saying 429 fails the run.
        self.srv.set_routes([dict(page3, status=429,
                                  headers={"Retry-After": "0"})] +
                            self.routes)
        shutil.rmtree(os.path.join(self.env.state, "rrd", "house-price"))
        os.unlink(os.path.join(self.env.state, "state.json"))
        r, _ = self.run_rm("run")
        self.assert_failed(r, "hp", "HTTP 429 after 4 attempts")

    def test_reset_mid_page_keeps_old_values(self):
        self.make_env([self.house_prices()])
        r, _ = self.run_rm("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        # A new version whose first page changes a value, whose second
        # page breaks off: nothing of it may be stored.
        props = self.served("odata/v1/CBS/83625NED/Properties")
        props["Modified"] = "2026-04-01T00:00:00+02:00"
        page1 = self.served("odata/v1/CBS/83625NED/Observations")
        row = next(x for x in page1["value"] if x["RegioS"] == "NL01" and
                   x["Perioden"] == "2015JJ00")
        row["Value"] = 1.5
        self.srv.set_routes([
            {"regex": r"/83625NED/Properties$",
             "file": self.alt_file("props.json", props)},
            {"regex": r"/83625NED/Observations\?\$filter",
             "file": self.alt_file("p1.json", page1)},
            dict(self.page_route("83625NED", 2), reset="mid-body"),
        ] + self.routes)
        r, reqs = self.run_rm("run")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("hp: failed", r.stderr)
        self.assertIn("$skip=2000", r.stderr)
        self.assertEqual(len([l for l in reqs if "$skip=2000" in l]), 4)
        self.assert_series("house-price", self.hp_expected())
        st = self.env.state_json()["sources"]["hp"]
        self.assertIn("last_error", st)
        self.assertIn("2026-02-17", st["mark"])
        self.assert_healthy()
        # Once only: retried, and the new version stored.
        self.srv.set_routes([
            {"regex": r"/83625NED/Properties$",
             "file": self.alt_file("props.json", props)},
            {"regex": r"/83625NED/Observations\?\$filter",
             "file": self.alt_file("p1.json", page1)},
            dict(self.page_route("83625NED", 2), reset="mid-body",
                 times=1),
        ] + self.routes)
        r, _ = self.run_rm("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(rmtest.rrd_period_value(
            self.env.rrd("house-price", "nl"), "2015"), 1.5)

    def test_truncated_json_page(self):
        page2 = self.page_route("83625NED", 2)
        with open(os.path.join(self.root, page2["file"]),
                  encoding="utf-8") as f:
            text = f.read()
        self.srv.set_routes([dict(page2, file=self.alt_file(
            "cut.json", text[:len(text) // 2]))] + self.routes)
        self.make_env([self.house_prices()])
        r, reqs = self.run_rm("run")
        self.assert_failed(r, "hp", "Observations page 2 (%s/83625NED/"
                           "Observations?$skip=2000): invalid JSON at "
                           "line 1" % self.v4base)
        # A broken body is no transport error: not retried.
        self.assertEqual(len([l for l in reqs if "$skip=2000" in l]), 1)

    def test_next_link_loop(self):
        page3 = self.page_route("83625NED", 3)
        doc = self.served(page3["file"])
        doc["@odata.nextLink"] = self.v4["83625NED"]["links"][0]
        self.srv.set_routes([dict(page3, file=self.alt_file("loop.json",
                                                            doc))] +
                            self.routes)
        self.make_env([self.house_prices()])
        r, reqs = self.run_rm("run")
        self.assert_failed(r, "hp", "nextLink loops back to page 2 (%s)"
                           % self.v4["83625NED"]["links"][0])
        self.assertEqual(len([l for l in reqs if "/Observations" in l]), 3)

    def test_page_limit(self):
        self.make_env([self.house_prices(page_limit=2)])
        r, _ = self.run_rm("run")
        self.assert_failed(r, "hp", "Observations: more than 2 pages "
                           "(page_limit)")

    def test_page_ten_times_the_cap(self):
        cap = 512 * 1024
        page2 = self.page_route("83625NED", 2)
        self.srv.set_routes([dict(page2, bytes=10 * cap, chunked=True)] +
                            self.routes)
        self.make_env([self.house_prices()], http={"max_bytes": "512k"})
        r, reqs = self.run_rm("run")
        self.assert_failed(r, "hp", "$skip=2000: response larger than "
                           "512 KiB cap")
        self.assertEqual(len([l for l in reqs if "$skip=2000" in l]), 1)

    def test_measure_title_gone(self):
        codes = self.served("odata/v1/CBS/83625NED/MeasureCodes")
        codes["value"][0]["Title"] = "Gemiddelde verkoopprijs (euro)"
        self.srv.set_routes([{"regex": r"/83625NED/MeasureCodes$",
                              "file": self.alt_file("mc.json", codes)}] +
                            self.routes)
        src = self.house_prices()
        del src["config"]["series"][0]["measure"]
        src["config"]["series"][0]["measure_title"] = \
            "Gemiddelde verkoopprijs"
        self.make_env([src])
        r, reqs = self.run_rm("run")
        self.assert_failed(r, "hp", 'series[0].measure_title: no measure of '
                           'table 83625NED is titled "Gemiddelde '
                           'verkoopprijs" (was the table redesigned?); '
                           'close titles: "Gemiddelde verkoopprijs (euro)" '
                           '(M001534)')
        self.assertFalse([l for l in reqs if "/Observations" in l])

    def test_unknown_period_code(self):
        # The last page that holds a row of a region asked for.
        for n in (5, 4, 3, 2):
            route = self.page_route("83625NED", n)
            doc = self.served(route["file"])
            rows = [x for x in doc["value"] if x["RegioS"] in
                    CODES.values()]
            if rows:
                break
        rows[0]["Perioden"] = "2020HJ01"
        self.srv.set_routes([dict(route, file=self.alt_file("hj.json",
                                                            doc))] +
                            self.routes)
        self.make_env([self.house_prices()])
        r, _ = self.run_rm("run")
        self.assert_failed(r, "hp", 'unknown period code "2020HJ01": '
                           'expected YYYYJJ00 (year), YYYYKWnn (quarter) '
                           'or YYYYMMnn (month)')


if __name__ == "__main__":
    unittest.main()
