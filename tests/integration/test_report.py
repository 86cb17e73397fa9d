# SPDX-License-Identifier: ISC
"""`regiomon report`: the static HTML report of a demo run (the csv
source of share/demo/regiomon.json on share/demo/), checked as HTML (pages,
sections, cards against `regiomon status --json`, images, no external
resources) and in Debian's headless Chromium loaded from file://: six
challenge sections, no broken image, a screenshot.  The swap into place,
refusals, failures part-way, the "report" config, and the daemon writing
the report after a cycle with new data (only then) use a small state
from the t_ok test plugin.

Set REGIOMON_KEEP_SCREENSHOT=DIR to keep the screenshots for a look.
"""
import html.parser
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import chromium  # noqa: E402
import pngcheck  # noqa: E402
import rmdaemon  # noqa: E402
import rmtest  # noqa: E402

DEMO_CSV = os.path.join(rmtest.TOP, "share", "demo", "strategy-figures.csv")
MARK = ".regiomon-report"

with open(rmtest.CATALOG, encoding="utf-8") as f:
    CATALOG = json.load(f)
REGIONS = [r["id"] for r in CATALOG["regions"]]
CHALLENGES = sorted(CATALOG["challenges"], key=lambda c: c["number"])


SMALL_CATALOG = os.path.join(rmtest.TOP, "tests", "data", "graph",
                             "catalog-a.json")
SMALL = [["unemployment-rate", "groningen", "2020", 4.4, False],
         ["unemployment-rate", "groningen", "2021", 4.7, True],
         ["labour-participation", "drenthe", "2020", 66.5, False],
         ["labour-participation", "drenthe", "2021", 66.8, False]]

BADGE = {"ok": "Stabiel", "improved": "Verbeterd", "warning": "Waarschuwing",
         "critical": "Kritiek", "stale": "Verouderd",
         "nodata": "Geen gegevens"}


def page_of(region):
    return "index.html" if region == "rga" else "region-%s.html" % region


