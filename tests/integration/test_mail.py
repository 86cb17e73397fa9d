#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Mail end to end: messages built by mail.c, kept in the outbox and
delivered by libcurl to a real SMTP server on 127.0.0.1 (Debian's
aiosmtpd, tests/lib/smtpd.py), or into a Maildir.

Messages are queued and flushed with tests/tools/mailq (the outbox API
the alert code calls: mail_queue, mail_flush) and with `regiomon
test-mail`.  What is checked is what a mail reader would meet: the raw
bytes the server received (CRLF only), Python's email parser on them
(headers, RFC 2047 subject, cid: references resolving to the inline
PNGs), the envelope recipients, and that an outage delays mail without
losing or duplicating it.

Run from the repository root:

    /usr/bin/python3 tests/integration/test_mail.py

REGIOMON_BUILD names the build directory (default ./build).
"""

import email
import email.policy
import glob
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import unittest
import zlib

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
import smtpd  # noqa: E402  (tests/lib/smtpd.py, not the stdlib module)

BUILD = os.path.abspath(os.environ.get("REGIOMON_BUILD") or
                        os.path.join(TOP, "build"))
BIN = os.path.join(BUILD, "regiomon")
MAILQ = os.path.join(BUILD, "tests", "tools", "mailq")
CATALOG = os.path.join(TOP, "share", "catalog.json")

SUBJECT = "Werkloosheid S\u00fadwest-Frysl\u00e2n \u2191"
INJECT = "\r\nBcc: x@y"


def png(rgb, w=2, h=2):
    """A small valid PNG of one colour."""
    row = b"\x00" + bytes(rgb) * w
    raw = row * h

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data)))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def bare_line_ends(raw):
    """Offsets of a CR not followed by LF or an LF not preceded by CR."""
    return [m.start() for m in re.finditer(rb"\r(?!\n)|(?<!\r)\n", raw)]


def parse(raw):
    return email.message_from_bytes(raw, policy=email.policy.default)


class Mail(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for path in (BIN, MAILQ):
            if not os.access(path, os.X_OK):
                raise AssertionError("%s not built (make tests)" % path)

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="test_mail.")
        self.state = os.path.join(self.tmp, "state")
        self.outbox = os.path.join(self.state, "outbox")
        self.conf = os.path.join(self.tmp, "regiomon.json")
        self.servers = []

    def tearDown(self):
        for s in self.servers:
            s.stop()
        shutil.rmtree(self.tmp)

    # Helpers.

    def server(self, port=0, auth=None):
        srv = smtpd.start(os.path.join(self.tmp, "received"), port, auth)
        self.servers.append(srv)
        return srv

    def write_conf(self, mail):
        cfg = {"state_dir": self.state, "catalog": [CATALOG]}
        if mail is not None:
            cfg["mail"] = mail
        with open(self.conf, "w", encoding="utf-8") as f:
            json.dump(cfg, f, indent=1)

    def smtp_conf(self, port, **extra):
        mail = {"from": "regiomon@example.org",
                "to": ["analist@example.org"],
                "smtp": {"url": "smtp://127.0.0.1:%d" % port,
                         "timeout": "20s"}}
        mail.update(extra)
        self.write_conf(mail)

    def run_env(self, backoff="0"):
        env = dict(os.environ)
        env.pop("REGIOMON_MAIL_BACKOFF_S", None)
        if backoff is not None:
            env["REGIOMON_MAIL_BACKOFF_S"] = backoff
        return env

    def mailq(self, *args, backoff="0", check=True):
        p = subprocess.run([MAILQ, self.conf] + list(args),
                           capture_output=True, text=True, timeout=60,
                           env=self.run_env(backoff))
        if check and p.returncode != 0:
            self.fail("mailq %s: exit %d\n%s" % (args, p.returncode,
                                                  p.stderr))
        return p

    def queue(self, subject="Test", text="Hallo.\n", html=None,
              images=()):
        args = ["queue", "-s", subject]
        path = os.path.join(self.tmp, "body.txt")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        args += ["-t", path]
        if html is not None:
            path = os.path.join(self.tmp, "body.html")
            with open(path, "w", encoding="utf-8") as f:
                f.write(html)
            args += ["-h", path]
        for i, (cid, data) in enumerate(images):
            path = os.path.join(self.tmp, "img%d.png" % i)
            with open(path, "wb") as f:
                f.write(data)
            args += ["-i", "%s=%s" % (cid, path)]
        return self.mailq(*args).stdout.strip()

    def flush(self, backoff="0"):
        """Flush; returns (messages still queued, stderr)."""
        p = self.mailq("flush", backoff=backoff)
        return int(p.stdout), p.stderr

    def regiomon(self, *args, backoff="0"):
        return subprocess.run([BIN, "-c", self.conf] + list(args),
                              capture_output=True, text=True, timeout=60,
                              env=self.run_env(backoff))

    def outbox_files(self, ext):
        return sorted(glob.glob(os.path.join(self.outbox, "*" + ext)))

    def retry(self, msg_id):
        with open(os.path.join(self.outbox, msg_id + ".retry")) as f:
            return json.load(f)

    # Tests.

    def test_inline_images_parse_and_resolve(self):
        srv = self.server()
        self.smtp_conf(srv.port)
        red, blue = png((255, 0, 0)), png((0, 0, 255), 3, 1)
        text = ("Werkloosheid in Groningen steeg naar 6,1%.\n"
                "= een regel met een is-teken en een heel lange zin die "
                "over de grens van zesenzeventig tekens heen loopt.\n"
                ".punt aan het begin\n")
        html = ("<html><body><p>Werkloosheid \u2191</p>\n"
                "<img src=\"cid:unemployment-rate.groningen\" alt=\"g\">\n"
                "<img src='cid:jobs.drenthe'>\n</body></html>\n")
        msg_id = self.queue(SUBJECT, text, html,
                            [("unemployment-rate.groningen", red),
                             ("jobs.drenthe", blue)])
        self.assertEqual(len(self.outbox_files(".eml")), 1)
        still, err = self.flush()
        self.assertEqual(still, 0, err)
        self.assertEqual(self.outbox_files(".eml"), [])
        got = srv.messages()
        self.assertEqual(len(got), 1)
        raw = got[0]["raw"]
        self.assertEqual(bare_line_ends(raw), [])
        self.assertTrue(raw.endswith(b"\r\n"))
        self.assertTrue(all(len(line) <= 78 for line in raw.split(b"\r\n")))
        msg = parse(raw)
        self.assertEqual(msg.defects, [])
        for h in ("Date", "Message-ID", "MIME-Version", "From", "To"):
            self.assertIsNotNone(msg[h], h)
        self.assertEqual(msg["MIME-Version"], "1.0")
        self.assertEqual(msg["Message-ID"].split("@")[0], "<" + msg_id)
        self.assertIsNotNone(msg["Date"].datetime)
        self.assertEqual(str(msg["Subject"]), SUBJECT)
        # The raw subject is RFC 2047: the server saw only ASCII.
        self.assertTrue(all(b < 0x80 for b in raw))
        self.assertEqual(msg.get_content_type(), "multipart/alternative")
        parts = list(msg.walk())
        for p in parts:
            self.assertEqual(p.defects, [], p.get_content_type())
        # On the wire a line ends in CRLF; Python's decoder keeps that.
        plain = msg.get_body(("plain",))
        self.assertEqual(plain.get_content().replace("\r\n", "\n"), text)
        body = msg.get_body(("html",))
        self.assertEqual(body.get_content().replace("\r\n", "\n"), html)
        related = [p for p in parts
                   if p.get_content_type() == "multipart/related"]
        self.assertEqual(len(related), 1)
        images = {p["Content-ID"].strip("<>"): p for p in parts
                  if p.get_content_maintype() == "image"}
        refs = re.findall(r"cid:([^\"'\s>]+)", body.get_content())
        self.assertEqual(sorted(refs),
                         ["jobs.drenthe", "unemployment-rate.groningen"])
        for ref in refs:
            self.assertIn(ref, images)
            self.assertIn(images[ref], related[0].get_payload())
            self.assertEqual(images[ref].get_content_type(), "image/png")
            self.assertEqual(images[ref].get_content_disposition(),
                             "inline")
        self.assertEqual(images["unemployment-rate.groningen"]
                         .get_content(), red)
        self.assertEqual(images["jobs.drenthe"].get_content(), blue)
        # A flush with an empty outbox sends nothing more.
        self.assertEqual(self.flush()[0], 0)
        self.assertEqual(len(srv.messages()), 1)

    def test_header_injection(self):
        srv = self.server()
        self.smtp_conf(srv.port, to=["a@example.org", "b@example.org"],
                       from_name="Regiomon" + INJECT)
        self.queue("Alert" + INJECT, "body\n")
        self.assertEqual(self.flush()[0], 0)
        got = srv.messages()
        self.assertEqual(len(got), 1)
        # Only the configured recipients were given to the server.
        self.assertEqual(got[0]["rcpt_tos"],
                         ["a@example.org", "b@example.org"])
        self.assertEqual(got[0]["mail_from"], "regiomon@example.org")
        raw = got[0]["raw"]
        self.assertEqual(bare_line_ends(raw), [])
        head = raw.split(b"\r\n\r\n", 1)[0]
        self.assertIsNone(re.search(rb"(?im)^bcc:", head))
        msg = parse(raw)
        self.assertIsNone(msg["Bcc"])
        self.assertEqual(str(msg["Subject"]), "Alert Bcc: x@y")
        self.assertEqual(msg["From"].addresses[0].display_name,
                         "Regiomon Bcc: x@y")
        self.assertEqual(msg["From"].addresses[0].addr_spec,
                         "regiomon@example.org")
        self.assertEqual([a.addr_spec for a in msg["To"].addresses],
                         ["a@example.org", "b@example.org"])

    def test_outage_delays_never_loses_or_duplicates(self):
        port = smtpd.free_port()
        self.smtp_conf(port)
        ids = [self.queue("Bericht %d" % i, "tekst %d\n" % i)
               for i in range(3)]
        self.assertEqual(len(set(ids)), 3)
        # Two flushes with nobody listening: everything stays.
        still, err1 = self.flush()
        self.assertEqual(still, 3)
        self.assertIn("not delivered", err1)
        self.assertEqual([self.retry(i)["attempts"] for i in ids], [1] * 3)
        still, err2 = self.flush()
        self.assertEqual(still, 3)
        self.assertEqual([self.retry(i)["attempts"] for i in ids], [2] * 3)
        self.assertIn("127.0.0.1", self.retry(ids[0])["last_error"])
        # Logged when the failure began, not again while it lasts.
        self.assertNotIn("not delivered", err2)
        eml = {}
        for i in ids:
            with open(os.path.join(self.outbox, i + ".eml"), "rb") as f:
                eml[i] = f.read()
        # The server comes up on the port regiomon was refused at.
        srv = self.server(port)
        still, err3 = self.flush()
        self.assertEqual(still, 0, err3)
        self.assertIn("after 2 failed attempts", err3)
        self.assertEqual(os.listdir(self.outbox), [])
        got = srv.messages()
        self.assertEqual(len(got), 3)
        by_id = {}
        for m in got:
            mid = parse(m["raw"])["Message-ID"]
            by_id.setdefault(mid, []).append(m)
        self.assertEqual(len(by_id), 3)
        for i in ids:
            matches = [k for k in by_id if k.startswith("<" + i + "@")]
            self.assertEqual(len(matches), 1, i)
            # The bytes sent are those stored when queued.
            self.assertEqual(by_id[matches[0]][0]["raw"], eml[i])
        # Oldest first.
        self.assertEqual([str(parse(m["raw"])["Subject"]) for m in got],
                         ["Bericht 0", "Bericht 1", "Bericht 2"])
        # Nothing is sent twice.
        self.assertEqual(self.flush()[0], 0)
        self.assertEqual(len(srv.messages()), 3)

    def test_backoff_defers_the_retry(self):
        port = smtpd.free_port()
        self.smtp_conf(port)
        msg_id = self.queue()
        path = os.path.join(self.outbox, msg_id + ".retry")

        def set_next(t):
            r = self.retry(msg_id)
            r["next_attempt"] = t
            with open(path, "w") as f:
                json.dump(r, f)

        # The default first wait is a minute, then it doubles.
        self.assertEqual(self.flush(backoff=None)[0], 1)
        r = self.retry(msg_id)
        self.assertEqual(r["next_attempt"] - r["first_failure"], 60)
        set_next(r["first_failure"])
        self.assertEqual(self.flush(backoff=None)[0], 1)
        r = self.retry(msg_id)
        self.assertEqual(r["attempts"], 2)
        self.assertGreaterEqual(r["next_attempt"] - r["first_failure"], 120)
        # Not yet due: the server is up, but the message waits.
        srv = self.server(port)
        set_next(r["first_failure"] + 86400)
        self.assertEqual(self.flush(backoff=None)[0], 1)
        self.assertEqual(srv.messages(), [])
        self.assertEqual(self.retry(msg_id)["attempts"], 2)
        # Once due, it goes.
        set_next(r["first_failure"])
        self.assertEqual(self.flush(backoff=None)[0], 0)
        self.assertEqual(len(srv.messages()), 1)

    def test_refused_after_data_is_kept(self):
        srv = self.server()
        srv.set_data_replies(["451 4.3.0 try again later"])
        self.smtp_conf(srv.port)
        msg_id = self.queue()
        still, err = self.flush()
        self.assertEqual(still, 1)
        self.assertIn("451", self.retry(msg_id)["last_error"])
        self.assertEqual(srv.messages(), [])
        self.assertEqual(self.flush()[0], 0)
        self.assertEqual(len(srv.messages()), 1)
        self.assertEqual(os.listdir(self.outbox), [])

    def test_several_recipients(self):
        srv = self.server()
        to = ["a@example.org", "b@example.net", "c.d@sub.example.com"]
        self.smtp_conf(srv.port, to=to)
        self.queue()
        self.assertEqual(self.flush()[0], 0)
        got = srv.messages()
        self.assertEqual(len(got), 1)
        self.assertEqual(got[0]["rcpt_tos"], to)
        self.assertEqual([a.addr_spec for a in
                          parse(got[0]["raw"])["To"].addresses], to)

    def test_maildir_default(self):
        self.write_conf(None)
        msg_id = self.queue(SUBJECT, "tekst\n", "<p>x</p>\n")
        self.assertEqual(self.flush()[0], 0)
        self.assertEqual(self.outbox_files(".eml"), [])
        new = glob.glob(os.path.join(self.state, "mail", "new", "*"))
        self.assertEqual(len(new), 1)
        self.assertEqual(os.listdir(os.path.join(self.state, "mail",
                                                 "tmp")), [])
        self.assertTrue(os.path.isdir(os.path.join(self.state, "mail",
                                                   "cur")))
        with open(new[0], "rb") as f:
            raw = f.read()
        # A Maildir file is local: LF line ends, nothing else changed.
        self.assertNotIn(b"\r", raw)
        msg = parse(raw)
        self.assertEqual(msg.defects, [])
        self.assertEqual(str(msg["Subject"]), SUBJECT)
        self.assertTrue(msg["Message-ID"].startswith("<" + msg_id + "@"))
        self.assertEqual(msg["To"], "root@localhost")
        self.assertTrue(msg["From"].addresses[0].addr_spec
                        .startswith("regiomon@"))
        self.assertEqual(msg.get_body(("plain",)).get_content(), "tekst\n")

    def test_maildir_configured_relative_to_state(self):
        self.write_conf({"to": ["x@example.org"], "maildir": "alerts"})
        self.queue()
        self.assertEqual(self.flush()[0], 0)
        self.assertEqual(len(glob.glob(os.path.join(
            self.state, "alerts", "new", "*"))), 1)

    def test_password_file_must_be_private(self):
        srv = self.server(auth=("analist", "s3cret"))
        pw = os.path.join(self.tmp, "smtp-password")
        with open(pw, "w") as f:
            f.write("s3cret\n")
        os.chmod(pw, 0o644)
        self.smtp_conf(srv.port)
        with open(self.conf) as f:
            cfg = json.load(f)
        cfg["mail"]["smtp"].update({"username": "analist",
                                    "password_file": "smtp-password"})
        with open(self.conf, "w") as f:
            json.dump(cfg, f)
        p = self.regiomon("check-config")
        self.assertEqual(p.returncode, 78, p.stderr)
        self.assertIn("mail.smtp.password_file: %s is readable or "
                      "writable by group or others (mode 0644)" % pw,
                      p.stderr)
        self.assertIn("chmod 600", p.stderr)
        p = self.regiomon("test-mail")
        self.assertEqual(p.returncode, 78, p.stderr)
        self.assertEqual(srv.messages(), [])
        self.assertFalse(os.path.exists(self.outbox))
        # Private, it is used, and the server saw the login.
        os.chmod(pw, 0o600)
        p = self.regiomon("test-mail")
        self.assertEqual(p.returncode, 0, p.stderr)
        got = srv.messages()
        self.assertEqual(len(got), 1)
        self.assertEqual(got[0]["auth"], "analist")

    def test_no_cleartext_to_a_remote_host(self):
        # smtp.invalid can never resolve; the config is refused before
        # anything is queued or any connection (or lookup) is tried.
        self.write_conf({"smtp": {"url": "smtp://smtp.invalid:25",
                                  "starttls": False}})
        for cmd in ("check-config", "test-mail"):
            p = self.regiomon(cmd)
            self.assertEqual(p.returncode, 78, p.stderr)
            self.assertIn("mail.smtp.starttls: false is only allowed for "
                          "a loopback host", p.stderr)
        self.assertFalse(os.path.exists(self.outbox))

    def test_starttls_required_is_enforced(self):
        # Asked for STARTTLS, a server that does not offer it gets
        # nothing: libcurl stops before MAIL FROM.
        srv = self.server()
        self.smtp_conf(srv.port)
        with open(self.conf) as f:
            cfg = json.load(f)
        cfg["mail"]["smtp"]["starttls"] = True
        with open(self.conf, "w") as f:
            json.dump(cfg, f)
        p = self.regiomon("test-mail")
        self.assertEqual(p.returncode, 1)
        self.assertIn("not delivered via SMTP", p.stderr)
        self.assertIn("STARTTLS", p.stderr)
        self.assertEqual(srv.messages(), [])
        # The failed test message does not linger in the outbox.
        self.assertEqual(self.outbox_files(".eml"), [])

    def test_test_mail(self):
        srv = self.server()
        self.smtp_conf(srv.port, to=["a@example.org", "b@example.org"])
        p = self.regiomon("test-mail")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("delivered via SMTP smtp://127.0.0.1:%d" % srv.port,
                      p.stdout)
        self.assertIn("to 2 recipients", p.stdout)
        got = srv.messages()
        self.assertEqual(len(got), 1)
        self.assertEqual(got[0]["rcpt_tos"], ["a@example.org",
                                              "b@example.org"])
        msg = parse(got[0]["raw"])
        self.assertEqual(bare_line_ends(got[0]["raw"]), [])
        host = socket.gethostname()
        self.assertEqual(str(msg["Subject"]),
                         "regiomon test message from %s" % host)
        body = msg.get_body(("plain",)).get_content()
        self.assertIn(self.conf, body)
        self.assertIn("SMTP smtp://127.0.0.1:%d" % srv.port, body)
        self.assertIn(msg["Message-ID"], p.stdout)
        self.assertEqual(self.outbox_files(".eml"), [])

    def test_test_mail_reports_failure(self):
        port = smtpd.free_port()
        self.smtp_conf(port)
        p = self.regiomon("test-mail")
        self.assertEqual(p.returncode, 1)
        self.assertIn("not delivered via SMTP smtp://127.0.0.1:%d" % port,
                      p.stderr)
        self.assertEqual(self.outbox_files(".eml"), [])
        self.assertEqual(self.outbox_files(".retry"), [])

    def test_bad_mail_config(self):
        self.write_conf({"too": ["a@example.org"],
                         "from": "Regiomon <r@example.org>",
                         "smtp": {"url": "http://mail.example.org"}})
        p = self.regiomon("check-config")
        self.assertEqual(p.returncode, 78)
        self.assertIn("%s: mail: unknown key \"too\"; did you mean "
                      "\"to\"?" % self.conf, p.stderr)
        self.assertIn("%s: mail.from: expected an address" % self.conf,
                      p.stderr)
        self.assertIn("%s: mail.smtp.url: \"http://mail.example.org\": "
                      "expected smtp://HOST[:PORT] or smtps://HOST[:PORT]"
                      % self.conf, p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
