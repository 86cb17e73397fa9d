#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Outside text in the log and on the command line, and secrets (issue 20,
points 6, 8, 11 and 12): a plugin's period or a server's nextLink holding
"\\n<0>regiomon: FORGED" never becomes a line of its own (under journald a
forged emergency), a silence comment with a C1 control or invalid UTF-8 is
refused where it enters and never printed raw, check-config refuses an SMTP
URL with an encoded CR LF, a secret file (the swing key, the SMTP password)
that is not a regular file of this user without group or other bits is
refused the same way by check-config and the run, and a user:pass@ URL
never shows its password.

Run from the repository root:

    /usr/bin/python3 tests/integration/test_holes_text.py
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, HERE)
import httpd  # noqa: E402
import rmdaemon  # noqa: E402
import rmtest  # noqa: E402
import test_cbs  # noqa: E402

PY = "/usr/bin/python3"
FORGED = "<0>regiomon: FORGED"
JOURNAL = {"JOURNAL_STREAM": "8:1234", "REGIOMON_HTTP_BACKOFF_MS": "50"}


def run_bytes(env, *args, extra_env=None):
    """regiomon with env's config; args may be bytes; output as bytes."""
    e = dict(os.environ)
    e.update(extra_env or {})
    return subprocess.run(
        [rmtest.BIN, "-c", env.conf, "-P", env.plugin_dir, "-S", env.state]
        + list(args), capture_output=True, timeout=60, env=e)


