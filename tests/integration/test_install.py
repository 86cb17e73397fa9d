#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""`make install` and `make uninstall`: every file in place under DESTDIR
with the installed config's paths rewritten; an existing config never
overwritten; the installed binary checking the installed config with its
compiled-in paths; the header and pkg-config file building a plugin that
the installed binary loads; every man page where `man` finds it, naming
the installed paths and rendered by groff without a warning; doc/ under
share/doc/regiomon; a unit that `systemd-analyze verify` accepts and `systemd-analyze
security` rates "OK" or better; and uninstall removing it all again.

The install builds in a copy of the build directory, so that the paths
compiled in for the test never reach the build under test.

Run from the repository root:

    /usr/bin/python3 tests/integration/test_install.py
"""
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import rmtest  # noqa: E402

TOP = rmtest.TOP
MAKE_TIMEOUT = 300

FILES = [
    "usr/bin/regiomon",
    "usr/lib/regiomon/plugins/csv.so",
    # The Dutch number form of the graphs' axes (share/locale/nl.numeric).
    "usr/lib/regiomon/locale/nl/LC_NUMERIC",
    "usr/include/regiomon-plugin.h",
    "usr/lib/pkgconfig/regiomon-plugin.pc",
    "usr/share/regiomon/catalog.json",
    "usr/share/regiomon/demo/strategy-figures.csv",
    "usr/lib/systemd/system/regiomon.service",
    "usr/lib/sysusers.d/regiomon.conf",
    "etc/regiomon/regiomon.json",
]

# The reference: every page, where `man` looks for it.
MANPAGES = ["regiomon.8", "regiomon.json.5", "regiomon-catalog.5",
            "regiomon-sources.5", "regiomon-plugin.7"]
# The longer explanations: every doc/*.md of the tree.
DOCS = sorted(f for f in os.listdir(os.path.join(TOP, "doc"))
              if f.endswith(".md"))


def man_path(page):
    """A page's place below PREFIX: man8/regiomon.8."""
    return os.path.join("usr/share/man", "man" + page.rsplit(".", 1)[1],
                        page)


FILES += [man_path(p) for p in MANPAGES]
FILES += [os.path.join("usr/share/doc/regiomon", d) for d in DOCS]


