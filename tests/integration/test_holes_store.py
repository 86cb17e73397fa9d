#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Holes in storing a run, found under attack (issue 20, points 1, 5, 14):

- a value above the store's range (a CSV row with 1e301) fails its run
  with the offending line and stores nothing; the other sources are not
  blocked on the next run (before: the other series were stored, and the
  spool that could never be applied failed every later run);
- a run whose store fails half-way (REGIOMON_STORE_FAIL_AFTER, the fault
  hook that makes every write after the first N fail as on a full disk)
  leaves every series on its old version, byte for byte, appends and
  rebuilds alike, reports the errno's text, sets its spool aside and
  does not block the next run; a spool left by an interrupted run that
  cannot be stored is set aside once, and the other sources store;
- a program emitting lines forever stops at limits.run_observations or
  limits.run_spool with a clear error.

Run from the repository root:

    /usr/bin/python3 tests/integration/test_holes_store.py
"""

import glob
import hashlib
import json
import os
import shutil
import sys
import tempfile
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
import rmtest  # noqa: E402

PY = "/usr/bin/python3"
REGIONS = ["groningen", "drenthe", "assen", "gemeente-groningen",
           "het-hogeland", "midden-groningen", "noordenveld", "tynaarlo"]

# A program for the exec plugin: the table in the JSON file it is given.
TABLE_PROG = """import json, sys
with open(sys.argv[1]) as f:
    for region, period, value in json.load(f):
        print(json.dumps({"indicator": "unemployment-rate",
                          "region": region, "period": period,
                          "value": value}))
"""

# Prints one valid observation forever.
SPEW_PROG = """import sys
line = ('{"indicator": "unemployment-rate", "region": "groningen", '
        '"period": "2020", "value": 4.5}\\n')
while True:
    sys.stdout.write(line * 100)
