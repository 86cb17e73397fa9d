#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""The C plugin SDK: share/examples/example_plugin.c is copied out of the
tree, built there with nothing but the public header (the documented cc
line, and share/examples/Makefile), put in a plugin dir of its own (root,
mode 0755), listed by `regiomon plugins`, and run by `regiomon fetch`
against a JSON answer served on 127.0.0.1; its config errors show up in
`regiomon check-config` with their JSON paths.

Run from the repository root:

    /usr/bin/python3 tests/integration/test_sdk.py
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
import httpd  # noqa: E402
import rmtest  # noqa: E402

EXAMPLES = os.path.join(TOP, "share", "examples")
SERVED = {"2019": 4.8, "2020": 4.4, "2021JJ00": None, "2022": 0.1 + 0.2}


def pkg_config(*args):
    return subprocess.run(["pkg-config"] + list(args), capture_output=True,
                          text=True, check=True).stdout.split()


class Sdk(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.access(rmtest.BIN, os.X_OK):
            raise AssertionError("%s not built (make tests)" % rmtest.BIN)
        cls.tmp = tempfile.mkdtemp(prefix="test_sdk.")
        cls.src = os.path.join(cls.tmp, "src")
        os.mkdir(cls.src)
        for f in ("example_plugin.c", "Makefile"):
            shutil.copy(os.path.join(EXAMPLES, f), cls.src)
        cls.www = os.path.join(cls.tmp, "www")
        os.mkdir(cls.www)
        with open(os.path.join(cls.www, "figures.json"), "w") as f:
            json.dump(SERVED, f)
        cls.srv = httpd.start(cls.www)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.tmp)

    def build(self):
        """The documented build line, in a directory outside the tree."""
        cmd = (["cc", "-shared", "-fPIC", "-fvisibility=hidden",
                "-I" + os.path.join(TOP, "include")]
               + pkg_config("--cflags", "jansson")
               + ["example_plugin.c", "-o", "example.so"])
        r = subprocess.run(cmd, cwd=self.src, capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        plugdir = os.path.join(self.tmp, "plugins")
        os.makedirs(plugdir, exist_ok=True)
        dst = os.path.join(plugdir, "example.so")
        shutil.copy(os.path.join(self.src, "example.so"), dst)
        os.chmod(dst, 0o755)
        if os.geteuid() == 0:
            os.chown(dst, 0, 0)
        return plugdir

    def env(self, plugdir, config):
        e = rmtest.Env([{"name": "ex", "plugin": "example",
                         "config": config}], plugin_dir=plugdir)
        self.addCleanup(e.close)
        return e

    def test_builds_clean_with_warnings_on(self):
        r = subprocess.run(
            ["cc", "-shared", "-fPIC", "-fvisibility=hidden", "-std=c99",
             "-Wall", "-Wextra", "-Werror", "-I" + os.path.join(TOP, "include")]
            + pkg_config("--cflags", "jansson")
            + ["example_plugin.c", "-o", "strict.so"],
            cwd=self.src, capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        # The one exported symbol.
        nm = subprocess.run(["nm", "-D", "--defined-only", "strict.so"],
                            cwd=self.src, capture_output=True, text=True)
        syms = [l.split()[-1] for l in nm.stdout.splitlines()]
        self.assertEqual(syms, ["rm_plugin_init"])
        with open(os.path.join(EXAMPLES, "example_plugin.c")) as f:
            self.assertLess(len(f.read().splitlines()), 150)

    def test_makefile_from_source_checkout(self):
        # -B: another test may have left an example.so here already, and
        # make would then have nothing to build and prove nothing.
        r = subprocess.run(["make", "-B", "REGIOMON_SRC=" + TOP,
                            "example.so"],
                           cwd=self.src, capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertTrue(os.path.exists(os.path.join(self.src, "example.so")))

    def test_fetch_runs_it(self):
        plugdir = self.build()
        env = self.env(plugdir, {"url": self.srv.url("figures.json"),
                                 "indicator": "unemployment-rate",
                                 "region": "groningen"})
        r = env.run("plugins")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"example\s+ABI 1\.4\s+a JSON object of "
                         r"period -> value")
        r = env.run("fetch", "ex")
        self.assertEqual(r.returncode, 0, r.stderr)
        got = [(o["indicator"], o["region"], o["period"], o["value"],
                o["status"]) for o in rmtest.fetch_lines(r.stdout)]
        self.assertEqual(got, [
            ("unemployment-rate", "groningen", "2019", 4.8, "final"),
            ("unemployment-rate", "groningen", "2020", 4.4, "final"),
            ("unemployment-rate", "groningen", "2021", None, "final"),
            ("unemployment-rate", "groningen", "2022", 0.1 + 0.2, "final")])
        self.assertIn("GET /figures.json 200", self.srv.requests())

    def test_check_config_and_failures(self):
        plugdir = self.build()
        env = self.env(plugdir, {"url": self.srv.url("figures.json"),
                                 "indicator": "no-such", "regio": "x"})
        r = env.run("check-config")
        self.assertEqual(r.returncode, 78, r.stderr)
        self.assertIn("sources[0].config.regio: unknown key; did you mean "
                      "\"region\"?", r.stderr)
        self.assertIn("sources[0].config.region: expected a non-empty "
                      "string", r.stderr)
        self.assertIn("sources[0].config.indicator: not in the catalog",
                      r.stderr)
        env = self.env(plugdir, {"url": self.srv.url("missing.json"),
                                 "indicator": "unemployment-rate",
                                 "region": "groningen"})
        r = env.run("fetch", "ex")
        self.assertEqual(r.returncode, 1)
        self.assertIn("missing.json: HTTP 404", r.stderr)
        self.assertEqual(r.stdout, "")


if __name__ == "__main__":
    unittest.main()
