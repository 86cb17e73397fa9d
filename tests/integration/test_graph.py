# SPDX-License-Identifier: ISC
"""`regiomon graph`: one series drawn by librrd from its real RRD file.

Data comes from the t_ok test plugin through `regiomon run`; the catalogs
are tests/data/graph/catalog-a.json and catalog-b.json, identical but for
the 2020 baseline of unemployment-rate in groningen (4.4 and 5.2; b
allows a baseline_tolerance of 50%, so that its 5.2 stands against the
series' own 4.4 for 2020 instead of counting as another definition).  PNGs
are decoded with tests/lib/pngcheck.py to check their size and to look
for the colours graph_args.c draws with: the series line, the baseline rule,
the provisional overlay and the two threshold zones.
"""
import os
import sys
import unittest
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import pngcheck  # noqa: E402
import rmtest  # noqa: E402

DATA = os.path.join(rmtest.TOP, "tests", "data", "graph")
CAT_A = os.path.join(DATA, "catalog-a.json")
CAT_B = os.path.join(DATA, "catalog-b.json")

# Groningen from below the 2020 baseline of 4.4 into the critical zone
# (4.4 + 1.0 and up), 2024 provisional; Drenthe has no catalog baseline.
OBS = [["unemployment-rate", "groningen", "2018", 4.9, False],
       ["unemployment-rate", "groningen", "2019", 4.6, False],
       ["unemployment-rate", "groningen", "2020", 4.4, False],
       ["unemployment-rate", "groningen", "2021", 4.7, False],
       ["unemployment-rate", "groningen", "2022", 5.1, False],
       ["unemployment-rate", "groningen", "2023", 5.5, False],
       ["unemployment-rate", "groningen", "2024", 5.9, True],
       ["labour-participation", "drenthe", "2020", 66.5, False],
       ["labour-participation", "drenthe", "2021", 67.0, False],
       ["labour-participation", "drenthe", "2022", 64.0, False]]

# graph_args.c's colours; the zones are drawn with alpha a0 on white.
LINE = (0x1f, 0x5f, 0xa8)
BASE = (0xb0, 0x00, 0x20)
PROV = (0xe0, 0x70, 0x00)


def on_white(rgb, alpha=0xa0):
    a = alpha / 255.0
    return tuple(round(255 * (1 - a) + c * a) for c in rgb)


WARN = on_white((0xff, 0xcf, 0x70))
CRIT = on_white((0xf2, 0x8b, 0x82))


def make_env(obs=OBS, catalog=CAT_A):
    env = rmtest.Env([{"name": "t", "plugin": "t_ok",
                       "config": {"obs": obs}}],
                     plugin_dir=rmtest.TEST_PLUGINS, catalog=catalog)
    r = env.run("run")
    if r.returncode != 0:
        env.close()
        raise AssertionError("run failed: %s" % r.stderr)
    return env


def rows_with(img, rgb, tol=0):
    """The y of every row holding at least 20 pixels of colour rgb."""
    out = []
    for y in range(img.height):
        n = sum(1 for x in range(img.width)
                if all(abs(a - b) <= tol for a, b in
                       zip(img.pixel(x, y), rgb)))
        if n >= 20:
            out.append(y)
    return out


