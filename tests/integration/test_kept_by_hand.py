#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Every indicator accounted for (issue 17): fed by a live source of the
installed config, or declared hand-kept in the catalog with who publishes
it, where and how often; share/hand-kept.csv is the template the
analysts fill in, and a hand-kept figure whose next one is expected shows
as "due" in status, not as a failing source.

Run from the repository root:

    /usr/bin/python3 tests/integration/test_kept_by_hand.py
"""

import json
import os
import shutil
import sys
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
import rmtest  # noqa: E402

LIVE_CONF = os.path.join(TOP, "etc", "regiomon.json")
TEMPLATE = os.path.join(TOP, "share", "hand-kept.csv")


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def fed_by(conf):
    """indicator id -> the names of the enabled sources that feed it (a
    source's config names its indicators under "indicator")."""
    out = {}

    def walk(o, name):
        if isinstance(o, dict):
            for k, v in o.items():
                if k == "indicator" and isinstance(v, str):
                    out.setdefault(v, set()).add(name)
                walk(v, name)
        elif isinstance(o, list):
            for v in o:
                walk(v, name)
    for s in conf["sources"]:
        if s.get("enabled", True) and s["name"] != "hand-kept":
            walk(s.get("config"), s["name"])
    return out


class Accounted(unittest.TestCase):
    def test_every_indicator_live_or_hand_kept(self):
        cat = load(rmtest.CATALOG)
        fed = fed_by(load(LIVE_CONF))
        live, hand, neither, both = [], [], [], []
        for ind in cat["indicators"]:
            k = ind.get("kept_by_hand")
            if ind["id"] in fed and k:
                both.append(ind["id"])
            elif ind["id"] in fed:
                live.append(ind["id"])
            elif k:
                hand.append(ind["id"])
            else:
                neither.append(ind["id"])
        self.assertEqual(neither, [], "neither a live source in "
                         "etc/regiomon.json nor kept_by_hand")
        self.assertEqual(both, [], "fed live and declared hand-kept")
        for ind in cat["indicators"]:
            k = ind.get("kept_by_hand")
            if k:
                self.assertTrue(k["publisher"].strip(), ind["id"])
                self.assertIn(k["cadence"], ("year", "quarter", "month",
                                             "irregular"), ind["id"])
        print("live: %d, hand-kept: %d of %d indicators" %
              (len(live), len(hand), len(cat["indicators"])),
              file=sys.stderr)

    def test_template_has_an_example_per_hand_kept_indicator(self):
        cat = load(rmtest.CATALOG)
        with open(TEMPLATE, encoding="utf-8") as f:
            lines = f.read().splitlines()
        self.assertEqual(lines[0], "indicator;region;period;value;status")
        examples = [l[2:].split(";")[0] for l in lines[1:]
                    if l.startswith("# ") and ";" in l]
        want = [i["id"] for i in cat["indicators"] if i.get("kept_by_hand")]
        self.assertEqual(examples, want)
        self.assertNotIn('"', "\n".join(lines))


class HandKept(unittest.TestCase):
    def setUp(self):
        self.env = rmtest.Env([])
        self.csv = os.path.join(self.env.dir, "hand-kept.csv")
        shutil.copy(TEMPLATE, self.csv)
        cat = load(rmtest.CATALOG)
        for ind in cat["indicators"]:
            if ind["id"] == "fast50-companies":
                ind["grace"] = "400d"
        self.catalog = os.path.join(self.env.dir, "catalog.json")
        with open(self.catalog, "w") as f:
            json.dump(cat, f)
        self.env.write_conf({
            "state_dir": self.env.state, "plugin_dir": rmtest.PLUGINS,
            "catalog": [self.catalog],
            "sources": [{"name": "hand-kept", "plugin": "csv",
                         "config": {"url": "file:hand-kept.csv"}}]})

    def tearDown(self):
        self.env.close()

    def test_the_template_alone_stores_nothing(self):
        r = self.env.run("run", "hand-kept")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("0 observations", r.stderr)

    def test_a_figure_entered_and_then_due(self):
        with open(self.csv, encoding="utf-8") as f:
            text = f.read()
        row = next(l for l in text.splitlines()
                   if l.startswith("# fast50-companies;"))
        ind, reg = row[2:].split(";")[:2]
        with open(self.csv, "a", encoding="utf-8") as f:
            f.write("%s;%s;2019;4;\n%s;%s;2020;5;\n" % (ind, reg, ind, reg))
        r = self.env.run("run", "hand-kept")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("2 observations", r.stderr)
        # 2020 is long past its grace: the next figure is due, by hand.
        r = self.env.run("status", "--json")
        s = next(s for ch in json.loads(r.stdout)["challenges"]
                 for s in ch["series"] if s["indicator"] == ind and
                 s["region"] == reg)
        self.assertEqual(s["state"], "stale")
        self.assertTrue(s["due"])
        self.assertEqual(s["kept_by_hand"]["publisher"],
                         "Deloitte, Technology Fast 50")
        self.assertEqual(s["kept_by_hand"]["cadence"], "year")
        r = self.env.run("status")
        line = next(l for l in r.stdout.splitlines() if ind in l)
        self.assertIn("due (by hand, ", line)
        self.assertNotIn("stale", line)


class CatalogCheck(unittest.TestCase):
    def bad(self, kept, want):
        env = rmtest.Env([])
        self.addCleanup(env.close)
        cat = load(rmtest.CATALOG)
        cat["indicators"][0]["kept_by_hand"] = kept
        path = os.path.join(env.dir, "catalog.json")
        with open(path, "w") as f:
            json.dump(cat, f)
        env.write_conf({"state_dir": env.state, "plugin_dir": rmtest.PLUGINS,
                        "catalog": [path], "sources": []})
        r = env.run("check-config")
        self.assertEqual(r.returncode, 78, r.stderr)
        self.assertIn("indicators[0].kept_by_hand" + want, r.stderr)

    def test_refusals(self):
        self.bad({"cadence": "year"}, ': missing required key "publisher"')
        self.bad({"publisher": "X", "cadence": "weekly"}, ".cadence: ")
        self.bad({"publisher": "X", "cadence": "year", "url": "ftp://x"},
                 ".url: expected the http:// or https:// address")
        self.bad({"publisher": "X", "cadence": "year", "when": 1},
                 ": unknown key \"when\"")


if __name__ == "__main__":
    unittest.main(verbosity=2)
