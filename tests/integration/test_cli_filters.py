#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""The command line's filters and its forms for scripts, on a small
catalog of two indicators in three regions fed exact figures by the t_ok
test plugin: `status --state` (the table and the document), `status
--exit-status` as a Nagios plugin (2 critical, 1 warning, 0 otherwise, 3
when it cannot judge; silenced and filtered-out series do not count),
`history INDICATOR/REGION` and `--json`, `silence list --json`, `plugins
--json`, "did you mean" for an unknown command, indicator, region and
state, and the exit codes `check-config --help` states against those it
gives.

Run from the repository root:

    /usr/bin/python3 tests/integration/test_cli_filters.py
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import rmtest  # noqa: E402

UR = "unemployment-rate"
LP = "labour-participation"

CATALOG = {
    "version": 1,
    "regions": [
        {"id": "groningen", "name": "Provincie Groningen",
         "kind": "province", "codes": {"cbs": "PV20"}},
        {"id": "drenthe", "name": "Provincie Drenthe", "kind": "province",
         "codes": {"cbs": "PV22"}},
        {"id": "assen", "name": "Assen", "kind": "gemeente",
         "parent": "drenthe", "codes": {"cbs": "GM0106"}}],
    "challenges": [
        {"number": 5, "id": "robuuste-arbeidsmarkt",
         "title": "Robuuste arbeidsmarkt",
         "question": "Hoe houden we de arbeidsmarkt robuust?"}],
    "indicators": [
        {"id": UR, "challenge": 5, "title": "Werkloosheid", "unit": "%",
         "frequency": "year", "direction": "lower-is-better",
         "grace": "36500d", "baselines": [],
         "thresholds": {"kind": "absolute", "warning": 0.5,
                        "critical": 1.0}},
        {"id": LP, "challenge": 5, "title": "Arbeidsparticipatie",
         "unit": "%", "frequency": "year", "direction": "higher-is-better",
         "grace": "36500d", "baselines": [],
         "thresholds": {"kind": "absolute", "warning": 0.5,
                        "critical": 1.0}}]}

# 2020 is each series' baseline.  UR: groningen critical (+1.1), drenthe
# warning (+0.6), assen ok (+0.1, provisional).  LP: groningen improved
# (+0.7), drenthe critical (-1.2) but silenced.
OBS = [[UR, "groningen", "2020", 4.4, False],
       [UR, "groningen", "2021", 5.5, False],
       [UR, "drenthe", "2020", 3.5, False],
       [UR, "drenthe", "2021", 4.1, False],
       [UR, "assen", "2020", 4.0, False],
       [UR, "assen", "2021", 4.1, True],
       [LP, "groningen", "2020", 64.0, False],
       [LP, "groningen", "2021", 64.7, False],
       [LP, "drenthe", "2020", 65, False],
       [LP, "drenthe", "2021", 63.8, False]]

HEAD = ("Uitdaging 5: Robuuste arbeidsmarkt\n"
        "  indicator             region     baseline    latest       "
        "shift             state\n")
ROWS = {
    (UR, "groningen"): "  unemployment-rate     groningen  4,4 (2020)  "
                       "5,5 (2021)   +1,1 pp (+25%)    critical\n",
    (UR, "drenthe"): "  unemployment-rate     drenthe    3,5 (2020)  "
                     "4,1 (2021)   +0,6 pp (+17,1%)  warning\n",
    (LP, "groningen"): "  labour-participation  groningen  64 (2020)   "
                       "64,7 (2021)  +0,7 pp (+1,1%)   improved\n",
}

STATUS_TRY = "try `regiomon status --help` for more\n"
STATUS_USAGE = ("usage: regiomon status [--challenge N] [--region ID] "
                "[--state LIST] [--json]\n"
                "                       [--exit-status]\n" + STATUS_TRY)
HISTORY_USAGE = ("usage: regiomon history INDICATOR/REGION [--json]\n"
                 "       regiomon history INDICATOR REGION [--json]\n"
                 "try `regiomon history --help` for more\n")
GLOBAL_USAGE = ("usage: regiomon [-v] [-c FILE] [-P PLUGINDIR] "
                "[-S STATEDIR] COMMAND [ARGS]\n"
                "try `regiomon --help` for the commands\n")