class Graph(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.a = make_env(catalog=CAT_A)
        cls.b = make_env(catalog=CAT_B)

    @classmethod
    def tearDownClass(cls):
        cls.a.close()
        cls.b.close()

    def graph(self, env, *args, name="g.png"):
        out = os.path.join(env.dir, name)
        if os.path.exists(out):
            os.unlink(out)
        r = env.run("graph", *args, "-o", out)
        return r, out

    def read(self, path):
        with open(path, "rb") as f:
            return f.read()

    def test_png_has_the_requested_size(self):
        r, out = self.graph(self.a, "unemployment-rate", "groningen",
                            "-w", "600", "-h", "200")
        self.assertEqual(r.returncode, 0, r.stderr)
        data = self.read(out)
        self.assertEqual(pngcheck.size(data), (600, 200))
        img = pngcheck.decode(data)
        self.assertEqual((img.width, img.height), (600, 200))
        # No temp file is left next to it.
        self.assertEqual(sorted(f for f in os.listdir(self.a.dir)
                                if f.startswith("g.png")), ["g.png"])
        r, out = self.graph(self.a, "unemployment-rate", "groningen",
                            "--width", "333", "--height", "222")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(pngcheck.size(self.read(out)), (333, 222))
        r, out = self.graph(self.a, "unemployment-rate", "groningen")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(pngcheck.size(self.read(out)), (640, 240))

    def test_png_shows_series_baseline_zones_and_provisional(self):
        r, out = self.graph(self.a, "unemployment-rate", "groningen")
        self.assertEqual(r.returncode, 0, r.stderr)
        img = pngcheck.decode(self.read(out))
        self.assertGreater(img.count(LINE), 200, "series line")
        self.assertGreater(img.count(BASE), 40, "baseline rule")
        self.assertGreater(img.count(PROV), 40, "provisional overlay")
        # Lower is better: the warning zone from 4.9 to 5.4 and the
        # critical zone above it, where 2023 and 2024 lie.
        self.assertGreater(img.count(WARN, tol=3), 1000, "warning zone")
        self.assertGreater(img.count(CRIT, tol=3), 1000, "critical zone")
        warn_rows = rows_with(img, WARN, tol=3)
        crit_rows = rows_with(img, CRIT, tol=3)
        base_rows = rows_with(img, BASE)
        # y grows downwards: critical above warning above the baseline
        # (the legend's swatches lie below the plot and are left out).
        plot = [y for y in base_rows if y < img.height * 0.7]
        self.assertTrue(plot, base_rows)
        self.assertLess(min(crit_rows), min(warn_rows))
        self.assertLess(min(warn_rows), min(plot))

    def test_no_provisional_no_overlay(self):
        final = [o[:4] + [False] for o in OBS]
        env = make_env(obs=final)
        try:
            r, out = self.graph(env, "unemployment-rate", "groningen")
            self.assertEqual(r.returncode, 0, r.stderr)
            img = pngcheck.decode(self.read(out))
            self.assertEqual(img.count(PROV), 0)
            self.assertGreater(img.count(LINE), 200)
        finally:
            env.close()

    def test_a_different_baseline_gives_a_different_graph(self):
        r, a1 = self.graph(self.a, "unemployment-rate", "groningen",
                           name="a1.png")
        self.assertEqual(r.returncode, 0, r.stderr)
        r, a2 = self.graph(self.a, "unemployment-rate", "groningen",
                           name="a2.png")
        self.assertEqual(r.returncode, 0, r.stderr)
        r, b1 = self.graph(self.b, "unemployment-rate", "groningen",
                           name="b1.png")
        self.assertEqual(r.returncode, 0, r.stderr)
        pa1, pa2, pb1 = self.read(a1), self.read(a2), self.read(b1)
        # Drawing is deterministic, so a difference is the baseline's.
        self.assertEqual(pa1, pa2)
        self.assertNotEqual(pa1, pb1)
        # The baseline rule itself moved up (5.2 is above 4.4).
        ya = min(rows_with(pngcheck.decode(pa1), BASE))
        yb = min(rows_with(pngcheck.decode(pb1), BASE))
        self.assertLess(yb, ya)

    def svg(self, env, *args):
        r, out = self.graph(env, *args, name="g.svg")
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out, encoding="utf-8") as f:
            text = f.read()
        root = ET.fromstring(text.encode("utf-8"))
        self.assertEqual(root.tag, "{http://www.w3.org/2000/svg}svg")
        ns = {"s": "http://www.w3.org/2000/svg"}
        return (text, root.find("s:title", ns).text,
                root.find("s:desc", ns).text)

    def test_svg_holds_the_baseline_value(self):
        text, title, desc = self.svg(self.a, "unemployment-rate",
                                     "groningen")
        self.assertEqual(title, "Werkloosheid \u2014 Provincie Groningen (%)")
        self.assertIn("Basislijn 2020: 4,4%", desc)
        self.assertIn("Laatste: 5,9% (2024, voorlopig)", desc)
        self.assertIn("Basislijn 2020: 4,4%", text)
        text, title, desc = self.svg(self.b, "unemployment-rate",
                                     "groningen")
        self.assertIn("Basislijn 2020: 5,2%", desc)
        self.assertNotIn("4,4%", text)
        text, title, desc = self.svg(self.a, "unemployment-rate",
                                     "groningen", "--lang", "en")
        self.assertEqual(title,
                         "Unemployment rate \u2014 Provincie Groningen (%)")
        self.assertIn("Baseline 2020: 4.4%", desc)
        self.assertIn("Latest: 5.9% (2024, provisional)", desc)

    def test_baseline_from_the_series_itself(self):
        # No catalog figure for Drenthe: the series' own 2020 value.
        text, title, desc = self.svg(self.a, "labour-participation",
                                     "drenthe")
        self.assertIn("Basislijn 2020: 66,5% (eigen reeks)", desc)
        self.assertIn("Laatste: 64% (2022)", desc)

    def test_usage_errors(self):
        cases = [
            (["nope", "groningen"], 'unknown indicator "nope"'),
            (["unemployment-rate", "atlantis"], 'unknown region "atlantis"'),
            (["unemployment-rate", "groningen", "-w", "5"],
             "expected a width"),
            (["unemployment-rate", "groningen", "-h", "x"],
             "expected a height"),
            (["unemployment-rate", "groningen", "--lang", "fr"],
             "expected nl or en"),
        ]
        for args, msg in cases:
            r, out = self.graph(self.a, *args)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
            self.assertIn(msg, r.stderr)
            self.assertFalse(os.path.exists(out))
        out = os.path.join(self.a.dir, "g.gif")
        r = self.a.run("graph", "unemployment-rate", "groningen", "-o", out)
        self.assertEqual(r.returncode, 2)
        self.assertIn("ending in .png or .svg", r.stderr)
        self.assertFalse(os.path.exists(out))
        r = self.a.run("graph", "unemployment-rate", "groningen")
        self.assertEqual(r.returncode, 2)
        self.assertIn("usage: regiomon graph", r.stderr)

    def test_nothing_stored(self):
        r, out = self.graph(self.a, "unemployment-rate", "assen")
        self.assertEqual(r.returncode, 1)
        self.assertIn("nothing stored for unemployment-rate/assen",
                      r.stderr)
        self.assertFalse(os.path.exists(out))

    def test_help(self):
        for flag in ("--help", "-h"):
            r = self.a.run("graph", flag)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("usage: regiomon graph INDICATOR REGION", r.stdout)


if __name__ == "__main__":
    unittest.main()
