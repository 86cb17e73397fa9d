#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""`regiomon daemon` in the background with one-second intervals: a source
whose server answers 500 backs off while another keeps its pace, and
catches up when the server recovers; crashing, hanging, memory-hogging
and garbage-printing plugins leave the daemon and the healthy source
alone; SIGHUP with a good config adds a source, with a broken one keeps
the old config; SIGTERM during a run exits 0 with every RRD file intact;
a second SIGTERM ends it at once, losing nothing; an idle daemon sleeps.

Run from the repository root:

    /usr/bin/python3 tests/integration/test_daemon.py

REGIOMON_BUILD names the build directory (default ./build).
"""
import glob
import json
import os
import re
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


GOOD = [["unemployment-rate", "drenthe", "2020", 3.7, False],
        ["unemployment-rate", "drenthe", "2021", 0.1 + 0.2, True]]


def src(name, plugin, interval="1s", timeout="60s", config=None):
    return {"name": name, "plugin": plugin, "interval": interval,
            "timeout": timeout, "config": config or {}}


def requests_for(srv, path):
    return sum(1 for line in srv.requests() if (" /%s " % path) in line)


class Backoff(unittest.TestCase):
    """A 500ing source backs off; the other keeps its pace."""

    def setUp(self):
        self.data = tempfile.mkdtemp(prefix="test_daemon.data.")
        with open(os.path.join(self.data, "good.csv"), "w") as f:
            f.write("indicator;region;period;value\n"
                    "unemployment-rate;groningen;2020;5,9\n")
        with open(os.path.join(self.data, "bad.csv"), "w") as f:
            f.write("indicator;region;period;value\n"
                    "unemployment-rate;drenthe;2020;3,7\n")
        self.srv = httpd.start(self.data, routes=[
            {"match": "/bad.csv", "status": 500}])
        self.env = rmtest.Env([
            src("good", "csv", config={"url": self.srv.url("good.csv")}),
            src("bad", "csv", config={"url": self.srv.url("bad.csv")}),
        ], extra={"http": {"retries": 0}})
        self.d = None

    def tearDown(self):
        if self.d:
            self.d.close()
        self.srv.stop()
        self.env.close()
        shutil.rmtree(self.data, ignore_errors=True)

    def test_backoff_and_recovery(self):
        self.d = d = rmdaemon.Daemon(self.env, verbose=False)
        # Six runs of the good source take about five seconds; the bad
        # one, retried after 1, 2 and 4 s, gets three requests meanwhile.
        d.wait(lambda: requests_for(self.srv, "good.csv") >= 6,
               "6 requests of good.csv")
        bad = requests_for(self.srv, "bad.csv")
        self.assertGreaterEqual(bad, 2, "the failing source is retried")
        self.assertLessEqual(bad, 4, "the failing source backs off: %d "
                             "requests while the good one made 6" % bad)
        log = d.log()
        # One line for the failure, with the reason, and the plugin's
        # own message once, not once per retry.
        failing = [l for l in log.splitlines() if "bad: failing: " in l]
        self.assertEqual(len(failing), 1, log)
        self.assertIn("HTTP 500", failing[0])
        self.assertEqual(log.count("bad.csv: HTTP 500"), 2, log)
        self.assertEqual(log.count("bad:"), 2, log)
        self.assertFalse(os.path.exists(self.env.rrd("unemployment-rate",
                                                     "drenthe")))
        self.assertEqual(rmtest.rrd_period_value(
            self.env.rrd("unemployment-rate", "groningen"), "2020"), 5.9)
        # The server recovers: so does the source, logged once, and it
        # is back at its pace.
        self.srv.set_routes([])
        d.wait_log("bad: recovered after ")
        self.assertEqual(rmtest.rrd_period_value(
            self.env.rrd("unemployment-rate", "drenthe"), "2020"), 3.7)
        after = requests_for(self.srv, "bad.csv")
        good = requests_for(self.srv, "good.csv")
        d.wait(lambda: requests_for(self.srv, "bad.csv") >= after + 4,
               "4 more requests of bad.csv")
        self.assertLessEqual(requests_for(self.srv, "good.csv"),
                             good + 8, "both sources at the same pace")
        self.assertEqual(d.count("bad: recovered"), 1)
        self.assertEqual(d.stop(), 0, d.log())
        st = self.env.state_json()["sources"]
        self.assertEqual(st["bad"]["failures"], 0)
        self.assertNotIn("last_error", st["bad"])


class Daemon(unittest.TestCase):
    def setUp(self):
        self.env = None
        self.d = None

    def tearDown(self):
        if self.d:
            self.d.close()
        if self.env:
            self.env.close()

    def start(self, sources, extra=None, verbose=True, state=None,
              plugin_dir=rmtest.TEST_PLUGINS):
        self.env = rmtest.Env(sources, plugin_dir=plugin_dir, extra=extra)
        if state is not None:
            os.makedirs(self.env.state)
            with open(os.path.join(self.env.state, "state.json"), "w") as f:
                json.dump(state, f)
        self.d = rmdaemon.Daemon(self.env, verbose=verbose)
        return self.d

    def assert_rrds_intact(self):
        paths = glob.glob(os.path.join(self.env.state, "rrd", "*", "*"))
        for p in paths:
            self.assertTrue(p.endswith(".rrd") or ".tmp" in p, p)
            if p.endswith(".rrd"):
                self.assertTrue(rmtest.rrdtool_info_ok(p), p)
        return [p for p in paths if p.endswith(".rrd")]

    def test_faults_are_isolated(self):
        faults = {
            # UBSan catches the NULL load before the signal would.
            "crash": ("t_segv", "runtime error: load of null pointer"
                      if rmtest.SANITIZED else "killed by signal 11"),
            "aborts": ("t_abort", "killed by signal 6"),
            "hangs": ("t_hang", "timed out after 2s"),
            "garbage": ("t_garbage", "not JSON"),
        }
        if not rmtest.SANITIZED:
            faults["hog"] = ("t_memhog", "failed")
        sources = [src(n, p, timeout="2s" if n == "hangs" else "60s")
                   for n, (p, _) in faults.items()]
        sources.append(src("good", "t_ok", config={"obs": GOOD}))
        d = self.start(sources, extra={
            "limits": {"child_memory": "256M"},
            "daemon": {"max_children": 8}})
        for name in faults:
            d.wait_log("%s: failing: " % name)
        # Every fault source is tried again, and the good one keeps
        # running and storing all the while.
        for name in ("crash", "aborts", "garbage"):
            d.wait_log("%s: attempt 2 failed" % name)
        n = d.count("good: started")
        d.wait_log("good: started", n + 3)
        self.assertTrue(d.running())
        log = d.log()
        for name, (_, why) in faults.items():
            lines = [l for l in log.splitlines()
                     if ("%s: failing: " % name) in l]
            self.assertEqual(len(lines), 1, log)
            self.assertIn(why, lines[0])
        path = self.env.rrd("unemployment-rate", "drenthe")
        for ind, reg, per, val, prov in GOOD:
            self.assertEqual(rmtest.rrd_period_value(path, per), val)
        # Each fault plugin emitted groningen 2021 = 99 before failing.
        self.assertFalse(os.path.exists(
            self.env.rrd("unemployment-rate", "groningen")))
        self.assertEqual(d.stop(), 0, d.log())
        st = self.env.state_json()["sources"]
        for name in faults:
            self.assertGreaterEqual(st[name]["failures"], 1, name)
        self.assertEqual(st["good"]["failures"], 0)

    def test_sighup(self):
        # A plugin dir with t_ok and the csv plugin, which checks its
        # config (copies: the loader wants regular files).
        plugins = tempfile.mkdtemp(prefix="test_daemon.plugins.")
        self.addCleanup(shutil.rmtree, plugins, True)
        for t in ("t_ok", "t_initfault", "t_loadsegv"):
            shutil.copy(os.path.join(rmtest.TEST_PLUGINS, t + ".so"),
                        plugins)
        shutil.copy(os.path.join(rmtest.PLUGINS, "csv.so"), plugins)
        a = src("a", "t_ok", config={"obs": GOOD})
        d = self.start([a], plugin_dir=plugins)
        d.wait(lambda: os.path.exists(
            self.env.rrd("unemployment-rate", "drenthe")), "a's data")
        with open(self.env.conf) as f:
            cfg = json.load(f)
        # A valid new config: source b appears in the next cycle.
        b = src("b", "t_ok", config={"obs": [
            ["unemployment-rate", "assen", "2020", 6.25, False]]})
        cfg["sources"] = [a, b]
        self.env.write_conf(cfg)
        d.send(signal.SIGHUP)
        d.wait_log("reloaded ")
        d.wait(lambda: os.path.exists(
            self.env.rrd("unemployment-rate", "assen")), "b's data")
        self.assertEqual(rmtest.rrd_period_value(
            self.env.rrd("unemployment-rate", "assen"), "2020"), 6.25)
        # A config that is not JSON: refused, a and b keep running.
        with open(self.env.conf, "w") as f:
            f.write('{"sources": [\n  {"name": "a",,}\n]}\n')
        d.send(signal.SIGHUP)
        d.wait_log("still running the previous one")
        self.assertRegex(d.log(), r"regiomon\.json:2:\d+: ")
        na, nb = d.count("a: started"), d.count("b: started")
        d.wait_log("a: started", na + 2)
        d.wait_log("b: started", nb + 2)
        # A plugin that refuses its config, one that is missing, one
        # whose config check crashes and one that crashes while loading:
        # refused, each error with its JSON path, the daemon still up.
        c = src("c", "csv", config={"url": "file:x.csv", "separator": "|"})
        e = src("e", "nosuchplugin")
        f = src("f", "t_initfault", config={"fault": "segv"})
        g = src("g", "t_loadsegv")
        cfg["sources"] = [a, c, e, f, g]
        self.env.write_conf(cfg)
        d.send(signal.SIGHUP)
        d.wait_log("still running the previous one", 2)
        log = d.log()
        self.assertRegex(log, r"regiomon\.json: sources\[1\]\.config\."
                         r"separator: ")
        self.assertRegex(log, r"regiomon\.json: sources\[2\]\.plugin: "
                         r"cannot load plugin \"nosuchplugin\"")
        self.assertRegex(log, r"regiomon\.json: sources\[3\]: plugin "
                         r"t_initfault ")
        self.assertRegex(log, r"regiomon\.json: sources\[4\]\.plugin: "
                         r"cannot load plugin \"t_loadsegv\".* while "
                         r"loading")
        if not rmtest.SANITIZED:
            self.assertIn("t_initfault crashed while checking its config",
                          log)
        self.assertIn("reload: 4 errors", log)
        self.assertTrue(d.running())
        na, nb = d.count("a: started"), d.count("b: started")
        d.wait_log("a: started", na + 2)
        d.wait_log("b: started", nb + 2)
        self.assertNotIn("c: started", d.log())
        self.assertEqual(d.stop(), 0, d.log())

    def test_sigterm_during_run(self):
        d = self.start([src("good", "t_ok", config={"obs": GOOD}),
                        src("hangs", "t_hang", timeout="1h")])
        d.wait_log("hangs: started")
        d.wait(lambda: os.path.exists(
            self.env.rrd("unemployment-rate", "drenthe")), "good's data")
        # Bounded well below the hang's timeout: the child is killed.
        self.assertEqual(d.stop(timeout=30), 0, d.log())
        self.assertIn("hangs: run stopped, nothing stored", d.log())
        self.assertEqual(len(self.assert_rrds_intact()), 1)
        self.assertEqual(os.listdir(os.path.join(self.env.state, "spool")),
                         [])
        self.assertFalse(os.path.exists(
            self.env.rrd("unemployment-rate", "groningen")))
        st = self.env.state_json()
        self.assertIn("good", st["sources"])

    def test_killed_daemon_takes_its_children(self):
        d = self.start([src("hangs", "t_hang", timeout="1h")])
        d.wait_log("hangs: started (pid ")
        child = int(d.log().split("hangs: started (pid ")[1].split(")")[0])
        os.kill(child, 0)
        # Not its process group: the daemon alone dies, and the kernel
        # kills its plugin child for it (PR_SET_PDEATHSIG).
        d.proc.kill()
        d.proc.wait()

        def gone():
            try:
                with open("/proc/%d/stat" % child) as f:
                    return f.read().split()[2] == "Z"
            except FileNotFoundError:
                return True
        d.wait(gone, "the plugin child %d to die" % child, alive=False)

    def test_one_run_at_a_time_per_plugin_host(self):
        # Sources without a url fetch from their plugin's default host
        # (like the shipped live CBS sources): two of one plugin never
        # run at once, while a source of another plugin (another host)
        # runs meanwhile.  Each hang ends at its 2 s timeout.
        d = self.start([src("h1", "t_hang", timeout="2s"),
                        src("h2", "t_hang", timeout="2s"),
                        src("good", "t_ok", config={"obs": GOOD})],
                       extra={"daemon": {"max_children": 4}})
        d.wait_log("h1: started", 2)
        d.wait_log("h2: started", 2)
        ev = re.compile(r"\b(h1|h2|good): (started|failing: "
                        r"|attempt \d+ failed: )")
        running, overlap, good_meanwhile = set(), [], 0
        for line in d.log().splitlines():
            m = ev.search(line)
            if m is None:
                continue
            name, what = m.groups()
            if name == "good":
                good_meanwhile += what == "started" and len(running) > 0
            elif what == "started":
                if running:
                    overlap.append(line)
                running.add(name)
            else:
                running.discard(name)
        self.assertEqual(overlap, [], d.log())
        self.assertGreater(good_meanwhile, 0, d.log())
        self.assertEqual(d.stop(), 0, d.log())

    def test_second_sigterm(self):
        # 150 series of 20 years: storing them takes a while.
        with open(rmtest.CATALOG) as f:
            cat = json.load(f)
        inds = [i["id"] for i in cat["indicators"]
                if i["frequency"] == "year"][:15]
        regs = [r["id"] for r in cat["regions"]][:10]
        obs = [[i, r, str(y), y + k / 7.0, False]
               for k, (i, r) in enumerate((i, r) for i in inds for r in regs)
               for y in range(2001, 2021)]
        big = src("big", "t_ok", interval="2s", config={"obs": obs})
        d = self.start([big])
        d.wait_log("big: storing ", timeout=120)
        d.send(signal.SIGTERM)
        # Signals sent back to back merge into one: wait until the first
        # has been taken.
        d.wait_log("signal again to stop at once")
        d.send(signal.SIGTERM)
        # Killed by the second signal, in the middle of storing.
        self.assertEqual(d.stop(timeout=30), -signal.SIGTERM, d.log())
        self.assertNotIn(" series changed", d.log())
        spool = os.path.join(self.env.state, "spool", "big.jsonl")
        self.assertTrue(os.path.exists(spool), "the spool is kept")
        stored = self.assert_rrds_intact()
        self.assertLess(len(stored), len(inds) * len(regs))
        # The next start applies the spool: nothing is lost, no temp
        # file is left.
        with open(self.env.conf) as f:
            cfg = json.load(f)
        cfg["sources"][0]["enabled"] = False
        self.env.write_conf(cfg)
        r = self.env.run("run", timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("applying the spool of big", r.stderr)
        self.assertFalse(os.path.exists(spool))
        stored = self.assert_rrds_intact()
        self.assertEqual(len(stored), len(inds) * len(regs))
        self.assertEqual(glob.glob(os.path.join(
            self.env.state, "rrd", "*", "*.tmp*")), [])
        for ind, reg, per, val, prov in obs[::37]:
            self.assertEqual(rmtest.rrd_period_value(
                self.env.rrd(ind, reg), per), val)

    def test_idle_daemon_sleeps(self):
        # An hourly source that ran ten seconds ago (state.json says so)
        # is not due for an hour: the daemon must not wake meanwhile.
        now = int(time.time())
        state = {"version": 1, "series": {}, "sources": {"hourly": {
            "last_run": now - 10, "last_success": now - 10,
            "failures": 0}}}
        d = self.start([src("hourly", "t_ok", interval="1h",
                            config={"obs": GOOD})], state=state)
        d.wait_log("running 1 sources")
        time.sleep(0.5)
        before = self.switches(d.pid)
        time.sleep(2)
        after = self.switches(d.pid)
        self.assertLessEqual(after - before, 2, "wakeups of an idle daemon")
        self.assertNotIn("hourly: started", d.log())
        self.assertEqual(d.stop(), 0, d.log())

    @staticmethod
    def switches(pid):
        n = 0
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(("voluntary_ctxt_switches",
                                    "nonvoluntary_ctxt_switches")):
                    n += int(line.split()[1])
        return n


class StateDir(unittest.TestCase):
    """One writer per state dir, and files the daemon's user can read."""

    def test_one_writer_per_state_dir(self):
        env = rmtest.Env([src("a", "t_ok", interval="1h",
                              config={"obs": GOOD})],
                         plugin_dir=rmtest.TEST_PLUGINS)
        self.addCleanup(env.close)
        d = rmdaemon.Daemon(env, verbose=True)
        self.addCleanup(d.close)
        d.wait(lambda: os.path.exists(
            env.rrd("unemployment-rate", "drenthe")), "a's data")
        # Neither a run nor a second daemon may write beside it: each
        # would save its own state.json over the daemon's.
        for cmd in ("run", "daemon"):
            r = env.run(cmd, timeout=60)
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertRegex(r.stderr, r"is in use by regiomon daemon "
                             r"\(pid %d\): it runs the sources" % d.pid)
        # Reading goes on.
        r = env.run("status")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(d.stop(), 0, d.log())
        r = env.run("run")
        self.assertEqual(r.returncode, 0, r.stderr)

    @unittest.skipUnless(os.geteuid() == 0, "needs root to chown")
    def test_another_users_state_dir(self):
        env = rmtest.Env([src("a", "t_ok", config={"obs": GOOD})],
                         plugin_dir=rmtest.TEST_PLUGINS)
        self.addCleanup(env.close)
        r = env.run("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        # The daemon's user owns it: root may read, not write there.
        for root, dirs, files in os.walk(env.state):
            for n in dirs + files + ["."]:
                os.chown(os.path.join(root, n), 65534, 65534)
        for args in (["run"], ["daemon"], ["report"],
                     ["silence", "add", "unemployment-rate/drenthe",
                      "--until", "2099-01-01", "--comment", "x"]):
            r = env.run(*args, timeout=60)
            self.assertEqual(r.returncode, 1, (args, r.stderr))
            self.assertIn("%s belongs to user nobody: run this as that "
                          "user" % env.state, r.stderr)
        for args in (["status"], ["silence", "list"],
                     ["history", "unemployment-rate", "drenthe"]):
            r = env.run(*args)
            self.assertEqual(r.returncode, 0, (args, r.stderr))
        for root, dirs, files in os.walk(env.state):
            for n in dirs + files:
                self.assertEqual(os.stat(os.path.join(root, n)).st_uid,
                                 65534, n)


class DaemonConfig(unittest.TestCase):
    """The "daemon" object: every error with its JSON path, exit 78."""

    def test_bad_daemon_object(self):
        env = rmtest.Env([src("a", "t_ok")], plugin_dir=rmtest.TEST_PLUGINS,
                         extra={"daemon": {"max_children": 0,
                                           "max_child": 2}})
        try:
            for cmd in ("check-config", "daemon"):
                r = env.run(cmd, timeout=60)
                self.assertEqual(r.returncode, 78, r.stderr)
                self.assertIn("daemon.max_children: expected an integer "
                              "from 1 to 64 (plugin processes at once), "
                              "got 0", r.stderr)
                self.assertIn('daemon: unknown key "max_child"; did you '
                              'mean "max_children"?', r.stderr)
            cfg = {"daemon": [4]}
            env.write_conf(dict(cfg, sources=[]))
            r = env.run("check-config")
            self.assertEqual(r.returncode, 78)
            self.assertIn("daemon: expected an object, got array", r.stderr)
        finally:
            env.close()

    def test_config_errors_keep_their_priority_under_journald(self):
        # journalctl -p err must show why the unit did not start.
        env = rmtest.Env([src("a", "t_ok")], plugin_dir=rmtest.TEST_PLUGINS,
                         extra={"bogus": 1})
        try:
            r = env.run("daemon", timeout=60,
                        env={"JOURNAL_STREAM": "1:1"})
            self.assertEqual(r.returncode, 78, r.stderr)
            lines = r.stderr.splitlines()
            self.assertTrue(lines)
            self.assertTrue(all(l.startswith("<3>") for l in lines),
                            r.stderr)
            self.assertIn('unknown key "bogus"', lines[0])
            self.assertIn("1 error in the config or the catalog",
                          lines[-1])
        finally:
            env.close()

    def test_bad_source_config_stops_the_start(self):
        env = rmtest.Env([src("a", "t_ok"), src("b", "nosuchplugin")],
                         plugin_dir=rmtest.TEST_PLUGINS)
        try:
            r = env.run("daemon", timeout=60)
            self.assertEqual(r.returncode, 78, r.stderr)
            self.assertRegex(r.stderr, r"sources\[1\]\.plugin: cannot load "
                             r"plugin \"nosuchplugin\"")
            self.assertIn("not starting", r.stderr)
        finally:
            env.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
