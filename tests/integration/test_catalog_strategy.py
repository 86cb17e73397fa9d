#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Checks share/catalog.json's words and figures against the strategy text
("Het verhaal van de regio", 2020): every challenge's question and heading,
every citation within its challenge's pages, every baseline and target
quote within them.

The strategy text is not part of the repository.  REGIOMON_STRATEGY_TEXT
names it (CI sets it); without it this test is skipped with the reason and
exits 77, which tests/run.sh counts as a skip, never as a pass.

    REGIOMON_STRATEGY_TEXT=/path/to/het-verhaal-van-de-regio.txt \\
        /usr/bin/python3 tests/integration/test_catalog_strategy.py

REGIOMON_CATALOG checks another catalog.
"""

import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_catalog import CATALOG, collapse, load_json  # noqa: E402

STRATEGY = os.environ.get("REGIOMON_STRATEGY_TEXT", "")
SKIP = 77
SKIP_REASON = "strategy text not given: set REGIOMON_STRATEGY_TEXT"


def challenge_sections(text):
    """Map challenge number -> text of its part of the strategy: from the
    first line "Uitdaging N:" / "Uitdaging N." after the overview up to the
    next challenge (or the appendix "Bijlagen")."""
    lines = text.split("\n")
    starts = {}
    for i, line in enumerate(lines):
        m = re.match(r"^\s*Uitdaging ([1-6])[:.] ", line)
        if m and int(m.group(1)) not in starts:
            starts[int(m.group(1))] = i
    end_all = next((i for i, l in enumerate(lines) if l.strip() == "Bijlagen"),
                   len(lines))
    sections = {}
    for n in range(1, 7):
        if n not in starts:
            continue
        end = starts.get(n + 1, end_all)
        sections[n] = lines[starts[n]:end]
    return sections


class CatalogStrategyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cat = load_json(CATALOG)
        with open(STRATEGY, encoding="utf-8") as f:
            cls.text = f.read()
        cls.flat = collapse(cls.text)
        cls.lines = {collapse(l) for l in cls.text.split("\n")}
        cls.sections = challenge_sections(cls.text)

    def test_challenge_questions_and_titles_in_strategy(self):
        for c in self.cat["challenges"]:
            with self.subTest(challenge=c["number"]):
                self.assertIn(collapse(c["question"]), self.flat,
                              "challenge %d: question %r not in the strategy"
                              % (c["number"], c["question"]))
                heading = "Uitdaging %d. %s" % (c["number"], c["title"])
                self.assertIn(heading, self.lines,
                              "challenge %d: no line %r in the strategy"
                              % (c["number"], heading))

    def test_citations_in_strategy_section(self):
        for ind in self.cat["indicators"]:
            iid = ind["id"]
            with self.subTest(indicator=iid):
                cit = collapse(ind["citation"])
                self.assertIn(cit, self.flat,
                              "%s: citation %r not in the strategy" % (iid, cit))
                section = collapse("\n".join(self.sections.get(ind["challenge"], [])))
                self.assertIn(cit, section,
                              "%s: citation %r not among challenge %d's sources"
                              % (iid, cit, ind["challenge"]))

    def test_baseline_quotes_in_strategy_section(self):
        """Every baseline's and target's quote is the strategy's own words
        in its challenge's pages: infographics put a figure and its words
        on lines of their own, so a quote may span lines (whitespace
        collapsed), not pages."""
        for ind in self.cat["indicators"]:
            section = collapse("\n".join(
                self.sections.get(ind["challenge"], [])))
            for kind in ("baselines", "targets"):
                for b in ind.get(kind, []):
                    tag = "%s/%s %s" % (ind["id"], b.get("region"), kind)
                    with self.subTest(quote=tag):
                        q = b["quote"]
                        cq = collapse(q)
                        self.assertIn(cq, self.flat,
                                      "%s: quote %r not in the strategy"
                                      % (tag, q))
                        self.assertIn(cq, section,
                                      "%s: quote %r is not in challenge "
                                      "%d's pages"
                                      % (tag, q, ind["challenge"]))

    def test_sections_found(self):
        self.assertEqual(sorted(self.sections), [1, 2, 3, 4, 5, 6])


if __name__ == "__main__":
    if not STRATEGY:
        print("SKIP: " + SKIP_REASON)
        sys.exit(SKIP)
    unittest.main(verbosity=1)
