#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""The exec plugin end to end: the real binary runs tests/data/exec/prog.py
(no shell, a clean environment) and stores what it prints bit for bit;
faults: the program exits 1, prints an invalid line, never exits (its
whole process group is killed at the plugin's timeout), or outlives the
source's timeout (it dies with the plugin's process); stderr goes to the
log; config errors with JSON paths; the shipped demo program.

Run from the repository root:

    /usr/bin/python3 tests/integration/test_exec.py
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
import rmtest  # noqa: E402

PROG = os.path.join(TOP, "tests", "data", "exec", "prog.py")
PY = "/usr/bin/python3"
GOOD = [("groningen", "2019", 4.8, "final"),
        ("groningen", "2020", 0.1 + 0.2, "final"),
        ("groningen", "2021", 1e-300, "final"),
        ("groningen", "2022", None, "final"),
        ("groningen", "2023", 123456789.123456789, "provisional"),
        ("drenthe", "2020", 3.7, "final"),
        ("drenthe", "2021", -0.0, "final"),
        ("drenthe", "2022", 3.0, "final")]


def alive(pid):
    """True if pid is a running process (a zombie counts as dead)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_for(path, timeout=20):
    """Wait until the program has written path (a sync point, not a
    timing assertion)."""
    end = time.monotonic() + timeout
    while not os.path.exists(path):
        if time.monotonic() > end:
            raise AssertionError("%s never appeared" % path)
        time.sleep(0.05)


class Exec(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="test_exec.")
        self.env = None

    def tearDown(self):
        if self.env is not None:
            self.env.close()
        shutil.rmtree(self.tmp)

    def source(self, *args, src_timeout=None, **config):
        cfg = {"command": [PY, PROG] + list(args)}
        cfg.update(config)
        src = {"name": "x", "plugin": "exec", "config": cfg}
        if src_timeout:
            src["timeout"] = src_timeout
        return src

    def run_one(self, *sources, cmd="run"):
        self.env = rmtest.Env(list(sources))
        return self.env.run(cmd, env={"SECRET_TOKEN": "must-not-leak"})

    def assert_failed(self, r, *texts):
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        for t in texts:
            self.assertIn(t, r.stderr)

    def assert_nothing_stored(self):
        self.assertFalse(os.path.isdir(os.path.join(self.env.state, "rrd")))

    def test_values_exact(self):
        r = self.run_one(self.source("good"))
        self.assertEqual(r.returncode, 0, r.stderr)
        for region, period, value, _ in GOOD:
            got = rmtest.rrd_period_value(
                self.env.rrd("unemployment-rate", region), period)
            if value is None:
                self.assertIsNone(got)
            else:
                self.assertEqual(got, value, (region, period))
        r = self.env.run("fetch", "x")
        self.assertEqual(r.returncode, 0, r.stderr)
        got = [(o["region"], o["period"], o["value"], o["status"])
               for o in rmtest.fetch_lines(r.stdout)]
        self.assertEqual(got, GOOD)

    def test_clean_environment(self):
        r = self.run_one(self.source("env", env={"WSJG_TOKEN_FILE": "/k"}))
        self.assertEqual(r.returncode, 0, r.stderr)
        (line,) = [l for l in r.stderr.splitlines() if "program stderr: {"
                   in l]
        env = json.loads(line.split("program stderr: ", 1)[1])
        self.assertEqual(env, {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
                               "WSJG_TOKEN_FILE": "/k"})

    def test_exit_1_stores_nothing(self):
        r = self.run_one(self.source("exit1"))
        self.assert_failed(r, "x: program stderr: the upstream table was "
                           "empty", "program %s exited with status 1" % PY)
        self.assert_nothing_stored()

    def test_invalid_lines(self):
        cases = {
            "notjson": "program output line 3: not JSON",
            "key": 'program output line 3: unknown key "unit"',
            "period": 'program output line 3: "period": expected 2020, '
                      '2020-Q3 or 2020-07',
            "value": 'program output line 3: "value": expected a number or '
                     'null',
            "status": 'program output line 3: "status": expected "final" '
                      'or "provisional"',
            "indicator": 'unknown indicator "no-such-indicator"',
            "nan": "program output line 3: not JSON (invalid token near "
                   "'NaN'); NaN and Infinity are not JSON: write null for "
                   "a period without a value",
        }
        for kind, text in cases.items():
            with self.subTest(kind=kind):
                r = self.run_one(self.source("badline", "3", kind))
                self.assert_failed(r, text)
                self.assert_nothing_stored()
                self.env.close()
                self.env = None

    def test_never_exits_group_killed(self):
        pids = os.path.join(self.tmp, "pids")
        r = self.run_one(self.source("hang", pids, src_timeout="60s",
                                     timeout="2s"))
        self.assert_failed(r, "program %s did not finish within 2s; killed "
                           "it and its process group" % PY)
        self.assert_nothing_stored()
        wait_for(pids)
        with open(pids) as f:
            prog, grandchild = map(int, f.read().split())
        self.assertFalse(alive(prog))
        self.assertFalse(alive(grandchild))

    def test_source_timeout_kills_program(self):
        """The daemon kills the plugin's process at the source's timeout;
        the program must not outlive it."""
        pidfile = os.path.join(self.tmp, "pid")
        r = self.run_one(self.source("sleep", pidfile, src_timeout="2s",
                                     timeout="1m"))
        self.assert_failed(r, "timed out")
        wait_for(pidfile)
        with open(pidfile) as f:
            pid = int(f.read())
        end = time.monotonic() + 10
        while alive(pid) and time.monotonic() < end:
            time.sleep(0.05)
        self.assertFalse(alive(pid))

    def test_source_timeout_kills_the_programs_group(self):
        """What the program started goes too: the daemon stops the
        plugin's process with SIGTERM first, and it kills everything
        below it (daemon/run/sweep.c)."""
        pids = os.path.join(self.tmp, "pids")
        r = self.run_one(self.source("hang", pids, src_timeout="2s",
                                     timeout="1m"))
        self.assert_failed(r, "timed out after 2s")
        self.assert_nothing_stored()
        wait_for(pids)
        with open(pids) as f:
            prog, grandchild = map(int, f.read().split())
        end = time.monotonic() + 10
        while (alive(prog) or alive(grandchild)) and \
                time.monotonic() < end:
            time.sleep(0.05)
        self.assertFalse(alive(prog))
        self.assertFalse(alive(grandchild))

    def test_stderr_flood_is_capped(self):
        r = self.run_one(self.source("spew"))
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = [l for l in r.stderr.splitlines() if "progress" in l]
        self.assertEqual(len(lines), 200)
        self.assertIn("more than 200 lines; the rest is not logged",
                      r.stderr)

    def test_missing_program(self):
        r = self.run_one({"name": "x", "plugin": "exec",
                          "config": {"command": ["no-such-program-x"]}})
        self.assert_failed(r, 'command[0]: "no-such-program-x" not found in '
                           'PATH /usr/bin:/bin')

    def test_check_config_paths(self):
        r = self.run_one(
            {"name": "a", "plugin": "exec", "config": {
                "command": ["/nonexistent/prog", 3],
                "env": {"BAD-NAME": "x", "OK": 1},
                "timout": "5s", "timeout": "soon"}},
            {"name": "b", "plugin": "exec", "config": {"command": []}},
            cmd="check-config")
        self.assertEqual(r.returncode, 78, r.stderr)
        for want in (
                "sources[0].config.timout: unknown key; did you mean "
                "\"timeout\"?",
                "sources[0].config.command[1]: expected a string",
                "sources[0].config.env.BAD-NAME: expected a variable name",
                "sources[0].config.env.OK: expected a string value",
                "sources[0].config.timeout: expected a duration like "
                "\"90s\"",
                "sources[1].config.command: expected a non-empty list"):
            self.assertIn(want, r.stderr)
        r = self.run_one(self.source("good", command=["/nonexistent/prog"]),
                         cmd="check-config")
        self.assertIn("sources[0].config.command[0]: /nonexistent/prog: No "
                      "such file or directory", r.stderr)

    def test_demo_program(self):
        """The shipped example program, as make demo runs it: from the
        top of the source tree."""
        state = os.path.join(self.tmp, "state")
        r = subprocess.run(
            [rmtest.BIN, "-c", os.path.join("share", "demo", "regiomon.json"), "-P",
             rmtest.PLUGINS, "-S", state, "fetch", "demo-exec"],
            capture_output=True, text=True, timeout=60, cwd=TOP)
        self.assertEqual(r.returncode, 0, r.stderr)
        got = {(o["region"], o["period"]): (o["value"], o["status"])
               for o in rmtest.fetch_lines(r.stdout)}
        self.assertEqual(len(got), 35)
        self.assertEqual(got[("assen", "2020")], (2150, "final"))
        self.assertEqual(got[("assen", "2024")][1], "provisional")
        self.assertIn("gemeente GM0080 is not in the region, skipped",
                      r.stderr)


if __name__ == "__main__":
    unittest.main()
