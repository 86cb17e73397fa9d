#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""The command line itself: `regiomon COMMAND --help` for every command
(exit 0, every argument and option explained, the man page agreeing),
usage errors (exit 2 with the command's own usage line, not the global
help), --version, and exit 78 from `run` and `fetch` when a source's
plugin config is bad (every error printed, nothing run), with the real
csv plugin on a file: URL.

Run from the repository root:

    /usr/bin/python3 tests/integration/test_cli.py
"""
import os
import re
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import rmtest  # noqa: E402

CSV_DATA = os.path.join(rmtest.TOP, "tests", "data", "csv")
MAN = os.path.join(rmtest.TOP, "share", "man", "regiomon.8")

# Each command and what its help must explain: its arguments, options and
# (for silence) subcommands.
COMMANDS = {
    "daemon": ["SIGHUP", "SIGTERM"],
    "run": ["SOURCE"],
    "fetch": ["SOURCE"],
    "history": ["INDICATOR", "REGION", "--json"],
    "check-config": [],
    "plugins": ["--json"],
    "status": ["--challenge", "--region", "--state", "--json",
               "--exit-status"],
    "silence": ["add", "INDICATOR[/REGION]", "--until", "--comment",
                "list", "--json", "remove", "ID"],
    "test-mail": [],
    "graph": ["INDICATOR", "REGION", "-o", "--output", "-w", "--width",
              "-h", "--height", "--lang"],
    "report": ["-o", "--output", "--lang"],
}

# The exit statuses a command's help must explain, where they are not the
# usual four: check-config never exits 1, status --exit-status exits 3.
EXIT_CODES = {"check-config": ("0", "2", "78"),
              "status": ("0", "1", "2", "3", "78")}

# What the man page must show for each command (its synopsis there).
MAN_OPTIONS = {
    "run": ["source"], "fetch": ["source"],
    "history": ["indicator", "region"],
    "status": ["--challenge", "--region", "--state", "--json",
               "--exit-status"],
    "silence": ["add", "--until", "--comment", "list", "remove"],
    "plugins": ["--json"],
    "graph": ["-o", "-w", "-h", "--lang"],
    "report": ["-o", "--lang"],
}


def regiomon(*args, env=None):
    """regiomon with args and no config of its own."""
    return subprocess.run([rmtest.BIN] + list(args), capture_output=True,
                          text=True, timeout=60, env=env)


def man_text():
    """regiomon.8 with the roff escapes that matter here undone."""
    with open(MAN, encoding="utf-8") as f:
        t = f.read()
    t = re.sub(r"\\f[BIRP]", "", t).replace("\\-", "-")
    return t


class Help(unittest.TestCase):
    def test_every_command_help(self):
        # No config is needed to read the help.
        for cmd, words in COMMANDS.items():
            r = regiomon("-c", "/nonexistent/regiomon.json", cmd, "--help")
            self.assertEqual(r.returncode, 0, (cmd, r.stderr))
            self.assertEqual(r.stderr, "", cmd)
            out = r.stdout
            self.assertTrue(out.startswith("usage: regiomon %s" % cmd),
                            out)
            # Explained below the usage lines, not only named in them.
            body = out.split("\n\n", 1)[1]
            for w in words:
                self.assertIn(w, body, "%s --help: no %s" % (cmd, w))
            for code in EXIT_CODES.get(cmd, ("0", "1", "2", "78")):
                self.assertRegex(body, r"(?m)^\s+%s\s+\S" % code,
                                 "%s --help: exit %s" % (cmd, code))
            for line in out.splitlines():
                self.assertLessEqual(len(line), 80, line)

    def test_help_anywhere_and_h_alone(self):
        r = regiomon("graph", "unemployment-rate", "--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("--height HEIGHT", r.stdout)
        r = regiomon("status", "-h")
        self.assertEqual(r.returncode, 0)
        self.assertIn("--challenge N", r.stdout)

    def test_global_help_lists_commands(self):
        r = regiomon("--help")
        self.assertEqual(r.returncode, 0)
        for cmd in COMMANDS:
            self.assertRegex(r.stdout, r"(?m)^  %s +\S" % re.escape(cmd))
        self.assertIn("`regiomon COMMAND --help`", r.stdout)

    def test_version(self):
        r = regiomon("--version")
        self.assertEqual(r.returncode, 0)
        with open(os.path.join(rmtest.TOP, "Makefile")) as f:
            version = re.search(r"(?m)^VERSION\s*=\s*(\S+)",
                                f.read()).group(1)
        self.assertRegex(r.stdout, r"^regiomon %s \(plugin ABI \d+\.\d+\)\n$"
                         % re.escape(version))

    def test_man_page_agrees(self):
        man = man_text()
        section = man[man.index(".SH COMMANDS"):man.index(".SH THE DAEMON")]
        for cmd in COMMANDS:
            entry = man_entry(section, cmd)
            for w in MAN_OPTIONS.get(cmd, []):
                self.assertIn(w, entry, "man page, %s: no %s" % (cmd, w))
        self.assertIn("78", man[man.index(".SH EXIT STATUS"):])


def man_entry(section, cmd):
    """The text of cmd's entries in the (unescaped) COMMANDS section: each
    from a tag line naming cmd to the next .TP (silence has three)."""
    found = [e for e in section.split("\n.TP\n")
             if re.match(r'\.(?:B|BR|BI|RB) "?%s(\s|"|$)' % re.escape(cmd),
                         e.split("\n", 1)[0])]
    if not found:
        raise AssertionError("no man page entry for " + cmd)
    return "\n".join(found)


class UsageErrors(unittest.TestCase):
    def setUp(self):
        self.env = rmtest.Env([], plugin_dir=rmtest.TEST_PLUGINS)

    def tearDown(self):
        self.env.close()

    def assertUsage(self, r, cmd, line):
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("usage: regiomon " + line, r.stderr)
        self.assertIn("regiomon %s --help" % cmd, r.stderr)
        # The command's usage, not the global list of commands.
        self.assertNotIn("commands:", r.stderr)
        self.assertNotIn("print the version", r.stderr)
        self.assertEqual(r.stdout, "")

    def test_unknown_command(self):
        r = regiomon("frobnicate")
        self.assertEqual(r.returncode, 2)
        self.assertIn('unknown command "frobnicate"', r.stderr)
        self.assertIn("usage: regiomon [-v] [-c FILE]", r.stderr)
        self.assertNotIn("commands:", r.stderr)
        r = regiomon()
        self.assertEqual(r.returncode, 2)
        self.assertIn("usage: regiomon [-v]", r.stderr)
        r = regiomon("--bogus")
        self.assertEqual(r.returncode, 2)
        self.assertIn("usage: regiomon [-v]", r.stderr)

    def test_missing_arguments_without_config(self):
        # Counted before the config is read: 2, not 78.
        for args, line in [
                (["fetch"], "fetch SOURCE"),
                (["history"], "history INDICATOR/REGION"),
                (["graph"], "graph INDICATOR REGION -o FILE.png|FILE.svg"),
                (["silence"], "silence add INDICATOR[/REGION]"),
                (["daemon", "-f"], "daemon"),
                (["check-config", "x"], "check-config"),
                (["test-mail", "x"], "test-mail")]:
            r = regiomon("-c", "/nonexistent/regiomon.json", *args)
            self.assertUsage(r, args[0], line)
            self.assertIn("arguments", r.stderr)

    def test_bad_arguments(self):
        for args, line, why in [
                (["graph", "unemployment-rate", "groningen", "--lang",
                  "en"], "graph INDICATOR REGION", "-o FILE is required"),
                (["graph", "unemployment-rate", "groningen", "x", "-o",
                  "g.png"], "graph INDICATOR REGION",
                 'unexpected argument "x"'),
                (["graph", "unemployment-rate", "groningen", "--lang", "en",
                  "-o"],
                 "graph INDICATOR REGION", "-o needs a value"),
                (["status", "--bogus"], "status [--challenge N]",
                 'unknown argument "--bogus"'),
                (["status", "--challenge", "9"], "status [--challenge N]",
                 'no challenge "9"'),
                (["report", "--lang"], "report [-o DIR] [--lang nl|en]",
                 "--lang needs a value"),
                (["silence", "remove"], "silence add", "ID is required"),
                (["silence", "list", "x"], "silence add",
                 'unexpected argument "x"'),
                (["run", "nosuch"], "run [SOURCE ...]",
                 'no source "nosuch"'),
                (["fetch", "nosuch"], "fetch SOURCE", 'no source "nosuch"'),
        ]:
            r = self.env.run(*args)
            self.assertUsage(r, args[0], line)
            self.assertIn("regiomon: " + args[0], r.stderr)
            self.assertIn(why, r.stderr, args)
        # silence prints each of its forms.
        r = self.env.run("silence", "frobnicate")
        self.assertRegex(r.stderr, r"(?m)^       regiomon silence list \[--json\]$")
        self.assertRegex(r.stderr, r"(?m)^       regiomon silence remove "
                         r"ID$")


class GlobalOptionsAfterTheCommand(unittest.TestCase):
    """-c, -P, -S and -v work after the command too, and the values of the
    command's own options stay its own."""

    def setUp(self):
        url = "file:" + os.path.join(CSV_DATA, "dutch.csv")
        self.env = rmtest.Env(
            [{"name": "good", "plugin": "csv", "config": {
                "url": url, "region_scheme": "cbs",
                "columns": {"indicator": "indicator"}}}],
            catalog=os.path.join(CSV_DATA, "catalog.json"))

    def tearDown(self):
        self.env.close()

    def after(self, *args):
        return subprocess.run([rmtest.BIN] + list(args), capture_output=True,
                              text=True, timeout=60)

    def test_same_as_before_the_command(self):
        e = self.env
        r = self.after("run", "-c", e.conf, "--plugin-dir=" + e.plugin_dir,
                       "-S", e.state, "-v")
        self.assertEqual(r.returncode, 0, r.stderr)
        # A debug line: -v took.
        self.assertIn("writer thread", r.stderr)
        self.assertTrue(os.path.exists(e.rrd("unemployment-rate",
                                             "groningen")))
        before = self.after("-c", e.conf, "-S", e.state, "status", "--json")
        after = self.after("status", "--json", "--config", e.conf,
                           "--state-dir=" + e.state)
        attached = self.after("status", "--json", "-c" + e.conf,
                              "-S" + e.state)
        self.assertEqual(attached.returncode, 0, attached.stderr)
        self.assertIn('"groningen"', attached.stdout)
        self.assertEqual(before.returncode, 0, before.stderr)
        self.assertEqual(after.returncode, 0, after.stderr)
        # The same document (its "generated" stamp may tick).
        strip = re.compile(r'"generated": "[^"]*"')
        self.assertEqual(strip.sub("", after.stdout),
                         strip.sub("", before.stdout))
        self.assertIn('"groningen"', after.stdout)

    def test_command_values_are_left_alone(self):
        e = self.env
        r = self.after("silence", "add", "unemployment-rate", "--until",
                       "2099-01-01", "--comment", "-v", "-c", e.conf,
                       "-S", e.state)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.after("silence", "list", "-c", e.conf, "-S", e.state)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"(?m)unemployment-rate.*2099-01-01.*-v$")

    def test_missing_value(self):
        r = self.after("status", "-c")
        self.assertEqual(r.returncode, 2)
        self.assertIn("regiomon: -c needs a value", r.stderr)
        self.assertIn("usage: regiomon status", r.stderr)
        # --help is never taken for a value: it asks for help.
        r = self.after("status", "-c", "--help")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("usage: regiomon status", r.stdout)


