# SPDX-License-Identifier: ISC
"""The plugin host: a plugin that segfaults, aborts, hangs, hogs memory,
prints garbage, emits an unknown indicator, is built for another ABI major
or lacks the entry symbol: each gives a clear error, the other sources of
the same run still store their data, and nothing of a failed source is
stored."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import rmtest  # noqa: E402

GOOD = [["unemployment-rate", "drenthe", "2020", 3.7, False],
        ["unemployment-rate", "drenthe", "2021", 3.9, False],
        ["unemployment-rate", "drenthe", "2022", 0.1 + 0.2, True]]


def src(name, plugin, timeout="60s", config=None):
    return {"name": name, "plugin": plugin, "timeout": timeout,
            "config": config or {}}


class PluginHost(unittest.TestCase):
    def setUp(self):
        sources = [
            src("crash", "t_segv"),
            src("aborts", "t_abort"),
            src("hangs", "t_hang", timeout="2s"),
            src("garbage", "t_garbage"),
            src("badobs", "t_badobs"),
            src("wrongabi", "t_wrongabi"),
            src("nosym", "t_nosym"),
            src("loadcrash", "t_loadsegv"),
            src("loadexit", "t_loadexit"),
            src("exits", "t_exit"),
            src("deaf", "t_termignore", timeout="2s"),
            src("good", "t_ok", config={"obs": GOOD}),
        ]
        if not rmtest.SANITIZED:
            # Without ASan the child's address space is limited.
            sources.insert(0, src("hog", "t_memhog", timeout="60s"))
        self.env = rmtest.Env(sources, plugin_dir=rmtest.TEST_PLUGINS,
                              extra={"limits": {"child_memory": "256M"}})

    def tearDown(self):
        self.env.close()

    def test_faults_are_isolated(self):
        # Within a bound: a plugin that ignores SIGTERM must not hang it.
        r = self.env.run("run", timeout=60)
        err = r.stderr
        self.assertEqual(r.returncode, 1, err)
        expect = {
            "crash": "killed by signal 11",
            "aborts": "killed by signal 6",
            "hangs": "timed out after 2s",
            "garbage": "not JSON",
            "badobs": 'unknown indicator "no-such-indicator"',
            "wrongabi": "built for plugin ABI 99.",
            "nosym": "no rm_plugin_init symbol",
            # Loaded in a probe's child first: its crash is a refusal.
            "loadcrash": "crashed while loading: killed by signal 11 "
                         "(Segmentation fault)",
            "exits": "called exit() before its collect() returned",
            # exit() while loading stops the probe's child, not us.
            "loadexit": "called exit() while loading",
            # SIGTERM ignored: SIGKILL half a second later.
            "deaf": "timed out after 2s",
        }
        if not rmtest.SANITIZED:
            expect["hog"] = "failed"
        else:
            # UBSan stops the NULL load itself and exits with status 1.
            expect["crash"] = "plugin failed"
            expect["loadcrash"] = "exit status 1 while loading"
        for name, text in expect.items():
            lines = [l for l in err.splitlines() if (name + ":") in l]
            self.assertTrue(any(text in l for l in lines),
                            "%s: no %r in:\n%s" % (name, text, err))
        # Every fault plugin emitted unemployment-rate/groningen 2021 = 99
        # before failing: none of it may be stored.
        self.assertFalse(os.path.exists(
            self.env.rrd("unemployment-rate", "groningen")))
        # The good source stored every value exactly.
        path = self.env.rrd("unemployment-rate", "drenthe")
        self.assertTrue(rmtest.rrdtool_info_ok(path))
        for ind, reg, per, val, prov in GOOD:
            self.assertEqual(rmtest.rrd_period_value(path, per), val, per)
        st = self.env.state_json()
        self.assertEqual(
            st["series"]["unemployment-rate/drenthe"]["provisional"],
            ["2022"])
        for name in expect:
            self.assertIn("last_error", st["sources"][name], name)
        self.assertNotIn("last_error", st["sources"]["good"])
        # No spool is left behind.
        self.assertEqual(os.listdir(os.path.join(self.env.state, "spool")),
                         [])

    def test_fetch_prints_and_stores_nothing(self):
        r = self.env.run("fetch", "good")
        self.assertEqual(r.returncode, 0, r.stderr)
        got = rmtest.fetch_lines(r.stdout)
        self.assertEqual(len(got), 3)
        self.assertEqual(got[2], {"indicator": "unemployment-rate",
                                  "region": "drenthe", "period": "2022",
                                  "value": 0.1 + 0.2,
                                  "status": "provisional"})
        self.assertFalse(os.path.exists(os.path.join(self.env.state, "rrd")))
        r = self.env.run("fetch", "crash")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout, "")
        # What a plugin prints to stdout goes to the log, never into the
        # observations; exit() in collect() fails the run.
        r = self.env.run("fetch", "exits")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertIn('"value": 98', r.stderr)
        self.assertIn("exits: failed: the plugin called exit()", r.stderr)

    def test_plugins_lists_refusals(self):
        r = self.env.run("plugins")
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stdout, r"t_ok\s+ABI 1\.4")
        self.assertRegex(r.stdout, r"t_wrongabi\s+REFUSED: .*ABI 99")
        self.assertRegex(r.stdout, r"t_nosym\s+REFUSED")
        # A plugin that crashes while loading is listed, refused, and
        # the ones after it still are.
        self.assertRegex(r.stdout, r"t_loadsegv\s+REFUSED: .* while "
                         r"loading")
        self.assertRegex(r.stdout, r"t_segv\s+ABI 1\.4")

    def test_config_check_crash_or_hang_is_a_config_error(self):
        # init() checks the config in a probe's child: a crash or a hang
        # there is reported as that source's config error (exit 78,
        # nothing run), by run and by check-config alike.
        for fault, why in (("segv", "crashed while checking its config: "
                                    "killed by signal 11 (Segmentation "
                                    "fault)"),
                           ("hang", "hung while checking its config: "
                                    "killed after 1s")):
            env = rmtest.Env([src("good", "t_ok", config={"obs": GOOD}),
                              src("bad", "t_initfault",
                                  config={"fault": fault})],
                             plugin_dir=rmtest.TEST_PLUGINS)
            self.addCleanup(env.close)
            for cmd in ("run", "check-config"):
                r = env.run(cmd, env={"REGIOMON_PROBE_TIMEOUT": "1"})
                self.assertEqual(r.returncode, 78, r.stderr)
                if fault == "hang" or not rmtest.SANITIZED:
                    self.assertIn("sources[1]: plugin t_initfault " + why,
                                  r.stderr)
                else:
                    self.assertIn("sources[1]: plugin t_initfault ",
                                  r.stderr)
            self.assertFalse(os.path.exists(env.rrd("unemployment-rate",
                                                    "drenthe")))
        # Without a fault the same plugin's config passes.
        env = rmtest.Env([src("ok", "t_initfault")],
                         plugin_dir=rmtest.TEST_PLUGINS)
        self.addCleanup(env.close)
        r = env.run("check-config")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_non_finite_values_and_control_characters(self):
        for inf, why in ((False, "is NaN"), (True, "is infinite")):
            env = rmtest.Env([src("bad", "t_badvalue",
                                  config={"inf": inf})],
                             plugin_dir=rmtest.TEST_PLUGINS)
            self.addCleanup(env.close)
            r = env.run("run")
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertIn("bad: observation refused: unemployment-rate/"
                          "groningen 2021: value %s; set missing for a "
                          "period without a value" % why, r.stderr)
            self.assertFalse(os.path.exists(env.rrd("unemployment-rate",
                                                    "groningen")))
            # A log message stays one line, escapes shown, not obeyed.
            self.assertIn("bad: forged\\nregiomon: other: \\x1b[31mred",
                          r.stderr)
            self.assertNotIn("\x1b", r.stderr)
            self.assertFalse([l for l in r.stderr.splitlines()
                              if l.startswith("regiomon: other")])

    def test_a_series_is_fed_by_one_source(self):
        # b emits a series a stored first: b's whole run fails, naming
        # the owner, and a's value stays.  Once a is gone from the
        # config, b takes the series over.
        a = src("a", "t_ok", config={"obs": [
            ["unemployment-rate", "assen", "2020", 6.25, False]]})
        b = src("b", "t_ok", config={"obs": [
            ["unemployment-rate", "tynaarlo", "2020", 2.5, False],
            ["unemployment-rate", "assen", "2020", 99, False]]})
        env = rmtest.Env([a, b], plugin_dir=rmtest.TEST_PLUGINS)
        self.addCleanup(env.close)
        r = env.run("run")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn('b: failed: output line 2: unemployment-rate/assen '
                      'belongs to source "a", which stored it; a series '
                      'is fed by one source (disable or remove "a" to '
                      'hand it over)', r.stderr)
        path = env.rrd("unemployment-rate", "assen")
        self.assertEqual(rmtest.rrd_period_value(path, "2020"), 6.25)
        self.assertFalse(os.path.exists(env.rrd("unemployment-rate",
                                                "tynaarlo")))
        # A disabled owner hands its series over, as a removed one does.
        with open(env.conf) as f:
            cfg = json.load(f)
        cfg["sources"][0]["enabled"] = False
        env.write_conf(cfg)
        r = env.run("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(rmtest.rrd_period_value(path, "2020"), 99)
        self.assertEqual(env.state_json()["series"][
            "unemployment-rate/assen"]["source"], "b")

    def test_plugin_built_for_abi_1_0_still_runs(self):
        # t_abi10 keeps a copy of the 1.0 host table, which the 1.1
        # table extends at its end only: it loads, checks its config
        # and runs as before.
        env = rmtest.Env([src("old", "t_abi10", config={"obs": GOOD})],
                         plugin_dir=rmtest.TEST_PLUGINS)
        self.addCleanup(env.close)
        r = env.run("plugins")
        self.assertRegex(r.stdout, r"t_abi10\s+ABI 1\.0\s+test plugin")
        r = env.run("check-config")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = env.run("fetch", "old")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("ABI 1.0 plugin on host", r.stderr)
        got = rmtest.fetch_lines(r.stdout)
        self.assertEqual([(o["period"], o["value"]) for o in got],
                         [(per, val) for ind, reg, per, val, prov in GOOD])
        r = env.run("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        path = env.rrd("unemployment-rate", "drenthe")
        for ind, reg, per, val, prov in GOOD:
            self.assertEqual(rmtest.rrd_period_value(path, per), val, per)
        env = rmtest.Env([src("old", "t_abi10", config={"ob": []})],
                         plugin_dir=rmtest.TEST_PLUGINS)
        self.addCleanup(env.close)
        r = env.run("check-config")
        self.assertEqual(r.returncode, 78, r.stderr)
        self.assertIn("sources[0].config.ob: unknown key", r.stderr)

    def test_group_writable_plugin_refused(self):
        import shutil
        import tempfile
        d = tempfile.mkdtemp()
        try:
            shutil.copy(os.path.join(rmtest.TEST_PLUGINS, "t_ok.so"), d)
            os.chmod(os.path.join(d, "t_ok.so"), 0o775)
            env = rmtest.Env([src("good", "t_ok", config={"obs": GOOD})],
                             plugin_dir=d)
            r = env.run("run")
            env.close()
            self.assertEqual(r.returncode, 1)
            self.assertIn("writable by group or others", r.stderr)
        finally:
            shutil.rmtree(d)

    def test_not_a_shared_object_refused_as_such(self):
        # A script or an empty file named like a plugin: refused as no
        # plugin at all, not with dlopen()'s "file too short".
        import shutil
        import tempfile
        d = tempfile.mkdtemp()
        try:
            shutil.copy(os.path.join(rmtest.TEST_PLUGINS, "t_ok.so"), d)
            with open(os.path.join(d, "t_script.so"), "w") as f:
                f.write("#!/bin/sh\necho hello\n")
            open(os.path.join(d, "t_empty.so"), "w").close()
            env = rmtest.Env([src("script", "t_script"),
                              src("good", "t_ok", config={"obs": GOOD})],
                             plugin_dir=d)
            r = env.run("plugins")
            self.assertEqual(r.returncode, 1)
            for name in ("t_script", "t_empty"):
                self.assertRegex(r.stdout, name + r"\s+REFUSED: .*%s\.so: "
                                 r"not a shared object \(no ELF header\); a "
                                 r"plugin is C built with cc -shared"
                                 % name)
            self.assertNotIn("too short", r.stdout)
            self.assertRegex(r.stdout, r"t_ok\s+ABI 1\.4")
            r = env.run("run")
            env.close()
            self.assertEqual(r.returncode, 1)
            self.assertIn("t_script.so: not a shared object", r.stderr)
            self.assertIn("good: 3 observations", r.stderr)
        finally:
            shutil.rmtree(d)


if __name__ == "__main__":
    unittest.main(verbosity=2)
