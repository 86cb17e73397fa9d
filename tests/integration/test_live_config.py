#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""The installed config is the live one (issue 17):

- `make install DESTDIR=...` puts etc/regiomon.json in /etc/regiomon/:
  no demo source, every source enabled, no file: URL; the demo's config
  goes beside its data as an example, with its "illustrative" note;
  `regiomon check-config` accepts the installed config and notes that the
  Klimaatmonitor source waits for its API key;
- the live sources' identifiers, as etc/regiomon.json gives them, against
  real recorded answers of CBS's v4 API (tests/data/cbs/v4/: 83625NED,
  03759ned, 85224NED) served on 127.0.0.1, every stored value compared
  with ==;
- the Klimaatmonitor source of the live config: its v1 API retired (HTTP
  410, or 404 after 2026-12-31) is a clear per-source error, and so is an
  answer without a single value, never an empty run that looks good.

The waiting state in the daemon and status is in test_waiting.py.

    /usr/bin/python3 tests/integration/test_live_config.py
"""
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import httpd  # noqa: E402
import rmtest  # noqa: E402

TOP = rmtest.TOP
LIVE = os.path.join(TOP, "etc", "regiomon.json")
DEMO = os.path.join(TOP, "share", "demo", "regiomon.json")
FIXTURES = os.path.join(TOP, "tests", "data", "cbs", "v4")
MAKE_TIMEOUT = 300
# Catalog region id -> CBS code, as share/catalog.json has them.
CODES = {"nl": "NL01", "groningen": "PV20", "drenthe": "PV22",
         "assen": "GM0106", "gemeente-groningen": "GM0014",
         "het-hogeland": "GM1966", "midden-groningen": "GM1952",
         "noordenveld": "GM1699", "tynaarlo": "GM1730",
         "westerkwartier": "GM1969"}
BYCODE = {c: r for r, c in CODES.items()}
SCALES = {None: 1, "x 1 000": 1000}


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


class Installed(unittest.TestCase):
    """make install DESTDIR=...: the config is the live one."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="test_live_config.")
        # A private copy of the build, as test_install.py makes it.
        cls.build = os.path.join(cls.tmp, "build")
        os.mkdir(cls.build)
        for part in ("daemon", "plugins", "regiomon", "libregiomon.a",
                     "paths.stamp"):
            src = os.path.join(rmtest.BUILD, part)
            if os.path.isdir(src):
                shutil.copytree(src, os.path.join(cls.build, part),
                                symlinks=True)
            elif os.path.exists(src):
                shutil.copy2(src, os.path.join(cls.build, part))
        cls.dest = os.path.join(cls.tmp, "dest")
        cmd = ["make", "--no-print-directory", "-C", TOP, "B=" + cls.build,
               "install", "PREFIX=/usr", "DESTDIR=" + cls.dest]
        if rmtest.SANITIZED:
            cmd.append("SANITIZE=address,undefined")
        r = subprocess.run(cmd, capture_output=True, text=True,
                           timeout=MAKE_TIMEOUT)
        if r.returncode != 0:
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise AssertionError(r.stdout + r.stderr)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_config_is_live(self):
        conf = load(os.path.join(self.dest, "etc/regiomon/regiomon.json"))
        names = [s["name"] for s in conf["sources"]]
        self.assertTrue(names)
        for s in conf["sources"]:
            self.assertFalse(s["name"].startswith("demo"), s["name"])
            self.assertNotEqual(s.get("enabled", True), False, s["name"])
            text = json.dumps(s)
            # The analysts' own figures, beside the config.
            if s["name"] == "hand-kept":
                self.assertEqual(s["config"]["url"], "file:hand-kept.csv")
                continue
            self.assertNotIn("file:", text, s["name"])
            self.assertNotIn("/demo/", text, s["name"])
        self.assertNotIn("illustrative", conf)
        for c in conf["catalog"]:
            self.assertNotIn("/demo/", c)
        # A series is fed by one source: no two live sources share one
        # (the CBS labour tables feed unemployment-rate, not Eurostat).
        self.assertNotIn("eurostat-unemployment", names)
        for want in ("cbs-house-prices", "cbs-population",
                     "cbs-labour-nl", "cbs-labour-provinces",
                     "cbs-regional-key-figures", "cbs-ww-benefits", "cbs-business-establishments",
                     "eurostat-rd",
                     "eurostat-ageing", "klimaatmonitor"):
            self.assertIn(want, names)

    def test_demo_is_an_example(self):
        path = os.path.join(self.dest, "usr/share/regiomon/demo/"
                            "regiomon.json")
        conf = load(path)
        self.assertIn("invented", conf["illustrative"]["note"])
        self.assertTrue(all(s["name"].startswith("demo-")
                            for s in conf["sources"]))
        self.assertEqual(conf["plugin_dir"], "/usr/lib/regiomon/plugins")
        self.assertEqual(conf["state_dir"], "/var/lib/regiomon-demo")
        # Its relative paths find the installed data.
        base = os.path.dirname(path)
        for c in conf["catalog"]:
            self.assertTrue(os.path.isfile(os.path.join(base, c)), c)
        for s in conf["sources"]:
            url = s["config"].get("url") or s["config"].get("base_url") \
                or s["config"].get("catalog_url")
            if url:
                self.assertTrue(os.path.exists(os.path.join(
                    base, url[len("file:"):])), url)

    def test_check_config_accepts_it(self):
        # The installed config as it names its files, pointed into
        # DESTDIR; the key file is not there (yet).
        with open(os.path.join(self.dest, "etc/regiomon/regiomon.json")) \
                as f:
            text = f.read()
        text = text.replace('"/usr/', '"%s/usr/' % self.dest)
        text = text.replace('"/etc/regiomon/', '"%s/etc/regiomon/'
                            % self.dest)
        text = text.replace('"/var/lib/regiomon"', '"%s/state"' % self.tmp)
        conf = os.path.join(self.tmp, "installed.json")
        with open(conf, "w") as f:
            f.write(text)
        r = subprocess.run([os.path.join(self.dest, "usr/bin/regiomon"),
                            "-c", conf, "check-config"],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("configuration OK", r.stdout)
        self.assertIn("note: source klimaatmonitor is waiting: needs an "
                      "API key in %s/etc/regiomon/klimaatmonitor.key "
                      "(request one from the Klimaatmonitor "
                      "(klimaatmonitor.databank.nl))" % self.dest,
                      r.stdout)


def serve_v4(root, table):
    """A recorded v4 table under root/odata/v1/CBS/TABLE, as the service
    names its entities.  Returns its observation rows."""
    src = os.path.join(FIXTURES, table)
    d = os.path.join(root, "odata", "v1", "CBS", table)
    for name in os.listdir(src):
        if name == "index.json":
            continue
        if name.startswith("codes-"):
            entity = name[len("codes-"):-len(".json")] + "Codes"
        else:
            entity = {"properties.json": "Properties",
                      "measure-codes.json": "MeasureCodes",
                      "dimensions.json": "Dimensions",
                      "observations-page-1.json": "Observations"}[name]
        save(os.path.join(d, entity), load(os.path.join(src, name)))
    rows = load(os.path.join(src, "observations-page-1.json"))["value"]
    # A code list that was not recorded is served as the codes the
    # recorded rows hold: the plugin checks a config's codes against it.
    for dim in load(os.path.join(src, "dimensions.json"))["value"]:
        ident = dim["Identifier"]
        path = os.path.join(d, ident + "Codes")
        if ident == "Perioden" or os.path.exists(path) or \
                not all(ident in r for r in rows):
            continue
        save(path, {"value": [{"Identifier": c, "Title": c} for c in
                              sorted({r[ident].strip() for r in rows})]})
    return rows


def expected(rows, series):
    """{(indicator, region, period): value or None} of one series of the
    live config, computed from the served rows: its measure, filters and
    regions, the yearly rows, the scale."""
    regions = series.get("regions") or [series.get("region")]
    codes = {CODES[r] for r in regions}
    scale = SCALES[series.get("scale")]
    out = {}
    for r in rows:
        if r["Measure"].strip() != series["measure"]:
            continue
        if any(r[k].strip() != v
               for k, v in series.get("filters", {}).items()):
            continue
        code = r["RegioS"].strip() if "RegioS" in r else "NL01"
        if code not in codes or r["Perioden"][4:6] != "JJ":
            continue
        missing = r["ValueAttribute"] != "None" or r["Value"] is None
        out[(series["indicator"], BYCODE[code], r["Perioden"][:4])] = \
            None if missing else r["Value"] * scale
    return out


class Recorded(unittest.TestCase):
    """The live CBS sources, as configured, on real recorded answers."""

    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="test_live_config.srv.")
        cls.rows = {t: serve_v4(cls.root, t)
                    for t in ("83625NED", "03759ned", "85224NED")}
        cls.srv = httpd.start(cls.root)
        cls.base = cls.srv.url("odata/v1/CBS").rstrip("/")

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.root, ignore_errors=True)

    def fetch(self, name):
        src = live_source(name)
        # Live and enabled, as make install puts it in /etc/regiomon/.
        self.assertNotEqual(src.get("enabled", True), False, name)
        self.assertEqual(src["config"]["api"], "v4")
        src["config"]["base_url"] = self.base
        env = rmtest.Env([src])
        self.addCleanup(env.close)
        r = env.run("fetch", name, env={"REGIOMON_HTTP_BACKOFF_MS": "50"})
        self.assertEqual(r.returncode, 0, r.stderr)
        got = {(o["indicator"], o["region"], o["period"]): o["value"]
               for o in rmtest.fetch_lines(r.stdout)}
        want = {}
        for s in src["config"]["series"]:
            want.update(expected(self.rows[src["config"]["table"]], s))
        return got, want

    def test_house_prices(self):
        got, want = self.fetch("cbs-house-prices")
        self.assertEqual(len(want), 10 * 11)
        self.assertEqual(got, want)

    def test_population(self):
        got, want = self.fetch("cbs-population")
        self.assertGreater(len(want), 50)
        self.assertEqual(got, want)

    def test_labour_nl(self):
        got, want = self.fetch("cbs-labour-nl")
        # Three measures, 2013 to 2025, seasonally adjusted yearly rows.
        self.assertEqual(len(want), 3 * 13)
        self.assertEqual(got, want)
        self.assertEqual(got[("unemployment-rate", "nl", "2025")],
                         next(r["Value"] for r in self.rows["85224NED"]
                              if r["Measure"] == "M001906" and
                              r["Perioden"] == "2025JJ00"))


