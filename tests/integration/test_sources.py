#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""`regiomon sources [--json]`: each source's state, runs, failures and
last error, whole (a server's error body of more than 1,024 bytes too,
not cut to a log line and not reduced to "plugin failed (exit status
1)"); `status --json` carries the same.  And a series belongs to one
source: when another source takes it over (the old one disabled), the
new source's first complete run sets the old file aside
("REGION.rrd.from-OLD") and rebuilds the series from its own points only,
and the log says so.

Run from the repository root:

    /usr/bin/python3 tests/integration/test_sources.py
"""
import email
import email.policy
import glob
import json
import math
import os
import signal
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import httpd  # noqa: E402
import rmdaemon  # noqa: E402
import rmtest  # noqa: E402

DATA = os.path.join(rmtest.TOP, "tests", "data", "csv")
CATALOG = os.path.join(DATA, "catalog.json")
UR = "unemployment-rate"

# An API's error: the reason is at the end of a long body.
ERROR_BODY = ("{\"error\": \"bad request\", \"detail\": \"" + "x" * 1500 +
              " the parameter 'measure' is unknown\"}")


class SourcesHealth(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = httpd.start(DATA)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()

    def setUp(self):
        self.srv.set_routes([])
        self.env = rmtest.Env(
            [{"name": "api", "plugin": "csv",
              "config": {"url": self.srv.url("dutch.csv"),
                         "region_scheme": "cbs",
                         "columns": {"indicator": "indicator"}}},
             {"name": "off", "plugin": "csv", "enabled": False,
              "config": {"url": "file:///nonexistent.csv"}}],
            catalog=CATALOG, extra={"http": {"retries": 0}})

    def tearDown(self):
        self.env.close()

    def sources(self):
        r = self.env.run("sources", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        return {s["name"]: s for s in json.loads(r.stdout)}

    def test_good_run(self):
        r = self.env.run("-v", "run")
        self.assertEqual(r.returncode, 0, r.stderr)
        s = self.sources()
        self.assertEqual(s["api"]["state"], "enabled")
        self.assertEqual(s["api"]["failures"], 0)
        self.assertIsNone(s["api"]["last_error"])
        self.assertIn("api: %d observations" % s["api"]["observations"],
                      r.stderr)
        self.assertGreater(s["api"]["observations"], 0)
        self.assertIsNotNone(s["api"]["last_success"])
        self.assertIsNotNone(s["api"]["next_run"])
        self.assertEqual(s["off"]["state"], "disabled")
        self.assertIsNone(s["off"]["last_run"])
        self.assertIsNone(s["off"]["next_run"])
        text = self.env.run("sources")
        self.assertEqual(text.returncode, 0, text.stderr)
        lines = text.stdout.splitlines()
        self.assertTrue(lines[0].startswith("source"), text.stdout)
        self.assertEqual(len(lines), 3, text.stdout)

    def test_failing_run_keeps_server_error_whole(self):
        self.srv.set_routes([{"match": "dutch.csv", "status": 400,
                              "body": ERROR_BODY}])
        r = self.env.run("run")
        self.assertEqual(r.returncode, 1, r.stderr)
        s = self.sources()["api"]
        self.assertEqual(s["failures"], 1)
        err = s["last_error"]
        self.assertIn("HTTP 400", err)
        self.assertIn("the parameter 'measure' is unknown", err)
        self.assertIn("x" * 1500, err)
        self.assertGreater(len(err), 1024)
        self.assertIsNone(s["last_success"])
        # The table shows it whole too, at the end of the source's line.
        text = self.env.run("sources").stdout
        line = [l for l in text.splitlines() if l.startswith("api")][0]
        self.assertTrue(line.endswith("is unknown\"}"), line)
        # status --json carries the same document.
        st = self.env.run("status", "--json")
        self.assertEqual(st.returncode, 0, st.stderr)
        doc = json.loads(st.stdout)
        self.assertEqual([x["last_error"] for x in doc["sources"]
                          if x["name"] == "api"], [err])
        # The report's sources section shows it, escaped.
        out = os.path.join(self.env.dir, "report")
        rep = self.env.run("report", "-o", out, "--lang", "en")
        self.assertEqual(rep.returncode, 0, rep.stderr)
        pages = glob.glob(os.path.join(out, "*.html"))
        self.assertTrue(pages, rep.stderr)
        with open(pages[0], encoding="utf-8") as f:
            page = f.read()
        self.assertIn('<aside class="sources" id="bronnen">', page)
        self.assertIn("the parameter &#39;measure&#39; is unknown", page)
        self.assertIn("<td>api</td><td>enabled</td><td>never</td>"
                      "<td>1</td>", page)
        self.assertIn("<td>off</td><td>disabled</td>", page)
        # A second failure counts, a success clears.
        self.env.run("run")
        self.assertEqual(self.sources()["api"]["failures"], 2)
        self.srv.set_routes([])
        self.assertEqual(self.env.run("run").returncode, 0)
        s = self.sources()["api"]
        self.assertEqual(s["failures"], 0)
        self.assertIsNone(s["last_error"])

    def test_bad_argument(self):
        r = self.env.run("sources", "--jsn")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--jsn", r.stderr)


class DaemonNextRun(unittest.TestCase):
    """The daemon logs when each source runs next, at its start and
    after a reload, and notes it for `regiomon sources`."""

    def test_next_run_logged_at_start_and_reload(self):
        env = rmtest.Env(
            [{"name": "fast", "plugin": "t_ok", "interval": "5s",
              "config": {"obs": [[UR, "groningen", "2020", 1.5, False]]}},
             {"name": "off", "plugin": "t_ok", "enabled": False,
              "config": {"obs": []}}],
            plugin_dir=rmtest.TEST_PLUGINS)
        self.addCleanup(env.close)
        d = rmdaemon.Daemon(env, verbose=False)
        self.addCleanup(d.close)
        d.wait_log("next run of fast in ")
        d.wait_log("fast: 1 observations")
        d.send(signal.SIGHUP)
        d.wait_log("next run of fast in ", count=2)
        self.assertEqual(d.count("next run of off"), 0)
        self.assertEqual(d.stop(), 0)
        r = env.run("sources", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        s = {x["name"]: x for x in json.loads(r.stdout)}
        # After its first run, the next is due after it.
        self.assertGreater(s["fast"]["next_run"],
                           s["fast"]["last_run"])
        self.assertIsNone(s["off"]["next_run"])


def obs(years, base):
    return [[UR, "groningen", str(y), base + y - 2000, False] for y in years]


class SourceChange(unittest.TestCase):
    def setUp(self):
        self.demo = {"name": "demo", "plugin": "t_ok",
                     "config": {"obs": obs(range(2015, 2021), 100)}}
        self.live = {"name": "live", "plugin": "t_ok", "enabled": False,
                     "config": {"obs": obs(range(2019, 2023), 200)}}
        self.env = rmtest.Env([self.demo, self.live],
                              plugin_dir=rmtest.TEST_PLUGINS)

    def tearDown(self):
        self.env.close()

    def conf(self, sources):
        self.env.write_conf({"state_dir": self.env.state,
                             "plugin_dir": rmtest.TEST_PLUGINS,
                             "catalog": [rmtest.CATALOG],
                             "sources": sources})

    def value(self, year):
        v = rmtest.rrd_period_value(self.env.rrd(UR, "groningen"),
                                    str(year))
        return None if v is None or math.isnan(v) else v

    def test_switch_sets_old_points_aside(self):
        r = self.env.run("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.value(2016), 116)
        # The same source again, with a year more: its history stays.
        self.demo["config"]["obs"] = obs(range(2020, 2022), 100)
        self.conf([self.demo, self.live])
        r = self.env.run("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("now comes from", r.stderr)
        self.assertEqual(self.value(2015), 115)
        self.assertEqual(self.value(2021), 121)
        self.assertEqual(glob.glob(self.env.rrd(UR, "groningen") + ".*"),
                         [])
        # Demo off, live on: live takes the series over.
        self.demo["enabled"] = False
        self.live["enabled"] = True
        self.conf([self.demo, self.live])
        r = self.env.run("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("series %s/groningen now comes from live; 7 earlier "
                      "points from demo were set aside" % UR, r.stderr)
        # Only live's points: demo's 2015-2018 are gone from the series.
        for y in range(2015, 2019):
            self.assertIsNone(self.value(y), y)
        for y in range(2019, 2023):
            self.assertEqual(self.value(y), 200 + y - 2000, y)
        aside = self.env.rrd(UR, "groningen") + ".from-demo"
        self.assertTrue(os.path.exists(aside), os.listdir(
            os.path.dirname(aside)))
        self.assertEqual(rmtest.rrd_period_value(aside, "2016"), 116)
        self.assertEqual(self.env.state_json()["series"][
            UR + "/groningen"]["source"], "live")
        # The digest of that run (the series is new again) told it, and
        # the notice is gone from the state.
        mails = []
        for path in glob.glob(os.path.join(self.env.state, "mail", "new",
                                           "*")):
            with open(path, "rb") as f:
                mails.append(email.message_from_binary_file(
                    f, policy=email.policy.default))
        told = [m for m in mails if "now comes from live" in
                m.get_body(("plain",)).get_content()]
        self.assertEqual(len(told), 1, [m["Subject"] for m in mails])
        self.assertIn("<li>series %s/groningen now comes from live; 7 "
                      "earlier points from demo were set aside" % UR,
                      told[0].get_body(("html",)).get_content())
        self.assertNotIn("notices", self.env.state_json())
        # The next run of live changes nothing and sets nothing aside.
        r = self.env.run("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("now comes from", r.stderr)
        self.assertEqual(len(glob.glob(self.env.rrd(UR, "groningen") +
                                       ".from-*")), 1)


if __name__ == "__main__":
    unittest.main()