class Cli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for p in (rmtest.BIN, os.path.join(rmtest.TEST_PLUGINS,
                                           "t_ok.so")):
            if not os.path.exists(p):
                raise AssertionError("%s not built (make all tests)" % p)
        cls.env = rmtest.Env([], plugin_dir=rmtest.TEST_PLUGINS)
        cat = os.path.join(cls.env.dir, "catalog.json")
        with open(cat, "w", encoding="utf-8") as f:
            json.dump(CATALOG, f)
        cls.env.write_conf({
            "state_dir": cls.env.state, "plugin_dir": rmtest.TEST_PLUGINS,
            "catalog": [cat],
            "sources": [{"name": "feed", "plugin": "t_ok",
                         "config": {"obs": OBS}}]})
        for args in (["run"], ["silence", "add", LP + "/drenthe",
                               "--until", "2099-12-31", "--comment",
                               "methodebreuk"]):
            r = cls.env.run(*args)
            if r.returncode != 0:
                cls.env.close()
                raise AssertionError(r.stderr)

    @classmethod
    def tearDownClass(cls):
        cls.env.close()

    def run_rm(self, *args, rc=0):
        r = self.env.run(*args)
        self.assertEqual(r.returncode, rc, (args, r.stdout, r.stderr))
        return r

    def json_of(self, *args, rc=0):
        return json.loads(self.run_rm(*args, rc=rc).stdout)

    # status --state

    def test_state_filter_text(self):
        r = self.run_rm("status", "--state", "warning,improved")
        # Only those rows, the columns as wide as they need, and the
        # summary counting what is shown.
        self.assertEqual(r.stdout, HEAD + ROWS[(UR, "drenthe")] +
                         ROWS[(LP, "groningen")] +
                         "  2 series: 1 improved, 1 warning; "
                         "worst: warning\n")
        self.assertEqual(r.stderr, "")
        r = self.run_rm("status", "--state=stale")
        self.assertEqual(r.stdout, "Uitdaging 5: Robuuste arbeidsmarkt\n"
                         "  no series\n")

    def test_state_filter_json(self):
        doc = self.json_of("status", "--json", "--state", "critical")
        ch = doc["challenges"][0]
        self.assertEqual([(s["indicator"], s["region"], s["state"],
                           s["silenced"]) for s in ch["series"]],
                         [(UR, "groningen", "critical", False),
                          (LP, "drenthe", "critical", True)])
        self.assertEqual(ch["total"], 2)
        self.assertEqual(ch["worst"], "critical")
        self.assertEqual({k: v for k, v in ch["summary"].items() if v},
                         {"critical": 2})
        # Combined with --region, both narrow.
        doc = self.json_of("status", "--json", "--region", "drenthe",
                           "--state", "ok,critical")
        self.assertEqual([(s["indicator"], s["region"])
                          for s in doc["challenges"][0]["series"]],
                         [(LP, "drenthe")])

    def test_state_unknown(self):
        # The names the evaluation defines, as the document counts them.
        states = list(self.json_of("status", "--json")
                      ["challenges"][0]["summary"])
        self.assertLessEqual({"ok", "improved", "warning", "critical",
                              "stale", "nodata"}, set(states))
        r = self.run_rm("status", "--state", "warning,critcal", rc=2)
        self.assertEqual(r.stdout, "")
        self.assertEqual(r.stderr, 'regiomon: status: unknown state '
                         '"critcal"; did you mean "critical"? (expected '
                         'one of: %s)\n' % ", ".join(states) + STATUS_USAGE)
        r = self.run_rm("status", "--state", "bogus", rc=2)
        self.assertEqual(r.stderr, 'regiomon: status: unknown state '
                         '"bogus" (expected one of: %s)\n'
                         % ", ".join(states) + STATUS_USAGE)
        for bad in ("critical,", "", ",ok", "ok,,warning"):
            r = self.run_rm("status", "--state", bad, rc=2)
            self.assertEqual(r.stderr, 'regiomon: status: --state: '
                             'expected states separated by commas, got '
                             '"%s"\n' % bad + STATUS_USAGE)
        r = self.run_rm("status", "--state", rc=2)
        self.assertEqual(r.stderr, "regiomon: status: --state needs a "
                         "value\n" + STATUS_USAGE)

    def test_region_did_you_mean(self):
        r = self.run_rm("status", "--region", "drente", rc=2)
        self.assertEqual(r.stderr, 'regiomon: status: unknown region '
                         '"drente"; did you mean "drenthe"?\n' + STATUS_USAGE)

    # status --exit-status

    def test_exit_status(self):
        for args, rc in [
                # UR/groningen is critical.
                ([], 2),
                (["--region", "groningen"], 2),
                # drenthe: UR warning; LP critical but silenced.
                (["--region", "drenthe"], 1),
                (["--region", "drenthe", "--state", "critical"], 0),
                (["--region", "assen"], 0),
                # Filtered out: not counted.
                (["--state", "warning,ok"], 1),
                (["--state", "ok,improved"], 0),
                (["--state", "stale"], 0),
                (["--json", "--state", "critical,warning"], 2),
        ]:
            r = self.env.run("status", "--exit-status", *args)
            self.assertEqual(r.returncode, rc, (args, r.stderr))
            self.assertEqual(r.stderr, "", args)
            # The same output as without the option, only the exit differs.
            plain = self.run_rm("status", *args)
            self.assertEqual(r.stdout, plain.stdout, args)

    def test_exit_status_unknown(self):
        r = self.run_rm("status", "--exit-status", "--bogus", rc=3)
        self.assertEqual(r.stdout, "")
        self.assertEqual(r.stderr, 'regiomon: status: unknown argument '
                         '"--bogus"\n' + STATUS_TRY)
        r = self.run_rm("status", "--state", "critcal", "--exit-status",
                        rc=3)
        self.assertTrue(r.stderr.startswith('regiomon: status: unknown '
                                            'state "critcal"; did you mean '
                                            '"critical"?'), r.stderr)
        self.assertTrue(r.stderr.endswith(")\n" + STATUS_TRY), r.stderr)
        # A bad config is 78 without the option, 3 with it.
        for rc, extra in ((78, []), (3, ["--exit-status"])):
            r = subprocess.run(
                [rmtest.BIN, "-c", "/nonexistent/regiomon.json", "status"]
                + extra, capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, rc, r.stderr)
            self.assertIn("/nonexistent/regiomon.json: cannot read",
                          r.stderr)
        r = self.run_rm("status", "--exit-status", "-c", rc=3)
        self.assertTrue(r.stderr.startswith("regiomon: -c needs a value\n"),
                        r.stderr)

    def test_exit_status_state_unreadable(self):
        d = tempfile.mkdtemp(prefix="test_cli_filters.")
        try:
            # A state dir that is not there: no run yet, or a typo.
            gone = os.path.join(d, "nosuch")
            r = self.run_rm("-S", gone, "status", "--exit-status", rc=3)
            self.assertEqual(r.stdout, "")
            self.assertEqual(r.stderr, "regiomon: %s does not exist: "
                             "nothing is stored there yet\n" % gone)
            self.run_rm("-S", gone, "status")
            # A state.json that is not JSON: read as empty without the
            # option, UNKNOWN with it.
            with open(os.path.join(d, "state.json"), "w") as f:
                f.write("{")
            r = self.run_rm("-S", d, "status", "--exit-status", rc=3)
            self.assertEqual(r.stdout, "")
            self.assertEqual(r.stderr.splitlines()[-1],
                             "regiomon: status: the state could not be "
                             "read; nothing judged")
            r = self.run_rm("-S", d, "status")
            self.assertEqual(r.stdout, "Uitdaging 5: Robuuste "
                             "arbeidsmarkt\n  no series\n")
            with open(os.path.join(d, "state.json")) as f:
                self.assertEqual(f.read(), "{")
        finally:
            shutil.rmtree(d)

    # history

    def test_history_forms(self):
        want = ("# Werkloosheid (%), groningen\n"
                "2020                  4.4\n"
                "2021                  5.5\n")
        for args in ([UR + "/groningen"], [UR, "groningen"]):
            r = self.run_rm("history", *args)
            self.assertEqual(r.stdout, want, args)
            self.assertEqual(r.stderr, "")
        r = self.run_rm("history", UR + "/assen")
        self.assertEqual(r.stdout, "# Werkloosheid (%), assen\n"
                         "2020                    4\n"
                         "2021                  4.1  provisional\n")

    def test_history_json(self):
        for args in ([UR + "/assen", "--json"], ["--json", UR, "assen"]):
            r = self.run_rm("history", *args)
            self.assertEqual(json.loads(r.stdout), {
                "indicator": UR, "region": "assen", "title": "Werkloosheid",
                "unit": "%", "points": [
                    {"period": "2020", "value": 4.0, "provisional": False},
                    {"period": "2021", "value": 4.1, "provisional": True}]})
            self.assertEqual(list(json.loads(r.stdout)),
                             ["indicator", "region", "title", "unit",
                              "points"])
        # Exact values: what was fed in, bit for bit.
        doc = self.json_of("history", LP + "/drenthe", "--json")
        self.assertEqual([p["value"] for p in doc["points"]], [65, 63.8])

    def test_history_errors(self):
        for args, msg in [
                ([UR + "/drente"],
                 'unknown region "drente"; did you mean "drenthe"?'),
                (["unemploymentrate/assen"],
                 'unknown indicator "unemploymentrate"; did you mean '
                 '"unemployment-rate"?'),
                (["unemploymentrate", "assen"],
                 'unknown indicator "unemploymentrate"; did you mean '
                 '"unemployment-rate"?'),
                ([UR, "asen"], 'unknown region "asen"; did you mean '
                 '"assen"?'),
                (["nosuch/assen"], 'unknown indicator "nosuch" (`regiomon '
                 'status` lists them)'),
                ([UR], 'expected INDICATOR/REGION or INDICATOR REGION, got '
                 '"%s"' % UR),
                ([UR + "/assen/x"], 'expected INDICATOR/REGION or '
                 'INDICATOR REGION, got "%s/assen/x"' % UR),
                ([UR + "/"], 'expected INDICATOR/REGION or INDICATOR '
                 'REGION, got "%s/"' % UR),
                ([UR + "/assen", "drenthe"], 'expected INDICATOR/REGION or '
                 'INDICATOR REGION, got "%s/assen drenthe"' % UR),
                ([UR, "assen", "--xml"], 'unexpected argument "--xml"'),
                (["--json"], "INDICATOR/REGION is required"),
        ]:
            r = self.run_rm("history", *args, rc=2)
            self.assertEqual(r.stdout, "", args)
            self.assertEqual(r.stderr, "regiomon: history: %s\n" % msg +
                             HISTORY_USAGE, args)

    def test_graph_did_you_mean(self):
        out = os.path.join(self.env.dir, "g.png")
        for ind, reg, msg in [
                ("unemploymentrate", "assen", 'unknown indicator '
                 '"unemploymentrate"; did you mean "unemployment-rate"?'),
                (UR, "asen", 'unknown region "asen"; did you mean '
                 '"assen"?')]:
            r = self.run_rm("graph", ind, reg, "-o", out, rc=2)
            self.assertEqual(r.stderr.splitlines()[0],
                             "regiomon: graph: " + msg)
        self.assertFalse(os.path.exists(out))

    # silence

    def test_silence_add_did_you_mean(self):
        for target, msg in [
                ("unemploymentrate/groningen", 'unknown indicator '
                 '"unemploymentrate"; did you mean "unemployment-rate"?'),
                (UR + "/groningn", 'unknown region "groningn"; did you mean '
                 '"groningen"?'),
                ("/groningen", 'expected INDICATOR or INDICATOR/REGION, '
                 'got "/groningen"')]:
            r = self.run_rm("silence", "add", target, "--until",
                            "2099-01-01", "--comment", "x", rc=2)
            self.assertEqual(r.stderr.splitlines()[0],
                             "regiomon: silence add: " + msg)

    def test_silence_list_json(self):
        doc = self.json_of("silence", "list", "--json")
        self.assertEqual(list(doc), ["silences"])
        (s,) = doc["silences"]
        self.assertRegex(s.pop("created"), r"^\d{4}-\d\d-\d\dT\d\d:\d\d:"
                         r"\d\dZ$")
        self.assertEqual(s, {"id": 1, "indicator": LP, "region": "drenthe",
                             "until": "2099-12-31", "state": "active",
                             "comment": "methodebreuk"})
        # Every region is null, and an empty list is an empty array.
        d = tempfile.mkdtemp(prefix="test_cli_filters.")
        try:
            self.assertEqual(self.json_of("-S", d, "silence", "list",
                                          "--json"), {"silences": []})
            self.run_rm("-S", d, "silence", "add", UR, "--until",
                        "2099-01-31", "--comment", "herziening")
            (s,) = self.json_of("-S", d, "silence", "list",
                                "--json")["silences"]
            self.assertIsNone(s["region"])
            self.assertEqual(s["indicator"], UR)
        finally:
            shutil.rmtree(d)
        r = self.run_rm("silence", "list", "--xml", rc=2)
        self.assertTrue(r.stderr.startswith('regiomon: silence list: '
                                            'unexpected argument "--xml"\n'))

    # plugins

    def test_plugins_json(self):
        d = tempfile.mkdtemp(prefix="test_cli_filters.")
        try:
            for name in ("t_ok", "t_wrongabi"):
                shutil.copy(os.path.join(rmtest.TEST_PLUGINS, name + ".so"),
                            d)
            text = self.run_rm("-P", d, "plugins", rc=1).stdout
            r = self.run_rm("-P", d, "plugins", "--json", rc=1)
            doc = json.loads(r.stdout)
            abi = re.search(r"host ABI (\d+\.\d+)", text).group(1)
            self.assertEqual(list(doc), ["plugin_dir", "abi", "plugins"])
            self.assertEqual(doc["plugin_dir"], d)
            self.assertEqual(doc["abi"], abi)
            ok, wrong = doc["plugins"]
            self.assertEqual(ok["name"], "t_ok")
            self.assertIs(ok["loaded"], True)
            self.assertEqual(sorted(ok), ["abi", "description", "loaded",
                                          "name"])
            self.assertIn("  t_ok           ABI %s  %s\n"
                          % (ok["abi"], ok["description"]), text)
            self.assertEqual(wrong["name"], "t_wrongabi")
            self.assertIs(wrong["loaded"], False)
            self.assertEqual(sorted(wrong), ["error", "loaded", "name"])
            self.assertIn("  t_wrongabi     REFUSED: %s\n" % wrong["error"],
                          text)
            # Every plugin loads: exit 0.
            os.remove(os.path.join(d, "t_wrongabi.so"))
            doc = self.json_of("-P", d, "plugins", "--json")
            self.assertEqual([p["name"] for p in doc["plugins"]], ["t_ok"])
        finally:
            shutil.rmtree(d)
        r = self.run_rm("plugins", "--xml", rc=2)
        self.assertTrue(r.stderr.startswith('regiomon: plugins: unexpected '
                                            'argument "--xml"\n'))


