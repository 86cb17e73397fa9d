#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""tests/lint.sh, and that its rules can fail: each case copies the files
lint.sh reads into a temp tree, breaks one rule there and expects lint.sh
to name the file and the rule and exit non-zero.

    /usr/bin/python3 tests/integration/test_lint.py
"""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

TOP = os.environ.get("REGIOMON_TOP") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
# What lint.sh reads; build trees and the bench's output are left out.
TREES = ("common", "daemon", "plugins", "tests", "share/examples", ".ci")
FILES = ("Makefile",)
# Written in pieces, so that this file does not trip the rule it tests.
SHARED = ".." + "/shared"


class LintTest(unittest.TestCase):
    def setUp(self):
        self.top = tempfile.mkdtemp(prefix="test_lint.")
        for t in TREES:
            if os.path.isdir(os.path.join(TOP, t)):
                shutil.copytree(os.path.join(TOP, t),
                                os.path.join(self.top, t), symlinks=True)
        for f in FILES:
            shutil.copy(os.path.join(TOP, f), os.path.join(self.top, f))

    def tearDown(self):
        shutil.rmtree(self.top, ignore_errors=True)

    def lint(self):
        return subprocess.run(["sh", os.path.join(self.top, "tests",
                                                  "lint.sh")],
                              capture_output=True, text=True, timeout=120)

    def write(self, rel, text):
        path = os.path.join(self.top, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)

    def append(self, rel, text):
        with open(os.path.join(self.top, rel), "a", encoding="utf-8") as f:
            f.write(text)

    def assert_fails(self, where, rule):
        """lint.sh exits non-zero naming where (FILE or FILE:LINE) and
        the rule."""
        r = self.lint()
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertRegex(r.stdout, r"(?m)^%s(:\d+)?: %s:"
                         % (re.escape(where), rule))

    def test_tree_as_committed_passes(self):
        r = self.lint()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("lint: OK", r.stdout)

    def test_test_opening_shared_fails(self):
        self.write("tests/integration/test_zz.py",
                   "#!/usr/bin/python3\n"
                   "open('%s/fixtures/cbs-v4/x.json')\n" % SHARED)
        self.assert_fails("tests/integration/test_zz.py:2", "SHARED")

    def test_joined_shared_path_fails(self):
        self.write("tests/integration/test_zz.py",
                   "import os\nP = os.path.join(TOP, \"..\"," + " \"shared\", "
                   "\"strategy\")\n")
        self.assert_fails("tests/integration/test_zz.py:2", "SHARED")

    def test_makefile_and_ci_checked(self):
        self.append("Makefile", "\nDATA = %s/fixtures\n" % SHARED)
        self.assert_fails("Makefile", "SHARED")
        shutil.copy(os.path.join(TOP, "Makefile"),
                    os.path.join(self.top, "Makefile"))
        self.append(".ci/run", "\ncp -r %s/fixtures tests/\n" % SHARED)
        self.assert_fails(".ci/run", "SHARED")

    def test_ci_may_name_the_strategy_text_only(self):
        self.append(".ci/run", "\nREGIOMON_STRATEGY_TEXT=%s/strategy/"
                    "het-verhaal-van-de-regio.txt\n" % SHARED)
        r = self.lint()
        self.assertEqual(r.returncode, 0, r.stdout)

    def test_long_line_fails(self):
        self.append("daemon/main.c", "/* " + "x" * 80 + " */\n")
        self.assert_fails("daemon/main.c", "LONGLINE")

    def test_common_checked_for_style(self):
        self.append("common/keytab.c", "/* " + "x" * 80 + " */\n")
        self.assert_fails("common/keytab.c", "LONGLINE")

    def test_common_includes_only_common(self):
        self.append("common/suggest.c", '#include "core/core.h"\n')
        self.assert_fails("common/suggest.c", "LAYER")

    def test_upward_include_fails(self):
        """A floor that includes a header of a floor above it: the store
        reaching up into the alerts, the ground floor into the model."""
        self.append("daemon/store/writer.c", '#include "alert/alert.h"\n')
        self.assert_fails("daemon/store/writer.c", "LAYER")
        shutil.copy(os.path.join(TOP, "daemon/store/writer.c"),
                    os.path.join(self.top, "daemon/store/writer.c"))
        self.append("daemon/core/log.c", '#include "model/model.h"\n')
        self.assert_fails("daemon/core/log.c", "LAYER")

    def test_downward_and_own_includes_pass(self):
        self.append("daemon/alert/alert.c", '#include "store/store.h"\n'
                    '#include "alert/alert.h"\n')
        r = self.lint()
        self.assertEqual(r.returncode, 0, r.stdout)

    def test_unknown_folder_and_bare_include_fail(self):
        os.makedirs(os.path.join(self.top, "daemon", "misc"))
        self.write("daemon/misc/x.c", "/* SPDX-License-Identifier: ISC */\n")
        self.assert_fails("daemon/misc/x.c", "LAYER")
        os.remove(os.path.join(self.top, "daemon", "misc", "x.c"))
        self.append("daemon/app/setup.c", '#include "regiomon.h"\n')
        self.assert_fails("daemon/app/setup.c", "LAYER")

    def test_file_over_600_lines_fails(self):
        self.append("daemon/core/log.c", "/* x */\n" * 600)
        self.assert_fails("daemon/core/log.c", "LENGTH")

    def test_any_floor_may_include_common(self):
        self.append("daemon/app/setup.c", '#include "common/suggest.h"\n')
        r = self.lint()
        self.assertEqual(r.returncode, 0, r.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=1)
