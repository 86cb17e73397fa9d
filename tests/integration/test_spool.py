# SPDX-License-Identifier: ISC
"""The spool between a plugin's child and the RRD files, in bounded memory
(daemon/run/apply.c): series whose lines are consecutive are written as they
stream past; series scattered over the spool are collected in further
passes, as many at a time as the budget allows (REGIOMON_APPLY_BUDGET
makes it tiny here, so one run takes several passes).  Whatever the
order, every period reads back exactly, a period sent twice keeps the
last value, provisional marks land in the state, and an observation line
in another JSON form (an exec plugin's) is read like the canonical one.

`regiomon run` stores a series whose file is new while the child is still
fetching (daemon/run/ahead.c, "storing ahead"), as temp files that only a successful
run puts in place: a run that fails after that leaves nothing behind.
The state and evaluation of such a series are updated then too, so the
spool is not read again; a series that turns out scattered is undone
and written by the passes, and a spool period by period (blocks of one
line, series coming back) stores nothing ahead.  The -v log line says which was which:
"N series applied, N stored ahead, in N passes"."""
import glob
import json
import os
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import rmtest  # noqa: E402

UR = "unemployment-rate"
REGIONS = ["groningen", "drenthe", "assen", "nl"]
YEARS = [str(y) for y in range(2012, 2024)]


def value(region, year):
    return REGIONS.index(region) * 10 + int(year) / 8 + 0.1


def scattered():
    """Period-major: every series of the first three regions is spread
    over the whole spool; "nl" comes in one block in the middle; a period
    of Groningen is sent twice, and Drenthe's years come backwards."""
    obs = []
    for i, y in enumerate(YEARS):
        for r in REGIONS[:3]:
            yy = YEARS[-1 - i] if r == "drenthe" else y
            obs.append([UR, r, yy, value(r, yy), yy == YEARS[-1]])
        if i == len(YEARS) // 2:
            obs += [[UR, "nl", z, value("nl", z), False] for z in YEARS]
    # A revision later in the same run: the last one sent wins.
    obs.append([UR, "groningen", "2015", 99.5, True])
    obs.append([UR, "groningen", "2016", None, False])
    return obs