class NoConfig(unittest.TestCase):
    """What is answered before or without a config."""

    def regiomon(self, *args):
        return subprocess.run([rmtest.BIN] + list(args), capture_output=True,
                              text=True, timeout=60)

    def test_unknown_command_did_you_mean(self):
        for cmd, hint in [("stauts", "status"), ("histroy", "history"),
                          ("silense", "silence"), ("check-conifg",
                                                   "check-config")]:
            r = self.regiomon("-c", "/nonexistent/regiomon.json", cmd)
            self.assertEqual(r.returncode, 2)
            self.assertEqual(r.stdout, "")
            self.assertEqual(r.stderr, 'regiomon: unknown command "%s"; '
                             'did you mean "%s"?\n' % (cmd, hint) +
                             GLOBAL_USAGE)
        r = self.regiomon("frobnicate")
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr, 'regiomon: unknown command "frobnicate"\n'
                         + GLOBAL_USAGE)

    def test_check_config_exit_codes(self):
        r = self.regiomon("check-config", "--help")
        self.assertEqual(r.returncode, 0)
        section = r.stdout.split("\nexit status:\n", 1)[1]
        stated = re.findall(r"(?m)^  (\d+) ", section)
        # 1 only with --online, which is fetch --check (test_workbench_more).
        self.assertEqual(stated, ["0", "1", "2", "78"])
        self.assertIn("  1   --online: ", section)
        # Each one as stated, and nothing else.
        d = tempfile.mkdtemp(prefix="test_cli_filters.")
        try:
            good = os.path.join(d, "good.json")
            with open(good, "w") as f:
                json.dump({"state_dir": d, "plugin_dir": rmtest.PLUGINS,
                           "catalog": [rmtest.CATALOG], "sources": []}, f)
            bad = os.path.join(d, "bad.json")
            with open(bad, "w") as f:
                f.write("{")
            for args, rc, out in [
                    (["-c", good], 0, "configuration OK\n"),
                    (["-c", bad], 78, ""),
                    (["-c", os.path.join(d, "missing.json")], 78, ""),
                    (["-c", good, "x"], 2, "")]:
                r = self.regiomon(*args[:2], "check-config", *args[2:])
                self.assertEqual(r.returncode, rc, (args, r.stderr))
                self.assertEqual(r.stdout, out, args)
        finally:
            shutil.rmtree(d)


if __name__ == "__main__":
    unittest.main(verbosity=2)
