#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""libcurl is loaded only by the processes that transfer (daemon/curl_api.c):
a plugin's child fetching a page, the mailer.  Linked in, it cost every
regiomon process 26 libraries and about 6 MiB.  Checked with the dynamic
loader's own trace (LD_DEBUG=libs, which prints the pid of the process
that runs each library's initializer) and, for the daemon, its
/proc/PID/maps:

  - `run` of a csv source over HTTP (no mail configured) stores the data,
    and libcurl is set up in the plugin's child, never in regiomon's own
    process;
  - status and check-config on a config with an SMTP server (whose URL is
    checked when the config is read) never load it;
  - the daemon, after its first cycle fetched over HTTP, does not map it,
    nor after it mailed a digest over SMTP (a child sends the mail).

With mail configured, the parent of `run` sends from a child too;
`test-mail` loads it itself.

Run from the repository root:

    /usr/bin/python3 tests/integration/test_lazy_curl.py

REGIOMON_BUILD names the build directory (default ./build).
"""
import json
import os
import re
import subprocess
import sys
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
import httpd  # noqa: E402
import rmdaemon  # noqa: E402
import rmtest  # noqa: E402

DATA = os.path.join(TOP, "tests", "data", "csv")
MAIL = {"to": ["analist@example.org"], "from": "regiomon@example.org",
        "smtp": {"url": "smtp://127.0.0.1:2525"}}


def curl_inits(stderr):
    """The pids whose loader ran libcurl's initializer (LD_DEBUG=libs)."""
    return {int(m.group(1)) for m in re.finditer(
        r"^\s*(\d+):\s*calling init: \S*libcurl\.so", stderr, re.M)}


class LazyCurl(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.access(rmtest.BIN, os.X_OK):
            raise AssertionError("%s not built (make tests)" % rmtest.BIN)
        cls.srv = httpd.start(DATA)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()

    def setUp(self):
        self.env = rmtest.Env(
            [{"name": "x", "plugin": "csv", "interval": "1s", "config": {
                "url": self.srv.url("dutch.csv"), "region_scheme": "cbs",
                "columns": {"indicator": "indicator"}}}],
            catalog=os.path.join(DATA, "catalog.json"))

    def tearDown(self):
        self.env.close()

    def with_mail(self, mail):
        """This config with mail section mail."""
        with open(self.env.conf) as f:
            cfg = json.load(f)
        cfg["mail"] = mail
        self.env.write_conf(cfg)

    def assert_not_mapped(self, pid):
        """Process pid maps librrd (the check can see) but no libcurl."""
        with open("/proc/%d/maps" % pid) as f:
            maps = f.read()
        self.assertIn("librrd", maps)
        self.assertEqual([l for l in maps.splitlines() if "libcurl" in l],
                         [])

    def traced(self, *args):
        """regiomon with this config and args under LD_DEBUG=libs: the
        process's pid, exit status, stderr."""
        p = subprocess.Popen(
            [rmtest.BIN, "-c", self.env.conf, "-P", self.env.plugin_dir,
             "-S", self.env.state] + list(args), stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
            env=dict(os.environ, LD_DEBUG="libs"))
        _, err = p.communicate(timeout=120)
        return p.pid, p.returncode, err

    def test_run_loads_it_in_the_child_only(self):
        pid, rc, err = self.traced("run")
        self.assertEqual(rc, 0, err[-3000:])
        self.assertIn("GET /dutch.csv 200", self.srv.requests())
        self.assertTrue(os.listdir(os.path.join(self.env.state, "rrd")))
        inits = curl_inits(err)
        # The fetch needed it: without this the test would prove nothing.
        self.assertTrue(inits, "libcurl never loaded:\n" + err[-2000:])
        self.assertNotIn(pid, inits)

    def test_readers_never_load_it(self):
        self.with_mail(MAIL)
        for args in (["check-config"], ["status"]):
            pid, rc, err = self.traced(*args)
            self.assertEqual(rc, 0, "%s: %s" % (args, err[-2000:]))
            self.assertEqual(curl_inits(err), set(), args)
            # The trace is there: the loader did report other libraries.
            self.assertRegex(err, r"calling init: \S*librrd\.so")

    def test_daemon_does_not_map_it(self):
        d = rmdaemon.Daemon(self.env, verbose=False)
        try:
            # Its first cycle fetches over HTTP, in a child, and stores.
            rrd = os.path.join(self.env.state, "rrd")
            d.wait(lambda: os.path.isdir(rrd) and os.listdir(rrd),
                   "the first cycle's files")
            self.assertIn("GET /dutch.csv 200", self.srv.requests())
            self.assert_not_mapped(d.pid)
            self.assertEqual(d.stop(), 0, d.log())
        finally:
            d.close()

    def test_daemon_mails_without_mapping_it(self):
        # The daemon sends its mail from a child (mail_flush_apart), so
        # libcurl does not stay in it after the first mail.
        import smtpd as rmsmtpd  # tests/lib/smtpd.py, not the stdlib's
        srv = rmsmtpd.start(os.path.join(self.env.dir, "smtp"))
        try:
            self.with_mail(dict(MAIL, smtp={
                "url": "smtp://127.0.0.1:%d" % srv.port}))
            d = rmdaemon.Daemon(self.env, verbose=False)
            try:
                d.wait(lambda: srv.messages(), "a digest at the server")
                # Sent by libcurl: the mail went over SMTP.
                self.assertIn("regiomon", srv.messages()[0]["raw"].decode(
                    "utf-8", "replace"))
                self.assert_not_mapped(d.pid)
                self.assertEqual(d.stop(), 0, d.log())
            finally:
                d.close()
        finally:
            srv.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
