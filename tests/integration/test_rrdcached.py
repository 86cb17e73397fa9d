#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""store.rrdcached: with Debian's rrdcached started by the test on a unix
socket (writes deferred for an hour, so nothing reaches a file unless
regiomon flushes it), a daemon cycle stores through it; a revision that
rebuilds a file while newer values wait in rrdcached's queue loses none of
them; a long append goes in several commands; and `rrdtool fetch` through
rrdcached, `regiomon history` and librrd's own reading return every value
bit for bit.  rrdcached's log must stay free of errors (a lost update
shows only there).

Run from the repository root:

    /usr/bin/python3 tests/integration/test_rrdcached.py
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import rmdaemon  # noqa: E402
import rmtest  # noqa: E402

import rrdtool  # noqa: E402  (python3-rrdtool)

RRDCACHED = shutil.which("rrdcached") or "/usr/bin/rrdcached"
WAIT = 30


def year_obs(region, values):
    """t_ok observations: {period: value} of unemployment-rate."""
    return [["unemployment-rate", region, p, v, False]
            for p, v in sorted(values.items())]


class Cached(unittest.TestCase):
    def setUp(self):
        if not os.access(RRDCACHED, os.X_OK):
            self.fail("rrdcached is not installed (make deps-test)")
        self.env = rmtest.Env([], plugin_dir=rmtest.TEST_PLUGINS)
        self.sock = os.path.join(self.env.dir, "rrdcached.sock")
        self.addr = "unix:" + self.sock
        rrd = os.path.join(self.env.state, "rrd")
        journal = os.path.join(self.env.dir, "journal")
        os.makedirs(rrd)
        os.makedirs(journal)
        self.cached_log = os.path.join(self.env.dir, "rrdcached.log")
        self.logf = open(self.cached_log, "w")
        # -w 3600: nothing is written on its own during the test.
        self.cached = subprocess.Popen(
            [RRDCACHED, "-g", "-l", self.addr, "-b", rrd, "-B",
             "-w", "3600", "-z", "1", "-f", "7200", "-F",
             "-j", journal, "-p", os.path.join(self.env.dir, "pid")],
            stdout=self.logf, stderr=subprocess.STDOUT)
        end = time.monotonic() + WAIT
        while not os.path.exists(self.sock):
            if self.cached.poll() is not None or time.monotonic() > end:
                self.fail("rrdcached did not start: " + self.log())
            time.sleep(0.02)
        self.d = None

    def tearDown(self):
        if self.d:
            self.d.close()
        if self.cached.poll() is None:
            self.cached.terminate()
            try:
                self.cached.wait(WAIT)
            except subprocess.TimeoutExpired:
                self.cached.kill()
                self.cached.wait()
        self.logf.close()
        self.env.close()

    def log(self):
        with open(self.cached_log) as f:
            return f.read()

    def stats(self):
        """rrdcached's STATS counters."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(WAIT)
        s.connect(self.sock)
        f = s.makefile("rw")
        f.write("STATS\n")
        f.flush()
        n = int(f.readline().split()[0])
        st = {}
        for _ in range(n):
            k, v = f.readline().split(":", 1)
            st[k.strip()] = int(v)
        s.close()
        return st

    def configure(self, sources):
        self.env.write_conf({
            "state_dir": self.env.state, "plugin_dir": rmtest.TEST_PLUGINS,
            "catalog": [rmtest.CATALOG], "store": {"rrdcached": self.addr},
            "sources": sources})

    def run_sources(self, obs_lists):
        """`regiomon run` of one t_ok source per list, in order."""
        self.configure([{"name": "s%d" % i, "plugin": "t_ok",
                         "config": {"obs": obs}}
                        for i, obs in enumerate(obs_lists)])
        r = self.env.run("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        return r

    def assert_series(self, indicator, region, want):
        """Every period of want is stored: through rrdcached as rrdtool(1)
        shows it (text, 11 digits: rrdcached's FETCH answers in text),
        and bit for bit in the file once rrdcached has written it."""
        path = self.env.rrd(indicator, region)
        first = rmtest.period_end(min(want))
        last = rmtest.period_end(max(want))
        out = subprocess.run(
            ["rrdtool", "fetch", "--daemon", self.addr, path, "AVERAGE",
             "-s", str(first - 86400), "-e", str(last - 86400)],
            capture_output=True, text=True, check=True).stdout
        rows = dict(l.split(":", 1) for l in out.splitlines() if ":" in l)
        for period, value in want.items():
            self.assertEqual(rows[str(rmtest.period_end(period))].strip(),
                             "%.10e" % value, period)
        subprocess.run(["rrdtool", "flushcached", "--daemon", self.addr,
                        path], check=True)
        for period, value in want.items():
            self.assertEqual(rmtest.rrd_period_value(path, period), value,
                             period)

    def assert_no_daemon_errors(self):
        log = self.log()
        for bad in ("illegal attempt", "failed", "rror"):
            self.assertNotIn(bad, log, log)

    def test_daemon_cycle_stores_through_rrdcached(self):
        first = {"2020": 3.7, "2021": 0.1 + 0.2}
        self.configure([{"name": "s", "plugin": "t_ok", "interval": "1s",
                         "config": {"obs": year_obs("drenthe", first)}}])
        self.d = d = rmdaemon.Daemon(self.env)
        d.wait_log("s: 2 observations, 1 series changed")
        before = self.stats()["UpdatesReceived"]
        # Next cycle, one more year: an append, which goes to rrdcached.
        more = dict(first, **{"2022": 1e-300 * 3})
        self.configure([{"name": "s", "plugin": "t_ok", "interval": "1s",
                         "config": {"obs": year_obs("drenthe", more)}}])
        d.send(signal.SIGHUP)
        d.wait_log("s: 3 observations, 1 series changed")
        self.assertGreater(self.stats()["UpdatesReceived"], before)
        self.assertEqual(d.stop(), 0, d.log())
        self.assert_series("unemployment-rate", "drenthe", more)
        r = self.env.run("history", "unemployment-rate", "drenthe")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"2022\s+3e-300")
        self.assert_no_daemon_errors()

    def test_revision_loses_nothing(self):
        v = {"2018": 6.1, "2019": 5.8}
        self.run_sources([year_obs("groningen", v)])
        # Two runs: the first appends 2020 and 2021, which wait in
        # rrdcached's queue (-w 3600); the second revises 2019 alone,
        # which rebuilds the file.  Unless the queue is flushed into the
        # old file before the rebuild reads it, 2020 and 2021 are lost.
        st = self.stats()
        self.run_sources([year_obs("groningen", {"2020": 5.9,
                                                 "2021": 5.5})])
        self.run_sources([year_obs("groningen", {"2019": 5.75})])
        v.update({"2019": 5.75, "2020": 5.9, "2021": 5.5})
        after = self.stats()
        self.assert_series("unemployment-rate", "groningen", v)
        self.assertGreater(after["UpdatesReceived"], st["UpdatesReceived"])
        self.assertGreater(after["FlushesReceived"], st["FlushesReceived"])
        # And an append to the rebuilt file, which rrdcached must not
        # check against the file it knew before.
        v["2022"] = 4.8
        self.run_sources([year_obs("groningen", {"2022": 4.8})])
        self.assert_series("unemployment-rate", "groningen", v)
        r = self.env.run("history", "unemployment-rate", "groningen")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"2019\s+5\.75\n2020\s+5\.9\n2021\s+5\.5"
                         r"\n2022\s+4\.8")
        self.assert_no_daemon_errors()

    def test_long_append_in_chunks(self):
        # 120 months appended at once: about 360 update arguments, far
        # more than one 4096-byte rrdcached command holds.
        months = {"%d-%02d" % (2010 + i // 12, i % 12 + 1):
                  1000 + i / 7.0 for i in range(120)}
        first = dict(list(sorted(months.items()))[:1])
        obs = [["ww-benefits", "groningen", p, val, False]
               for p, val in sorted(first.items())]
        self.run_sources([obs])
        before = self.stats()["UpdatesReceived"]
        obs = [["ww-benefits", "groningen", p, val, False]
               for p, val in sorted(months.items())]
        self.run_sources([obs])
        got = self.stats()["UpdatesReceived"] - before
        self.assertGreater(got, 1, "one command would have been too long")
        self.assert_series("ww-benefits", "groningen", months)
        self.assert_no_daemon_errors()

    def test_unreachable_rrdcached_fails_clearly(self):
        self.run_sources([year_obs("assen", {"2020": 7.0})])
        self.cached.terminate()
        self.cached.wait(WAIT)
        self.configure([{"name": "s", "plugin": "t_ok", "config": {
            "obs": year_obs("assen", {"2020": 7.0, "2021": 6.5})}}])
        r = self.env.run("run")
        self.assertEqual(r.returncode, 1)
        self.assertIn("rrdcached " + self.addr, r.stderr)
        self.assertIn("Unable to connect", r.stderr)
        # Nothing stored; the spool is set aside, not left to fail every
        # later run, and the source's next run fetches everything anew.
        self.assertEqual(os.listdir(os.path.join(self.env.state, "spool")),
                         ["s.jsonl.corrupt"])
        self.assertFalse(os.path.exists(self.env.rrd("unemployment-rate",
                                                     "assen") + ".tmp"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
