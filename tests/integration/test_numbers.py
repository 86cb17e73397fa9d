#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""One rule for numbers in a language (issue 18): a figure of 12,345.67
million euros with the catalog's one decimal is "12.345,7 mln euro" in
the Dutch report, mail and graph, "12,345.7 mln euro" in the English
ones and in `status` (its --json keeps JSON numbers, for scripts);
never the stored double, never a mix of the two separators.  A graph's
y axis too: "12,5" and "590.000" in Dutch, "12.5" and "590,000" in
English.

Run from the repository root:

    /usr/bin/python3 tests/integration/test_numbers.py
"""

import email
import email.policy
import json
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
# A narrow range: its y axis is labelled with one decimal.
NARROW = [[IND, REG, "2020", 12.34, False],
          [IND, REG, "2021", 12.91, False],
          [IND, REG, "2022", 13.45, False]]
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"


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

    def status_row(self, env):
        out = env.run("status", "--region", REG).stdout
        return next(l for l in out.splitlines() if l.split()[:1] == [IND])

    def test_status_dutch(self):
        row = self.status_row(self.run_in("nl"))
        self.assertIn("12.345,7 (2020)", row)
        self.assertIn("9.876,5 (2021)", row)
        self.assertIn("-2.469,1 (-20%)", row)
        self.assertNotIn("9876", row)

    def test_status_english(self):
        row = self.status_row(self.run_in("en"))
        self.assertIn("12,345.7 (2020)", row)
        self.assertIn("9,876.5 (2021)", row)
        self.assertIn("-2,469.1 (-20%)", row)

    def test_status_json_keeps_numbers(self):
        env = self.run_in("nl")
        doc = json.loads(env.run("status", "--json").stdout)
        s = next(e for ch in doc["challenges"] for e in ch["series"]
                 if e["indicator"] == IND and e["region"] == REG)
        self.assertEqual(s["latest"]["value"], 9876.54)

    def axis_labels(self, lang, obs=None):
        """The y axis labels of the graph of a narrow series (labels
        with one decimal) in lang, each as the outline paths of its
        glyphs: Cairo draws an SVG's text as glyph outlines, so the
        characters are known only by their shapes."""
        env = rmtest.Env([{"name": "t", "plugin": "t_ok",
                           "config": {"obs": obs or NARROW}}],
                         plugin_dir=rmtest.TEST_PLUGINS,
                         extra={"report": {"lang": lang}})
        self.addCleanup(env.close)
        self.assertEqual(env.run("run").returncode, 0)
        out = os.path.join(env.dir, "g.svg")
        r = env.run("graph", IND, REG, "-o", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        root = ET.parse(out).getroot()
        paths = {}
        for sym in root.iter(SVG + "symbol"):
            path = sym.find(SVG + "path")
            paths[sym.get("id")] = path.get("d") if path is not None \
                else ""
        rows = {}
        for use in root.iter(SVG + "use"):
            ref = use.get(XLINK + "href", "").lstrip("#")
            rows.setdefault(use.get("y"), []).append(
                (float(use.get("x")), paths.get(ref, "")))
        # An axis label is a row of glyphs all left of the plot area
        # (x < 80 at this size); the legend's rows run further right.
        return [[d for _, d in sorted(r)] for r in rows.values()
                if len(r) >= 3 and max(x for x, _ in r) < 80]

    @staticmethod
    def lowest(path):
        """How far below the baseline a glyph outline reaches (y grows
        downwards): a comma's tail does, a full stop's dot does not."""
        nums = [float(t) for t in path.replace(",", " ").split()
                if t.lstrip("-").replace(".", "", 1).isdigit()]
        return max(nums[1::2]) if nums else 0.0

    def separators(self, nl, en):
        """The glyphs that differ between the Dutch and the English axis
        labels of the same graph, as (Dutch, English) pairs: the
        separators, everything else (the digits) the same."""
        self.assertGreaterEqual(len(nl), 3, "no y axis labels found")
        self.assertEqual(len(nl), len(en))
        pairs = []
        for a, b in zip(sorted(nl), sorted(en)):
            self.assertEqual(len(a), len(b))
            pairs += [(ga, gb) for ga, gb in zip(a, b) if ga != gb]
        return pairs

    def test_graph_axis(self):
        nl, en = self.axis_labels("nl"), self.axis_labels("en")
        pairs = self.separators(nl, en)
        # One decimal separator a label: a comma in Dutch, a full stop
        # in English.
        self.assertEqual(len(pairs), len(nl))
        for ga, gb in pairs:
            self.assertGreater(self.lowest(ga), 0.5, "nl: no comma")
            self.assertLessEqual(self.lowest(gb), 0.0, "en: no stop")

    def test_graph_axis_thousands(self):
        big = [[IND, REG, p, v, False] for p, v in
               (("2020", 585866.0), ("2021", 593112.0),
                ("2022", 601286.0))]
        nl, en = self.axis_labels("nl", big), self.axis_labels("en", big)
        pairs = self.separators(nl, en)
        # "590.000" in Dutch, "590,000" in English: one thousands
        # separator a label, the other way round.
        self.assertEqual(len(pairs), len(nl))
        for ga, gb in pairs:
            self.assertLessEqual(self.lowest(ga), 0.0, "nl: no stop")
            self.assertGreater(self.lowest(gb), 0.5, "en: no comma")

if __name__ == "__main__":
    unittest.main(verbosity=2)
