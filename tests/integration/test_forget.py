#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""`regiomon forget INDICATOR/REGION ...` and `forget --source NAME`:
series removed on purpose, each its RRD file and its state, and nothing
else (not the other series of the indicator, the region or the source's
neighbours, not a set-aside file); a confirmation on a terminal, refused
without --yes when standard input is not one; the state dir's lock.

Run from the repository root:

    /usr/bin/python3 tests/integration/test_forget.py
"""
import fcntl
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import rmtest  # noqa: E402

UR = "unemployment-rate"


def obs(ind, regions):
    return [[ind, r, str(y), y - 2000 + 0.5, False]
            for r in regions for y in range(2018, 2022)]


class Forget(unittest.TestCase):
    def setUp(self):
        self.env = rmtest.Env(
            [{"name": "a", "plugin": "t_ok",
              "config": {"obs": obs(UR, ["groningen", "drenthe"])}},
             {"name": "b", "plugin": "t_ok",
              "config": {"obs": obs(UR, ["assen"])}}],
            plugin_dir=rmtest.TEST_PLUGINS)
        r = self.env.run("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.all = [UR + "/groningen", UR + "/drenthe", UR + "/assen"]
        # A file set aside earlier is never "the series".
        self.aside = self.env.rrd(UR, "groningen") + ".corrupt"
        with open(self.aside, "w") as f:
            f.write("old")

    def tearDown(self):
        self.env.close()

    def present(self):
        st = self.env.state_json()["series"]
        have = []
        for key in self.all:
            ind, reg = key.split("/")
            f = os.path.exists(self.env.rrd(ind, reg))
            self.assertEqual(f, key in st, key)
            if f:
                have.append(key)
        return have

    def test_forget_named_series_only(self):
        r = self.env.run("forget", UR + "/groningen", "--yes")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("forgot series %s/groningen" % UR, r.stderr)
        self.assertEqual(self.present(), [UR + "/drenthe", UR + "/assen"])
        self.assertTrue(os.path.exists(self.aside))
        # Source a's mark is forgotten: its next run stores it anew.
        r = self.env.run("run", "a")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(self.present()), 3)

    def test_forget_source(self):
        r = self.env.run("forget", "--source", "a", "--yes")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.present(), [UR + "/assen"])
        self.assertTrue(os.path.exists(self.aside))
        # The source itself stays in the config and the state.
        self.assertIn("a", self.env.state_json()["sources"])

    def test_unknown_or_malformed_removes_nothing(self):
        r = self.env.run("forget", UR + "/groningen", UR + "/nl", "--yes")
        self.assertEqual(r.returncode, 1)
        self.assertIn("nothing is stored for %s/nl" % UR, r.stderr)
        r = self.env.run("forget", "groningen", "--yes")
        self.assertEqual(r.returncode, 2)
        self.assertIn("expected INDICATOR/REGION", r.stderr)
        r = self.env.run("forget", "--source", "nosuch", "--yes")
        self.assertEqual(r.returncode, 2)
        self.assertIn("no source \"nosuch\"", r.stderr)
        self.assertEqual(len(self.present()), 3)

    def test_not_a_terminal_needs_yes(self):
        r = self.env.run("forget", UR + "/groningen")
        self.assertEqual(r.returncode, 1)
        self.assertIn("add --yes", r.stderr)
        self.assertEqual(len(self.present()), 3)

    def ask(self, answer):
        """forget drenthe with a terminal on stdin answering answer."""
        master, slave = os.openpty()
        try:
            p = subprocess.Popen(
                [rmtest.BIN, "-c", self.env.conf, "-P",
                 self.env.plugin_dir, "-S", self.env.state, "forget",
                 UR + "/drenthe", UR + "/assen"], stdin=slave,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            os.write(master, answer.encode() + b"\n")
            out, err = p.communicate(timeout=30)
        finally:
            os.close(master)
            os.close(slave)
        return p.returncode, err

    def test_terminal_confirmation(self):
        rc, err = self.ask("n")
        self.assertEqual(rc, 1, err)
        self.assertIn("forget 2 series (%s/drenthe, %s/assen)? [y/N]"
                      % (UR, UR), err)
        self.assertEqual(len(self.present()), 3)
        rc, err = self.ask("y")
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.present(), [UR + "/groningen"])

    def test_takes_the_lock(self):
        lock = os.path.join(self.env.state, "lock")
        with open(lock, "w") as f:
            f.write("regiomon daemon (pid %d)\n" % os.getpid())
            f.flush()
            fcntl.flock(f, fcntl.LOCK_EX)
            r = self.env.run("forget", UR + "/groningen", "--yes")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("is in use by regiomon daemon", r.stderr)
        self.assertEqual(len(self.present()), 3)


if __name__ == "__main__":
    unittest.main()
