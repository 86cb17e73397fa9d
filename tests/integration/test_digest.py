#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""The alert digest an analyst can use (issue 18, the mail):

- a digest of 4,000 changed series is a summary of bounded size: the
  counts per challenge and state, the 10 most severe rows with their
  graphs, the report's link; its plain text stays under 4 KiB (a row is
  at most four lines of 78 columns; a line per challenge) and it holds
  at most 10 images, whatever the size of the table;
- no plain text line is wider than 78 columns, and every row's series id
  is one `regiomon silence add` takes;
- the HTML part colours each row by its state and shows its graph in it;
- per-challenge routing through a real SMTP server: each recipient gets
  exactly one digest with only the challenges it follows.

Run from the repository root:

    /usr/bin/python3 tests/integration/test_digest.py
"""

import email
import email.policy
import json
import os
import re
import sys
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rmtest  # noqa: E402
import test_alerts as ta  # noqa: E402

URL = "https://monitor.example.org/regiomon/"


def ids_in(text):
    """The series ids of a digest's plain text rows."""
    return re.findall(r"\[([a-z0-9-]+/[a-z0-9-]+)\]", text)


class Summary(ta.Base):
    def big_catalog(self, nind, nreg):
        """A catalog of nind copies of unemployment-rate over nreg
        regions: nind * nreg series, all in challenge 5."""
        with open(self.catalog) as f:
            cat = json.load(f)
        proto = next(i for i in cat["indicators"] if i["id"] == ta.UR)
        regions = [{"id": "r%03d" % i, "name": "Gemeente %03d" % i,
                    "kind": "gemeente", "codes": {}} for i in range(nreg)]
        cat["regions"] = regions
        inds = []
        for i in range(nind):
            ind = json.loads(json.dumps(proto))
            ind["id"] = "ind-%03d" % i
            ind["title"] = "Indicator %03d met een lange titel die " \
                "de regel vult" % i
            ind["baselines"] = []
            inds.append(ind)
        cat["indicators"] = inds
        with open(self.catalog, "w") as f:
            json.dump(cat, f)
        return [i["id"] for i in inds], [r["id"] for r in regions]

    def test_4000_series_are_a_bounded_summary(self):
        inds, regs = self.big_catalog(400, 10)
        obs = []
        for n, ind in enumerate(inds):
            for m, reg in enumerate(regs):
                # One in a hundred far off its first figure: critical.
                last = 9.0 if (n * 10 + m) % 100 == 0 else 5.0
                obs += [[ind, reg, "2020", 4.4, False],
                        [ind, reg, "2021", last, False]]
        self.feed(obs, {"report": {"url": URL, "enabled": False}})
        m = self.one_mail()
        text = self.text(m)
        self.assertIn("Samenvatting van 4000 reeksen; hieronder de 10 "
                      "ernstigste", text)
        self.assertIn("Uitdaging 5: Robuuste arbeidsmarkt: kritiek 40, "
                      "waarschuwing 3960", text)
        self.assertIn("Het rapport: " + URL, text)
        self.assertLess(len(text.encode()), 4096, text)
        lines = text.splitlines()
        self.assertTrue(all(len(l) <= 78 for l in lines), text)
        ids = ids_in(text)
        self.assertEqual(len(ids), 10)
        # The most severe first: every row shown is a critical one.
        self.assertEqual(text.count("nieuw -> kritiek"), 10, text)
        images = [p for p in m.walk()
                  if p.get_content_type() == "image/png"]
        self.assertLessEqual(len(images), 10)
        self.assertLess(len(m.as_bytes()), 1024 * 1024)
        # Every series back within its thresholds: 4,000 resolved rows,
        # none of them new, and still a summary of the same bound.
        self.feed(obs + [[ind, reg, "2022", 4.4, False] for ind in inds
                         for reg in regs],
                  {"report": {"url": URL, "enabled": False}})
        back = self.text(self.one_mail())
        self.assertIn("Samenvatting van 4000 reeksen", back)
        self.assertLess(len(back.encode()), 4096, back)
        self.assertEqual(len(ids_in(back)), 10)
        # Each id is one `silence add` takes.
        r = self.env.run("silence", "add", ids[0], "--until",
                         "2099-01-01", "--comment", "bekend")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        # The HTML part: the link, and each row in its state's colour
        # with its graph in the row.
        html = self.html(m)
        self.assertIn('<a href="%s">Het rapport</a>' % URL, html)
        self.assertEqual(html.count("border-left: 6px solid #b3261e"), 10)
        rows = re.findall(r"<tr>.*?</tr>", html, re.S)
        self.assertEqual(len(rows), 10)
        self.assertTrue(all('src="cid:' in r for r in rows), html)

    def test_small_digest_lists_every_row_within_78(self):
        long = "Werkloosheid " + "onder jongeren en ouderen " * 6
        self.retitle = {ta.UR: long}
        self.cat = ta.test_catalog(self.catalog, self.grace, self.retitle)
        self.feed([[ta.UR, "groningen", "2020", 4.4, False],
                   [ta.UR, "groningen", "2021", 5.5, False],
                   [ta.GAS, "rga", "2021", 48, True]])
        text = self.text(self.one_mail())
        self.assertNotIn("Samenvatting", text)
        self.assertTrue(all(len(l) <= 78 for l in text.splitlines()),
                        text)
        self.assertEqual(sorted(ids_in(text)),
                         ["energy-demand-gas-share/rga",
                          "unemployment-rate/groningen"])
        for sid in ids_in(text):
            r = self.env.run("silence", "add", sid, "--until",
                             "2099-01-01", "--comment", "bekend")
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


