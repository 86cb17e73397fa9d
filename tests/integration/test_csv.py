#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""The csv plugin end to end: `regiomon fetch` on a Dutch CSV (BOM, CRLF,
decimal commas, thousands dots, quoted fields, missing cells, CBS region
codes) over file: URLs and over HTTP from tests/lib/httpd.py on 127.0.0.1,
with 5xx retries, resets, truncation, gzip, a 404 and the size cap.

Run from the repository root:

    /usr/bin/python3 tests/integration/test_csv.py

REGIOMON_BUILD names the build directory (default ./build), which must
hold regiomon and plugins/csv.so.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
import httpd  # noqa: E402

BUILD = os.path.abspath(os.environ.get("REGIOMON_BUILD") or
                        os.path.join(TOP, "build"))
BIN = os.path.join(BUILD, "regiomon")
PLUGINS = os.path.join(BUILD, "plugins")
DATA = os.path.join(TOP, "tests", "data", "csv")
CATALOG = os.path.join(DATA, "catalog.json")

with open(os.path.join(DATA, "expected_dutch.json"), encoding="utf-8") as f:
    EXPECTED = json.load(f)

# The fixture's layout: CBS region codes, an indicator column.
DUTCH = {"region_scheme": "cbs", "columns": {"indicator": "indicator"}}


