#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""The report's overview (issue 18): a reader sees in the first screen
what got worse or moved and where.

Six series of the Groningen-Assen page with known states (critical,
warning, moved strongly, moved, and two ok ones) are fed by the t_ok test
plugin; in headless Chromium the overview starts within the first
1,200 px, its table lists exactly the four worse or moved series, most
severe first, each with a sparkline, and each link lands on its card.
The cards of a challenge come most severe first too.

Run from the repository root:

    /usr/bin/python3 tests/integration/test_report_overview.py
"""

import json
import os
import sys
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
import chromium  # noqa: E402
import rmtest  # noqa: E402

REGION = "rga"


def catalog_baselines():
    with open(rmtest.CATALOG) as f:
        cat = json.load(f)
    out = {}
    for ind in cat["indicators"]:
        for b in ind.get("baselines", []):
            if b["region"] == REGION and b["period"] == "2020":
                out[ind["id"]] = (ind, b["value"])
    return out


class Overview(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        base = catalog_baselines()
        absolute = [i for i, (ind, _) in base.items()
                    if ind["thresholds"]["kind"] == "absolute"
                    and ind["frequency"] == "year"]
        bad = [i for i in absolute if base[i][0]["direction"] !=
               "neutral"]
        neutral = [i for i in absolute if base[i][0]["direction"] ==
                   "neutral"]

        def worse(ind_id, by):
            ind, v = base[ind_id]
            sign = -1 if ind["direction"] == "higher-is-better" else 1
            return v + sign * by

        def past(ind_id, which, extra):
            return base[ind_id][0]["thresholds"][which] + extra

        # name -> (indicator, the 2021 figure)
        cls.want = [
            (bad[0], worse(bad[0], past(bad[0], "critical", 3))),
            (bad[1], worse(bad[1], past(bad[1], "warning", 0.1))),
            (neutral[0], base[neutral[0]][1] +
             past(neutral[0], "critical", 2)),
            (neutral[1], base[neutral[1]][1] +
             past(neutral[1], "warning", 0.1)),
        ]
        cls.ok = [bad[2], neutral[2]]
        obs = []
        for ind_id, last in cls.want:
            obs += [[ind_id, REGION, "2020", base[ind_id][1], False],
                    [ind_id, REGION, "2021", last, False]]
        for ind_id in cls.ok:
            obs += [[ind_id, REGION, y, base[ind_id][1], False]
                    for y in ("2020", "2021")]
        cls.env = rmtest.Env([], plugin_dir=rmtest.TEST_PLUGINS)
        # The shipped catalog with a grace of 100 years: nothing stale.
        with open(rmtest.CATALOG) as f:
            cat = json.load(f)
        for ind in cat["indicators"]:
            ind["grace"] = "36500d"
        catalog = os.path.join(cls.env.dir, "catalog.json")
        with open(catalog, "w") as f:
            json.dump(cat, f)
        cls.env.write_conf({
            "state_dir": cls.env.state, "plugin_dir": rmtest.TEST_PLUGINS,
            "catalog": [catalog], "report": {"enabled": False},
            "sources": [{"name": "t", "plugin": "t_ok",
                         "config": {"obs": obs}}]})
        r = cls.env.run("run")
        assert r.returncode == 0, r.stderr
        cls.out = os.path.join(cls.env.dir, "report")
        r = cls.env.run("report", "-o", cls.out)
        assert r.returncode == 0, r.stderr
        r = cls.env.run("status", "--json")
        cls.states = {}
        for ch in json.loads(r.stdout)["challenges"]:
            for s in ch["series"]:
                if s["region"] == REGION:
                    cls.states[s["indicator"]] = s["state"]

    @classmethod
    def tearDownClass(cls):
        cls.env.close()

    def test_states_are_as_meant(self):
        self.assertEqual([self.states[i] for i, _ in self.want],
                         ["critical", "warning", "moved-strongly", "moved"])
        self.assertEqual([self.states[i] for i in self.ok], ["ok", "ok"])

    def test_in_chromium(self):
        if not chromium.available():
            self.fail("%s missing: make deps-test installs chromium" %
                      chromium.CHROMIUM)
        page = "file://" + os.path.join(self.out, "index.html")
        look = """JSON.stringify({
            top: document.querySelector('#overzicht')
                .getBoundingClientRect().top,
            bottom: document.querySelector('.moved-list')
                .getBoundingClientRect().bottom,
            rows: Array.from(document.querySelectorAll('.moved-list a'))
                .map(a => a.getAttribute('href')),
            sparks: document.querySelectorAll('.moved-list svg.spark')
                .length,
            cards: Array.from(document.querySelectorAll(
                'section.challenge article.card')).map(c => c.id)})"""
        with chromium.Browser(width=1280, height=1200) as b:
            b.load(page)
            got = json.loads(b.evaluate(look))
            self.assertLess(got["top"], 1200)
            self.assertLess(got["bottom"], 1200)
            self.assertEqual(got["rows"], ["#" + i for i, _ in self.want])
            self.assertEqual(got["sparks"], 4)
            # Within a challenge, the most severe card comes first.
            cards = got["cards"]
            for ind_id, _ in self.want:
                self.assertIn(ind_id, cards)
            # Each link lands on its card: the card is at the top.
            for ind_id, _ in self.want:
                b.load(page)
                where = json.loads(b.evaluate("""(() => {
                    const a = document.querySelector(
                        '.moved-list a[href="#%s"]');
                    a.click();
                    const c = document.getElementById('%s');
                    return JSON.stringify({hash: location.hash,
                        tag: c.tagName, cls: c.className,
                        top: c.getBoundingClientRect().top});
                })()""" % (ind_id, ind_id)))
                self.assertEqual(where["hash"], "#" + ind_id)
                self.assertEqual(where["tag"], "ARTICLE")
                self.assertIn("state-" + self.states[ind_id],
                              where["cls"])
                self.assertLess(abs(where["top"]), 5, where)

    def test_cards_most_severe_first_within_a_challenge(self):
        with open(os.path.join(self.out, "index.html")) as f:
            html = f.read()
        main = html[html.index("<main>"):]
        for ch in main.split('<section class="challenge"')[1:]:
            ranks = {"critical": 7, "warning": 6, "stale": 5, "nodata": 4,
                     "moved-strongly": 3, "moved": 2, "ok": 1,
                     "improved": 0}
            got = [ranks[c.split('"')[0]] for c in
                   ch.split('class="card state-')[1:]]
            self.assertEqual(got, sorted(got, reverse=True), ch[:200])


if __name__ == "__main__":
    unittest.main(verbosity=2)
