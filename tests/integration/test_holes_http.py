#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Redirects and HTTP limits under attack (issue 20, points 9, 10 and 15):
the real binary against two tests/lib/httpd.py servers on 127.0.0.1, the
second (another port) standing for another host, each recording what it
receives.  A redirect that would carry the swing API key to another
origin is refused and the key never reaches the second server; a
redirect that the source allows by name goes there without the key; a
redirect within the origin is followed, keeps the key and is logged with
-v; errors name the final URL; a huge Content-Length is refused unread; a
trickling server hits the low-speed limit and the retry happens;
check-config refuses an http.timeout that leaves a source no room for a
retry.

Run from the repository root:

    /usr/bin/python3 tests/integration/test_holes_http.py
"""

import json
import os
import shutil
import sys
import tempfile
import time
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
import httpd  # noqa: E402
import rmtest  # noqa: E402

FAST = {"REGIOMON_HTTP_BACKOFF_MS": "50"}
KEY = "s3cret-klimaatmonitor-key"
VALUES = ("/Variables('hern_tot')/GeoLevels('gemeente')"
          "/PeriodLevels('year')/Periods('all')/Values")
PAGE = {"value": [{"ExternalCode": "gemeente_106", "GeoLevel": "gemeente",
                   "PeriodLevel": "year", "Period": "2021",
                   "ValueString": "1234.5", "Description": None}]}
CSV = "indicator;region;period;value\nunemployment-rate;drenthe;2021;3,5\n"


class HolesHttp(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.access(rmtest.BIN, os.X_OK):
            raise AssertionError("%s not built (make tests)" % rmtest.BIN)
        cls.root = tempfile.mkdtemp(prefix="test_holes_http.")
        for d in ("a", "b"):
            os.mkdir(os.path.join(cls.root, d))
            with open(os.path.join(cls.root, d, "page.json"), "w") as f:
                json.dump(PAGE, f)
            with open(os.path.join(cls.root, d, "data.csv"), "w") as f:
                f.write(CSV)
        cls.a = httpd.start(os.path.join(cls.root, "a"))
        cls.b = httpd.start(os.path.join(cls.root, "b"))

    @classmethod
    def tearDownClass(cls):
        cls.a.stop()
        cls.b.stop()
        shutil.rmtree(cls.root)

    def setUp(self):
        self.a.set_routes([])
        self.b.set_routes([{"match": "/odata/", "file": "page.json"}])
        self.seen_a = len(self.a.request_headers())
        self.seen_b = len(self.b.request_headers())
        self.keyfile = os.path.join(self.root, "key")
        with open(self.keyfile, "w") as f:
            f.write(KEY + "\n")
        os.chmod(self.keyfile, 0o600)
        self.env = None

    def tearDown(self):
        if self.env is not None:
            self.env.close()

    def got_a(self):
        return self.a.request_headers()[self.seen_a:]

    def got_b(self):
        return self.b.request_headers()[self.seen_b:]

    def swing(self, redirect_to, allow=None):
        """Run a swing source on server a whose values page answers 302
        to redirect_to; the CompletedProcess."""
        self.a.set_routes([
            {"match": VALUES, "status": 302,
             "headers": {"Location": redirect_to}},
            {"match": "/moved/", "file": "page.json"},
            {"match": "/gone/", "status": 404, "body": "gone"}])
        src = {"name": "km", "plugin": "swing", "timeout": "1m",
               "config": {"base_url": self.a.url("odata").rstrip("/"),
                          "api_key_file": self.keyfile,
                          "series": [{"variable": "hern_tot",
                                      "indicator":
                                      "renewable-supply-sun-wind"}]}}
        if allow is not None:
            src["allow_redirect_hosts"] = allow
        self.env = rmtest.Env([src])
        return self.env.run("-v", "fetch", "km", env=FAST)

    def assert_key_never_reached_b(self):
        for target, headers in self.got_b():
            self.assertNotIn(KEY, json.dumps(headers), target)

    # Redirects (points 9 and 10)

    def test_redirect_to_another_port_refused_key_kept(self):
        to = self.b.url("odata" + VALUES)
        r = self.swing(to)
        self.assert_key_never_reached_b()
        self.assertEqual(self.got_b(), [])
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("GET %s: HTTP 302 to %s refused: 127.0.0.1:%d is "
                      "another origin (the source's allow_redirect_hosts "
                      "can allow it)" % (self.a.url("odata" + VALUES), to,
                                         self.b.port), r.stderr)
        self.assertEqual(self.got_b(), [])
        self.assertEqual([h.get("apikey") for _, h in self.got_a()], [KEY])

    def test_redirect_to_unspecified_address_refused(self):
        # 0.0.0.0 reaches this machine on Linux: before the fix, b got
        # the key.  Even a host the source allows may not be one.
        to = "http://0.0.0.0:%d/odata%s" % (self.b.port, VALUES)
        r = self.swing(to, allow=["0.0.0.0:%d" % self.b.port])
        self.assertEqual(self.got_b(), [])
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("HTTP 302 to %s refused: 0.0.0.0 is an unspecified "
                      "address" % to, r.stderr)
        self.assertEqual(self.got_b(), [])

    def test_redirect_allowed_by_name_goes_without_the_key(self):
        to = self.b.url("odata" + VALUES)
        r = self.swing(to, allow=["127.0.0.1:%d" % self.b.port])
        self.assert_key_never_reached_b()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(rmtest.fetch_lines(r.stdout)), 1, r.stdout)
        self.assertEqual([t for t, _ in self.got_b()], ["/odata" + VALUES])
        self.assert_key_never_reached_b()
        self.assertIn("redirected to %s (without the request's headers: "
                      "another origin)" % to, r.stderr)

    def test_redirect_within_origin_followed_and_logged(self):
        to = self.a.url("moved/page.json")
        r = self.swing("/moved/page.json")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("GET %s: HTTP 302, redirected to %s\n"
                      % (self.a.url("odata" + VALUES), to), r.stderr)
        # Same origin: the key goes along, and nothing reaches b.
        self.assertEqual([(t, h.get("apikey")) for t, h in self.got_a()],
                         [("/odata" + VALUES, KEY),
                          ("/moved/page.json", KEY)])
        self.assertEqual(self.got_b(), [])

    def test_error_names_the_final_url(self):
        r = self.swing("/gone/page.json")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("GET %s (redirected from %s): HTTP 404"
                      % (self.a.url("gone/page.json"),
                         self.a.url("odata" + VALUES)), r.stderr)

    # Limits (point 15)

    def csv(self, url, http=None):
        extra = {"http": http} if http is not None else None
        self.env = rmtest.Env([{"name": "c", "plugin": "csv",
                                "timeout": "1m", "config": {"url": url}}],
                              extra=extra)
        return self.env.run("-v", "fetch", "c", env=FAST)

    def test_huge_content_length_refused_unread(self):
        # 200 MiB promised, 4 MiB sent slowly: reading it to the cap
        # would take far longer than refusing it at the headers.
        self.a.set_routes([{"match": "/big.csv", "length": 200 << 20,
                            "bytes": 4 << 20, "trickle": 0.001}])
        url = self.a.url("big.csv")
        t0 = time.monotonic()
        r = self.csv(url, http={"max_bytes": "1M"})
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("GET %s: response larger than 1 MiB cap "
                      "(Content-Length 200 MiB, refused unread)" % url,
                      r.stderr)
        self.assertLess(time.monotonic() - t0, 10)
        self.assertEqual(len(self.got_a()), 1)

    def test_trickle_hits_low_speed_limit_and_is_retried(self):
        self.a.set_routes([{"match": "/slow.csv", "times": 1,
                            "body": CSV, "trickle": 0.5},
                           {"match": "/slow.csv", "file": "data.csv"}])
        url = self.a.url("slow.csv")
        t0 = time.monotonic()
        r = self.csv(url, http={"low_speed_limit": "1K",
                                "low_speed_time": "2s", "retries": 1})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(rmtest.fetch_lines(r.stdout)), 1, r.stdout)
        self.assertIn("GET %s: too slow (under 1024 bytes/s for 2 s), "
                      "retrying" % url, r.stderr)
        self.assertEqual(len(self.got_a()), 2)
        self.assertLess(time.monotonic() - t0, 20)

    def test_check_config_refuses_http_timeout_not_below_source(self):
        self.env = rmtest.Env(
            [{"name": "c", "plugin": "csv", "timeout": "1m",
              "config": {"url": self.a.url("data.csv")}}],
            extra={"http": {"timeout": "1m"}})
        r = self.env.run("check-config")
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertIn("%s: sources[0].timeout: 60s leaves no room for a "
                      "retry after a transfer that runs into http.timeout "
                      "(60s); make this at least 120s or http.timeout "
                      "shorter" % self.env.conf, r.stderr)
        r = self.env.run("fetch", "c")
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertIn("sources[0].timeout: 60s leaves no room", r.stderr)
        self.assertEqual(self.got_a(), [])


if __name__ == "__main__":
    unittest.main()