class Spool(unittest.TestCase):
    def tearDown(self):
        self.env.close()

    def run_obs(self, obs, budget, again=False):
        sources = [{"name": "s", "plugin": "t_ok", "config": {"obs": obs}}]
        if again:
            self.env.write_conf({"state_dir": self.env.state,
                                 "plugin_dir": rmtest.TEST_PLUGINS,
                                 "catalog": [rmtest.CATALOG],
                                 "sources": sources})
        else:
            self.env = rmtest.Env(sources, plugin_dir=rmtest.TEST_PLUGINS)
        env = {"REGIOMON_APPLY_BUDGET": str(budget)} if budget else None
        r = self.env.run("-v", "run", env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("s: %d observations, 4 series changed" % len(obs),
                      r.stderr)
        return r.stderr

    def check(self):
        for r in REGIONS:
            path = self.env.rrd(UR, r)
            for y in YEARS:
                want = value(r, y)
                if r == "groningen" and y == "2015":
                    want = 99.5
                if r == "groningen" and y == "2016":
                    want = None
                self.assertEqual(rmtest.rrd_period_value(path, y), want,
                                 "%s %s" % (r, y))
        st = self.env.state_json()["series"]
        self.assertEqual(sorted(st[UR + "/groningen"]["provisional"]),
                         ["2015", YEARS[-1]])
        self.assertEqual(st[UR + "/drenthe"]["provisional"], [YEARS[-1]])
        self.assertEqual(st[UR + "/nl"]["provisional"], [])
        self.assertFalse(os.listdir(os.path.join(self.env.state, "spool")))

    def test_scattered_in_several_passes(self):
        # A spool period by period stores nothing ahead (not even "nl",
        # one block, but after a series came back); each scattered series
        # (12-14 lines) is over the budget of 5: three passes, one each.
        err = self.run_obs(scattered(), 5)
        self.assertIn("s: 4 series applied, 0 stored ahead, in 3 passes",
                      err)
        self.check()

    def test_scattered_in_one_pass(self):
        err = self.run_obs(scattered(), None)
        self.assertIn("s: 4 series applied, 0 stored ahead, in 1 passes",
                      err)
        self.check()

    def test_consecutive_series_stream(self):
        obs = [[UR, r, y, value(r, y), False] for r in REGIONS
               for y in YEARS]
        err = self.run_obs(obs, 1)
        # New files: all stored ahead, the spool is not read again.
        self.assertIn("s: 4 series applied, 4 stored ahead, in 0 passes",
                      err)
        # The files exist now: streamed in one pass, whatever the budget.
        obs = [[UR, r, y, value(r, y) + 1, y == YEARS[-1]]
               for r in REGIONS for y in YEARS]
        err = self.run_obs(obs, 1, again=True)
        self.assertIn("s: 4 series applied, 0 stored ahead, in 1 passes",
                      err)
        for r in REGIONS:
            for y in YEARS:
                self.assertEqual(rmtest.rrd_period_value(
                    self.env.rrd(UR, r), y), value(r, y) + 1)
            self.assertEqual(self.env.state_json()["series"][UR + "/" + r]
                             ["provisional"], [YEARS[-1]])


class EvalFromMemory(unittest.TestCase):
    """A series written to a new file is evaluated from the points in
    memory (alert_evaluate_stored), not read back; the evaluation must be
    the one reading the file gives: leading missing periods, a period
    not sent at all, -0 and a missing last period included."""

    def tearDown(self):
        self.env.close()

    def test_same_as_read_back(self):
        years = [str(y) for y in range(2012, 2025)]
        obs = []
        for i, r in enumerate(REGIONS):
            for y in years:
                v = value(r, y) * (1 + i / 7)
                if y in ("2012", "2013") and r == "drenthe":
                    v = None
                if y == "2017" and r == "assen":
                    continue
                if y in ("2016", "2024") and r == "nl":
                    v = -0.0
                if y == "2024" and r == "groningen":
                    v = None
                obs.append([UR, r, y, v, y == "2024"])
        self.env = rmtest.Env([{"name": "s", "plugin": "t_ok",
                                "config": {"obs": obs}}],
                              plugin_dir=rmtest.TEST_PLUGINS)
        env = {"REGIOMON_NOW": "1767225600"}
        r = self.env.run("run", env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        state = self.env.state_json()
        first = {k: v["eval"] for k, v in state["series"].items()}
        self.assertEqual(len(first), 4)
        # Mark every series fresh: the next cycle reads the files.
        for v in state["series"].values():
            v["fresh"] = True
        with open(os.path.join(self.env.state, "state.json"), "w") as f:
            json.dump(state, f)
        r = self.env.run("run", env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("0 series changed", r.stderr)
        again = {k: v["eval"]
                 for k, v in self.env.state_json()["series"].items()}
        for k in first:
            self.assertNotIn("fresh", self.env.state_json()["series"][k])
            self.assertEqual(first[k], again[k], k)


# Prints every series in one block, then waits for GO to exist and fails.
FAILING = """
import json, os, sys, time
for r in %r:
    for y in %r:
        print(json.dumps({"indicator": %r, "region": r, "period": y,
                          "value": %d * 10 + int(y) / 8 + 0.1}))
sys.stdout.flush()
while not os.path.exists(sys.argv[1]):
    time.sleep(0.05)
sys.exit(1)
"""


class Ahead(unittest.TestCase):
    def setUp(self):
        self.env = None

    def tearDown(self):
        if self.env is not None:
            self.env.close()

    def rrd_names(self):
        d = os.path.join(self.env.state, "rrd", UR)
        return sorted(os.listdir(d)) if os.path.isdir(d) else []

    def test_damaged_leftover_spool_is_set_aside(self):
        # A complete spool of source "d" left by an interrupted run, with
        # a line damaged on disk; d's mark says its data is unchanged.
        self.env = rmtest.Env(
            [{"name": "s", "plugin": "t_ok", "config": {"obs": [
                [UR, "assen", "2020", 6.25, False]]}}],
            plugin_dir=rmtest.TEST_PLUGINS)
        spool = os.path.join(self.env.state, "spool")
        os.makedirs(spool)
        with open(os.path.join(spool, "d.jsonl"), "w") as f:
            f.write('{"indicator": "unemployment-rate", "region": '
                    '"groningen", "period": "2020", "value": 4.4, '
                    '"status": "final"}\nGARBAGE{\n')
        with open(os.path.join(self.env.state, "state.json"), "w") as f:
            json.dump({"version": 1, "series": {}, "sources": {
                "d": {"mark": "stamp-1"}}}, f)
        r = self.env.run("run")
        # Said once, loudly; the run of s itself goes on and stores.
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("d.jsonl:2: ", r.stderr)
        self.assertIn("d: the spool left by an interrupted run is "
                      "damaged; moved to %s/d.jsonl.corrupt" % spool,
                      r.stderr)
        self.assertEqual(os.listdir(spool), ["d.jsonl.corrupt"])
        self.assertEqual(rmtest.rrd_period_value(
            self.env.rrd(UR, "assen"), "2020"), 6.25)
        self.assertFalse(os.path.exists(self.env.rrd(UR, "groningen")))
        # d fetches anew next time; the next run is clean.
        self.assertNotIn("mark", self.env.state_json()["sources"]["d"])
        r = self.env.run("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("damaged", r.stderr)

    def test_damaged_rrd_file_is_set_aside(self):
        # A series file cut short on disk used to fail every later run of
        # its source ("storing failed"), and stop the other series'
        # updates with it, until someone deleted the file.
        def obs(years):
            return [[UR, r, y, value(r, y), False]
                    for r in ("groningen", "drenthe") for y in years]
        self.env = rmtest.Env(
            [{"name": "s", "plugin": "t_ok", "config": {"obs": obs(
                YEARS[:3])}}], plugin_dir=rmtest.TEST_PLUGINS)
        r = self.env.run("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        path = self.env.rrd(UR, "groningen")
        with open(path, "r+b") as f:
            f.truncate(4000)
            f.seek(0)
            damaged = f.read()
        self.env.write_conf({"state_dir": self.env.state,
                             "plugin_dir": rmtest.TEST_PLUGINS,
                             "catalog": [rmtest.CATALOG],
                             "sources": [{"name": "s", "plugin": "t_ok",
                                          "config": {"obs": obs(
                                              YEARS[:4])}}]})
        r = self.env.run("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("%s: damaged: moved to %s.corrupt; the series is "
                      "written afresh from the 4 periods of this run"
                      % (path, path), r.stderr)
        with open(path + ".corrupt", "rb") as f:
            self.assertEqual(f.read(), damaged)
        for reg in ("groningen", "drenthe"):
            for y in YEARS[:4]:
                self.assertEqual(rmtest.rrd_period_value(
                    self.env.rrd(UR, reg), y), value(reg, y), (reg, y))
        self.assertNotIn("last_error", self.env.state_json()["sources"]["s"])
        self.assertFalse(os.listdir(os.path.join(self.env.state, "spool")))

    def test_failed_run_leaves_nothing(self):
        self.env = rmtest.Env([])
        prog = os.path.join(self.env.dir, "fail.py")
        go = os.path.join(self.env.dir, "go")
        with open(prog, "w") as f:
            f.write(FAILING % (REGIONS, YEARS, UR, 0))
        self.env.write_conf({
            "state_dir": self.env.state, "plugin_dir": rmtest.PLUGINS,
            "catalog": [rmtest.CATALOG],
            "sources": [{"name": "f", "plugin": "exec", "config": {
                "command": ["/usr/bin/python3", prog, go]}}]})
        p = subprocess.Popen(
            [rmtest.BIN, "-c", self.env.conf, "-S", self.env.state, "run"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            # The child still runs: three series (all but the last, which
            # may go on) are stored ahead, as temp files only.
            end = time.monotonic() + 30
            while len(self.rrd_names()) < 3:
                self.assertLess(time.monotonic(), end, self.rrd_names())
                time.sleep(0.05)
            names = self.rrd_names()
            self.assertEqual(len(names), 3, names)
            self.assertTrue(all(".tmp" in n for n in names), names)
        finally:
            open(go, "w").close()
            _, err = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 1, err)
        self.assertIn("f: failed", err)
        self.assertEqual(self.rrd_names(), [])
        for r in REGIONS:
            self.assertNotIn(UR + "/" + r,
                             self.env.state_json().get("series", {}))

    def test_failed_write_is_undone(self):
        """A writer thread cannot write one series (66 years do not
        fit the file's 60): its state is undone, apply tries it again
        and fails it, and so the whole run: a run is all or nothing, so
        the others stored ahead are dropped too, with their state, and
        the spool is set aside instead of failing every later run."""
        long_years = [str(y) for y in range(1971, 2037)]
        obs = [[UR, "groningen", y, 5.0, False] for y in long_years]
        obs += [[ind, r, y, value(r, y), False] for ind in (UR, "jobs")
                for r in REGIONS if (ind, r) != (UR, "groningen")
                for y in YEARS]
        self.env = rmtest.Env([{"name": "s", "plugin": "t_ok",
                                "config": {"obs": obs}}],
                              plugin_dir=rmtest.TEST_PLUGINS)
        r = self.env.run("-v", "run")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("series longer than 21915 days", r.stderr)
        self.assertIn("s: 8 series applied, 7 stored ahead", r.stderr)
        self.assertIn("s: storing the run's spool failed and nothing of it "
                      "was stored; moved to", r.stderr)
        series = self.env.state_json().get("series", {})
        for ind in (UR, "jobs"):
            for reg in REGIONS:
                self.assertNotIn(ind + "/" + reg, series)
                self.assertFalse(os.path.exists(self.env.rrd(ind, reg)))
        self.assertEqual(glob.glob(os.path.join(
            self.env.state, "spool", "*.jsonl")), [])


if __name__ == "__main__":
    unittest.main()