class Routing(ta.Base):
    def setUp(self):
        super().setUp()
        import smtpd as rmsmtpd  # tests/lib/smtpd.py
        self.srv = rmsmtpd.start(os.path.join(self.env.dir, "smtp"))
        self.old_backoff = os.environ.get("REGIOMON_MAIL_BACKOFF_S")
        os.environ["REGIOMON_MAIL_BACKOFF_S"] = "0"

    def tearDown(self):
        self.srv.stop()
        if self.old_backoff is None:
            os.environ.pop("REGIOMON_MAIL_BACKOFF_S", None)
        else:
            os.environ["REGIOMON_MAIL_BACKOFF_S"] = self.old_backoff
        super().tearDown()

    def test_each_owner_gets_only_theirs_once(self):
        extra = {
            "mail": {"from": "regiomon@example.org",
                     "to": ["staf@example.org"],
                     "smtp": {"url": "smtp://127.0.0.1:%d"
                              % self.srv.port}},
            "alerts": {"routes": [
                {"challenges": [1], "to": ["energie@example.org",
                                           "beide@example.org"]},
                {"challenges": [5], "to": ["arbeid@example.org",
                                           "beide@example.org"]}]}}
        r = self.feed([[ta.UR, "groningen", "2020", 4.4, False],
                       [ta.UR, "groningen", "2021", 5.5, False],
                       [ta.GAS, "rga", "2021", 48, True]], extra)
        got = {}
        for meta in self.srv.messages():
            msg = email.message_from_bytes(meta["raw"],
                                           policy=email.policy.default)
            for rcpt in meta["rcpt_tos"]:
                got.setdefault(rcpt, []).append(msg)
        self.assertEqual(sorted(got), ["arbeid@example.org",
                                       "beide@example.org",
                                       "energie@example.org"], r.stderr)
        for rcpt, msgs in got.items():
            self.assertEqual(len(msgs), 1, rcpt)
        subj = {r: m[0]["Subject"] for r, m in got.items()}
        self.assertEqual(subj["energie@example.org"],
                         "regiomon: 1 reeks in beweging (uitdaging 1)")
        self.assertEqual(subj["arbeid@example.org"],
                         "regiomon: 1 reeks in beweging (uitdaging 5)")
        self.assertEqual(subj["beide@example.org"], "regiomon: 2 "
                         "reeksen in beweging (uitdaging 1, 5)")
        text = self.text(got["energie@example.org"][0])
        self.assertEqual(ids_in(text), ["energy-demand-gas-share/rga"])
        # Told once: the next run mails nobody.
        self.run_ok("run")
        self.assertEqual(len(self.srv.messages()), 3)

    def test_route_check(self):
        self.configure([], {"alerts": {"routes": [
            {"challenges": [0], "to": ["not an address"]}]}})
        r = self.env.run("check-config")
        self.assertEqual(r.returncode, 78, r.stderr)
        self.assertIn("alerts.routes[0]: challenges[0]: expected a "
                      "challenge number from 1 to 63", r.stderr)
        self.assertIn("alerts.routes[0].to", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
