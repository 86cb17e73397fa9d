#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""One rule for numbers in a language (issue 18): a figure of 12,345.67
million euros with the catalog's one decimal is "12.345,7 mln euro" in
the Dutch report, mail and graph, "12,345.7 mln euro" in the English
ones, and "12345.7" in `status` (the C form, for scripts); never the
stored double, never a mix of the two separators.

Run from the repository root:

    /usr/bin/python3 tests/integration/test_numbers.py
"""

import email
import email.policy
import os
import sys
import unittest
import xml.etree.ElementTree as ET

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
import rmtest  # noqa: E402

IND = "rd-spend"            # mln euro, "decimals": 1 in the catalog
REG = "groningen"
OBS = [[IND, REG, "2020", 12345.67, False],
       [IND, REG, "2021", 9876.54, False]]


class Numbers(unittest.TestCase):
    def run_in(self, lang):
        env = rmtest.Env([{"name": "t", "plugin": "t_ok",
                           "config": {"obs": OBS}}],
                         plugin_dir=rmtest.TEST_PLUGINS,
                         extra={"report": {"lang": lang}})
        self.addCleanup(env.close)
        r = env.run("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        return env

    def texts(self, env):
        with open(os.path.join(env.state, "report",
                               "region-%s.html" % REG)) as f:
            report = f.read()
        new = os.path.join(env.state, "mail", "new")
        with open(os.path.join(new, os.listdir(new)[0]), "rb") as f:
            msg = email.message_from_binary_file(
                f, policy=email.policy.default)
        mail = msg.get_body(("plain",)).get_content()
        out = os.path.join(env.dir, "g.svg")
        r = env.run("graph", IND, REG, "-o", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        root = ET.parse(out).getroot()
        desc = root.find("{http://www.w3.org/2000/svg}desc").text
        return report, mail, desc

    def test_dutch(self):
        env = self.run_in("nl")
        report, mail, desc = self.texts(env)
        for where, text in (("report", report), ("mail", mail),
                            ("graph", desc)):
            self.assertIn("9.876,5 mln euro", text, where)
            self.assertNotIn("9876.54", text, where)
            self.assertNotIn("9,876.5", text, where)
        self.assertIn("12.345,7 mln euro", report)
        self.assertIn("12.345,7 mln euro", mail)

    def test_english(self):
        env = self.run_in("en")
        report, mail, desc = self.texts(env)
        for where, text in (("report", report), ("mail", mail),
                            ("graph", desc)):
            self.assertIn("9,876.5 mln euro", text, where)
            self.assertNotIn("9.876,5", text, where)
        self.assertIn("12,345.7 mln euro", report)

    def test_status_c_form(self):
        env = self.run_in("nl")
        out = env.run("status", "--region", REG).stdout
        row = next(l for l in out.splitlines() if l.split()[:1] == [IND])
        self.assertIn("12345.7 (2020)", row)
        self.assertIn("9876.5 (2021)", row)
        self.assertIn("-2469.1 (-20.0%)", row)


if __name__ == "__main__":
    unittest.main(verbosity=2)