class BadSourceConfig(unittest.TestCase):
    """`run` and `fetch` check the plugin config of the sources they are
    about to run first, as check-config does, and exit 78."""

    def setUp(self):
        url = "file:" + os.path.join(CSV_DATA, "dutch.csv")
        good = {"url": url, "region_scheme": "cbs",
                "columns": {"indicator": "indicator"}}
        self.sources = [
            {"name": "good", "plugin": "csv", "config": good},
            {"name": "pipe", "plugin": "csv",
             "config": dict(good, separator="|")},
            {"name": "typo", "plugin": "csv",
             "config": dict(good, decimals=",")},
        ]
        self.env = rmtest.Env(self.sources,
                              catalog=os.path.join(CSV_DATA, "catalog.json"))
        self.pipe = ('%s: sources[1].config.separator: expected ";", "," '
                     'or "\\t", got "|"' % self.env.conf)
        self.typo = ('%s: sources[2].config.decimals: unknown key; did '
                     'you mean "decimal"?' % self.env.conf)

    def tearDown(self):
        self.env.close()

    def nothing_stored(self):
        self.assertFalse(os.path.exists(os.path.join(self.env.state, "rrd")))
        self.assertFalse(os.path.exists(os.path.join(self.env.state,
                                                     "state.json")))

    def test_run_refuses_every_bad_config(self):
        r = self.env.run("run")
        self.assertEqual(r.returncode, 78, r.stderr)
        self.assertIn(self.pipe, r.stderr)
        self.assertIn(self.typo, r.stderr)
        self.assertIn("2 errors", r.stderr)
        self.assertIn("nothing was run", r.stderr)
        # Not even the good source ran.
        self.assertNotIn("good:", r.stderr)
        self.nothing_stored()
        # check-config says the same.
        r = self.env.run("check-config")
        self.assertEqual(r.returncode, 78)
        self.assertIn(self.pipe, r.stderr)
        self.assertIn(self.typo, r.stderr)
        # Naming one bad source: only its error.
        r = self.env.run("run", "pipe")
        self.assertEqual(r.returncode, 78)
        self.assertIn(self.pipe, r.stderr)
        self.assertNotIn("decimals", r.stderr)
        self.nothing_stored()

    def test_only_the_sources_that_run_are_checked(self):
        # The good source named alone runs and stores.
        r = self.env.run("run", "good")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.exists(self.env.rrd("unemployment-rate",
                                                    "groningen")))
        # Disabled bad sources do not stop a plain `run`.
        for s in self.sources[1:]:
            s["enabled"] = False
        cfg = {"state_dir": self.env.state, "plugin_dir": rmtest.PLUGINS,
               "catalog": [os.path.join(CSV_DATA, "catalog.json")],
               "sources": self.sources}
        self.env.write_conf(cfg)
        r = self.env.run("run")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_fetch(self):
        r = self.env.run("fetch", "pipe")
        self.assertEqual(r.returncode, 78, r.stderr)
        self.assertIn(self.pipe, r.stderr)
        self.assertEqual(r.stdout, "")
        self.nothing_stored()
        r = self.env.run("fetch", "good")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('"unemployment-rate"', r.stdout)

    def test_readme_example_is_real(self):
        # The README's example error for the separator is what csv says.
        with open(os.path.join(rmtest.TOP, "README.md"),
                  encoding="utf-8") as f:
            readme = f.read()
        self.assertIn('sources[0].config.separator: expected ";", "," or '
                      '"\\t", got "|"', readme)
        r = self.env.run("check-config")
        self.assertIn('sources[1].config.separator: expected ";", "," or '
                      '"\\t", got "|"', r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