class CsvFetch(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.access(BIN, os.X_OK):
            raise AssertionError("%s not built (make tests)" % BIN)
        cls.srv = httpd.start(DATA)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="test_csv.")
        os.mkdir(os.path.join(self.tmp, "etc"))
        os.mkdir(os.path.join(self.tmp, "data"))
        self.srv.set_routes([])
        self.seen = len(self.srv.requests())

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def fetch(self, config, http=None):
        """Run `regiomon fetch x` on a source with config; the process."""
        conf = {
            "state_dir": os.path.join(self.tmp, "state"),
            "plugin_dir": PLUGINS,
            "catalog": [CATALOG],
            "sources": [{"name": "x", "plugin": "csv", "config": config}],
        }
        if http is not None:
            conf["http"] = http
        path = os.path.join(self.tmp, "etc", "regiomon.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(conf, f, indent=1)
        env = dict(os.environ, REGIOMON_HTTP_BACKOFF_MS="50")
        return subprocess.run(
            [BIN, "-c", path, "-P", PLUGINS, "-S", conf["state_dir"],
             "fetch", "x"],
            capture_output=True, text=True, env=env, timeout=120)

    def lines(self, r):
        self.assertEqual(r.returncode, 0, r.stderr)
        return [json.loads(l) for l in r.stdout.splitlines()]

    def assert_dutch(self, r):
        got = self.lines(r)
        self.assertEqual(len(got), len(EXPECTED), r.stdout)
        for g, e in zip(got, EXPECTED):
            # Values are compared with ==: nothing may be lost on the way.
            self.assertEqual({k: g.get(k) for k in e}, e)

    def assert_failed(self, r, text):
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertIn(text, r.stderr)

    def requests(self):
        """The server's log lines for this test only."""
        return self.srv.requests()[self.seen:]

    # file: URLs

    def test_file_relative_to_config(self):
        shutil.copy(os.path.join(DATA, "dutch.csv"),
                    os.path.join(self.tmp, "data"))
        r = self.fetch(dict(DUTCH, url="file:../data/dutch.csv"))
        self.assert_dutch(r)

    def test_file_absolute(self):
        r = self.fetch(dict(DUTCH, url="file://" +
                            os.path.join(DATA, "dutch.csv")))
        self.assert_dutch(r)

    def test_file_missing(self):
        r = self.fetch(dict(DUTCH, url="file:../data/nope.csv"))
        self.assert_failed(r, "cannot read %s: No such file or directory"
                           % os.path.join(self.tmp, "etc", "..", "data",
                                          "nope.csv"))

    def test_bad_number(self):
        r = self.fetch(dict(DUTCH, url="file://" +
                            os.path.join(DATA, "bad_number.csv")))
        self.assert_failed(r, 'line 3, column "value": expected a number '
                           'with a decimal comma, got "abc"')

    # HTTP

    def test_http(self):
        r = self.fetch(dict(DUTCH, url=self.srv.url("dutch.csv?x=1")))
        self.assert_dutch(r)
        self.assertEqual(self.requests(), ["GET /dutch.csv?x=1 200"])
        target, headers = self.srv.request_headers()[-1]
        self.assertEqual(target, "/dutch.csv?x=1")
        self.assertRegex(headers.get("User-Agent", ""),
                         r"^regiomon/\d+\.\d+")
        self.assertIn("gzip", headers.get("Accept-Encoding", ""))

    def test_http_gzip(self):
        self.srv.set_routes([{"match": "/dutch.csv", "gzip": True}])
        self.assert_dutch(self.fetch(dict(DUTCH,
                                          url=self.srv.url("dutch.csv"))))

    def test_http_500_then_200(self):
        self.srv.set_routes([{"match": "/dutch.csv",
                              "status": [500, 502, 200]}])
        r = self.fetch(dict(DUTCH, url=self.srv.url("dutch.csv")))
        self.assert_dutch(r)
        self.assertEqual(self.requests(), ["GET /dutch.csv 500",
                                           "GET /dutch.csv 502",
                                           "GET /dutch.csv 200"])

    def test_http_retry_after(self):
        self.srv.set_routes([{"match": "/dutch.csv", "status": [503, 200],
                              "headers": {"Retry-After": "1"}}])
        self.assert_dutch(self.fetch(dict(DUTCH,
                                          url=self.srv.url("dutch.csv"))))
        self.assertEqual(len(self.requests()), 2)

    def test_http_reset_and_truncated_are_retried(self):
        self.srv.set_routes([
            {"match": "/dutch.csv", "times": 1, "reset": True},
            {"match": "/dutch.csv", "times": 1, "reset": "mid-body"},
            {"match": "/dutch.csv", "times": 1, "truncate": True},
        ])
        r = self.fetch(dict(DUTCH, url=self.srv.url("dutch.csv")))
        self.assert_dutch(r)
        self.assertEqual(len(self.requests()), 4)

    def test_http_redirect(self):
        self.srv.set_routes([
            {"match": "/old.csv", "status": 301,
             "headers": {"Location": "/dutch.csv"}},
            {"match": "/evil.csv", "status": 302,
             "headers": {"Location": "file://" +
                         os.path.join(DATA, "dutch.csv")}},
        ])
        self.assert_dutch(self.fetch(dict(DUTCH,
                                          url=self.srv.url("old.csv"))))
        self.assertEqual(self.requests(), ["GET /old.csv 301",
                                           "GET /dutch.csv 200"])
        # A server cannot redirect the daemon into the local disk.
        url = self.srv.url("evil.csv")
        self.assert_failed(self.fetch(dict(DUTCH, url=url)), "GET %s: " % url)

    def test_http_500_gives_up(self):
        self.srv.set_routes([{"match": "/dutch.csv", "status": 500}])
        url = self.srv.url("dutch.csv")
        r = self.fetch(dict(DUTCH, url=url), http={"retries": 3})
        self.assert_failed(r, "GET %s: HTTP 500 after 4 attempts" % url)
        self.assertEqual(len(self.requests()), 4)

    def test_http_404(self):
        url = self.srv.url("missing.csv")
        r = self.fetch(dict(DUTCH, url=url))
        self.assert_failed(r, "GET %s: HTTP 404" % url)
        # A 404 is not retried.
        self.assertEqual(self.requests(), ["GET /missing.csv 404"])

    def test_http_size_cap(self):
        self.srv.set_routes([{"match": "/big.csv", "bytes": 1 << 20,
                              "chunked": True}])
        url = self.srv.url("big.csv")
        r = self.fetch(dict(DUTCH, url=url), http={"max_bytes": "1k"})
        self.assert_failed(r, "GET %s: response larger than 1 KiB cap"
                           % url)
        # A cap is a property of the answer: no retry.
        self.assertEqual(len(self.requests()), 1)


if __name__ == "__main__":
    unittest.main()
