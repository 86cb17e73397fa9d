#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""The uwv plugin end to end: the real binary asks a CKAN package_show on
127.0.0.1 (tests/lib/httpd.py) for a dataset, picks the newest ZIP
resource, reads the Dutch CSV inside it (BOM, CRLF, ';', decimal commas,
quoted fields) and stores the sums per province and month bit for bit; a
cp1252 CSV resource with Dutch month names; no download when CKAN shows
nothing new; faults: 5xx, a ZIP without a CSV, a corrupt ZIP, a bad cell
half-way, a catalogue pointing at a local file; config errors with JSON
paths; the shipped demo source.  ZIPs are made with Python's zipfile.

Run from the repository root:

    /usr/bin/python3 tests/integration/test_uwv.py
"""

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import zipfile

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
import httpd  # noqa: E402
import rmtest  # noqa: E402

DATA = os.path.join(TOP, "tests", "data", "uwv")
CATALOG = os.path.join(DATA, "catalog.json")
FAST = {"REGIOMON_HTTP_BACKOFF_MS": "50"}
PKG = "/api/3/action/package_show?id=uwv-open-match-data"
OPEN_MATCH = {
    "format": "zip",
    "columns": {"period": "PEILDATUM", "region": "PROVINCIE",
                "value": "AANTAL", "indicator": "REC_TYPE"},
    "indicators": {"Vacature": "vacancies", "Werkzoekende": "jobseekers"},
    "regions": {"Groningen": "groningen", "Drenthe": "drenthe"},
    "aggregate": "sum",
}
WW = {
    "format": "csv", "resource": "ww-uitkeringen",
    "columns": {"period": "Periode", "region": "Regio",
                "value": "WW-uitkeringen (x 1 000)"},
    "indicator": "ww-benefits",
    "regions": {"Groningen": "groningen", "Drenthe": "drenthe",
                "Fryslân": "friesland"},
}
MONTHS = {"januari": "01", "februari": "02", "mrt.": "03", "april": "04"}


def open_match_sums(name):
    """{(indicator, region): sum of AANTAL} of one Open Match CSV, read
    with Python's csv module."""
    ind = OPEN_MATCH["indicators"]
    reg = OPEN_MATCH["regions"]
    sums = {}
    with open(os.path.join(DATA, name), encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f, delimiter=";"):
            if row["PROVINCIE"] in reg:
                k = (ind[row["REC_TYPE"]], reg[row["PROVINCIE"]])
                sums[k] = sums.get(k, 0) + int(row["AANTAL"])
    return sums