class NoPeriodStatus(unittest.TestCase):
    """A table whose periods carry no status (70072ned: Status null in
    its Perioden): its figures go in as final, and the log says why, as
    the provisional years are named only in the table's prose."""

    def test_said_not_guessed(self):
        root = tempfile.mkdtemp(prefix="test_live_config.null.")
        self.addCleanup(shutil.rmtree, root, True)
        rows = serve_v4(root, "85224NED")
        path = os.path.join(root, "odata", "v1", "CBS", "85224NED",
                            "PeriodenCodes")
        doc = load(path)
        for r in doc["value"]:
            r["Status"] = None
        save(path, doc)
        srv = httpd.start(root)
        self.addCleanup(srv.stop)
        src = live_source("cbs-labour-nl")
        src["config"]["base_url"] = srv.url("odata/v1/CBS").rstrip("/")
        env = rmtest.Env([src])
        self.addCleanup(env.close)
        r = env.run("fetch", "cbs-labour-nl")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("cbs-labour-nl: table 85224NED gives no period a "
                      "status (PeriodenCodes: Status null): its figures "
                      "are stored as final, none marked provisional",
                      r.stderr)
        got = rmtest.fetch_lines(r.stdout)
        self.assertEqual(len(got), len(expected(rows, src["config"][
            "series"][0])) * 3)
        self.assertEqual({o["status"] for o in got}, {"final"})


