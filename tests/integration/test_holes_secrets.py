#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""A plugin's child sees only its own source's secret (issue 20, point
12), and is shut out of the state directory and the config:

- the t_secret test plugin reads the key file its config declared (the
  parent read it for the child), is refused another source's key file
  with a clear message, and cannot open(2) either key file, the SMTP
  password file, the config or the state directory itself, while an
  ordinary file beside them opens;
- an exec program (a grandchild of the run) is shut out the same way,
  and cannot write into the state directory;
- the run stores its observation all the same.

Landlock must be in the kernel (it is on the machines CI runs on); where
it is not, the test says so and is skipped.

Run from the repository root:

    /usr/bin/python3 tests/integration/test_holes_secrets.py
"""

import ctypes
import json
import os
import shutil
import sys
import tempfile
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
import rmtest  # noqa: E402

# An exec program that tries the paths named in its arguments, reports
# each on stderr as "try PATH: ok" or "try PATH: <error>", tries to make a
# file in the directory named by the first argument, and prints one
# observation.
PROG = r'''#!/usr/bin/python3
import json, os, sys
try:
    with open(os.path.join(sys.argv[1], "planted"), "w") as f:
        f.write("x")
    print("plant: ok", file=sys.stderr)
except OSError as e:
    print("plant: %s" % e.strerror, file=sys.stderr)
for p in sys.argv[2:]:
    try:
        with open(p, "rb") as f:
            f.read()
        print("try %s: ok" % p, file=sys.stderr)
    except OSError as e:
        print("try %s: %s" % (p, e.strerror), file=sys.stderr)
print(json.dumps({"indicator": "unemployment-rate", "region": "groningen",
                  "period": "2021", "value": 5.5, "status": "final"}))
'''


def landlock_abi():
    """The kernel's Landlock ABI version, 0 without Landlock."""
    libc = ctypes.CDLL(None, use_errno=True)
    # landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION)
    return max(0, libc.syscall(444, None, ctypes.c_size_t(0),
                               ctypes.c_uint32(1)))


class HolesSecrets(unittest.TestCase):
    def setUp(self):
        if landlock_abi() < 1:
            self.skipTest("no Landlock in this kernel")
        self.tmp = tempfile.mkdtemp(prefix="test_holes_secrets.")
        self.keya = self.secret("key-a", "sesame-a")
        self.keyb = self.secret("key-b", "sesame-b")
        self.pw = self.secret("smtp-password", "hunter2")
        self.data = os.path.join(self.tmp, "data.txt")
        with open(self.data, "w") as f:
            f.write("ordinary\n")
        # The real plugins and the test plugins in one directory.
        self.plugins = os.path.join(self.tmp, "plugins")
        os.mkdir(self.plugins, 0o755)
        for d in (rmtest.PLUGINS, rmtest.TEST_PLUGINS):
            for name in os.listdir(d):
                if name.endswith(".so"):
                    shutil.copy(os.path.join(d, name), self.plugins)
        self.env = None

    def tearDown(self):
        if self.env is not None:
            self.env.close()
        shutil.rmtree(self.tmp)

    def secret(self, name, value):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(value + "\n")
        os.chmod(path, 0o600)
        return path

    def run_a(self, source_a):
        """`run a` with source_a ("@CONF@" and "@STATE@" in it stand for
        the config's and the state directory's paths), a source b whose
        key is key-b, and an SMTP password file; its output."""
        self.env = env = rmtest.Env([], plugin_dir=self.plugins)
        text = json.dumps(source_a).replace("@CONF@", env.conf).replace(
            "@STATE@", env.state)
        b = {"name": "b", "plugin": "t_secret",
             "config": {"declare": [self.keyb]}}
        env.write_conf({
            "state_dir": env.state, "plugin_dir": self.plugins,
            "catalog": [rmtest.CATALOG],
            "sources": [json.loads(text), b],
            "mail": {"from": "regiomon@example.org",
                     "to": ["a@example.org"],
                     "smtp": {"url": "smtp://127.0.0.1:9", "username": "u",
                              "password_file": self.pw}}})
        os.makedirs(env.state)
        r = env.run("run", "a")
        out = r.stdout + r.stderr
        self.assertNotIn("sesame-b", out)
        self.assertNotIn("hunter2", out)
        # The run stored its observation all the same.
        self.assertTrue(os.path.exists(env.rrd("unemployment-rate",
                                               "groningen")), out)
        return out

    def test_plugin_reads_its_own_secret_only(self):
        out = self.run_a({"name": "a", "plugin": "t_secret", "config": {
            "declare": [self.keya],
            "read": [self.keya, self.keyb],
            "open": [self.keya, self.keyb, self.pw, "@CONF@", "@STATE@",
                     self.data]}})
        env = self.env
        self.assertIn("read %s: ok sesame-a" % self.keya, out)
        self.assertIn("read %s: %s: not a secret file of this source's "
                      "config; a plugin reads only the secret files it "
                      "names in init() with check_secret()"
                      % (self.keyb, self.keyb), out)
        for p in (self.keya, self.keyb, self.pw, env.conf, env.state):
            self.assertIn("open %s: Permission denied" % p, out)
        self.assertIn("open %s: ok" % self.data, out)

    def test_exec_program_is_shut_out(self):
        prog = os.path.join(self.tmp, "prog.py")
        with open(prog, "w") as f:
            f.write(PROG)
        os.chmod(prog, 0o755)
        out = self.run_a({"name": "a", "plugin": "exec", "config": {
            "command": [prog, "@STATE@", self.keyb, self.pw, "@CONF@",
                        self.data]}})
        env = self.env
        for p in (self.keyb, self.pw, env.conf):
            self.assertIn("try %s: Permission denied" % p, out)
        self.assertIn("try %s: ok" % self.data, out)
        self.assertIn("plant: Permission denied", out)
        self.assertFalse(os.path.exists(os.path.join(env.state,
                                                     "planted")))


if __name__ == "__main__":
    unittest.main(verbosity=2)