def make_zip(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            z.writestr(name, data)


class Uwv(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.access(rmtest.BIN, os.X_OK):
            raise AssertionError("%s not built (make tests)" % rmtest.BIN)
        cls.root = tempfile.mkdtemp(prefix="test_uwv.")
        files = os.path.join(cls.root, "files")
        os.mkdir(files)
        for date in ("20230516", "20230509"):
            with open(os.path.join(DATA, "open_match_%s.csv" % date),
                      "rb") as f:
                data = f.read()
            make_zip(os.path.join(files, "OMD_%s.zip" % date),
                     [("LEESMIJ.txt", "Open Match Data\r\n"),
                      ("UWV_OpenMatch_%s.csv" % date, data)])
            if date == "20230516":
                good = data
        shutil.copy(os.path.join(DATA, "ww_uitkeringen.csv"), files)
        make_zip(os.path.join(files, "nocsv.zip"),
                 [("LEESMIJ.txt", "leeg\r\n"), ("toelichting.pdf", "%PDF-")])
        with open(os.path.join(files, "OMD_20230516.zip"), "rb") as f:
            z = f.read()
        with open(os.path.join(files, "corrupt.zip"), "wb") as f:
            f.write(z[:40] + bytes(range(256)) * 4 + z[-60:])
        bad = good.replace(b";Vacature;24;", b";Vacature;24 stuks;", 1)
        assert bad != good
        make_zip(os.path.join(files, "badcell.zip"),
                 [("UWV_OpenMatch_20230523.csv", bad)])
        cls.srv = httpd.start(cls.root)
        cls.base = cls.srv.url("").rstrip("/")
        with open(os.path.join(DATA, "package_show.json"),
                  encoding="utf-8") as f:
            cls.package = json.loads(f.read().replace("{BASE}", cls.base))
        cls.write_package("package.json", cls.package)

    @classmethod
    def write_package(cls, name, doc):
        with open(os.path.join(cls.root, name), "w", encoding="utf-8") as f:
            json.dump(doc, f)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.root)

    def setUp(self):
        self.srv.set_routes([{"match": PKG, "file": "package.json"}])
        self.seen = len(self.srv.requests())
        self.env = None

    def tearDown(self):
        if self.env is not None:
            self.env.close()

    def source(self, name="om", extra=OPEN_MATCH, **config):
        base = {"catalog_url": self.srv.url("api/3/action/package_show"),
                "dataset": "uwv-open-match-data"}
        base.update(extra)
        base.update(config)
        return {"name": name, "plugin": "uwv", "config": base}

    def make_env(self, *sources):
        self.env = rmtest.Env(list(sources), catalog=CATALOG)
        return self.env

    def requests(self):
        return self.srv.requests()[self.seen:]

    def assert_failed(self, r, *texts):
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        for t in texts:
            self.assertIn(t, r.stderr)

    def with_newest(self, url):
        """Serve a package whose newest ZIP resource is url."""
        doc = json.loads(json.dumps(self.package))
        doc["result"]["resources"].append({
            "name": "Open Match Data 2023-05-23", "format": "ZIP",
            "url": url, "created": "2023-05-24T08:00:00.000000",
            "last_modified": "2023-05-24T08:00:00.000000"})
        self.write_package("newest.json", doc)
        self.srv.set_routes([{"match": PKG, "file": "newest.json"}])

    def stored(self, env, indicator="vacancies", region="groningen",
               period="2023-05"):
        return rmtest.rrd_period_value(env.rrd(indicator, region), period)

    def test_latest_zip_sums_exact(self):
        env = self.make_env(self.source())
        r = env.run("run", env=FAST)
        self.assertEqual(r.returncode, 0, r.stderr)
        sums = open_match_sums("open_match_20230516.csv")
        self.assertEqual(len(sums), 4)
        for (indicator, region), total in sums.items():
            self.assertEqual(self.stored(env, indicator, region),
                             float(total), (indicator, region))
        # Friesland is in the file and in no map: skipped, not stored.
        self.assertFalse(os.path.exists(env.rrd("vacancies", "friesland")))
        self.assertEqual(self.requests(), ["GET %s 200" % PKG,
                                           "GET /files/OMD_20230516.zip 200"])

    def test_csv_resource_cp1252_dutch_months(self):
        env = self.make_env(self.source("ww", WW))
        r = env.run("run", env=FAST)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(DATA, "ww_uitkeringen.csv"),
                  encoding="cp1252") as f:
            rows = list(csv.DictReader(f, delimiter=";"))
        self.assertEqual(len(rows), 12)
        for row in rows:
            month, year = row["Periode"].split()
            period = "%s-%s" % (year, MONTHS[month])
            region = WW["regions"][row["Regio"]]
            cell = row["WW-uitkeringen (x 1 000)"]
            got = self.stored(env, "ww-benefits", region, period)
            if cell == "-":
                self.assertIsNone(got, row)
            else:
                self.assertEqual(got, float(cell.replace(",", ".")), row)
        self.assertEqual(self.requests(), ["GET %s 200" % PKG,
                                           "GET /files/ww_uitkeringen.csv "
                                           "200"])

    def test_unchanged_package_downloads_nothing(self):
        env = self.make_env(self.source())
        self.assertEqual(env.run("run", env=FAST).returncode, 0)
        r = env.run("run", env=FAST)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("unchanged since the last run", r.stderr)
        self.assertEqual(self.requests()[2:], ["GET %s 200" % PKG])

    def test_5xx(self):
        env = self.make_env(self.source())
        self.srv.set_routes([{"match": PKG, "status": 500}])
        self.assert_failed(env.run("run", env=FAST),
                           "HTTP 500 after 4 attempts")
        self.srv.set_routes([{"match": PKG, "file": "package.json"},
                             {"match": ".zip", "status": 503}])
        self.assert_failed(env.run("run", env=FAST),
                           "/files/OMD_20230516.zip: HTTP 503 after 4 "
                           "attempts")
        self.assertFalse(os.path.isdir(os.path.join(env.state, "rrd")))

    def test_zip_without_csv(self):
        env = self.make_env(self.source())
        self.with_newest(self.base + "/files/nocsv.zip")
        r = env.run("run", env=FAST)
        self.assert_failed(r, "/files/nocsv.zip: the ZIP holds no member "
                           "matching \"*.csv\"; it has \"LEESMIJ.txt\", "
                           "\"toelichting.pdf\"")

    def test_corrupt_zip_and_bad_cell_store_nothing(self):
        env = self.make_env(self.source())
        self.assertEqual(env.run("run", env=FAST).returncode, 0)
        before = self.stored(env)
        self.with_newest("/files/corrupt.zip")  # relative to the origin
        r = env.run("run", env=FAST)
        self.assert_failed(r, "/files/corrupt.zip: ")
        self.assertIn("not a ZIP, or a truncated or corrupt one", r.stderr)
        self.with_newest(self.base + "/files/badcell.zip")
        r = env.run("run", env=FAST)
        self.assert_failed(r, "/files/badcell.zip: line 2, column "
                           "\"AANTAL\": expected a number with a decimal "
                           "comma, got \"24 stuks\"")
        self.assertEqual(self.stored(env), before)

    def test_remote_catalogue_cannot_point_at_files(self):
        env = self.make_env(self.source())
        self.with_newest("file:///etc/passwd")
        r = env.run("run", env=FAST)
        self.assert_failed(r, 'resource URL "file:///etc/passwd": only '
                           'http(s) URLs are followed')

    def test_check_config_paths(self):
        env = self.make_env(self.source(
            columns={"period": "P", "valeu": "V", "indicator": "R"},
            regions={"X": "nowhere"},
            indicators={"Vacature": "no-such"}, aggregate="avg",
            separator="|", formt="zip"),
            {"name": "b", "plugin": "uwv", "config": {
                "dataset": "a b", "columns": {"period": "P", "value": "V"},
                "indicator": "vacancies", "region": "groningen",
                "region_scheme": "cbs"}})
        r = env.run("check-config")
        self.assertEqual(r.returncode, 78, r.stderr)
        for want in (
                'sources[0].config.formt: unknown key; did you mean '
                '"format"?',
                'sources[0].config.columns.valeu: unknown key; did you mean '
                '"value"?',
                'sources[0].config.columns.value: missing',
                'sources[0].config.regions.X: unknown region "nowhere"',
                'sources[0].config.indicators.Vacature: unknown indicator '
                '"no-such"',
                'sources[0].config.aggregate: expected "none"',
                'sources[0].config.separator: expected ";"',
                'sources[1].config.dataset: expected a CKAN id',
                'sources[1].config.regions: give one of "regions", '
                '"region_scheme" and "region"'):
            self.assertIn(want, r.stderr)

    def test_demo_source(self):
        conf = os.path.join(TOP, "share", "demo", "regiomon.json")
        state = tempfile.mkdtemp(prefix="test_uwv.state.")
        try:
            r = subprocess.run(
                [rmtest.BIN, "-c", conf, "-P", rmtest.PLUGINS, "-S", state,
                 "fetch", "demo-uwv-open-match"],
                capture_output=True, text=True, timeout=60)
        finally:
            shutil.rmtree(state)
        self.assertEqual(r.returncode, 0, r.stderr)
        got = rmtest.fetch_lines(r.stdout)
        self.assertEqual(sorted((o["indicator"], o["region"], o["period"])
                                for o in got),
                         [("jobseekers", "drenthe", "2023-05"),
                          ("jobseekers", "groningen", "2023-05"),
                          ("vacancies", "drenthe", "2023-05"),
                          ("vacancies", "groningen", "2023-05")])
        # The newest snapshot, summed: read it back with zipfile.
        with zipfile.ZipFile(os.path.join(TOP, "share", "demo", "uwv",
                                          "OMD_20230516.zip")) as z:
            text = z.read("UWV_OpenMatch_20230516.csv").decode("utf-8-sig")
        want = {}
        for row in csv.DictReader(io.StringIO(text), delimiter=";"):
            if row["PROVINCIE"] in ("Groningen", "Drenthe"):
                k = (row["REC_TYPE"], row["PROVINCIE"].lower())
                want[k] = want.get(k, 0) + int(row["AANTAL"])
        names = {"Vacature": "vacancies", "Werkzoekende": "jobseekers"}
        for (rec, region), total in want.items():
            (o,) = [o for o in got if o["indicator"] == names[rec] and
                    o["region"] == region]
            self.assertEqual(o["value"], total)


if __name__ == "__main__":
    unittest.main()
