# SPDX-License-Identifier: ISC
"""The incremental report: a graph whose series shows the same as in the
report in place is linked from there (same inode, same bytes), only the
graphs of changed series are drawn again, a reused graph is byte for
byte what a fresh draw (`regiomon report --full`) gives, and anything
doubtful (another manifest version, a graph file that changed size, a
different language) draws anew.  A small state from the t_ok test
plugin: three series, quick to report on.
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import rmtest  # noqa: E402

CATALOG = os.path.join(rmtest.TOP, "tests", "data", "graph",
                       "catalog-a.json")
OBS = [["unemployment-rate", "groningen", "2020", 4.4, False],
       ["unemployment-rate", "groningen", "2021", 4.7, True],
       ["labour-participation", "drenthe", "2020", 66.5, False],
       ["labour-participation", "drenthe", "2021", 66.8, False],
       ["labour-participation", "groningen", "2020", 64.1, False],
       ["labour-participation", "groningen", "2021", 64.9, False]]
CHANGED = "img/unemployment-rate.groningen.png"
MANIFEST = ".regiomon-graphs"


def graphs(d):
    """{"img/NAME.png": (inode, bytes)} of the report in d."""
    out = {}
    for name in sorted(os.listdir(os.path.join(d, "img"))):
        p = os.path.join(d, "img", name)
        with open(p, "rb") as f:
            out["img/" + name] = (os.stat(p).st_ino, f.read())
    return out


class Incremental(unittest.TestCase):
    def setUp(self):
        self.env = rmtest.Env(self.sources(OBS),
                              plugin_dir=rmtest.TEST_PLUGINS,
                              catalog=CATALOG)
        self.run_ok("run")
        self.out = os.path.join(self.env.dir, "out", "report")

    def tearDown(self):
        self.env.close()

    def sources(self, obs):
        return [{"name": "t", "plugin": "t_ok", "config": {"obs": obs}}]

    def run_ok(self, *args):
        r = self.env.run(*args)
        self.assertEqual(r.returncode, 0, "regiomon %s: %s"
                         % (" ".join(args), r.stderr))
        return r

    def report(self, *args, out=None):
        self.run_ok("report", "-o", out or self.out, *args)
        return graphs(out or self.out)

    def change_one_series(self, report=False):
        """A new period for unemployment-rate/groningen, stored by run
        (which writes STATE/report too if report)."""
        obs = OBS + [["unemployment-rate", "groningen", "2022", 5.6, False]]
        self.env.write_conf({
            "state_dir": self.env.state,
            "plugin_dir": rmtest.TEST_PLUGINS, "catalog": [CATALOG],
            "report": {"enabled": report},
            "sources": self.sources(obs)})
        self.run_ok("run")

    def assertReused(self, before, after, names):
        for n in names:
            self.assertEqual(after[n][0], before[n][0],
                             "%s: expected the graph of the report in "
                             "place to be reused (same inode), but it was "
                             "drawn again" % n)
            self.assertEqual(after[n][1], before[n][1], n)

    def assertDrawn(self, before, after, names):
        for n in names:
            self.assertNotEqual(after[n][0], before[n][0],
                                "%s: expected a newly drawn graph (a new "
                                "inode), but the old one was reused" % n)

    def test_unchanged_graphs_are_reused(self):
        first = self.report()
        self.assertEqual(len(first), 3, sorted(first))
        self.assertTrue(os.path.isfile(os.path.join(self.out, MANIFEST)))
        again = self.report()
        self.assertEqual(sorted(again), sorted(first))
        self.assertReused(first, again, first)

    def test_only_the_changed_series_is_redrawn(self):
        first = self.report()
        self.change_one_series()
        after = self.report()
        self.assertEqual(sorted(after), sorted(first))
        self.assertDrawn(first, after, [CHANGED])
        self.assertNotEqual(after[CHANGED][1], first[CHANGED][1],
                            "%s: the series changed but its graph's bytes "
                            "did not" % CHANGED)
        self.assertReused(first, after,
                          [n for n in first if n != CHANGED])

    def test_the_cycle_redraws_only_what_changed(self):
        # setUp's run wrote STATE/report; the next cycle's report too.
        d = os.path.join(self.env.state, "report")
        first = graphs(d)
        self.assertEqual(len(first), 3, sorted(first))
        self.change_one_series(report=True)
        after = graphs(d)
        self.assertDrawn(first, after, [CHANGED])
        self.assertNotEqual(after[CHANGED][1], first[CHANGED][1])
        self.assertReused(first, after,
                          [n for n in first if n != CHANGED])

    def test_a_reused_graph_is_a_fresh_draw(self):
        self.report()
        self.change_one_series()
        reused = self.report()
        fresh = self.report("--full",
                            out=os.path.join(self.env.dir, "out", "fresh"))
        self.assertEqual(sorted(fresh), sorted(reused))
        for n in fresh:
            self.assertEqual(reused[n][1], fresh[n][1],
                             "%s: the reused graph differs from a fresh "
                             "draw of the same series" % n)

    def test_full_draws_every_graph(self):
        first = self.report()
        full = self.report("--full")
        self.assertDrawn(first, full, first)
        for n in first:
            self.assertEqual(full[n][1], first[n][1], n)

    def test_another_language_draws_every_graph(self):
        first = self.report()
        en = self.report("--lang", "en")
        self.assertDrawn(first, en, first)
        self.assertNotEqual(en[CHANGED][1], first[CHANGED][1])

    def test_doubtful_graphs_are_drawn(self):
        first = self.report()
        # A graph file that is not what the manifest says: drawn anew.
        p = os.path.join(self.out, CHANGED)
        os.unlink(p)
        with open(p, "wb") as f:
            f.write(b"not the graph")
        after = self.report()
        self.assertEqual(after[CHANGED][1], first[CHANGED][1])
        self.assertReused(first, after, [n for n in first if n != CHANGED])
        # A manifest of another version: nothing reused.
        m = os.path.join(self.out, MANIFEST)
        with open(m, encoding="utf-8") as f:
            lines = f.read().split("\n")
        lines[0] = "regiomon-graphs 0 old"
        with open(m, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
        last = self.report()
        self.assertDrawn(after, last, after)

    def test_manifest_lists_every_graph(self):
        self.report()
        with open(os.path.join(self.out, MANIFEST), encoding="utf-8") as f:
            lines = f.read().splitlines()
        self.assertTrue(lines[0].startswith("regiomon-graphs 1 "), lines[0])
        names = sorted(l.split(" ")[2] for l in lines[1:])
        self.assertEqual(names, sorted(graphs(self.out)))
        for l in lines[1:]:
            digest, size, name = l.split(" ")
            self.assertRegex(digest, "^[0-9a-f]{32}$")
            self.assertEqual(int(size),
                             os.path.getsize(os.path.join(self.out, name)))


if __name__ == "__main__":
    unittest.main()