"""


def files_under(top):
    """{relative path: SHA-256 of its bytes} of every file under top."""
    out = {}
    for d, _, names in os.walk(top):
        for n in names:
            p = os.path.join(d, n)
            with open(p, "rb") as f:
                out[os.path.relpath(p, top)] = hashlib.sha256(
                    f.read()).hexdigest()
    return out


class HolesStore(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="test_holes_store.")
        self.env = None

    def tearDown(self):
        if self.env is not None:
            self.env.close()
        shutil.rmtree(self.tmp)

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def exec_source(self, name, prog, *args):
        return {"name": name, "plugin": "exec",
                "config": {"command": [PY, prog] + list(args)}}

    def spool_files(self):
        d = os.path.join(self.env.state, "spool")
        return sorted(os.listdir(d)) if os.path.isdir(d) else []

    def test_value_out_of_range_stores_nothing(self):
        csv = self.write("table.csv",
                         "indicator;region;period;value;status\n"
                         "unemployment-rate;groningen;2020;4.5;\n"
                         "unemployment-rate;drenthe;2020;3.5;\n"
                         "unemployment-rate;groningen;2021;1e301;\n")
        prog = self.write("table.py", TABLE_PROG)
        other = self.write("other.json", json.dumps(
            [["assen", "2020", 4.1], ["assen", "2021", 4.2]]))
        self.env = rmtest.Env([
            {"name": "csvsrc", "plugin": "csv",
             "config": {"url": "file://" + csv, "decimal": "."}},
            self.exec_source("other", prog, other)])
        r = self.env.run("run", "csvsrc")
        self.assertEqual(r.returncode, 1, r.stderr)
        # The error names the row and the value, and the range.
        self.assertIn("line 4", r.stderr)
        self.assertIn("unemployment-rate/groningen 2021: value 1e+301 is "
                      "out of range", r.stderr)
        self.assertIn("up to 1e+300 in magnitude", r.stderr)
        # Nothing of the run: not the good rows either, and no spool.
        self.assertFalse(os.path.exists(
            self.env.rrd("unemployment-rate", "groningen")), r.stderr)
        self.assertFalse(os.path.exists(
            self.env.rrd("unemployment-rate", "drenthe")), r.stderr)
        self.assertEqual(self.spool_files(), [])
        # The next run of another source is not blocked.
        r = self.env.run("run", "other")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(rmtest.rrd_period_value(
            self.env.rrd("unemployment-rate", "assen"), "2021"), 4.2)

    def test_leftover_spool_that_cannot_be_stored_is_set_aside(self):
        # A complete spool left by an interrupted run of an older
        # regiomon, with a value the store refuses: it used to fail
        # every later run of every source, and every daemon start.
        prog = self.write("table.py", TABLE_PROG)
        other = self.write("other.json", json.dumps([["assen", "2020",
                                                      4.1]]))
        self.env = rmtest.Env([self.exec_source("other", prog, other)])
        spool = os.path.join(self.env.state, "spool")
        os.makedirs(spool)
        with open(os.path.join(spool, "d.jsonl"), "w") as f:
            for period, value in (("2020", 4.4), ("2021", 1e301)):
                f.write(json.dumps({"indicator": "unemployment-rate",
                                    "region": "groningen",
                                    "period": period, "value": value,
                                    "status": "final"}) + "\n")
        with open(os.path.join(self.env.state, "state.json"), "w") as f:
            json.dump({"version": 1, "series": {}, "sources": {
                "d": {"mark": "stamp-1"}}}, f)
        r = self.env.run("run")
        # Said once; the other source stores all the same.
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("d: storing the spool left by an interrupted run "
                      "failed and nothing of it was stored; moved to "
                      "%s/d.jsonl.corrupt" % spool, r.stderr)
        self.assertEqual(self.spool_files(), ["d.jsonl.corrupt"])
        self.assertFalse(os.path.exists(
            self.env.rrd("unemployment-rate", "groningen")))
        self.assertNotIn("mark", self.env.state_json()["sources"]["d"])
        self.assertEqual(rmtest.rrd_period_value(
            self.env.rrd("unemployment-rate", "assen"), "2020"), 4.1)
        r = self.env.run("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("spool", r.stderr)

    def test_exec_line_out_of_range_names_the_line(self):
        # An exec program's line goes through the parent's check.
        prog = self.write("table.py", TABLE_PROG)
        table = self.write("t.json", json.dumps(
            [["groningen", "2020", 4.5], ["groningen", "2021", -1e301]]))
        self.env = rmtest.Env([self.exec_source("x", prog, table)])
        r = self.env.run("run", "x")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("observation refused: unemployment-rate/groningen "
                      "2021: value -1e+301 is out of range", r.stderr)
        self.assertIn("program output line 2: observation refused",
                      r.stderr)
        self.assertFalse(os.path.isdir(os.path.join(self.env.state, "rrd")))

    def test_failed_apply_keeps_every_series_old(self):
        prog = self.write("table.py", TABLE_PROG)
        v1 = [[reg, str(y), 4.0 + i + (y - 2018) / 10.0]
              for i, reg in enumerate(REGIONS) for y in range(2018, 2022)]
        # Version 2: half the series get 2022 appended, the other half
        # also a revised 2021 (a rebuild).  Appends come first, so the
        # fault hits after some of them went into their files.
        v2 = []
        for i, reg in enumerate(REGIONS):
            rows = [list(x) for x in v1 if x[0] == reg]
            if i >= 4:
                rows[-1][2] += 0.05
            rows.append([reg, "2022", 9.0 + i])
            v2 += rows
        table = self.write("t.json", json.dumps(v1))
        self.env = rmtest.Env([self.exec_source("x", prog, table)])
        r = self.env.run("run", "x")
        self.assertEqual(r.returncode, 0, r.stderr)
        rrd = os.path.join(self.env.state, "rrd")
        before = files_under(rrd)
        self.assertEqual(len(before), 8)
        state_before = self.env.state_json()["series"]

        self.write("t.json", json.dumps(v2))
        r = self.env.run("-v", "run", "x",
                         env={"REGIOMON_STORE_FAIL_AFTER": "5"})
        self.assertEqual(r.returncode, 1, r.stderr)
        # The errno's text, not an empty reason.
        self.assertIn("No space left on device", r.stderr)
        self.assertIn("x: storing the run's spool failed and nothing of "
                      "it was stored; moved to %s/spool/x.jsonl.corrupt"
                      % self.env.state, r.stderr)
        # Every series on its old version, byte for byte: the appends
        # were undone, the rebuilds never renamed, no temp file left.
        self.assertEqual(files_under(rrd), before, r.stderr)
        self.assertEqual(self.env.state_json()["series"], state_before)
        # The spool is set aside, not left to fail every later run.
        spool = self.spool_files()
        self.assertEqual([s for s in spool if s.endswith(".jsonl")], [])
        self.assertEqual(len([s for s in spool if ".corrupt" in s]), 1)

        # Space is back: the next run stores version 2.
        r = self.env.run("run", "x")
        self.assertEqual(r.returncode, 0, r.stderr)
        for i, reg in enumerate(REGIONS):
            path = self.env.rrd("unemployment-rate", reg)
            self.assertEqual(rmtest.rrd_period_value(path, "2022"),
                             9.0 + i)
            want = [x for x in v2 if x[0] == reg and x[1] == "2021"][0][2]
            self.assertEqual(rmtest.rrd_period_value(path, "2021"), want)
        self.assertEqual(glob.glob(os.path.join(rrd, "*", "*.tmp")), [])

    def test_commit_cut_short_is_said_and_mended(self):
        """A rename of the commit that fails (a full directory): some
        series are on their new file, some on their old, each whole;
        the run says so, the spool is set aside, and the next run writes
        every series again."""
        prog = self.write("table.py", TABLE_PROG)
        v1 = [[reg, str(y), 4.0 + i + (y - 2018) / 10.0]
              for i, reg in enumerate(REGIONS) for y in range(2018, 2022)]
        # Version 2 revises 2021 everywhere: eight rebuilds, renamed by
        # the commit.
        v2 = [[r, y, v + 0.05 if y == "2021" else v] for r, y, v in v1]
        table = self.write("t.json", json.dumps(v1))
        self.env = rmtest.Env([self.exec_source("x", prog, table)])
        r = self.env.run("run", "x")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.write("t.json", json.dumps(v2))
        r = self.env.run("run", "x",
                         env={"REGIOMON_STORE_FAIL_RENAME": "3"})
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("No space left on device", r.stderr)
        self.assertIn("x: storing the run's spool was cut short after "
                      "part of it was written (see above); moved to "
                      "%s/spool/x.jsonl.corrupt" % self.env.state, r.stderr)
        new = sum(rmtest.rrd_period_value(
            self.env.rrd("unemployment-rate", reg), "2021") ==
            [v for rr, y, v in v2 if rr == reg and y == "2021"][0]
            for reg in REGIONS)
        self.assertEqual(new, 3, "three renames went through")
        rrd = os.path.join(self.env.state, "rrd")
        self.assertEqual(glob.glob(os.path.join(rrd, "*", "*.tmp*")), [])
        # The next run mends it: every series on version 2.
        r = self.env.run("run", "x")
        self.assertEqual(r.returncode, 0, r.stderr)
        for reg in REGIONS:
            want = [v for rr, y, v in v2 if rr == reg and y == "2021"][0]
            self.assertEqual(rmtest.rrd_period_value(
                self.env.rrd("unemployment-rate", reg), "2021"), want)

    def test_endless_output_stops_at_observation_cap(self):
        prog = self.write("spew.py", SPEW_PROG)
        src = dict(self.exec_source("x", prog), timeout="20s")
        self.env = rmtest.Env([src],
                              extra={"limits": {"run_observations": 5000}})
        r = self.env.run("run", "x", timeout=60)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("output line 5001: more than 5000 observations in "
                      "one run (limits.run_observations in %s)"
                      % self.env.conf, r.stderr)
        self.assertEqual(self.spool_files(), [])
        self.assertFalse(os.path.isdir(os.path.join(self.env.state, "rrd")))

    def test_endless_output_stops_at_spool_cap(self):
        prog = self.write("spew.py", SPEW_PROG)
        src = dict(self.exec_source("x", prog), timeout="20s")
        self.env = rmtest.Env([src], extra={"limits": {"run_spool": "64K"}})
        r = self.env.run("run", "x", timeout=60)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("the run's spool would pass 65536 bytes "
                      "(limits.run_spool in %s)" % self.env.conf, r.stderr)
        self.assertEqual(self.spool_files(), [])


if __name__ == "__main__":
    unittest.main()