class HolesText(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="test_holes_text.")
        self.env = None

    def tearDown(self):
        if self.env is not None:
            self.env.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def assert_no_forged_line(self, err):
        """No line of err starts a priority of its own at 0..2, and the
        forged text shows up escaped inside one line."""
        for line in err.splitlines():
            self.assertFalse(line.startswith(("<0>", "<1>", "<2>")), err)
            self.assertFalse(line.startswith("regiomon: FORGED"), err)
        self.assertIn("\\n<0>regiomon: FORGED", err)

    # ---- 6: a plugin's period

    def test_forged_period_is_one_escaped_line(self):
        rows = [["unemployment-rate", "groningen", "2021\n" + FORGED, 1.0,
                 False]]
        self.env = rmtest.Env([{"name": "x", "plugin": "t_ok",
                                "config": {"obs": rows}}],
                              plugin_dir=rmtest.TEST_PLUGINS)
        r = self.env.run("run", env=JOURNAL)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("unknown period", r.stderr)
        self.assert_no_forged_line(r.stderr)

    def test_forged_period_under_the_daemon(self):
        rows = [["unemployment-rate", "groningen", "2021\n" + FORGED, 1.0,
                 False]]
        self.env = rmtest.Env([{"name": "x", "plugin": "t_ok",
                                "interval": "1s", "config": {"obs": rows}}],
                              plugin_dir=rmtest.TEST_PLUGINS)
        d = rmdaemon.Daemon(self.env, verbose=False,
                            extra_env={"JOURNAL_STREAM": "8:1234"})
        try:
            d.wait_log("unknown period")
            self.assertEqual(d.stop(), 0, d.log())
        finally:
            d.close()
        self.assert_no_forged_line(d.log())

    # ---- 11: a server's nextLink

    def test_next_link_with_a_newline_is_one_line(self):
        root = os.path.join(self.tmp, "www")
        srv = httpd.start(root)
        try:
            base = srv.url("odata/v1/CBS").rstrip("/")
            _, routes, links = test_cbs.serve_v4(root, base, "83625NED")
            page = os.path.join(root, "odata", "v1", "CBS", "83625NED",
                                "Observations")
            with open(page) as f:
                doc = json.load(f)
            doc["@odata.nextLink"] = links[0] + "\n" + FORGED
            with open(page, "w") as f:
                json.dump(doc, f)
            srv.set_routes(routes)
            self.env = rmtest.Env([{"name": "hp", "plugin": "cbs_statline",
                                    "config": {
                                        "api": "v4", "base_url": base,
                                        "table": "83625NED",
                                        "series": [{
                                            "indicator": "house-price",
                                            "measure": "M001534",
                                            "regions": ["groningen"],
                                            "periods": ["year"]}]}}],
                                  extra={"report": {"enabled": False},
                                         "http": {"retries": 1}})
            r = self.env.run("run", env=JOURNAL)
        finally:
            srv.stop()
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assert_no_forged_line(r.stderr)

    # ---- 6: silence comments

    def silence_env(self):
        self.env = rmtest.Env([])
        os.makedirs(self.env.state)

    def test_c1_comment_refused_and_never_printed_raw(self):
        self.silence_env()
        r = run_bytes(self.env, "silence", "add", "unemployment-rate",
                      "--until", "2099-01-01", "--comment",
                      "ok \xc2\x9b31m red".encode("latin-1"))
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(b"without control characters", r.stderr)
        self.assertIn(b"\\u009b31m", r.stderr)
        self.assertNotIn(b"\xc2\x9b", r.stderr + r.stdout)
        r = run_bytes(self.env, "silence", "list")
        self.assertEqual(r.stdout, b"no silences\n")
        # One written by hand is refused when read, never printed raw.
        with open(os.path.join(self.env.state, "silences.json"), "w",
                  encoding="utf-8") as f:
            json.dump({"version": 1, "silences": [{
                "id": 1, "indicator": "unemployment-rate", "region": "",
                "until": "2099-01-01", "comment": "x\u009b2J\u001b[31m",
                "created": "2026-01-01T00:00:00Z"}]}, f)
        r = run_bytes(self.env, "silence", "list")
        self.assertNotIn(b"\xc2\x9b", r.stdout + r.stderr)
        self.assertNotIn(b"\x1b", r.stdout + r.stderr)

    def test_invalid_utf8_comment_refused_at_input(self):
        self.silence_env()
        r = run_bytes(self.env, "silence", "add", "unemployment-rate",
                      "--until", "2099-01-01", "--comment", b"caf\xe9 ok")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(b"--comment: expected UTF-8 text", r.stderr)
        self.assertIn(b"caf\\xe9 ok", r.stderr)
        self.assertNotIn(b"cannot encode", r.stderr)
        self.assertFalse(os.path.exists(
            os.path.join(self.env.state, "silences.json")))
        # Valid UTF-8 is kept as it is.
        r = run_bytes(self.env, "silence", "add", "unemployment-rate",
                      "--until", "2099-01-01", "--comment",
                      "Caf\u00e9 \u2014 zie mail".encode())
        self.assertEqual(r.returncode, 0, r.stderr)
        r = run_bytes(self.env, "silence", "list")
        self.assertIn("Caf\u00e9 \u2014 zie mail".encode(), r.stdout)

    # ---- 8: an SMTP URL with an encoded CR LF; 12: credentials in URLs

    def mail_env(self, smtp):
        self.env = rmtest.Env([], extra={"mail": {
            "from": "regiomon@example.org", "to": ["analist@example.org"],
            "smtp": smtp}})
        return self.env

    def test_crlf_smtp_url_refused_by_check_config(self):
        env = self.mail_env({"url": "smtp://127.0.0.1:8026/ehlo%0d%0a"
                             "RCPT%20TO:<x@example.org>"})
        r = env.run("check-config")
        self.assertEqual(r.returncode, 78, r.stdout + r.stderr)
        self.assertIn("mail.smtp.url", r.stderr)
        self.assertIn("no percent-encoded control characters in a URL "
                      "(%0d)", r.stderr)

    def test_smtp_url_password_never_printed(self):
        env = self.mail_env({"url": "smtp://analist:hunter2@127.0.0.1:25"})
        r = env.run("check-config")
        self.assertEqual(r.returncode, 78, r.stdout + r.stderr)
        self.assertIn("no user or password in the URL", r.stderr)
        self.assertIn("smtp://***@127.0.0.1:25", r.stderr)
        self.assertNotIn("hunter2", r.stdout + r.stderr)

    def test_source_url_with_userinfo_refused_never_logged(self):
        root = os.path.join(self.tmp, "www")
        os.makedirs(root)
        with open(os.path.join(root, "x.csv"), "w") as f:
            f.write("indicator;region;period;value\n"
                    "jobs;rga;2020;1\n")
        srv = httpd.start(root)
        try:
            url = srv.url("x.csv").replace("http://",
                                           "http://analist:hunter2@")
            self.env = rmtest.Env([{"name": "c", "plugin": "csv",
                                    "config": {"url": url}}],
                                  extra={"http": {"retries": 1}})
            r = self.env.run("-v", "run", env=JOURNAL)
            reqs = srv.requests()
        finally:
            srv.stop()
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("a user or password in a URL is refused", r.stderr)
        self.assertNotIn("hunter2", r.stdout + r.stderr)
        self.assertEqual(reqs, [])
        with open(os.path.join(self.env.state, "state.json")) as f:
            self.assertNotIn("hunter2", f.read())

    # ---- 12: secret files

    def swing_env(self, keyfile):
        root = os.path.join(self.tmp, "www")
        os.makedirs(root, exist_ok=True)
        self.srv = httpd.start(root)
        self.addCleanup(self.srv.stop)
        self.env = rmtest.Env([{"name": "km", "plugin": "swing", "config": {
            "base_url": self.srv.url("api").rstrip("/"),
            "api_key_file": keyfile,
            "series": [{"variable": "hern_tot",
                        "indicator": "renewable-supply-sun-wind",
                        "scale": 0.001}]}}])
        return self.env

    def key(self, mode):
        path = os.path.join(self.tmp, "key")
        with open(path, "w") as f:
            f.write("s3cr3t-key\n")
        os.chmod(path, mode)
        return path

    def test_key_file_0644_refused_by_check_config_and_run(self):
        path = self.key(0o644)
        env = self.swing_env(path)
        want = ("%s is readable or writable by group or others (mode "
                "0644)" % path)
        r = env.run("check-config")
        self.assertEqual(r.returncode, 78, r.stdout + r.stderr)
        self.assertIn("sources[0].config.api_key_file: " + want, r.stderr)
        r = env.run("run")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("api_key_file " + want, r.stderr)
        self.assertEqual(self.srv.requests(), [])
        self.assertNotIn("s3cr3t", r.stdout + r.stderr)
        os.chmod(path, 0o600)
        r = env.run("check-config")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_key_file_symlink_and_fifo_refused_without_blocking(self):
        link = os.path.join(self.tmp, "key-link")
        os.symlink(self.key(0o600), link)
        env = self.swing_env(link)
        for cmd in ("check-config", "run"):
            r = env.run(cmd, timeout=20)
            self.assertIn(r.returncode, (1, 78), r.stderr)
            self.assertIn("%s is a symbolic link" % link, r.stderr)
        fifo = os.path.join(self.tmp, "key-fifo")
        os.mkfifo(fifo, 0o600)
        env = self.swing_env(fifo)
        for cmd in ("check-config", "run"):
            r = env.run(cmd, timeout=20)
            self.assertIn(r.returncode, (1, 78), r.stderr)
            self.assertIn("%s: not a regular file" % fifo, r.stderr)
        self.assertEqual(self.srv.requests(), [])

    def test_password_file_symlink_refused_by_check_config_and_use(self):
        pw = os.path.join(self.tmp, "pw")
        with open(pw, "w") as f:
            f.write("hunter2\n")
        os.chmod(pw, 0o600)
        link = os.path.join(self.tmp, "pw-link")
        os.symlink(pw, link)
        env = self.mail_env({"url": "smtp://127.0.0.1:9", "username": "u",
                             "password_file": link})
        want = "%s is a symbolic link" % link
        r = env.run("check-config")
        self.assertEqual(r.returncode, 78, r.stdout + r.stderr)
        self.assertIn("mail.smtp.password_file: " + want, r.stderr)
        r = env.run("test-mail", timeout=30)
        self.assertNotEqual(r.returncode, 0, r.stderr)
        self.assertIn(want, r.stderr)
        self.assertNotIn("hunter2", r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
