# SPDX-License-Identifier: ISC
"""`regiomon check-config` on every broken config in tests/data/conf/.

Each fixture holds one mistake (many-errors.json holds several, to show
that all are reported).  The command must exit 78 and print, on stderr,
the "FILE: JSON.PATH: message" lines listed below; a valid config exits 0
and prints "configuration OK".  Files named catalog-*.json are catalogs
the fixtures use, not configs.

Run from anywhere as /usr/bin/python3; REGIOMON_BUILD names the build
directory (default ./build).
"""
import os
import subprocess
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BUILD = os.path.abspath(os.path.join(TOP, os.environ.get(
    "REGIOMON_BUILD", "build")))
BIN = os.path.join(BUILD, "regiomon")
PLUGINS = os.path.join(BUILD, "plugins")
DATA = "tests/data/conf"
EXIT_CONFIG = 78

# fixture -> lines (or parts of lines) stderr must hold; "%" stands for
# the fixture's own path as given with -c.
BROKEN = {
    # The file as a whole.
    "syntax-error.json": ["%:3:11: '}' expected near '\"sources\"'"],
    "trailing-comma.json": ["%:4:1: string or '}' expected near '}'"],
    "duplicate-key.json": ["%:4:13: duplicate object key near "
                           "'\"state_dir\"'"],
    "empty.json": ["%:1:0: unexpected token near end of file"],
    "top-array.json": ["%: expected an object, got array"],
    # Types.
    "state-dir-number.json": ["%: state_dir: expected a path, got number"],
    "sources-object.json": ["%: sources: expected an array, got object"],
    "source-not-object.json": ["%: sources[0]: expected an object, "
                               "got \"jobs\""],
    "interval-number.json": ["%: sources[0].interval: expected a duration "
                             "like \"1d\", got number"],
    "enabled-string.json": ["%: sources[0].enabled: expected true or "
                            "false, got \"yes\""],
    "config-string.json": ["%: sources[0].config: expected an object, "
                           "got \"file:x.csv\""],
    "http-not-object.json": ["%: http: expected an object, got \"fast\""],
    "mail-not-object.json": ["%: mail: expected an object, "
                             "got \"smtp://localhost\""],
    "catlist-string.json": ["%: catalog: expected an array of paths, "
                            "got \"catalog-min.json\""],
    "catlist-empty.json": ["%: catalog: expected at least one catalog "
                           "file, got []"],
    "retries-negative.json": ["%: http.retries: expected an integer from "
                              "0 to 100, got -1"],
    "retries-real.json": ["%: http.retries: expected an integer, got 2.5"],
    # Keys.
    "unknown-top-key.json": ["%: unknown key \"catalogs\"; did you mean "
                             "\"catalog\"?"],
    "unknown-top-key-far.json": ["%: unknown key \"zzz\"; expected one of: "
                                 "state_dir, plugin_dir, catalog, http, "
                                 "limits, store, sources, mail, alerts, "
                                 "report, daemon"],
    "unknown-source-key.json": ["%: sources[0]: unknown key \"intervall\"; "
                                "did you mean \"interval\"?"],
    "unknown-http-key.json": ["%: http: unknown key \"timout\"; did you "
                              "mean \"timeout\"?"],
    "missing-plugin-key.json": ["%: sources[0]: missing required key "
                                "\"plugin\""],
    "missing-name.json": ["%: sources[0]: missing required key \"name\""],
    "duplicate-source.json": ["%: sources[1].name: duplicate source name "
                              "\"cbs-jobs\" (first at sources[0])"],
    # Values.
    "duration-word.json": ["%: sources[0].interval: expected a duration "
                           "like \"1d\", got \"dagelijks\""],
    "duration-zero.json": ["%: sources[0].interval: expected a duration "
                           "like \"1d\", got \"0d\""],
    "duration-negative.json": ["%: sources[0].timeout: expected a duration "
                               "like \"1d\", got \"-1h\""],
    "duration-unit.json": ["%: http.timeout: expected a duration like "
                           "\"1d\", got \"5x\""],
    "size-bad.json": ["%: http.max_bytes: expected a size like \"64M\", "
                      "got \"64MB\""],
    "size-spaced.json": ["%: limits.child_memory: expected a size like "
                         "\"64M\", got \"1 G\""],
    "rrdcached-empty.json": ["%: store.rrdcached: expected a non-empty "
                             "string, got \"\""],
    # Ids, which become file names: no path traversal.
    "name-traversal.json": ["%: sources[0].name: invalid id \"../../etc\": "
                            "use a-z, 0-9, \"-\" and \"_\""],
    "name-uppercase.json": ["%: sources[0].name: invalid id \"CBS-Jobs\": "
                            "use a-z, 0-9, \"-\" and \"_\""],
    "name-leading-dash.json": ["%: sources[0].name: invalid id \"-jobs\": "
                               "must start with a-z or 0-9"],
    "plugin-traversal.json": ["%: sources[0].plugin: invalid id "
                              "\"../../tmp/evil\": use a-z, 0-9, \"-\" "
                              "and \"_\""],
    # Checked once the config itself is fine: plugins and catalogs.
    "plugin-missing.json": ["%: sources[0].plugin: ", "\"nosuchplugin\""],
    "missing-catalog.json": [DATA + "/no-such-catalog.json: cannot read: "
                             "No such file or directory"],
    "bad-catalog-indicator.json": [
        DATA + "/catalog-bad-indicator.json: indicators[0].frequency: "
        "expected one of year, quarter, month, got \"yearly\""],
    "bad-catalog-ref.json": [
        DATA + "/catalog-bad-ref.json: indicators[0].baselines[0].region: "
        "unknown region \"grongingen\"; did you mean \"groningen\"?"],
    # Catalog paths resolve against the config's (absolute) directory.
    "dup-across-catalogs.json": [
        os.path.abspath(DATA) + "/catalog-dup-region.json: regions[1].id: duplicate region "
        "id \"assen\" (first in " + os.path.abspath(DATA) +
        "/catalog-min.json at "
        "regions[2])"],
    # Several mistakes: every one is reported, not only the first.
    # A config error does not hide the plugins' errors: all at once.
    "all-kinds.json": [
        "%: unknown key \"bogus\"",
        "%: sources[1].interval: expected a duration like \"1d\", got "
        "\"dagelijks\"",
        "%: sources[0].plugin: cannot load plugin \"nosuchplugin\"",
        "%: sources[1].config.separator: expected \";\", \",\" or "
        "\"\\t\", got \"|\"",
        "regiomon: 4 errors"],
    "many-errors.json": [
        "%: unknown key \"catalogs\"; did you mean \"catalog\"?",
        "%: http.retries: expected an integer from 0 to 100, got -1",
        "%: http.max_bytes: expected a size like \"64M\", got \"lots\"",
        "%: sources[0].name: invalid id \"../etc\": use a-z, 0-9, \"-\" "
        "and \"_\"",
        "%: sources[0].interval: expected a duration like \"1d\", got "
        "\"dagelijks\"",
        "%: sources[1].enabled: expected true or false, got \"yes\"",
        "%: sources[1]: missing required key \"name\"",
    ],
}