class Demo(unittest.TestCase):
    """The demo says plainly that its data is illustrative."""

    def test_banner(self):
        state = tempfile.mkdtemp(prefix="test_live_config.demo.")
        self.addCleanup(shutil.rmtree, state, True)
        cmd = [rmtest.BIN, "-c", DEMO, "-P", rmtest.PLUGINS, "-S", state]
        r = subprocess.run(cmd + ["run"], capture_output=True, text=True,
                           timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        banner = "Illustrative data, not the region's real state: the demo"
        with open(os.path.join(state, "report", "index.html")) as f:
            self.assertIn(banner.replace("'", "&#39;"), f.read())
        mails = os.listdir(os.path.join(state, "mail", "new"))
        self.assertEqual(len(mails), 1)
        with open(os.path.join(state, "mail", "new", mails[0])) as f:
            text = f.read().replace("=\n", "")
        self.assertIn("Illustrative data, not the region's real state:",
                      text)
        r = subprocess.run(cmd + ["status"], capture_output=True,
                           text=True, timeout=60)
        self.assertTrue(r.stdout.startswith("ILLUSTRATIVE DATA, not the "
                                            "region's real state"),
                        r.stdout[:300])
        self.assertIn("Invented series: energy-demand-built-environment-"
                      "share,", r.stdout)
        r = subprocess.run(cmd + ["status", "--json"], capture_output=True,
                           text=True, timeout=60)
        doc = json.loads(r.stdout)
        self.assertIn("invented", doc["illustrative"]["note"])
        marks = {(s["indicator"], s["region"]): s["illustrative"]
                 for ch in doc["challenges"] for s in ch["series"]}
        self.assertTrue(marks[("renewable-supply-sun-wind", "assen")])
        self.assertTrue(marks[("co2-reduction-harbours", "groningen")])
        # Real recordings (CBS house prices) are not marked invented.
        self.assertFalse(marks[("house-price", "assen")])


class Klimaatmonitor(unittest.TestCase):
    """The live Klimaatmonitor source against a v1 that is gone."""

    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="test_live_config.km.")
        self.srv = httpd.start(self.root)
        self.addCleanup(self.srv.stop)
        self.addCleanup(shutil.rmtree, self.root, True)
        src = live_source("klimaatmonitor")
        self.assertEqual(src["config"]["base_url"], "https://klimaatmonitor"
                         ".databank.nl/jiveservices/odata")
        src["config"]["base_url"] = self.srv.url(
            "jiveservices/odata").rstrip("/")
        key = os.path.join(self.root, "km.key")
        with open(key, "w") as f:
            f.write("k3y\n")
        os.chmod(key, 0o600)
        src["config"]["api_key_file"] = key
        self.env = rmtest.Env([src], extra={"http": {"retries": 0}})
        self.addCleanup(self.env.close)

    def test_gone(self):
        self.srv.set_routes([{"status": 410, "body": "Gone"}])
        r = self.env.run("run")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("klimaatmonitor: the Klimaatmonitor v1 API has been "
                      "retired (HTTP 410; v1 ran until 2026-12-31)",
                      r.stderr)

    def test_404_after_its_end(self):
        self.srv.set_routes([{"status": 404, "body": "Not found"}])
        # 2027-01-02: past v1's last day.
        r = self.env.run("run", env={"REGIOMON_NOW": "1798848000"})
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("the Klimaatmonitor v1 API has been retired (HTTP "
                      "404", r.stderr)
        # Before: a 404 is a variable the service does not publish.
        r = self.env.run("run", env={"REGIOMON_NOW": "1796083200"})
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertNotIn("retired", r.stderr)
        self.assertIn("is not published at geo level \"gemeente\"",
                      r.stderr)

    def test_no_values_is_no_good_run(self):
        self.srv.set_routes([{"body": '{"value": []}'}])
        r = self.env.run("run", env={"REGIOMON_NOW": "1796083200"})
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("klimaatmonitor: no values for any series", r.stderr)
        r = self.env.run("run", env={"REGIOMON_NOW": "1798848000"})
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("the Klimaatmonitor v1 API has been retired (no "
                      "values", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
