#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Issue 20, point 18: one failing host must not hold back the other
sources' alerts.  `regiomon daemon` with one source whose server answers
503 (its run stays in flight, retrying) and two csv sources on local
files: when both files change at once, their changes are evaluated and
mailed in one digest within daemon.batch_window (2 s here) while the
failing source is still retrying, and STATUS= reports that cycle.  Also
the check of daemon.batch_window.

Run from the repository root:

    /usr/bin/python3 tests/integration/test_holes_cycle.py

REGIOMON_BUILD names the build directory (default ./build).
"""
import email
import email.policy
import json
import os
import re
import shutil
import socket
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import httpd  # noqa: E402
import rmdaemon  # noqa: E402
import rmtest  # noqa: E402

WINDOW = 2              # seconds, daemon.batch_window
HEADER = "indicator;region;period;value\n"
UR = "unemployment-rate"  # lower is better, 0.5 / 1 pt


def csv_src(name, url):
    return {"name": name, "plugin": "csv", "interval": "1s",
            "timeout": "60s", "config": {"url": url}}


def write_csv(path, rows):
    """Write rows atomically (a run never reads half a file)."""
    with open(path + ".tmp", "w") as f:
        f.write(HEADER + "".join("%s;%s;%s;%s\n" % r for r in rows))
    os.rename(path + ".tmp", path)


class HeldCycle(unittest.TestCase):
    def setUp(self):
        self.data = tempfile.mkdtemp(prefix="test_holes_cycle.data.")
        # The failing host: 503 with Retry-After: 1 on every request,
        # and 100 retries, so its run stays in flight well past the test.
        self.srv = httpd.start(self.data, routes=[
            {"match": "/down.csv", "status": 503,
             "headers": {"Retry-After": "1"}}])
        self.north = os.path.join(self.data, "north.csv")
        self.east = os.path.join(self.data, "east.csv")
        write_csv(self.north, [(UR, "groningen", "2020", "4,4")])
        write_csv(self.east, [(UR, "drenthe", "2020", "3,0")])
        self.env = rmtest.Env([
            csv_src("down", self.srv.url("down.csv")),
            csv_src("north", "file://" + self.north),
            csv_src("east", "file://" + self.east),
        ], extra={"http": {"retries": 100},
                  "daemon": {"batch_window": "%ds" % WINDOW}})
        # Every grace far away: no staleness mail gets in the way.
        with open(rmtest.CATALOG, encoding="utf-8") as f:
            cat = json.load(f)
        for ind in cat["indicators"]:
            ind["grace"] = "36500d"
        catalog = os.path.join(self.env.dir, "catalog.json")
        with open(catalog, "w", encoding="utf-8") as f:
            json.dump(cat, f)
        with open(self.env.conf) as f:
            cfg = json.load(f)
        cfg["catalog"] = [catalog]
        self.env.write_conf(cfg)
        self.sockpath = os.path.join(self.env.dir, "notify")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.sockpath)
        self.sock.setblocking(False)
        self.statuses = []
        self.seen = set()
        self.d = None

    def tearDown(self):
        if self.d:
            self.d.close()
        self.sock.close()
        self.srv.stop()
        self.env.close()
        shutil.rmtree(self.data, ignore_errors=True)

    def new_mails(self):
        """Messages delivered to STATE/mail/new since the last call."""
        d = os.path.join(self.env.state, "mail", "new")
        out = []
        for n in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            if n in self.seen:
                continue
            self.seen.add(n)
            with open(os.path.join(d, n), "rb") as f:
                out.append(email.message_from_binary_file(
                    f, policy=email.policy.default))
        return out

    def read_status(self):
        """Collect the STATUS= texts sent so far."""
        while True:
            try:
                data = self.sock.recv(4096).decode()
            except BlockingIOError:
                return self.statuses
            for line in data.split("\n"):
                if line.startswith("STATUS="):
                    self.statuses.append(line[7:])

    def down_requests(self):
        return sum(1 for l in self.srv.requests() if " /down.csv " in l)

    def still_retrying(self):
        """The failing source's first run has not ended."""
        self.assertNotIn("down: failing", self.d.log(),
                         "the 503ing source's run ended early; the test "
                         "needs it in flight")

    def test_change_mailed_while_other_host_retries(self):
        self.d = d = rmdaemon.Daemon(self.env, extra_env={
            "NOTIFY_SOCKET": self.sockpath})
        d.wait_log("north: 1 observations, 1 series changed")
        d.wait_log("east: 1 observations, 1 series changed")
        d.wait(lambda: self.down_requests() >= 2,
               "a retry of down.csv (the failing host)")
        # The first values end a cycle within the window although the
        # failing source's run is still in flight.
        d.wait_log("last cycle: ", timeout=WINDOW + 10)
        self.still_retrying()
        d.wait(lambda: any("still running" in s
                           for s in self.read_status()),
               "STATUS= of a cycle ended with a run in flight",
               timeout=WINDOW + 10)
        self.new_mails()
        before = len(self.read_status())
        # Both sources change at once: one digest with both, in time.
        start = time.monotonic()
        write_csv(self.north, [(UR, "groningen", "2020", "4,4"),
                               (UR, "groningen", "2021", "5,5")])
        write_csv(self.east, [(UR, "drenthe", "2020", "3,0"),
                              (UR, "drenthe", "2021", "4,2")])
        got = []
        d.wait(lambda: got.extend(self.new_mails()) or got,
               "an alert mail about the changes (STATE/mail/new) while "
               "down.csv is retrying", timeout=WINDOW + 10)
        took = time.monotonic() - start
        self.still_retrying()
        # Runs every second, a window of WINDOW s: the mail leaves after
        # at most about 1 + WINDOW s; allow for a loaded machine.
        self.assertLess(took, WINDOW + 8, "mailed after %.1f s" % took)
        # The burst is one digest: wait a window more for a second one.
        time.sleep(WINDOW + 1)
        got.extend(self.new_mails())
        self.assertEqual(len(got), 1, [m["Subject"] for m in got])
        body = got[0].get_body(("plain",)).get_content()
        self.assertIn("Provincie Groningen", body)
        self.assertIn("Provincie Drenthe", body)
        self.assertIn("-> kritiek", body)
        # STATUS= stays current: a cycle that stored the changes.
        changed = [s for s in self.read_status()[before:]
                   if re.search(r"[1-9][0-9]* series changed", s)]
        self.assertTrue(changed, self.statuses)
        self.assertIn("still running", changed[-1])
        self.assertIn("sources, 0 failing", changed[-1])
        self.still_retrying()
        self.assertEqual(d.stop(), 0, d.log())


class BatchWindowConfig(unittest.TestCase):
    def check(self, value):
        env = rmtest.Env([], extra={"daemon": {"batch_window": value}})
        try:
            return env.run("check-config", timeout=60)
        finally:
            env.close()

    def test_good(self):
        for v in ("1s", "2s", "1m", "1d"):
            r = self.check(v)
            self.assertEqual(r.returncode, 0, (v, r.stderr))

    def test_bad(self):
        for v in ("0s", "2d", "soon", 60):
            r = self.check(v)
            self.assertEqual(r.returncode, 78, (v, r.stderr))
            self.assertIn('daemon.batch_window: expected a duration from '
                          '"1s" to "1d"', r.stderr)


if __name__ == "__main__":
    unittest.main()
