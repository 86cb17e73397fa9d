# SPDX-License-Identifier: ISC
"""Alert mail carries the graph of each moved series as an inline PNG:
a run that moves two series delivers one digest to the Maildir
(STATE/mail/new, the default transport) that Python's email module
parses, whose HTML part sits in a multipart/related with one image/png
part per moved series, and whose every "cid:" reference resolves to one
of them (and every image is referenced).

The catalog is tests/data/graph/catalog-a.json (grace of a century, so
that the test does not depend on the clock); data comes from t_ok.
"""
import email
import email.policy
import json
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import pngcheck  # noqa: E402
import rmtest  # noqa: E402

CATALOG = os.path.join(rmtest.TOP, "tests", "data", "graph", "catalog-a.json")
BASE = (0xb0, 0x00, 0x20)
GRAPH_MAIL_MAX = 20  # regiomon.h

QUIET = [["unemployment-rate", "groningen", "2019", 4.6, False],
         ["unemployment-rate", "groningen", "2020", 4.4, False],
         ["unemployment-rate", "groningen", "2021", 4.5, False],
         ["labour-participation", "drenthe", "2020", 66.5, False],
         ["labour-participation", "drenthe", "2021", 66.8, False]]
# 2022: Groningen's unemployment 1.2 above its baseline (critical), and
# Drenthe's participation 2.5 below its own 2020 (critical).
MOVED = QUIET + [["unemployment-rate", "groningen", "2022", 5.6, True],
                 ["labour-participation", "drenthe", "2022", 64.0, False]]


class AlertGraphs(unittest.TestCase):
    def setUp(self):
        self.env = rmtest.Env([{"name": "t", "plugin": "t_ok",
                                "config": {"obs": QUIET}}],
                              plugin_dir=rmtest.TEST_PLUGINS,
                              catalog=CATALOG)
        self.maildir = os.path.join(self.env.state, "mail", "new")

    def tearDown(self):
        self.env.close()

    def mails(self):
        if not os.path.isdir(self.maildir):
            return []
        return sorted(os.listdir(self.maildir))

    def run_with(self, obs):
        self.env.write_conf({
            "state_dir": self.env.state, "plugin_dir": rmtest.TEST_PLUGINS,
            "catalog": [CATALOG],
            "sources": [{"name": "t", "plugin": "t_ok",
                         "config": {"obs": obs}}]})
        r = self.env.run("run")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_moved_series_are_inline_images(self):
        self.run_with(QUIET)
        self.assertEqual(self.mails(), [], "nothing moved, nothing mailed")
        self.run_with(MOVED)
        names = self.mails()
        self.assertEqual(len(names), 1)
        with open(os.path.join(self.maildir, names[0]), "rb") as f:
            raw = f.read()
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        self.assertEqual(msg.get_content_type(), "multipart/alternative")
        self.assertIn("2 reeksen in beweging", msg["Subject"])

        # The HTML part, inside a multipart/related with the images.
        related = [p for p in msg.walk()
                   if p.get_content_type() == "multipart/related"]
        self.assertEqual(len(related), 1)
        parts = list(related[0].iter_parts())
        self.assertEqual(parts[0].get_content_type(), "text/html")
        html = parts[0].get_content()
        images = {}
        for p in parts[1:]:
            self.assertEqual(p.get_content_type(), "image/png")
            self.assertEqual(p.get_content_disposition(), "inline")
            cid = p["Content-ID"].strip()
            self.assertRegex(cid, r"^<[^<>]+>$")
            images[cid[1:-1]] = p.get_content()

        refs = re.findall(r'src="cid:([^"]+)"', html)
        self.assertEqual(sorted(refs), sorted(images),
                         "every cid: resolves, every image is used")
        self.assertEqual(sorted(images), [
            "labour-participation.drenthe@regiomon",
            "unemployment-rate.groningen@regiomon"])
        for cid, data in images.items():
            img = pngcheck.decode(data)
            self.assertEqual((img.width, img.height), (600, 220))
            self.assertGreater(img.count(BASE), 40, cid + ": baseline")
        self.assertIn('alt="Werkloosheid \u2014 Provincie Groningen"', html)
        self.assertIn('alt="Netto arbeidsparticipatie \u2014 Provincie '
                      'Drenthe"', html)
        # The tables of the digest are still there, graphs after them.
        self.assertLess(html.index("<table"), html.index("cid:"))


class FirstDigest(unittest.TestCase):
    """A digest of more series than it has graphs for (a first run's)
    draws them for the most severe, wherever they come in its order,
    says so, and shows a stale series' last judgement."""

    def test_graphs_go_to_the_most_severe(self):
        with open(rmtest.CATALOG) as f:
            cat = json.load(f)
        inds = sorted((i for i in cat["indicators"]
                       if i["frequency"] == "year"),
                      key=lambda i: i["challenge"])
        region = "assen"

        def base(ind):
            return next((b["value"] for b in ind.get("baselines", [])
                         if b["region"] == region), 100.0)

        # Both years long past the grace: every series is stale, so all
        # come in the first digest; the critical one comes last in it.
        obs = []
        for ind in inds[:GRAPH_MAIL_MAX + 1]:
            obs += [[ind["id"], region, y, base(ind), False]
                    for y in ("2020", "2021")]
        last = inds[-1]
        b = base(last)
        away = -(10 * abs(b) + 1000) if \
            last["direction"] == "higher-is-better" else 10 * abs(b) + 1000
        obs += [[last["id"], region, "2020", b, False],
                [last["id"], region, "2021", b + away, False]]
        env = rmtest.Env([{"name": "t", "plugin": "t_ok",
                           "config": {"obs": obs}}],
                         plugin_dir=rmtest.TEST_PLUGINS)
        self.addCleanup(env.close)
        r = env.run("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        new = os.path.join(env.state, "mail", "new")
        names = os.listdir(new)
        self.assertEqual(len(names), 1)
        with open(os.path.join(new, names[0]), "rb") as f:
            msg = email.message_from_bytes(f.read(),
                                           policy=email.policy.default)
        text = msg.get_body(("plain",)).get_content()
        html = msg.get_body(("html",)).get_content()
        # The first news of 22 series is a summary: the 10 most severe
        # rows, each with its graph, the critical one first.
        n = GRAPH_MAIL_MAX + 2
        self.assertIn("Samenvatting van %d reeksen; hieronder de 10 "
                      "ernstigste" % n, text)
        refs = re.findall(r'src="cid:([^"]+)@regiomon"', html)
        self.assertEqual(len(refs), 10)
        self.assertEqual(refs[0], "%s.%s" % (last["id"], region))
        block = text.split("[%s/%s]\n" % (last["id"], region))[1]
        self.assertTrue(block.startswith("    nieuw -> verouderd (kritiek)"),
                        text)


if __name__ == "__main__":
    unittest.main()
