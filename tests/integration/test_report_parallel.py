#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""The report's graphs drawn side by side (issue 21): `report.renderers`
renderers, each drawing one graph at a time, and a report that is byte
for byte the same whatever their number and whichever graph finished
first.  A small state of the t_ok test plugin: twelve graphs.

Run from the repository root:

    /usr/bin/python3 tests/integration/test_report_parallel.py
"""

import os
import re
import sys
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
import rmtest  # noqa: E402

REGIONS = ["groningen", "drenthe", "nl"]
INDS = ["unemployment-rate", "labour-participation", "house-price",
        "population"]
OBS = [[ind, reg, str(year), 10.0 + i + 0.5 * year - 1000 + j, False]
       for i, ind in enumerate(INDS) for j, reg in enumerate(REGIONS)
       for year in (2019, 2020, 2021, 2022)]


def files(d):
    """{relative path: bytes} of every graph of the report in d, and its
    manifest's sizes and names (the digests include the state's path,
    and the pages the time they were written)."""
    out = {}
    for name in sorted(os.listdir(os.path.join(d, "img"))):
        with open(os.path.join(d, "img", name), "rb") as f:
            out["img/" + name] = f.read()
    with open(os.path.join(d, ".regiomon-graphs")) as f:
        out["manifest"] = [line.split(" ", 1)[1] for line in f][1:]
    return out


class Parallel(unittest.TestCase):
    def env_with(self, renderers):
        report = {"enabled": False}
        if renderers is not None:
            report["renderers"] = renderers
        env = rmtest.Env([{"name": "t", "plugin": "t_ok",
                           "config": {"obs": OBS}}],
                         plugin_dir=rmtest.TEST_PLUGINS,
                         extra={"report": report})
        self.addCleanup(env.close)
        r = env.run("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        return env

    def report(self, env, *args):
        out = os.path.join(env.dir, "out")
        r = env.run("-v", "report", "-o", out, "--full", *args)
        self.assertEqual(r.returncode, 0, r.stderr)
        started = re.findall(r"graph: renderer (\d+) of (\d+) started",
                             r.stderr)
        return files(out), started, r.stderr

    def test_same_report_with_one_or_four_renderers(self):
        one, started1, _ = self.report(self.env_with(1))
        four, started4, err = self.report(self.env_with(4))
        self.assertEqual(len([n for n in one if n.startswith("img/")]),
                         len(INDS) * len(REGIONS))
        self.assertEqual(sorted(one), sorted(four))
        for name in one:
            self.assertEqual(one[name], four[name], name)
        self.assertEqual(started1, [("1", "1")])
        # Every renderer of the pool drew: four processes side by side.
        self.assertEqual(sorted(started4),
                         [(str(k), "4") for k in range(1, 5)], err)
        self.assertIn("%d graphs drawn, 0 reused"
                      % (len(INDS) * len(REGIONS)), err)

    def test_default_is_one_a_core(self):
        _, started, _ = self.report(self.env_with(None))
        want = min(len(os.sched_getaffinity(0)), 4)
        self.assertEqual(len(started), want)
        self.assertTrue(all(n == str(want) for _, n in started))

    def test_renderers_checked(self):
        env = self.env_with(2)
        for bad in (0, 17, "4", 1.5):
            env.write_conf({"state_dir": env.state,
                            "plugin_dir": rmtest.TEST_PLUGINS,
                            "report": {"renderers": bad},
                            "sources": []})
            r = env.run("check-config")
            self.assertEqual(r.returncode, 78, r.stdout + r.stderr)
            self.assertIn("report.renderers: expected how many graphs "
                          "to draw at once, 1 to 16", r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