class Page(html.parser.HTMLParser):
    """What the tests look at in a page: sections, cards, links, images,
    and anything that would load from elsewhere."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.sections = []      # [{"id", "h2", "question", "summary"}]
        self.cards = []         # [{"id", "state", "section", "text"}]
        self.imgs = []          # attribute dicts
        self.links = []         # (href, attrs)
        self.tags = set()
        self.attrs_all = []     # (tag, name, value)
        self.style = ""
        self.lang = None
        self._stack = []
        self._cur = None        # text collector target
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.add(tag)
        for k, v in attrs:
            self.attrs_all.append((tag, k, v or ""))
        cls = (a.get("class") or "").split()
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "section" and "challenge" in cls:
            self.sections.append({"id": a.get("id"), "h2": "",
                                  "question": "", "summary": ""})
        elif tag == "article" and "card" in cls:
            state = [c[6:] for c in cls if c.startswith("state-")]
            self.cards.append({"id": a.get("id"), "state": state[0],
                               "section": self.sections[-1]["id"],
                               "text": ""})
        elif tag == "img":
            self.imgs.append(a)
        elif tag == "a":
            self.links.append((a.get("href"), a))
        if tag not in ("img", "meta", "br"):
            self._stack.append((tag, cls))

    def handle_endtag(self, tag):
        while self._stack:
            t, _ = self._stack.pop()
            if t == tag:
                break

    def handle_data(self, data):
        tags = [t for t, _ in self._stack]
        classes = [c for _, cl in self._stack for c in cl]
        if "style" in tags:
            self.style += data
        if "article" in tags and self.cards:
            self.cards[-1]["text"] += data
        elif "section" in tags and self.sections:
            s = self.sections[-1]
            if "h2" in tags:
                s["h2"] += data
            elif "question" in classes:
                s["question"] += data
            elif "summary" in classes:
                s["summary"] += data


class Report(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = rmtest.Env(
            [{"name": "demo", "plugin": "csv", "config": {
                "url": "file://" + DEMO_CSV, "separator": ";",
                "decimal": ","}}])
        # `run` writes the Dutch report to STATE/report (the default).
        r = cls.env.run("run")
        if r.returncode != 0:
            cls.env.close()
            raise AssertionError("run: %s" % r.stderr)
        cls.out = os.path.join(cls.env.state, "report")
        cls.out_en = os.path.join(cls.env.dir, "out", "report-en")
        r = cls.env.run("report", "-o", cls.out_en, "--lang", "en")
        if r.returncode != 0:
            cls.env.close()
            raise AssertionError("report: %s" % r.stderr)
        cls.pages = {}
        cls.docs = {}
        for reg in REGIONS:
            with open(os.path.join(cls.out, page_of(reg)),
                      encoding="utf-8") as f:
                cls.pages[reg] = f.read()
            r = cls.env.run("status", "--json", "--region", reg)
            if r.returncode != 0:
                cls.env.close()
                raise AssertionError("status: %s" % r.stderr)
            cls.docs[reg] = json.loads(r.stdout)

    @classmethod
    def tearDownClass(cls):
        cls.env.close()

    def status(self, region):
        return self.docs[region]

    def small_env(self):
        """A state with two series from t_ok: quick to report on."""
        env = rmtest.Env([{"name": "t", "plugin": "t_ok", "config": {
            "obs": SMALL}}], plugin_dir=rmtest.TEST_PLUGINS,
            catalog=SMALL_CATALOG)
        r = env.run("run")
        if r.returncode != 0:
            env.close()
            self.fail("run: %s" % r.stderr)
        return env

    def test_run_writes_the_report_too(self):
        d = os.path.join(self.env.state, "report")
        self.assertTrue(os.path.isfile(os.path.join(d, "index.html")))
        self.assertTrue(os.path.isfile(os.path.join(d, MARK)))
        left = [f for f in os.listdir(self.env.state)
                if ".tmp." in f or ".old." in f]
        self.assertEqual(left, [])

    def test_a_page_per_region(self):
        names = sorted(f for f in os.listdir(self.out) if f.endswith(".html"))
        self.assertEqual(names, sorted(page_of(r) for r in REGIONS))
        self.assertEqual(len(names), 11)

    def test_region_links(self):
        for reg, text in self.pages.items():
            p = Page(text)
            hrefs = [h for h, _ in p.links if not h.startswith("#")]
            self.assertEqual(sorted(set(hrefs)),
                             sorted(page_of(r) for r in REGIONS), reg)
            current = [h for h, a in p.links if a.get("aria-current")]
            self.assertEqual(current, [page_of(reg)])
            for h in hrefs:
                self.assertTrue(os.path.isfile(os.path.join(self.out, h)))
            # The table of contents points at the six sections, and every
            # other link in the page (the overview's) at a section or a
            # card of the page.
            anchors = [h for h, _ in p.links if h.startswith("#")]
            self.assertEqual(anchors[:len(CHALLENGES)],
                             ["#uitdaging-%d" % c["number"]
                              for c in CHALLENGES])
            for a in anchors[len(CHALLENGES):]:
                self.assertIn('id="%s"' % a[1:], text, reg)

    def test_six_challenges_in_order(self):
        for reg, text in self.pages.items():
            p = Page(text)
            self.assertEqual([s["id"] for s in p.sections],
                             ["uitdaging-%d" % c["number"]
                              for c in CHALLENGES], reg)
            for s, c in zip(p.sections, CHALLENGES):
                self.assertEqual(s["h2"], "Uitdaging %d: %s" %
                                 (c["number"], c["title"]))
                self.assertEqual(s["question"], c["question"])
                # An empty challenge says so once, without a summary.
                if s["summary"] == "":
                    self.assertIn('<section class="challenge" id="%s">'
                                  % s["id"], text)
                    sec = text.split('id="%s">' % s["id"])[1]
                    sec = sec.split("</section>")[0]
                    self.assertIn("geen indicatoren", sec)
                    self.assertNotIn('class="card', sec)
                    continue
                self.assertRegex(s["summary"], r"^\d+ verbeterd\d+ stabiel"
                                 r"\d+ slechter(\d+ verschoven)?"
                                 r"(\d+ onbekend)?$")

    def test_cards_follow_the_evaluation(self):
        """Each page has a card per series that `status --json` lists
        for its region, in the same order, with the same state, and the
        summary line counts those states."""
        total = 0
        for reg, text in self.pages.items():
            p = Page(text)
            doc = self.status(reg)
            # Most severe first within a challenge (a stale series by
            # its last judgement), status's order among equals.
            rank = {"critical": 7, "warning": 6, "stale": 5, "nodata": 4,
                    "moved-strongly": 3, "moved": 2, "ok": 1,
                    "improved": 0}

            def severity(s):
                st = s["state"]
                if st == "stale" and s.get("judged") in rank:
                    st = s["judged"]
                return -rank[st]
            want = [(ch["number"], s["indicator"], s["state"])
                    for ch in doc["challenges"]
                    for s in sorted(ch["series"], key=severity)]
            got = [(int(c["section"].split("-")[1]), c["id"], c["state"])
                   for c in p.cards]
            self.assertEqual(got, want, reg)
            total += len(got)
            for s, ch in zip(p.sections, doc["challenges"]):
                sm = ch["summary"]
                if ch["total"] == 0:
                    self.assertEqual(s["summary"], "", (reg, s["id"]))
                    continue
                m = re.match(r"(\d+) verbeterd(\d+) stabiel(\d+) slechter"
                             r"(?:(\d+) verschoven)?", s["summary"])
                self.assertEqual(
                    tuple(int(x or 0) for x in m.groups()),
                    (sm["improved"], sm["ok"],
                     sm["warning"] + sm["critical"],
                     sm["moved"] + sm["moved-strongly"]), (reg, s["id"]))
        self.assertGreater(total, 50)

    def test_card_content(self):
        p = Page(self.pages["groningen"])
        card = [c for c in p.cards if c["id"] == "unemployment-rate"][0]
        t = card["text"]
        self.assertIn("Werkloosheid", t)
        self.assertIn("Basislijn4,4% (2020)", t)
        self.assertIn("CBS StatLine (2020), Werkloosheid naar regio", t)
        self.assertIn("Laatste5,9% (2024, voorlopig)", t)
        self.assertIn("+1,5 procentpunt (+34,1%)", t)
        self.assertIn("lager is beter", t)
        # The state is the evaluation's.
        doc = self.status("groningen")
        st = [s for ch in doc["challenges"] for s in ch["series"]
              if s["indicator"] == "unemployment-rate"][0]["state"]
        self.assertEqual(card["state"], st)
        self.assertIn(BADGE[st], t)
        # The 2024 figure is long stale, and was critical: the badge says
        # both, as status does ("stale (critical)").
        self.assertEqual(st, "stale")
        self.assertIn("Verouderd (Kritiek)", t)

    def test_images_are_there_and_sound(self):
        seen = 0
        for reg, text in self.pages.items():
            p = Page(text)
            doc = self.status(reg)
            with_data = sum(1 for ch in doc["challenges"]
                            for s in ch["series"] if s["latest"])
            self.assertEqual(len(p.imgs), with_data, reg)
            for img in p.imgs:
                src = img["src"]
                self.assertRegex(src, r"^img/[a-z0-9_-]+\.[a-z0-9_-]+\.png$")
                with open(os.path.join(self.out, src), "rb") as f:
                    data = f.read()
                png = pngcheck.decode(data)
                self.assertEqual((png.width, png.height),
                                 (int(img["width"]), int(img["height"])))
                self.assertTrue(img["alt"].startswith("Grafiek van "))
                seen += 1
        self.assertEqual(seen, len(os.listdir(os.path.join(self.out,
                                                           "img"))))

    def test_self_contained(self):
        for d in (self.out, self.out_en):
            for name in os.listdir(d):
                if not name.endswith(".html"):
                    continue
                with open(os.path.join(d, name), encoding="utf-8") as f:
                    p = Page(f.read())
                for bad in ("script", "link", "iframe", "object", "embed",
                            "base", "form"):
                    self.assertNotIn(bad, p.tags, name)
                for tag, k, v in p.attrs_all:
                    self.assertFalse(k.startswith("on"), (name, tag, k))
                    if k in ("href", "src", "srcset", "action", "poster"):
                        self.assertNotRegex(v, r"^([a-z][a-z0-9+.-]*:|//)",
                                            (name, tag, v))
                    self.assertNotIn("http", v.lower(), (name, tag, k))
                self.assertNotIn("url(", p.style)
                self.assertNotIn("@import", p.style)

    def test_english(self):
        with open(os.path.join(self.out_en, "index.html"),
                  encoding="utf-8") as f:
            p = Page(f.read())
        self.assertEqual(p.lang, "en")
        self.assertEqual(p.sections[0]["h2"], "Challenge 1: %s" %
                         CHALLENGES[0]["title_en"])
        self.assertEqual(p.sections[0]["question"],
                         CHALLENGES[0]["question_en"])
        self.assertRegex(p.sections[0]["summary"],
                         r"^\d+ improved\d+ stable\d+ worse")
        with open(os.path.join(self.out_en, "region-groningen.html"),
                  encoding="utf-8") as f:
            p = Page(f.read())
        card = [c for c in p.cards if c["id"] == "unemployment-rate"][0]
        self.assertIn("Baseline4.4% (2020)", card["text"])
        self.assertIn("Latest5.9% (2024, provisional)", card["text"])
        self.assertIn("Unemployment rate", card["text"])
        with open(os.path.join(self.out, "index.html"),
                  encoding="utf-8") as f:
            self.assertEqual(Page(f.read()).lang, "nl")

    def test_swapped_in_whole(self):
        env = self.small_env()
        try:
            d = os.path.join(env.dir, "swap", "report")
            r = env.run("report", "-o", d)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout.strip(), d + "/index.html")
            self.assertEqual(sorted(os.listdir(os.path.join(d, "img"))), [
                "labour-participation.drenthe.png",
                "unemployment-rate.groningen.png"])
            ino = os.stat(d).st_ino
            stale = os.path.join(d, "img", "stale.png")
            with open(stale, "w") as f:
                f.write("x")
            r = env.run("report", "-o", d)
            self.assertEqual(r.returncode, 0, r.stderr)
            # A new directory took its place; nothing of the old stays.
            self.assertNotEqual(os.stat(d).st_ino, ino)
            self.assertFalse(os.path.exists(stale))
            self.assertEqual(sorted(os.listdir(os.path.dirname(d))),
                             ["report"])
        finally:
            env.close()

    def test_never_replaces_a_foreign_directory(self):
        d = os.path.join(self.env.dir, "notes")
        os.mkdir(d)
        keep = os.path.join(d, "thesis.txt")
        with open(keep, "w") as f:
            f.write("precious")
        r = self.env.run("report", "-o", d)
        self.assertEqual(r.returncode, 1)
        self.assertIn("is not a regiomon report", r.stderr)
        with open(keep) as f:
            self.assertEqual(f.read(), "precious")
        self.assertEqual(os.listdir(d), ["thesis.txt"])

    def test_a_failed_report_leaves_the_old_one(self):
        env = self.small_env()
        try:
            d = os.path.join(env.dir, "report")
            self.assertEqual(env.run("report", "-o", d).returncode, 0)
            with open(os.path.join(d, "index.html"), "rb") as f:
                before = f.read()
            ino = os.stat(d).st_ino
            # New data in a corrupt RRD file: the evaluation, and so the
            # report, fails part-way.
            with open(env.rrd("unemployment-rate", "groningen"), "wb") as f:
                f.write(b"not an rrd file")
            st = env.state_json()
            st["series"]["unemployment-rate/groningen"]["fresh"] = True
            with open(os.path.join(env.state, "state.json"), "w") as f:
                json.dump(st, f)
            r = env.run("report", "-o", d)
            self.assertEqual(r.returncode, 1)
            self.assertIn("unemployment-rate/groningen.rrd", r.stderr)
            self.assertEqual(os.stat(d).st_ino, ino)
            with open(os.path.join(d, "index.html"), "rb") as f:
                self.assertEqual(f.read(), before)
            self.assertEqual(sorted(os.listdir(env.dir)),
                             ["regiomon.json", "report", "state"])
        finally:
            env.close()

    def test_a_graph_that_fails_is_left_out(self):
        env = self.small_env()
        try:
            # The evaluation is saved; only the graph reads the file.
            with open(env.rrd("unemployment-rate", "groningen"), "wb") as f:
                f.write(b"not an rrd file")
            d = os.path.join(env.dir, "report")
            r = env.run("report", "-o", d)
            self.assertEqual(r.returncode, 1)
            self.assertIn("1 graph could not be drawn", r.stderr)
            with open(os.path.join(d, "region-groningen.html"),
                      encoding="utf-8") as f:
                p = Page(f.read())
            card = [c for c in p.cards if c["id"] == "unemployment-rate"][0]
            self.assertIn("De grafiek kon niet worden getekend", card["text"])
            self.assertEqual(p.imgs, [])
            with open(os.path.join(d, "region-drenthe.html"),
                      encoding="utf-8") as f:
                p = Page(f.read())
            self.assertEqual([i["src"] for i in p.imgs],
                             ["img/labour-participation.drenthe.png"])
        finally:
            env.close()

    def test_config(self):
        env = rmtest.Env([{"name": "t", "plugin": "t_ok", "config": {
            "obs": [["unemployment-rate", "groningen", "2020", 4.4,
                     False]]}}], plugin_dir=rmtest.TEST_PLUGINS)
        try:
            env.write_conf({
                "state_dir": env.state, "plugin_dir": rmtest.TEST_PLUGINS,
                "catalog": [rmtest.CATALOG], "sources": [],
                "report": {"lang": "fr", "dirs": "x", "enabled": "yes",
                           "dir": ""}})
            r = env.run("check-config")
            self.assertEqual(r.returncode, 78)
            for msg in ('report.lang: expected "nl" or "en", got "fr"',
                        'report: unknown key "dirs"; did you mean "dir"?',
                        "report.enabled: expected true or false",
                        "report.dir: expected a directory"):
                self.assertIn(msg, r.stderr)
            # A relative dir is in the state dir; English on request.
            cfg = {"state_dir": env.state,
                   "plugin_dir": rmtest.TEST_PLUGINS,
                   "catalog": [rmtest.CATALOG],
                   "sources": [{"name": "t", "plugin": "t_ok", "config": {
                       "obs": [["unemployment-rate", "groningen", "2020",
                                4.4, False]]}}],
                   "report": {"dir": "html/rm", "lang": "en"}}
            env.write_conf(cfg)
            r = env.run("run")
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(os.path.join(env.state, "html", "rm", "index.html"),
                      encoding="utf-8") as f:
                self.assertEqual(Page(f.read()).lang, "en")
            # Disabled: `run` stores, writes no report.
            cfg["report"] = {"enabled": False}
            cfg["sources"][0]["config"]["obs"].append(
                ["unemployment-rate", "groningen", "2021", 4.7, False])
            env.write_conf(cfg)
            r = env.run("run")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertFalse(os.path.exists(os.path.join(env.state,
                                                         "report")))
        finally:
            env.close()

    def test_leftovers_of_a_dead_run_are_removed(self):
        env = self.small_env()
        try:
            d = os.path.join(env.dir, "left", "report")
            os.makedirs(os.path.dirname(d))
            pid = 4194000
            while os.path.exists("/proc/%d" % pid):
                pid += 1
            dead = "%s.tmp.%d" % (d, pid)
            os.mkdir(dead)
            open(os.path.join(dead, MARK), "w").close()
            # Not ours (no mark): left alone.
            other = "%s.old.%d" % (d, pid)
            os.mkdir(other)
            open(os.path.join(other, "keep"), "w").close()
            r = env.run("report", "-o", d)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertFalse(os.path.exists(dead))
            self.assertTrue(os.path.exists(os.path.join(other, "keep")))
        finally:
            env.close()

    def test_in_chromium(self):
        if not chromium.available():
            self.fail("%s missing: make deps-test installs chromium" %
                      chromium.CHROMIUM)
        keep = os.environ.get("REGIOMON_KEEP_SCREENSHOT")
        check = """JSON.stringify({
            sections: Array.from(document.querySelectorAll(
                'section.challenge')).map(s => s.id),
            images: document.images.length,
            broken: Array.from(document.images).filter(i =>
                !i.complete || i.naturalWidth === 0).map(i =>
                i.getAttribute('src')),
            cards: document.querySelectorAll('article.card').length})"""
        with chromium.Browser(width=1280, height=2000) as b:
            for reg in ("rga", "groningen"):
                url = "file://" + os.path.join(self.out, page_of(reg))
                b.load(url)
                got = json.loads(b.evaluate(check))
                p = Page(self.pages[reg])
                self.assertEqual(got["sections"],
                                 ["uitdaging-%d" % c["number"]
                                  for c in CHALLENGES])
                self.assertEqual(got["broken"], [])
                self.assertEqual(got["images"], len(p.imgs))
                self.assertGreater(got["images"], 5)
                self.assertEqual(got["cards"], len(p.cards))
                shot = b.screenshot()
                self.assertEqual(pngcheck.size(shot)[0], 1280)
                pngcheck.decode(shot)
                if keep:
                    os.makedirs(keep, exist_ok=True)
                    with open(os.path.join(keep, "report-%s.png" % reg),
                              "wb") as f:
                        f.write(shot)
            # The check does see a broken image: remove one and look.
            broken = os.path.join(self.env.dir, "broken")
            shutil.copytree(self.out, broken)
            gone = Page(self.pages["rga"]).imgs[0]["src"]
            os.unlink(os.path.join(broken, gone))
            b.load("file://" + os.path.join(broken, "index.html"))
            self.assertEqual(json.loads(b.evaluate(check))["broken"],
                             [gone])

    def test_chromium_dump_dom(self):
        """The plain command line of the issue: --dump-dom from file://
        shows the six sections as Chromium parsed them."""
        if not chromium.available():
            self.fail("%s missing" % chromium.CHROMIUM)
        ud = tempfile.mkdtemp(prefix="rm-chromium-")
        try:
            r = subprocess.run(
                [chromium.CHROMIUM, "--headless", "--no-sandbox",
                 "--disable-gpu", "--no-first-run",
                 "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--user-data-dir=" + ud, "--dump-dom",
                 "file://" + os.path.join(self.out, "index.html")],
                capture_output=True, text=True, timeout=60)
        finally:
            shutil.rmtree(ud, ignore_errors=True)
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        p = Page(r.stdout)
        self.assertEqual([s["id"] for s in p.sections],
                         ["uitdaging-%d" % c["number"] for c in CHALLENGES])


class ReportDaemon(unittest.TestCase):
    """The daemon rewrites the report after a cycle that stored new data,
    and only then."""

    def setUp(self):
        self.cfg = {"sources": [{"name": "t", "plugin": "t_ok",
                                 "interval": "1s", "config": {"obs": SMALL}}]}
        self.env = rmtest.Env(self.cfg["sources"],
                              plugin_dir=rmtest.TEST_PLUGINS,
                              catalog=SMALL_CATALOG)
        self.d = None

    def tearDown(self):
        if self.d:
            self.d.close()
        self.env.close()

    def test_rewritten_after_new_data(self):
        self.d = d = rmdaemon.Daemon(self.env)
        index = os.path.join(self.env.state, "report", "index.html")
        d.wait_log("report written to")
        ino = os.stat(index).st_ino
        # Two more cycles without new data: the same report.
        runs = d.count("0 series changed")
        d.wait_log("0 series changed", count=runs + 2)
        self.assertEqual(d.count("report written to"), 1)
        self.assertEqual(os.stat(index).st_ino, ino)
        # New data, through a reloaded config: a new report with it.
        obs = SMALL + [["unemployment-rate", "groningen", "2022", 5.6,
                        False]]
        self.env.write_conf({
            "state_dir": self.env.state,
            "plugin_dir": rmtest.TEST_PLUGINS, "catalog": [SMALL_CATALOG],
            "sources": [{"name": "t", "plugin": "t_ok", "interval": "1s",
                         "config": {"obs": obs}}]})
        d.send(signal.SIGHUP)
        d.wait_log("report written to", count=2)
        self.assertNotEqual(os.stat(index).st_ino, ino)
        with open(os.path.join(self.env.state, "report",
                               "region-groningen.html"),
                  encoding="utf-8") as f:
            self.assertIn("5,6% (2022)", f.read())
        self.assertEqual(d.stop(), 0, d.log())


if __name__ == "__main__":
    unittest.main()
