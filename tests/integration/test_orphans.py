#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Orphans (issue 22): series files that no configured source feeds any
more are named by `status` (text and JSON) and `sources`, with the
`forget` command that removes them: a source disabled or gone from the
config, an indicator renamed in the catalog.  Set-aside files are not
orphans.

Run from the repository root:

    /usr/bin/python3 tests/integration/test_orphans.py
"""

import json
import os
import sys
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
import rmtest  # noqa: E402

UR = "unemployment-rate"
LP = "labour-participation"
OBS = [[UR, "groningen", "2020", 4.4, False],
       [LP, "groningen", "2020", 66.0, False]]


class Orphans(unittest.TestCase):
    def setUp(self):
        self.env = rmtest.Env([{"name": "a", "plugin": "t_ok",
                                "config": {"obs": OBS}}],
                              plugin_dir=rmtest.TEST_PLUGINS)
        r = self.env.run("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.catalog = rmtest.CATALOG

    def tearDown(self):
        self.env.close()

    def conf(self, sources, catalog=None):
        self.env.write_conf({"state_dir": self.env.state,
                             "plugin_dir": rmtest.TEST_PLUGINS,
                             "catalog": [catalog or rmtest.CATALOG],
                             "sources": sources})

    def orphans(self):
        r = self.env.run("status", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)["orphans"]

    def test_none_while_fed(self):
        self.assertEqual(self.orphans(), [])
        r = self.env.run("status")
        self.assertNotIn("no configured source feeds", r.stdout)

    def test_source_disabled_then_gone_then_forgotten(self):
        self.conf([{"name": "a", "plugin": "t_ok", "enabled": False,
                    "config": {"obs": OBS}}])
        self.assertEqual(self.orphans(), [
            {"series": LP + "/groningen",
             "why": "its source a is disabled"},
            {"series": UR + "/groningen",
             "why": "its source a is disabled"}])
        self.conf([])
        got = self.orphans()
        self.assertEqual([o["why"] for o in got],
                         ["its source a is no longer in the config"] * 2)
        for cmd in (["status"], ["sources"]):
            r = self.env.run(*cmd)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("2 series no configured source feeds "
                          "(`regiomon forget SERIES` removes one):\n"
                          "  %s/groningen: its source a is no longer in "
                          "the config\n" % LP, r.stdout)
        r = self.env.run("forget", UR + "/groningen", "--yes")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([o["series"] for o in self.orphans()],
                         [LP + "/groningen"])

    def test_indicator_renamed_and_set_aside_files(self):
        with open(rmtest.CATALOG) as f:
            cat = json.load(f)
        for ind in cat["indicators"]:
            if ind["id"] == UR:
                ind["id"] = UR + "-v2"
        path = os.path.join(self.env.dir, "catalog.json")
        with open(path, "w") as f:
            json.dump(cat, f)
        self.conf([{"name": "a", "plugin": "t_ok",
                    "config": {"obs": [OBS[1]]}}], catalog=path)
        # A set-aside file is kept on purpose: never an orphan.
        d = os.path.join(self.env.state, "rrd", LP)
        with open(os.path.join(d, "drenthe.rrd.from-old"), "w") as f:
            f.write("x")
        self.assertEqual(self.orphans(), [
            {"series": UR + "/groningen",
             "why": "indicator %s is not in the catalog (renamed or "
                    "removed)" % UR}])


if __name__ == "__main__":
    unittest.main(verbosity=2)