VALID = ["valid.json", "valid-minimal.json"]


def check_config(conf):
    return subprocess.run(
        [BIN, "-c", conf, "-P", PLUGINS, "check-config"], cwd=TOP,
        stdin=subprocess.DEVNULL, capture_output=True, text=True,
        timeout=60)


class CheckConfig(unittest.TestCase):
    def setUp(self):
        self.assertTrue(os.access(BIN, os.X_OK),
                        "%s not built (make tests)" % BIN)

    def test_broken(self):
        for name, wants in sorted(BROKEN.items()):
            conf = DATA + "/" + name
            with self.subTest(fixture=name):
                r = check_config(conf)
                self.assertEqual(r.returncode, EXIT_CONFIG,
                                 "exit %d, stderr:\n%s" %
                                 (r.returncode, r.stderr))
                self.assertNotIn("configuration OK", r.stdout)
                for want in wants:
                    self.assertIn(want.replace("%", conf), r.stderr)

    def test_valid(self):
        for name in VALID:
            with self.subTest(fixture=name):
                r = check_config(DATA + "/" + name)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn("configuration OK", r.stdout)

    def test_no_config(self):
        conf = DATA + "/does-not-exist.json"
        r = check_config(conf)
        self.assertEqual(r.returncode, EXIT_CONFIG, r.stderr)
        self.assertIn(conf + ": cannot read: No such file or directory",
                      r.stderr)

    def test_every_fixture_listed(self):
        """A fixture nobody runs is a test that silently went missing."""
        names = {n for n in os.listdir(os.path.join(TOP, DATA))
                 if n.endswith(".json") and not n.startswith("catalog-")}
        self.assertEqual(names, set(BROKEN) | set(VALID))


if __name__ == "__main__":
    unittest.main(verbosity=2)
