#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Evaluation and alert mail end to end: `regiomon run` on observations
from the t_ok test plugin, real RRD files, the real outbox and the default
Maildir transport (STATE/mail/new), plus runs through a real SMTP
server on 127.0.0.1 (tests/lib/smtpd.py, Debian's python3-aiosmtpd): a
digest, an outage that queues digests until the server is back, a
resolved mail and a silence that holds mail until it expires.

Covers: one digest for a run that moves several series across two
challenges (subject, grouping, aligned columns, HTML escaping); no mail
when nothing changed, also after a restart; resolved and improved mails;
silences that suppress until they expire; reminders after N releases;
stale series; a digest that cannot be queued is not lost; the "alerts"
config keys.

The catalog is the shipped one with a grace of 100 years, so that no
series turns stale while these tests run whatever the date; the stale test
uses the shipped grace.  Run from the repository root:

    /usr/bin/python3 tests/integration/test_alerts.py
"""
import email
import email.policy
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import rmtest  # noqa: E402

UR = "unemployment-rate"        # challenge 5, lower is better, 0.5 / 1 pt
GAS = "energy-demand-gas-share"  # challenge 1, lower is better, 2 / 5 pt
LP = "labour-participation"      # challenge 5, higher is better, 0.5 / 1
THIS_YEAR = time.gmtime().tm_year


def test_catalog(path, grace="36500d", retitle=None):
    """The shipped catalog with every grace set to grace, and indicator
    titles replaced as in retitle {id: title}."""
    with open(rmtest.CATALOG, encoding="utf-8") as f:
        cat = json.load(f)
    for ind in cat["indicators"]:
        if grace is not None:
            ind["grace"] = grace
        if retitle and ind["id"] in retitle:
            ind["title"] = retitle[ind["id"]]
    with open(path, "w", encoding="utf-8") as f:
        json.dump(cat, f, ensure_ascii=False)
    return cat


class Base(unittest.TestCase):
    """A temp state dir and config around one t_ok source, "feed"."""
    grace = "36500d"
    retitle = {GAS: "Aandeel gas <fossiel> & olie"}

    def setUp(self):
        self.env = rmtest.Env([], plugin_dir=rmtest.TEST_PLUGINS)
        self.catalog = os.path.join(self.env.dir, "catalog.json")
        self.cat = test_catalog(self.catalog, self.grace, self.retitle)
        self.seen = set()
        self.obs = []
        self.extra = {}

    def tearDown(self):
        self.env.close()

    # helpers

    def configure(self, obs=None, extra=None):
        if obs is not None:
            self.obs = obs
        if extra is not None:
            self.extra = extra
        cfg = {"state_dir": self.env.state,
               "plugin_dir": rmtest.TEST_PLUGINS,
               "catalog": [self.catalog],
               "sources": [{"name": "feed", "plugin": "t_ok",
                            "config": {"obs": self.obs}}]}
        cfg.update(self.extra)
        self.env.write_conf(cfg)

    def run_ok(self, *args):
        r = self.env.run(*args)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return r

    def feed(self, obs, extra=None):
        """A run on exactly these observations."""
        self.configure(obs, extra)
        return self.run_ok("run")

    def new_mails(self):
        """Messages delivered to STATE/mail/new since the last call."""
        d = os.path.join(self.env.state, "mail", "new")
        names = sorted(os.listdir(d)) if os.path.isdir(d) else []
        out = []
        for n in names:
            if n in self.seen:
                continue
            self.seen.add(n)
            with open(os.path.join(d, n), "rb") as f:
                out.append(email.message_from_binary_file(
                    f, policy=email.policy.default))
        return out

    def one_mail(self):
        mails = self.new_mails()
        self.assertEqual(len(mails), 1, [m["Subject"] for m in mails])
        return mails[0]

    def no_mail(self):
        mails = self.new_mails()
        self.assertEqual(mails, [], [m["Subject"] for m in mails])

    @staticmethod
    def text(m):
        return m.get_body(("plain",)).get_content()

    @staticmethod
    def html(m):
        return m.get_body(("html",)).get_content()

    def eval_of(self, ind, reg):
        return self.env.state_json()["series"]["%s/%s" % (ind, reg)]["eval"]



class Alerts(Base):
    def test_digest_two_challenges(self):
        self.feed([[UR, "groningen", "2020", 4.4, False],
                   [UR, "groningen", "2021", 5.5, False],
                   [UR, "drenthe", "2021", 3.7, False],
                   [GAS, "rga", "2021", 48, True],
                   [LP, "groningen", "2021", 64.6, False]])
        m = self.one_mail()
        self.assertEqual(m["Subject"], "regiomon: 2 reeksen in beweging "
                         "(uitdaging 1, 5)")
        body = self.text(m)
        # Grouped by challenge, in the strategy's order, with titles.
        c1 = body.index("Uitdaging 1: Koploper schone energie")
        c5 = body.index("Uitdaging 5: Robuuste arbeidsmarkt")
        self.assertLess(c1, c5)
        gas = body.index("Aandeel gas <fossiel> & olie")
        ur = body.index("Werkloosheid")
        self.assertTrue(c1 < gas < c5 < ur, body)
        # Only the moved series: drenthe and labour participation are ok.
        self.assertNotIn("Provincie Drenthe", body)
        self.assertNotIn("Arbeidsparticipatie", body)
        # A row: title, region and the id `silence add` takes, then the
        # change and the figures with their units.
        self.assertIn("  Werkloosheid, Provincie Groningen "
                      "[unemployment-rate/groningen]\n"
                      "    nieuw -> kritiek: 5,5% (2021); +1,1 pp (+25%) "
                      "t.o.v. 4,4% (2020)\n", body)
        self.assertIn("[energy-demand-gas-share/rga]\n"
                      "    nieuw -> waarschuwing: 48% (2021*)", body)
        self.assertTrue(all(len(l) <= 78 for l in body.splitlines()), body)
        self.assertIn("* voorlopig cijfer", body)
        # The HTML alternative holds the same table, escaped.
        html = self.html(m)
        self.assertIn("Aandeel gas &lt;fossiel&gt; &amp; olie", html)
        self.assertNotIn("<fossiel>", html)
        self.assertEqual(html.count(">Uitdaging "), 2)
        self.assertIn("nieuw -&gt; kritiek", html)
        # The state records what was mailed; "fresh" is consumed.
        st = self.env.state_json()["series"]
        ev = st[UR + "/groningen"]["eval"]
        self.assertEqual(ev["state"], "critical")
        self.assertEqual(ev["notified_state"], "critical")
        self.assertEqual(ev["baseline"],
                         {"period": "2020", "value": 4.4, "from": "catalog",
                          "catalog_value": 4.4, "series_value": 4.4,
                          "definition_differs": False})
        self.assertEqual(ev["latest"],
                         {"period": "2021", "value": 5.5,
                          "provisional": False})
        self.assertEqual(ev["shift_abs"], 5.5 - 4.4)
        for key in st:
            self.assertNotIn("fresh", st[key], key)
        self.assertEqual(st[UR + "/drenthe"]["eval"]["state"], "ok")

        # Nothing new: no mail, also from a new process (a restart).
        self.run_ok("run")
        self.no_mail()
        self.run_ok("run")
        self.no_mail()
        # New data that leaves every state as it was: no mail either.
        self.feed(self.obs + [[UR, "groningen", "2022", 5.6, False],
                              [UR, "drenthe", "2022", 3.8, False]])
        self.no_mail()
        self.assertEqual(self.eval_of(UR, "groningen")["latest"]["value"],
                         5.6)

    def test_resolved_and_improved(self):
        base = [[UR, "groningen", "2020", 4.4, False],
                [UR, "groningen", "2021", 5.0, False]]
        self.feed(base)
        m = self.one_mail()
        self.assertEqual(m["Subject"],
                         "regiomon: 1 reeks in beweging (uitdaging 5)")
        self.assertIn("nieuw -> waarschuwing", self.text(m))
        # Back within the thresholds: a resolved mail.
        self.feed(base + [[UR, "groningen", "2022", 4.6, False]])
        m = self.one_mail()
        self.assertEqual(m["Subject"],
                         "regiomon: 1 reeks weer stabiel (uitdaging 5)")
        self.assertIn("waarschuwing -> stabiel (opgelost)", self.text(m))
        self.assertEqual(self.eval_of(UR, "groningen")["notified_state"],
                         "ok")
        # Better than the baseline by the warning threshold: improved,
        # which is news too.
        self.feed(self.obs + [[UR, "groningen", "2023", 3.9, True]])
        m = self.one_mail()
        self.assertEqual(m["Subject"],
                         "regiomon: 1 reeks in beweging (uitdaging 5)")
        self.assertIn("stabiel -> verbeterd", self.text(m))
        # Every figure with its unit, the row with its series id.
        self.assertIn("  Werkloosheid, Provincie Groningen "
                      "[unemployment-rate/groningen]\n"
                      "    stabiel -> verbeterd: 3,9% (2023*); -0,5 pp "
                      "(-11,4%) t.o.v. 4,4% (2020)\n", self.text(m))
        # A revision of the same period that takes it back: resolved.
        self.feed(self.obs[:-1] + [[UR, "groningen", "2023", 4.2, False]])
        self.assertIn("verbeterd -> stabiel (opgelost)",
                      self.text(self.one_mail()))

    def test_english_mail(self):
        # "report": {"lang": "en"}: the mail in English, the challenge and
        # indicator by their English titles, the state names as they are.
        en = {"report": {"lang": "en"}}
        base = [[UR, "groningen", "2020", 4.4, False],
                [UR, "groningen", "2021", 5.0, False]]
        self.feed(base, en)
        m = self.one_mail()
        self.assertEqual(m["Subject"],
                         "regiomon: 1 series moved (challenge 5)")
        body = self.text(m)
        self.assertIn("Challenge 5: Robust labour market", body)
        self.assertIn("  Unemployment rate, Provincie Groningen "
                      "[unemployment-rate/groningen]\n"
                      "    new -> warning: 5% (2021); +0.6 pp (+13.6%) vs "
                      "4.4% (2020)\n", body)
        self.assertIn("Shift: latest minus baseline", body)
        self.assertNotIn("Uitdaging", body)
        self.feed(base + [[UR, "groningen", "2022", 4.6, False]], en)
        m = self.one_mail()
        self.assertEqual(m["Subject"],
                         "regiomon: 1 series back to ok (challenge 5)")
        self.assertIn("warning -> ok (resolved)", self.text(m))

    def test_send_resolved_false(self):
        extra = {"alerts": {"send_resolved": False}}
        base = [[UR, "groningen", "2020", 4.4, False],
                [UR, "groningen", "2021", 5.0, False]]
        self.feed(base, extra)
        self.one_mail()
        self.feed(base + [[UR, "groningen", "2022", 4.4, False]])
        self.no_mail()
        self.assertEqual(self.eval_of(UR, "groningen")["notified_state"],
                         "ok")
        # A later move is measured from ok, not from the old warning.
        self.feed(self.obs + [[UR, "groningen", "2023", 5.0, False]])
        self.assertIn("stabiel -> waarschuwing", self.text(self.one_mail()))

    def silences_file(self):
        return os.path.join(self.env.state, "silences.json")

    def test_silence_until_expiry(self):
        tomorrow = time.strftime("%Y-%m-%d",
                                 time.gmtime(time.time() + 86400))
        r = self.run_ok("silence", "add", UR, "--until", tomorrow,
                        "--comment", "CBS methodebreuk 2021")
        self.assertIn("silence 1:", r.stdout)
        r = self.run_ok("silence", "add", GAS + "/rga", "--until",
                        tomorrow, "--comment", "herziening")
        self.assertIn("silence 2:", r.stdout)
        r = self.run_ok("silence", "list")
        # Every column has a heading, each over its column.
        head, row = r.stdout.splitlines()[:2]
        self.assertEqual(head.split(), ["id", "series", "until", "state",
                                        "comment"])
        for word in ("until", "state", "comment"):
            self.assertNotEqual(row[head.index(word)], " ", (head, row))
            self.assertEqual(row[head.index(word) - 1], " ", (head, row))
        self.assertRegex(r.stdout, r"1 +%s/\* +%s +active +CBS "
                         r"methodebreuk 2021" % (UR, tomorrow))
        self.assertRegex(r.stdout, r"2 +%s/rga +%s +active +herziening"
                         % (GAS, tomorrow))
        obs = [[UR, "groningen", "2021", 5.5, False],
               [UR, "drenthe", "2021", 5.5, False],
               [GAS, "rga", "2021", 50, False],
               [LP, "groningen", "2021", 60, False]]
        self.feed(obs)
        # Only the unsilenced series is mailed.
        m = self.one_mail()
        self.assertEqual(m["Subject"],
                         "regiomon: 1 reeks in beweging (uitdaging 5)")
        self.assertIn("Arbeidsparticipatie", self.text(m))
        self.assertNotIn("Werkloosheid", self.text(m))
        self.assertNotIn("fossiel", self.text(m))
        # The state moved anyway, and status shows the silence.
        ev = self.eval_of(UR, "drenthe")
        self.assertEqual(ev["state"], "critical")
        self.assertNotIn("notified_state", ev)
        doc = json.loads(self.run_ok("status", "--json").stdout)
        by = {(s["indicator"], s["region"]): s
              for c in doc["challenges"] for s in c["series"]}
        s = by[(UR, "drenthe")]
        self.assertTrue(s["silenced"])
        self.assertEqual(s["silence"], {"id": 1, "until": tomorrow,
                                        "comment": "CBS methodebreuk 2021"})
        self.assertEqual(s["state"], "critical")
        self.assertFalse(by[(LP, "groningen")]["silenced"])
        self.assertIn("critical, silenced (#1 until %s)" % tomorrow,
                      self.run_ok("status").stdout)
        # Still silenced: another run, nothing.
        self.run_ok("run")
        self.no_mail()
        # Removing one silence lets its series through on the next run.
        self.run_ok("silence", "remove", "2")
        self.run_ok("run")
        m = self.one_mail()
        self.assertIn("fossiel", self.text(m))
        self.assertNotIn("Werkloosheid", self.text(m))
        # The other silence expires (its day is over): the waiting
        # transitions go out once.
        with open(self.silences_file()) as f:
            doc = json.load(f)
        doc["silences"][0]["until"] = "2020-01-01"
        with open(self.silences_file(), "w") as f:
            json.dump(doc, f)
        r = self.run_ok("silence", "list")
        self.assertRegex(r.stdout, r"1 +%s/\* +2020-01-01 +expired" % UR)
        self.run_ok("run")
        m = self.one_mail()
        self.assertEqual(m["Subject"],
                         "regiomon: 2 reeksen in beweging (uitdaging 5)")
        self.assertIn("Provincie Drenthe", self.text(m))
        self.assertIn("Provincie Groningen", self.text(m))
        self.run_ok("run")
        self.no_mail()

    def test_silence_command_errors(self):
        tomorrow = time.strftime("%Y-%m-%d",
                                 time.gmtime(time.time() + 86400))
        cases = [
            (["silence", "add", UR, "--until", "2020-01-01", "--comment",
              "x"], 2, "--until 2020-01-01 is over already"),
            (["silence", "add", UR, "--until", "2027-02-30", "--comment",
              "x"], 2, 'expected a date like 2027-01-31, got "2027-02-30"'),
            (["silence", "add", UR, "--until", tomorrow], 2,
             "--comment TEXT (why) is required"),
            (["silence", "add", UR, "--until", tomorrow, "--comment", " "],
             2, "expected one line of text"),
            (["silence", "add", "unemployment-rat", "--until", tomorrow,
              "--comment", "x"], 2,
             'unknown indicator "unemployment-rat"; did you mean '
             '"unemployment-rate"?'),
            (["silence", "add", UR + "/groningn", "--until", tomorrow,
              "--comment", "x"], 2,
             'unknown region "groningn"; did you mean "groningen"?'),
            (["silence", "remove", "7"], 1, "no silence 7"),
            (["silence", "frobnicate"], 2, "unknown subcommand"),
        ]
        self.configure([])
        for args, rc, msg in cases:
            r = self.env.run(*args)
            self.assertEqual(r.returncode, rc, (args, r.stderr))
            self.assertIn(msg, r.stderr, args)
        # Nothing was written by the refused commands.
        self.assertFalse(os.path.exists(self.silences_file()))
        # A broken silences file is reported with its path and left alone.
        os.makedirs(self.env.state, exist_ok=True)
        with open(self.silences_file(), "w") as f:
            f.write('{"version": 1, "silences": [{"id": 1, '
                    '"indicator": "jobs", "until": "2027-01-01"}]}')
        r = self.env.run("silence", "list")
        self.assertEqual(r.returncode, 1)
        self.assertIn("silences.json: silences[0]: missing required key "
                      "\"comment\"", r.stderr)
        # ...and no alert mail goes out while it is broken; the
        # transition waits for the fix.
        self.configure([[UR, "groningen", "2021", 5.5, False]])
        r = self.env.run("run")
        self.assertEqual(r.returncode, 1)
        self.assertIn("no alert mail until the silences can be read",
                      r.stderr)
        self.no_mail()
        os.unlink(self.silences_file())
        self.run_ok("run")
        self.assertIn("nieuw -> kritiek", self.text(self.one_mail()))

    def test_reminder_after_releases(self):
        extra = {"alerts": {"reminder_releases": 2}}
        obs = [[UR, "groningen", "2021", 5.5, False]]
        self.feed(obs, extra)
        self.one_mail()
        obs.append([UR, "groningen", "2022", 5.6, False])
        self.feed(obs)
        self.no_mail()
        # A revision is not a release.
        obs[-1] = [UR, "groningen", "2022", 5.7, False]
        self.feed(obs)
        self.no_mail()
        obs.append([UR, "groningen", "2023", 5.8, False])
        self.feed(obs)
        m = self.one_mail()
        self.assertEqual(m["Subject"],
                         "regiomon: 1 herinnering (uitdaging 5)")
        self.assertIn("nog steeds kritiek", self.text(m))
        self.run_ok("run")
        self.no_mail()
        # Without reminder_releases (the default) there are none.
        obs += [[UR, "groningen", "2024", 5.9, False],
                [UR, "groningen", "2025", 5.9, False]]
        self.feed(obs, {})
        self.no_mail()

    def test_unqueued_digest_is_not_lost(self):
        # An outbox that cannot be created: the digest cannot be queued.
        os.makedirs(self.env.state)
        outbox = os.path.join(self.env.state, "outbox")
        with open(outbox, "w") as f:
            f.write("in the way\n")
        self.configure([[UR, "groningen", "2021", 5.5, False]])
        r = self.env.run("run")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.no_mail()
        ev = self.eval_of(UR, "groningen")
        self.assertEqual(ev["state"], "critical")
        self.assertNotIn("notified_state", ev)
        os.unlink(outbox)
        self.run_ok("run")
        self.assertIn("nieuw -> kritiek", self.text(self.one_mail()))
        self.run_ok("run")
        self.no_mail()

    def test_config_errors(self):
        cases = [
            ({"reminder_release": 2},
             'alerts: unknown key "reminder_release"; did you mean '
             '"reminder_releases"?'),
            ({"reminder_releases": -1},
             "alerts.reminder_releases: expected an integer from 0 "
             "(never) to 1000"),
            ({"reminder_releases": "3"},
             'alerts.reminder_releases: expected an integer from 0 '
             '(never) to 1000, got "3"'),
            ({"send_resolved": "yes"},
             'alerts.send_resolved: expected true or false, got "yes"'),
            ([], "alerts: expected an object, got array"),
        ]
        for alerts, msg in cases:
            self.configure([], {"alerts": alerts})
            r = self.env.run("check-config")
            self.assertEqual(r.returncode, 78, r.stderr)
            self.assertIn(self.env.conf + ": " + msg, r.stderr)
            r = self.env.run("run")
            self.assertEqual(r.returncode, 78, r.stderr)


class Stale(Base):
    """With the shipped grace periods (120 days for unemployment)."""
    grace = None
    retitle = None

    def test_stale_and_back(self):
        # groningen's last figure is for 2021: 2022 was over on
        # 2023-01-01, plus 120 days of grace.  drenthe's is this year's.
        obs = [[UR, "groningen", "2020", 4.4, False],
               [UR, "groningen", "2021", 4.5, False],
               [UR, "drenthe", str(THIS_YEAR), 3.7, False]]
        self.feed(obs)
        m = self.one_mail()
        body = self.text(m)
        self.assertIn("nieuw -> verouderd", body)
        self.assertIn("Provincie Groningen", body)
        self.assertNotIn("Provincie Drenthe", body)
        ev = self.eval_of(UR, "groningen")
        self.assertEqual((ev["state"], ev["judged"]), ("stale", "ok"))
        self.assertEqual(ev["stale_after"],
                         rmtest.period_end("2022") + 120 * 86400)
        self.assertEqual(self.eval_of(UR, "drenthe")["state"], "ok")
        # Stale is mailed once.
        self.run_ok("run")
        self.no_mail()
        # A current figure: judged again, back to ok.
        self.feed(obs + [[UR, "groningen", str(THIS_YEAR), 4.4, True]])
        m = self.one_mail()
        self.assertIn("verouderd -> stabiel (opgelost)", self.text(m))
        self.assertEqual(self.eval_of(UR, "groningen")["state"], "ok")


class Smtp(Base):
    """The digest through a real SMTP server on 127.0.0.1."""

    def test_digest_over_smtp(self):
        import smtpd as rmsmtpd  # tests/lib/smtpd.py, not the stdlib's
        srv = rmsmtpd.start(os.path.join(self.env.dir, "smtp"))
        try:
            mail = {"from": "regiomon@example.org",
                    "to": ["analist@example.org", "econoom@example.org"],
                    "smtp": {"url": "smtp://127.0.0.1:%d" % srv.port}}
            obs = [[UR, "groningen", "2021", 5.5, False],
                   [GAS, "rga", "2021", 50, False]]
            self.feed(obs, {"mail": mail})
            msgs = srv.messages()
            self.assertEqual(len(msgs), 1)
            self.assertEqual(sorted(msgs[0]["rcpt_tos"]),
                             ["analist@example.org", "econoom@example.org"])
            m = email.message_from_bytes(msgs[0]["raw"],
                                         policy=email.policy.default)
            self.assertEqual(m["Subject"],
                             "regiomon: 2 reeksen in beweging "
                             "(uitdaging 1, 5)")
            self.assertIn("Uitdaging 1: Koploper schone energie",
                          self.text(m))
            self.assertIn("Uitdaging 5: Robuuste arbeidsmarkt",
                          self.text(m))
            # Nothing in the Maildir, nothing left in the outbox.
            self.no_mail()
            self.assertEqual(os.listdir(os.path.join(self.env.state,
                                                     "outbox")), [])
            # No change, no mail; a restart repeats nothing.
            self.run_ok("run")
            self.run_ok("run")
            self.assertEqual(len(srv.messages()), 1)
        finally:
            srv.stop()


class SmtpCycles(Base):
    """Outage, resolved mail and silences through real `regiomon run`
    cycles against a real SMTP server on 127.0.0.1.  Retries are
    immediate (REGIOMON_MAIL_BACKOFF_S=0), so each run tries every queued
    message once."""

    def setUp(self):
        super().setUp()
        import smtpd as rmsmtpd  # tests/lib/smtpd.py, not the stdlib's
        self.smtpd = rmsmtpd
        self.srv = None
        self.port = rmsmtpd.free_port()
        self.old_backoff = os.environ.get("REGIOMON_MAIL_BACKOFF_S")
        os.environ["REGIOMON_MAIL_BACKOFF_S"] = "0"
        self.extra = {"mail": {
            "from": "regiomon@example.org", "to": ["analist@example.org"],
            "smtp": {"url": "smtp://127.0.0.1:%d" % self.port}}}

    def tearDown(self):
        if self.srv is not None:
            self.srv.stop()
        if self.old_backoff is None:
            os.environ.pop("REGIOMON_MAIL_BACKOFF_S", None)
        else:
            os.environ["REGIOMON_MAIL_BACKOFF_S"] = self.old_backoff
        super().tearDown()

    def start_smtp(self):
        self.srv = self.smtpd.start(os.path.join(self.env.dir, "smtp"),
                                    port=self.port)

    def received(self):
        """Every message the server accepted, parsed, oldest first."""
        if self.srv is None:
            return []
        return [email.message_from_bytes(m["raw"],
                                         policy=email.policy.default)
                for m in self.srv.messages()]

    def queued(self):
        """The messages waiting in STATE/outbox (their .eml files)."""
        d = os.path.join(self.env.state, "outbox")
        if not os.path.isdir(d):
            return []
        return sorted(n for n in os.listdir(d) if n.endswith(".eml"))

    def test_outage_then_every_digest_once(self):
        # Two runs while nothing listens, each with a transition: two
        # digests wait in the outbox, none is lost.
        obs = [[UR, "groningen", "2021", 5.5, False]]
        self.configure(obs)
        r = self.env.run("run")
        # An outage delays mail; it is not a failed run.
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("not delivered (attempt 1", r.stderr)
        self.assertIn("1 alert mail still queued", r.stderr)
        self.assertEqual(len(self.queued()), 1, r.stderr)
        obs = obs + [[GAS, "rga", "2021", 50, False]]
        self.configure(obs)
        r = self.env.run("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("2 alert mails still queued", r.stderr)
        self.assertEqual(len(self.queued()), 2, r.stderr)
        # Neither went to the Maildir instead.
        self.no_mail()
        ev = self.eval_of(UR, "groningen")
        self.assertEqual(ev["state"], "critical")
        # The server comes up: the next run delivers both, once each.
        self.start_smtp()
        self.run_ok("run")
        msgs = self.received()
        ids = [m["Message-ID"] for m in msgs]
        self.assertEqual(len(ids), 2, ids)
        self.assertEqual(len(set(ids)), 2, ids)
        subjects = sorted(m["Subject"] for m in msgs)
        self.assertEqual(subjects, [
            "regiomon: 1 reeks in beweging (uitdaging 1)",
            "regiomon: 1 reeks in beweging (uitdaging 5)"])
        bodies = {m["Subject"]: self.text(m) for m in msgs}
        self.assertIn("nieuw -> kritiek", bodies[
            "regiomon: 1 reeks in beweging (uitdaging 5)"])
        self.assertIn("nieuw -> kritiek", bodies[
            "regiomon: 1 reeks in beweging (uitdaging 1)"])
        self.assertEqual(os.listdir(os.path.join(self.env.state,
                                                 "outbox")), [])
        # A further run has nothing to send.
        self.run_ok("run")
        self.assertEqual([m["Message-ID"] for m in self.received()], ids)
        self.no_mail()

    def test_resolved_over_smtp(self):
        self.start_smtp()
        base = [[UR, "groningen", "2020", 4.4, False],
                [UR, "groningen", "2021", 5.0, False]]
        self.feed(base)
        msgs = self.received()
        self.assertEqual(len(msgs), 1)
        self.assertIn("nieuw -> waarschuwing", self.text(msgs[0]))
        self.feed(base + [[UR, "groningen", "2022", 4.6, False]])
        msgs = self.received()
        self.assertEqual(len(msgs), 2)
        self.assertEqual(msgs[1]["Subject"],
                         "regiomon: 1 reeks weer stabiel (uitdaging 5)")
        self.assertIn("waarschuwing -> stabiel (opgelost)", self.text(msgs[1]))
        self.assertEqual(self.queued(), [])
        self.no_mail()

    def test_silence_over_smtp(self):
        self.start_smtp()
        tomorrow = time.strftime("%Y-%m-%d",
                                 time.gmtime(time.time() + 86400))
        self.configure([])
        self.run_ok("silence", "add", UR, "--until", tomorrow,
                    "--comment", "CBS methodebreuk 2021")
        self.feed([[UR, "groningen", "2021", 5.5, False]])
        self.run_ok("run")
        self.assertEqual(self.received(), [])
        self.assertEqual(self.queued(), [])
        # The silence expires: the waiting transition goes out, once.
        path = os.path.join(self.env.state, "silences.json")
        with open(path) as f:
            doc = json.load(f)
        doc["silences"][0]["until"] = "2020-01-01"
        with open(path, "w") as f:
            json.dump(doc, f)
        self.run_ok("run")
        msgs = self.received()
        self.assertEqual(len(msgs), 1)
        self.assertEqual(msgs[0]["Subject"],
                         "regiomon: 1 reeks in beweging (uitdaging 5)")
        self.assertIn("nieuw -> kritiek", self.text(msgs[0]))
        self.run_ok("run")
        self.assertEqual(len(self.received()), 1)
        self.no_mail()


if __name__ == "__main__":
    unittest.main(verbosity=2)
