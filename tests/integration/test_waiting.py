#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""A source that cannot run until the admin acts (issue 17): the live
Klimaatmonitor source with its API key file not there yet.

- the daemon starts, says "waiting: needs an API key in PATH (request one
  from the Klimaatmonitor (klimaatmonitor.databank.nl))" once in its log,
  never asks the service, never backs off, never mails about it;
- `regiomon status` shows it (text, and "waiting" in --json);
- once the file is there, a reload (SIGHUP) runs the source;
- a key file that is there but wrong (group-readable) stays a config
  error, as before.

    /usr/bin/python3 tests/integration/test_waiting.py
"""
import copy
import glob
import json
import os
import shutil
import signal
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import httpd  # noqa: E402
import rmdaemon  # noqa: E402
import rmtest  # noqa: E402

LIVE = os.path.join(rmtest.TOP, "etc", "regiomon.json")
HINT = "(request one from the Klimaatmonitor (klimaatmonitor.databank.nl))"


def live_source(name):
    with open(LIVE) as f:
        return copy.deepcopy(next(s for s in json.load(f)["sources"]
                                  if s["name"] == name))


class Waiting(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="test_waiting.")
        self.addCleanup(shutil.rmtree, self.root, True)
        self.srv = httpd.start(self.root)
        self.addCleanup(self.srv.stop)
        self.key = os.path.join(self.root, "klimaatmonitor.key")
        src = live_source("klimaatmonitor")
        # Still the Klimaatmonitor's URL, so that the hint names it; the
        # source never runs while it waits, so nothing goes out.
        self.assertIn("klimaatmonitor.databank.nl",
                      src["config"]["base_url"])
        src["config"]["api_key_file"] = self.key
        src["interval"] = "1s"
        self.src = src
        csv = os.path.join(self.root, "good.csv")
        with open(csv, "w") as f:
            f.write("indicator;region;period;value\n"
                    "unemployment-rate;groningen;2020;5,9\n")
        self.good = {"name": "good", "plugin": "csv", "interval": "1s",
                     "config": {"url": self.srv.url("good.csv")}}
        self.env = rmtest.Env([self.good, src],
                              extra={"http": {"retries": 0}})
        self.addCleanup(self.env.close)
        self.d = None

    def tearDown(self):
        if self.d:
            self.d.close()

    def want(self):
        return "klimaatmonitor: waiting: needs an API key in %s %s" % (
            self.key, HINT)

    def test_daemon_starts_and_waits(self):
        self.d = d = rmdaemon.Daemon(self.env, verbose=False)
        d.wait(lambda: len(self.srv.requests()) >= 3, "3 runs of good")
        log = d.log()
        self.assertEqual(log.count(self.want()), 1, log)
        self.assertNotIn("klimaatmonitor: failing", log)
        self.assertNotIn("backoff", log.lower())
        self.assertTrue(all("good.csv" in l for l in self.srv.requests()))
        # status, text and JSON, while the daemon runs.
        r = self.env.run("status")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("source klimaatmonitor: waiting: needs an API key "
                      "in %s %s" % (self.key, HINT), r.stdout)
        r = self.env.run("status", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        doc = json.loads(r.stdout)
        self.assertEqual(doc["waiting"], [{
            "source": "klimaatmonitor",
            "waiting": "needs an API key in %s %s" % (self.key, HINT)}])
        self.assertIsNone(doc["illustrative"])
        # No mail says anything of it.
        for m in glob.glob(os.path.join(self.env.state, "mail", "*",
                                        "*")):
            with open(m, errors="replace") as f:
                self.assertNotIn("klimaatmonitor", f.read())
        st = self.env.state_json()["sources"]
        self.assertNotIn("klimaatmonitor", st)
        # The key arrives; a reload runs the source (its request goes to
        # the loopback server once the base is pointed there).
        with open(self.key, "w") as f:
            f.write("k3y\n")
        os.chmod(self.key, 0o600)
        self.src["config"]["base_url"] = self.srv.url(
            "jiveservices/odata").rstrip("/")
        cfg = {"state_dir": self.env.state,
               "plugin_dir": self.env.plugin_dir,
               "catalog": [rmtest.CATALOG], "http": {"retries": 0},
               "sources": [self.good, self.src]}
        self.env.write_conf(cfg)
        d.send(signal.SIGHUP)
        d.wait_log("reloaded ")
        d.wait(lambda: any("jiveservices" in l
                           for l in self.srv.requests()),
               "a request of the Klimaatmonitor source")
        self.assertEqual(d.count("waiting:"), 1)
        r = self.env.run("status", "--json")
        self.assertEqual(json.loads(r.stdout)["waiting"], [])
        self.assertEqual(d.stop(), 0, d.log())

    def test_check_config_and_run(self):
        r = self.env.run("check-config")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("note: source klimaatmonitor is waiting: needs an "
                      "API key in %s %s" % (self.key, HINT), r.stdout)
        r = self.env.run("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr.count(self.want()), 1, r.stderr)
        self.assertTrue(all("good.csv" in l for l in self.srv.requests()))
        # fetch of the source by name: it cannot run yet, and says why.
        r = self.env.run("fetch", "klimaatmonitor")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn(self.want(), r.stderr)
        self.assertEqual(r.stdout, "")

    def test_other_secret_errors_stay_errors(self):
        with open(self.key, "w") as f:
            f.write("k3y\n")
        os.chmod(self.key, 0o640)
        r = self.env.run("check-config")
        self.assertEqual(r.returncode, 78, r.stdout + r.stderr)
        self.assertIn("is readable or writable by group or others", r.stderr)
        self.assertNotIn("is waiting", r.stdout + r.stderr)
        os.remove(self.key)
        os.symlink(os.path.join(self.root, "elsewhere"), self.key)
        r = self.env.run("check-config")
        self.assertEqual(r.returncode, 78, r.stdout + r.stderr)
        self.assertIn("is a symbolic link", r.stderr)
        # A daemon does not start on it.
        d = rmdaemon.Daemon(self.env, verbose=False)
        try:
            self.assertEqual(d.wait_exit(), 78, d.log())
            self.assertIn("is a symbolic link", d.log())
        finally:
            d.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