class Install(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="test_install.")
        # A private copy of the build: only the paths' users are rebuilt.
        cls.build = os.path.join(cls.tmp, "build")
        os.mkdir(cls.build)
        for part in ("daemon", "plugins", "regiomon", "libregiomon.a",
                     "paths.stamp"):
            src = os.path.join(rmtest.BUILD, part)
            if os.path.isdir(src):
                shutil.copytree(src, os.path.join(cls.build, part),
                                symlinks=True)
            elif os.path.exists(src):
                shutil.copy2(src, os.path.join(cls.build, part))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def make(self, *args):
        cmd = ["make", "--no-print-directory", "-C", TOP, "B=" + self.build]
        if rmtest.SANITIZED:
            cmd.append("SANITIZE=address,undefined")
        r = subprocess.run(cmd + list(args), capture_output=True, text=True,
                           timeout=MAKE_TIMEOUT)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return r

    def test_install_destdir(self):
        dest = os.path.join(self.tmp, "dest")
        self.make("install", "PREFIX=/usr", "DESTDIR=" + dest)
        for f in FILES:
            self.assertTrue(os.path.isfile(os.path.join(dest, f)), f)
        for f in ("usr/bin/regiomon", "usr/lib/regiomon/plugins/csv.so"):
            mode = stat.S_IMODE(os.stat(os.path.join(dest, f)).st_mode)
            self.assertEqual(mode, 0o755, f)
        # The config points at the installed files, not the source tree.
        conf_path = os.path.join(dest, "etc/regiomon/regiomon.json")
        with open(conf_path) as f:
            text = f.read()
        self.assertNotIn("../", text)
        conf = json.loads(text)
        self.assertEqual(conf["state_dir"], "/var/lib/regiomon")
        self.assertEqual(conf["plugin_dir"], "/usr/lib/regiomon/plugins")
        self.assertEqual(conf["catalog"][0], "/usr/share/regiomon/catalog.json")
        for c in conf["catalog"]:
            self.assertTrue(c.startswith("/usr/share/regiomon/"), c)
            self.assertTrue(os.path.isfile(os.path.join(dest, c[1:])), c)
        for s in conf["sources"]:
            url = s.get("config", {}).get("url", "")
            if s["name"] == "hand-kept":
                # The analysts' figures: a copy of the template in
                # /etc/regiomon, where the config's relative URL points.
                self.assertEqual(url, "file:hand-kept.csv")
                with open(os.path.join(dest, "etc/regiomon/hand-kept.csv"),
                          "rb") as f, open(os.path.join(
                              TOP, "share/hand-kept.csv"), "rb") as g:
                    self.assertEqual(f.read(), g.read())
            elif url.startswith("file:"):
                self.assertTrue(url.startswith(
                    "file:///usr/share/regiomon/"), url)
                self.assertTrue(os.path.exists(
                    os.path.join(dest, url[len("file:///"):])), url)
        # The paths compiled in are the installed ones, never DESTDIR.
        out = subprocess.run([os.path.join(dest, "usr/bin/regiomon"),
                              "--help"], capture_output=True, text=True)
        self.assertIn("/etc/regiomon/regiomon.json", out.stdout)
        with open(os.path.join(dest, "usr/bin/regiomon"), "rb") as f:
            binary = f.read()
        self.assertIn(b"/usr/lib/regiomon/plugins", binary)
        self.assertIn(b"/usr/lib/regiomon/locale", binary)
        self.assertNotIn(dest.encode(), binary)
        # An existing config is kept.
        with open(conf_path, "a") as f:
            f.write("\n")
        with open(conf_path) as f:
            mine = f.read()
        r = self.make("install", "PREFIX=/usr", "DESTDIR=" + dest)
        self.assertIn("kept", r.stdout)
        with open(conf_path) as f:
            self.assertEqual(f.read(), mine)
        self.check_unit(dest)
        self.check_man(dest)
        self.check_pkgconfig(dest)
        # Uninstall: everything goes but the changed config.
        self.make("uninstall", "PREFIX=/usr", "DESTDIR=" + dest)
        left = [os.path.relpath(os.path.join(d, f), dest)
                for d, _, fs in os.walk(dest) for f in fs]
        self.assertEqual(left, ["etc/regiomon/regiomon.json"])
        # The shipped config unchanged: it goes too.
        self.make("install", "PREFIX=/usr", "DESTDIR=" + dest)
        os.remove(conf_path)
        self.make("install", "PREFIX=/usr", "DESTDIR=" + dest)
        self.make("uninstall", "PREFIX=/usr", "DESTDIR=" + dest)
        left = [os.path.relpath(os.path.join(d, f), dest)
                for d, _, fs in os.walk(dest) for f in fs]
        self.assertEqual(left, [])

    def check_unit(self, dest):
        unit = os.path.join(dest, "usr/lib/systemd/system/regiomon.service")
        with open(unit) as f:
            text = f.read()
        for want in ("Type=notify", "ExecStart=/usr/bin/regiomon daemon",
                     "User=regiomon", "StateDirectory=regiomon",
                     "ConfigurationDirectory=regiomon",
                     "ProtectSystem=strict", "NoNewPrivileges=yes",
                     "PrivateTmp=yes",
                     "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6",
                     "SystemCallFilter=@system-service",
                     "CapabilityBoundingSet=\n"):
            self.assertIn(want, text)
        analyze = shutil.which("systemd-analyze")
        if analyze is None:
            self.fail("systemd-analyze missing (make deps-test installs "
                      "systemd)")
        # verify wants the commands to exist: the unit as installed, its
        # commands pointed into DESTDIR, its man pages found there.
        vdir = os.path.join(self.tmp, "verify")
        os.makedirs(vdir, exist_ok=True)
        copy = os.path.join(vdir, "regiomon.service")
        with open(copy, "w") as f:
            f.write(text.replace("/usr/bin/regiomon",
                                 os.path.join(dest, "usr/bin/regiomon")))
        env = dict(os.environ, MANPATH=os.path.join(dest, "usr/share/man"))
        r = subprocess.run([analyze, "verify", copy], capture_output=True,
                           text=True, env=env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(r.stderr.strip(), "")
        r = subprocess.run([analyze, "security", "--offline=true",
                            "--root=" + dest, "regiomon.service"],
                           capture_output=True, text=True)
        m = re.search(r"Overall exposure level for regiomon\.service: "
                      r"([0-9.]+) (\w+)", r.stdout)
        self.assertIsNotNone(m, r.stdout + r.stderr)
        self.assertIn(m.group(2), ("OK", "SAFE"), m.group(0))
        # sysusers.d: a static user, no login.
        with open(os.path.join(dest, "usr/lib/sysusers.d/regiomon.conf")) \
                as f:
            self.assertRegex(f.read(), r"(?m)^u regiomon - ")

    def check_man(self, dest):
        mandir = os.path.join(dest, "usr/share/man")
        for page in MANPAGES:
            path = os.path.join(dest, man_path(page))
            for macros in ("-man", "-mandoc"):
                r = subprocess.run(["groff", macros, "-ww", "-z", path],
                                   capture_output=True, text=True)
                self.assertEqual((r.returncode, r.stderr), (0, ""),
                                 (page, macros))
            r = subprocess.run(["man", "-l", path], capture_output=True,
                               text=True, env=dict(os.environ, MANWIDTH="80",
                                                   MAN_KEEP_STDERR="1"))
            self.assertEqual(r.returncode, 0, page)
            self.assertIn("regiomon", r.stdout)
            # man finds it by name and section in the installed tree.
            name, section = page.rsplit(".", 1)
            r = subprocess.run(["man", "-M", mandir, "-w", section, name],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, page + ": " + r.stderr)
            self.assertEqual(os.path.realpath(r.stdout.strip()),
                             os.path.realpath(path), page)
            # The installed page names the installed paths.
            with open(path, encoding="utf-8") as f:
                text = f.read()
            self.assertNotIn("/usr/local", text, page)
        # The docs the pages refer to are where they say.
        for d in DOCS:
            with open(os.path.join(TOP, "doc", d), encoding="utf-8") as f:
                want = f.read()
            with open(os.path.join(dest, "usr/share/doc/regiomon", d),
                      encoding="utf-8") as f:
                self.assertEqual(f.read(), want, d)

    def check_pkgconfig(self, dest):
        env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(
            dest, "usr/lib/pkgconfig"))
        r = subprocess.run(["pkg-config", "--variable=plugindir",
                            "regiomon-plugin"], capture_output=True,
                           text=True, env=env)
        self.assertEqual(r.stdout.strip(), "/usr/lib/regiomon/plugins",
                         r.stderr)
        cflags = subprocess.run(["pkg-config", "--cflags", "--libs",
                                 "regiomon-plugin"], capture_output=True,
                                text=True, env=env, check=True).stdout.split()
        # A plugin built against the installed header only, loaded by the
        # installed binary.
        pdir = os.path.join(self.tmp, "myplugins")
        os.makedirs(pdir, exist_ok=True)
        src = os.path.join(TOP, "tests", "plugins", "t_ok.c")
        r = subprocess.run(["cc", "-shared", "-fPIC", "-fvisibility=hidden",
                            "-I", os.path.join(dest, "usr/include"),
                            "-I" + os.path.join(TOP, "tests", "plugins")]
                           + cflags + ["-o", os.path.join(pdir, "t_ok.so"),
                                       src],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("-I" + os.path.join(TOP, "daemon"), cflags)
        r = subprocess.run([os.path.join(dest, "usr/bin/regiomon"), "-c",
                            os.path.join(dest, "etc/regiomon/regiomon.json"),
                            "-P", pdir, "plugins"], capture_output=True,
                           text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"t_ok\s+ABI 1\.")

    def test_installed_binary_checks_installed_config(self):
        # Installed under a private prefix without DESTDIR, so that the
        # compiled-in paths exist: no -c, -P or -S given.
        root = os.path.join(self.tmp, "root")
        self.make("install", "PREFIX=" + root + "/usr",
                  "SYSCONFDIR=" + root + "/etc",
                  "LOCALSTATEDIR=" + root + "/var/lib")
        binary = os.path.join(root, "usr/bin/regiomon")
        r = subprocess.run([binary, "check-config"], capture_output=True,
                           text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("configuration OK", r.stdout)
        r = subprocess.run([binary, "plugins"], capture_output=True,
                           text=True)
        self.assertIn(root + "/usr/lib/regiomon/plugins", r.stdout)
        self.assertRegex(r.stdout, r"csv\s+ABI 1\.")


if __name__ == "__main__":
    unittest.main(verbosity=2)
