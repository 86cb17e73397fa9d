# SPDX-License-Identifier: ISC
"""The response size cap (http.max_bytes) against a 50 MB answer from the
loopback server (tests/lib/httpd.py "bytes" routes), for a csv source
(with and without Content-Length) and a cbs_statline source whose data
page is the monster: the run fails with the cap in its message, nothing
of it is stored, and regiomon's peak memory stays far below the 50 MB it
was offered, because it stops reading at the cap instead of taking the
whole answer in.  Peak memory is measured by GNU time around regiomon
(the larger of the parent and the plugin's child)."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
sys.path.insert(0, os.path.join(TOP, "tests", "data", "cbs"))
import httpd  # noqa: E402
import make_v3  # noqa: E402
import rmtest  # noqa: E402

HUGE = 50 * 1024 * 1024
CAP = "16M"
# regiomon's resident size without any data is 10-16 MB (its shared
# libraries; the fetching child maps libcurl too); holding the whole
# answer would take it past 65 MB.
RSS_LIMIT_KB = 40 * 1024


class SizeCap(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="test_size_cap.")
        cls.srv = httpd.start(cls.root)
        cls.v3base = cls.srv.url("ODataFeed/odata").rstrip("/")
        cls.v3 = make_v3.build(os.path.join(cls.root, "ODataFeed", "odata"),
                               cls.v3base, 500)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.root, ignore_errors=True)

    def tearDown(self):
        self.env.close()

    def run_capped(self, source, routes):
        self.srv.set_routes(routes)
        self.env = rmtest.Env([source], extra={"http": {"max_bytes": CAP,
                                                        "retries": 0}})
        timing = os.path.join(self.env.dir, "time.txt")
        r = subprocess.run(
            ["/usr/bin/time", "-o", timing, "-f", "%M", rmtest.BIN, "-c",
             self.env.conf, "-P", self.env.plugin_dir, "-S",
             self.env.state, "run"], capture_output=True, text=True,
            timeout=120)
        with open(timing) as f:
            rss = int(f.read().split()[-1])
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("response larger than 16 MiB cap", r.stderr)
        self.assertIn("%s: failed" % source["name"], r.stderr)
        st = self.env.state_json()["sources"][source["name"]]
        self.assertIn("last_error", st)
        self.assertNotIn("mark", st)
        rrd = os.path.join(self.env.state, "rrd")
        self.assertEqual(os.listdir(rrd) if os.path.isdir(rrd) else [], [])
        self.assertEqual(os.listdir(os.path.join(self.env.state, "spool")),
                         [])
        if not rmtest.SANITIZED:
            # ASan's shadow memory and quarantine make RSS meaningless.
            self.assertLess(rss, RSS_LIMIT_KB,
                            "peak RSS %d KiB for a capped answer" % rss)
        if os.environ.get("VERBOSE"):
            sys.stderr.write("peak RSS %d KiB\n" % rss)
        return r, rss

    def csv(self):
        return {"name": "big", "plugin": "csv",
                "config": {"url": self.srv.url("big.csv")}}

    def test_csv_content_length(self):
        self.run_capped(self.csv(), [{"match": "/big.csv",
                                      "bytes": HUGE}])

    def test_csv_chunked(self):
        # No Content-Length: the cap has to count the bytes as they come.
        self.run_capped(self.csv(), [{"match": "/big.csv", "bytes": HUGE,
                                      "chunked": True}])

    def test_cbs_data_page(self):
        source = {"name": "cbs", "plugin": "cbs_statline", "config": {
            "api": "v3-feed", "base_url": self.v3base, "table": "85268NED",
            "series": [{"indicator": "unemployment-rate",
                        "measure": "Werkloosheidspercentage_13",
                        "filters": {"Geslacht": "T001038"},
                        "regions": ["groningen"]}]}}
        r, _ = self.run_capped(source, [{"match": "/TypedDataSet",
                                         "bytes": HUGE}])
        # The metadata was read; only the data page was refused.
        self.assertNotIn("TableInfos", r.stderr)


if __name__ == "__main__":
    unittest.main()
