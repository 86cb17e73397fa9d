#!/usr/bin/python3
"""Checks share/catalog.json against its schema and against the strategy text.

Run from the repository root:

    /usr/bin/python3 tests/integration/test_catalog.py

This is the catalog's shape only; test_catalog_strategy.py checks its
words and figures against the strategy text.  REGIOMON_CATALOG checks
another catalog.  Python 3 standard library only.
"""

import json
import os
import re
import sys
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CATALOG = os.environ.get("REGIOMON_CATALOG") or os.path.join(ROOT, "share", "catalog.json")

ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
PERIOD_RE = re.compile(r"^(\d{4})(?:-Q([1-4])|-(0[1-9]|1[0-2]))?$")
DURATION_RE = re.compile(r"^[1-9][0-9]*[smhdw]$")

REQUIRED_REGIONS = {
    "groningen": ("province", "PV20"),
    "drenthe": ("province", "PV22"),
    "nl": ("country", "NL01"),
    "rga": ("region", None),
    "assen": ("gemeente", "GM0106"),
    "gemeente-groningen": ("gemeente", "GM0014"),
    "het-hogeland": ("gemeente", "GM1966"),
    "midden-groningen": ("gemeente", "GM1952"),
    "noordenveld": ("gemeente", "GM1699"),
    "tynaarlo": ("gemeente", "GM1730"),
    "westerkwartier": ("gemeente", "GM1969"),
}
NUTS = {"groningen": "NL11", "drenthe": "NL13", "nl": "NL"}
AM = {"groningen": "AM01", "drenthe": "AM03"}
REGION_KINDS = {"province", "gemeente", "region", "country"}
FREQUENCIES = {"year", "quarter", "month"}
DIRECTIONS = {"higher-is-better", "lower-is-better", "neutral"}
SOURCES = {"cbs_statline", "eurostat", "swing", "uwv", "csv"}
KEYS_TOP = ["version", "regions", "challenges", "indicators"]
KEYS_CHALLENGE = ["number", "id", "title", "title_en", "question", "question_en"]
KEYS_INDICATOR_REQUIRED = ["id", "challenge", "title", "title_en", "unit",
                           "frequency", "direction", "thresholds", "grace",
                           "citation", "baselines", "source"]
KEYS_BASELINE = ["region", "period", "value", "quote"]


def collapse(s):
    return re.sub(r"\s+", " ", s).strip()


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def dutch_forms(value):
    """The ways the strategy may write a number: 258936 -> 258.936 and
    258936; 4.4 -> 4,4 (and 4.4); -2.9 -> -2,9."""
    neg = value < 0
    v = abs(value)
    if float(v) == int(v):
        ip, frac = str(int(v)), ""
    else:
        r = repr(float(v))
        if "e" in r:
            r = ("%.10f" % v).rstrip("0")
        ip, frac = r.split(".")
    dotted = ip
    if len(ip) > 3:
        parts = []
        while len(ip) > 3:
            parts.insert(0, ip[-3:])
            ip = ip[:-3]
        parts.insert(0, ip)
        dotted = ".".join(parts)
    plain_ip = dotted.replace(".", "")
    forms = set()
    for i in (dotted, plain_ip):
        forms.add(i + ("," + frac if frac else ""))
    if frac:
        forms.add(plain_ip + "." + frac)
    return neg, sorted(forms, key=len, reverse=True)


def value_in_quote(value, quote):
    """True if value, written the Dutch way, stands in quote as a number of
    its own (not as part of a longer number)."""
    neg, forms = dutch_forms(value)
    for form in forms:
        sign = r"[-\u2212\u2013]" if neg else r"(?<![-\u2212\u2013])"
        pat = (r"(?<![\d])(?<!\d[.,])" + sign + re.escape(form) +
               r"(?![\d])(?![.,]\d)")
        if re.search(pat, quote):
            return True
    return False


def quote_words(quote):
    """The words of quote (two letters or more; digits, signs and
    punctuation are no words): a quote a reader can place has the figure
    and at least three of them, not "70% van" or "leeg, 63% in"."""
    return re.findall(r"[^\W\d_]{2,}", quote)


QUOTE_WORDS_MIN = 3


class CatalogTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cat = load_json(CATALOG)
        cls.regions = {r.get("id"): r for r in cls.cat.get("regions", [])}
        cls.challenges = {c.get("number"): c for c in cls.cat.get("challenges", [])}
        cls.indicators = {i.get("id"): i for i in cls.cat.get("indicators", [])}

    # ---- file

    def test_file_is_json_utf8_with_top_level_keys(self):
        with open(CATALOG, "rb") as f:
            raw = f.read()
        raw.decode("utf-8")
        doc = json.loads(raw)
        self.assertEqual(list(doc.keys()), KEYS_TOP)
        self.assertEqual(doc["version"], 1)

    # ---- regions

    def test_region_ids_unique_and_valid(self):
        ids = [r.get("id") for r in self.cat["regions"]]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        self.assertEqual(dup, [], "duplicate region ids: %s" % dup)
        for r in self.cat["regions"]:
            with self.subTest(region=r.get("id")):
                self.assertIsInstance(r.get("id"), str)
                self.assertRegex(r["id"], ID_RE, "region id %r invalid" % r["id"])
                self.assertTrue(r.get("name"), "region %s has no name" % r["id"])
                self.assertIn(r.get("kind"), REGION_KINDS,
                              "region %s: bad kind %r" % (r["id"], r.get("kind")))

    def test_required_regions(self):
        for rid, (kind, cbs) in REQUIRED_REGIONS.items():
            with self.subTest(region=rid):
                self.assertIn(rid, self.regions, "region %s missing" % rid)
                r = self.regions[rid]
                self.assertEqual(r["kind"], kind, "region %s kind" % rid)
                if cbs:
                    self.assertEqual(r.get("codes", {}).get("cbs"), cbs,
                                     "region %s CBS code" % rid)
                if rid in NUTS:
                    self.assertEqual(r["codes"].get("nuts"), NUTS[rid],
                                     "region %s NUTS code" % rid)
                if rid in AM:
                    self.assertEqual(r["codes"].get("am"), AM[rid],
                                     "region %s arbeidsmarktregio code" % rid)

    def test_gemeenten_parent_and_swing_code(self):
        for r in self.cat["regions"]:
            if r["kind"] != "gemeente":
                continue
            with self.subTest(region=r["id"]):
                self.assertIn(r.get("parent"), self.regions,
                              "gemeente %s: unknown parent" % r["id"])
                self.assertEqual(self.regions[r["parent"]]["kind"], "province",
                                 "gemeente %s: parent is not a province" % r["id"])
                cbs = r["codes"]["cbs"]
                self.assertRegex(cbs, r"^GM\d{4}$")
                self.assertEqual(r["codes"].get("swing"),
                                 "gemeente_%d" % int(cbs[2:]),
                                 "gemeente %s: swing code" % r["id"])
        parents = {"assen": "drenthe", "noordenveld": "drenthe",
                   "tynaarlo": "drenthe", "gemeente-groningen": "groningen",
                   "het-hogeland": "groningen", "midden-groningen": "groningen",
                   "westerkwartier": "groningen"}
        for rid, parent in parents.items():
            self.assertEqual(self.regions[rid].get("parent"), parent,
                             "gemeente %s: parent" % rid)

    def test_rga_members(self):
        rga = self.regions["rga"]
        members = rga.get("members")
        self.assertIsInstance(members, list, "rga has no members list")
        self.assertEqual(len(members), len(set(members)), "rga members repeat")
        for m in members:
            self.assertIn(m, self.regions, "rga member %s is no region" % m)
            self.assertEqual(self.regions[m]["kind"], "gemeente",
                             "rga member %s is not a gemeente" % m)
        want = {k for k, (kind, _) in REQUIRED_REGIONS.items() if kind == "gemeente"}
        self.assertEqual(set(members), want, "rga members")

    # ---- challenges

    def test_six_challenges(self):
        nums = [c.get("number") for c in self.cat["challenges"]]
        self.assertEqual(nums, [1, 2, 3, 4, 5, 6], "challenges must be numbered 1..6 in order")
        ids = [c.get("id") for c in self.cat["challenges"]]
        self.assertEqual(len(set(ids)), 6, "challenge ids repeat")
        for c in self.cat["challenges"]:
            with self.subTest(challenge=c["number"]):
                self.assertEqual(list(c.keys()), KEYS_CHALLENGE)
                self.assertRegex(c["id"], ID_RE)
                for k in KEYS_CHALLENGE[2:]:
                    self.assertTrue(isinstance(c[k], str) and c[k].strip(),
                                    "challenge %d: empty %s" % (c["number"], k))

    # ---- indicators

    def test_indicator_ids_unique_and_valid(self):
        ids = [i.get("id") for i in self.cat["indicators"]]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        self.assertEqual(dup, [], "duplicate indicator ids: %s" % dup)
        for i in ids:
            self.assertIsInstance(i, str)
            self.assertRegex(i, ID_RE, "indicator id %r invalid" % i)

    def test_indicator_fields(self):
        for ind in self.cat["indicators"]:
            iid = ind.get("id")
            with self.subTest(indicator=iid):
                keys = [k for k in ind.keys() if k in KEYS_INDICATOR_REQUIRED]
                self.assertEqual(keys, KEYS_INDICATOR_REQUIRED,
                                 "%s: keys missing or out of order" % iid)
                self.assertIn(ind["challenge"], self.challenges,
                              "%s: unknown challenge %r" % (iid, ind["challenge"]))
                for k in ("title", "title_en", "unit", "citation"):
                    self.assertTrue(isinstance(ind[k], str) and ind[k].strip(),
                                    "%s: empty %s" % (iid, k))
                self.assertIn(ind["frequency"], FREQUENCIES, "%s: frequency" % iid)
                self.assertIn(ind["direction"], DIRECTIONS, "%s: direction" % iid)
                self.assertIn(ind["source"], SOURCES, "%s: source %r" % (iid, ind["source"]))
                self.assertRegex(ind["grace"], DURATION_RE,
                                 "%s: grace %r is no duration" % (iid, ind["grace"]))

    def test_indicator_thresholds(self):
        for ind in self.cat["indicators"]:
            iid = ind["id"]
            with self.subTest(indicator=iid):
                t = ind["thresholds"]
                self.assertIsInstance(t, dict, "%s: thresholds" % iid)
                self.assertIn(t.get("kind"), ("absolute", "relative"),
                              "%s: thresholds.kind" % iid)
                w, c = t.get("warning"), t.get("critical")
                for name, v in (("warning", w), ("critical", c)):
                    self.assertTrue(isinstance(v, (int, float)) and not isinstance(v, bool),
                                    "%s: thresholds.%s is no number" % (iid, name))
                self.assertGreater(w, 0, "%s: warning must be > 0" % iid)
                self.assertLess(w, c, "%s: warning must be < critical" % iid)
                if t["kind"] == "relative":
                    self.assertLessEqual(c, 100, "%s: relative critical above 100%%" % iid)
                for where in (t, ind):
                    if "confirm" in where:
                        v = where["confirm"]
                        self.assertTrue(isinstance(v, int) and not isinstance(v, bool) and v >= 1,
                                        "%s: confirm must be an integer >= 1" % iid)
                    if "hysteresis" in where:
                        v = where["hysteresis"]
                        self.assertTrue(isinstance(v, (int, float)) and not isinstance(v, bool)
                                        and 0 <= v < w,
                                        "%s: hysteresis must be >= 0 and below warning" % iid)
                if ind["unit"] == "%" and t["kind"] == "absolute":
                    self.assertLessEqual(c, 25, "%s: absolute threshold too wide for %%" % iid)

    def test_every_challenge_has_indicators(self):
        used = {ind["challenge"] for ind in self.cat["indicators"]}
        for n in range(1, 7):
            self.assertIn(n, used, "challenge %d has no indicator" % n)

    def test_baselines(self):
        for ind in self.cat["indicators"]:
            iid = ind["id"]
            bl = ind["baselines"]
            self.assertIsInstance(bl, list, "%s: baselines" % iid)
            # [] means "the series' own 2020 value" (design.md, 2): only
            # a source that publishes the series itself can supply that,
            # or one with a target (the strategy gives only the goal).
            if not bl:
                self.assertTrue(ind["source"] != "csv" or
                                ind.get("targets"),
                                "%s: no baseline" % iid)
                continue
            regions = [b.get("region") for b in bl]
            self.assertEqual(len(regions), len(set(regions)),
                             "%s: more than one baseline for a region" % iid)
            for b in bl:
                tag = "%s/%s" % (iid, b.get("region"))
                with self.subTest(baseline=tag):
                    self.assertEqual(list(b.keys()), KEYS_BASELINE, "%s: keys" % tag)
                    self.assertIn(b["region"], self.regions, "%s: unknown region" % tag)
                    m = PERIOD_RE.match(b["period"])
                    self.assertTrue(m, "%s: period %r does not parse" % (tag, b["period"]))
                    self.assertTrue(1900 <= int(m.group(1)) <= 2100,
                                    "%s: period year out of range" % tag)
                    v = b["value"]
                    self.assertTrue(isinstance(v, (int, float)) and not isinstance(v, bool),
                                    "%s: value is no number" % tag)
                    q = b["quote"]
                    self.assertIsInstance(q, str)
                    self.assertNotIn("\n", q, "%s: quote spans lines" % tag)
                    cq = collapse(q)
                    self.assertTrue(cq, "%s: empty quote" % tag)
                    self.assertTrue(value_in_quote(v, q),
                                    "%s: value %r (%s) not in quote %r"
                                    % (tag, v, " / ".join(dutch_forms(v)[1]), q))
                    self.assertGreaterEqual(
                        len(quote_words(q)), QUOTE_WORDS_MIN,
                        "%s: quote %r is a fragment: take the words "
                        "around the figure that say what it counts "
                        "(at least %d words)" % (tag, q, QUOTE_WORDS_MIN))
                    # A baseline is 2020's figure or an earlier one; a
                    # figure for a later year is a target.
                    self.assertLessEqual(int(m.group(1)), 2020,
                                         "%s: period %s is after 2020: a "
                                         "target, not a baseline"
                                         % (tag, b["period"]))

    def test_targets(self):
        """"targets": figures for a year after 2020, one per region and
        period, each with its quote.  The strategy's goals are targets:
        800.000 ton of hydrogen in 2040, the 65+ projections, the RUG's
        175 million by 2025."""
        want = {("hydrogen-production", "rga", "2040", 800000),
                ("share-65plus-projection", "rga", "2050", 26),
                ("share-65plus-projection", "assen", "2040", 28),
                ("rug-business-investment", "gemeente-groningen", "2025",
                 175)}
        got = {(i["id"], t["region"], t["period"], t["value"])
               for i in self.cat["indicators"] for t in i.get("targets", [])}
        self.assertLessEqual(want, got)
        for ind in self.cat["indicators"]:
            iid = ind["id"]
            tg = ind.get("targets", [])
            self.assertIsInstance(tg, list, "%s: targets" % iid)
            keys = [(t.get("region"), t.get("period")) for t in tg]
            self.assertEqual(len(keys), len(set(keys)),
                             "%s: a target repeats region and period" % iid)
            for t in tg:
                tag = "%s/%s target" % (iid, t.get("region"))
                with self.subTest(target=tag):
                    self.assertEqual(list(t.keys()), KEYS_BASELINE,
                                     "%s: keys" % tag)
                    self.assertIn(t["region"], self.regions,
                                  "%s: unknown region" % tag)
                    m = PERIOD_RE.match(t["period"])
                    self.assertTrue(m, "%s: period %r does not parse"
                                    % (tag, t["period"]))
                    self.assertGreater(int(m.group(1)), 2020,
                                       "%s: a target is for a year after "
                                       "2020" % tag)
                    self.assertTrue(value_in_quote(t["value"], t["quote"]),
                                    "%s: value %r not in quote %r"
                                    % (tag, t["value"], t["quote"]))
                    self.assertGreaterEqual(
                        len(quote_words(t["quote"])), QUOTE_WORDS_MIN,
                        "%s: quote %r is a fragment" % (tag, t["quote"]))

    # ---- spot checks

    def baseline(self, iid, region):
        self.assertIn(iid, self.indicators, "indicator %s missing" % iid)
        for b in self.indicators[iid]["baselines"]:
            if b["region"] == region:
                return b
        self.fail("indicator %s has no baseline for %s" % (iid, region))

    def test_spot_unemployment(self):
        b = self.baseline("unemployment-rate", "groningen")
        self.assertEqual((b["period"], b["value"]), ("2020", 4.4))
        self.assertEqual(self.baseline("unemployment-rate", "drenthe")["value"], 3.7)
        self.assertEqual(self.baseline("unemployment-rate", "nl")["value"], 3.8)
        self.assertEqual(self.indicators["unemployment-rate"]["direction"], "lower-is-better")
        self.assertEqual(self.indicators["unemployment-rate"]["challenge"], 5)

    def test_spot_rd_spend(self):
        self.assertEqual(self.baseline("rd-spend", "groningen")["value"], 530)
        self.assertEqual(self.baseline("rd-spend", "drenthe")["value"], 120)
        self.assertEqual(self.indicators["rd-spend"]["unit"], "mln euro")
        self.assertEqual(self.indicators["rd-spend"]["challenge"], 6)

    def test_spot_fast_internet(self):
        b = self.baseline("addresses-without-fast-internet", "rga")
        self.assertEqual(b["value"], 37500)
        self.assertEqual(self.indicators["addresses-without-fast-internet"]["direction"],
                         "lower-is-better")

    def test_spot_others(self):
        self.assertEqual(self.baseline("care-jobs", "rga")["value"], 258936)
        self.assertEqual(self.baseline("care-jobs", "rga")["period"], "2018")
        self.assertEqual(self.baseline("house-sale-days", "gemeente-groningen")["value"], 23)
        self.assertEqual(self.baseline("house-sale-days", "nl")["period"], "2019-Q2")
        self.assertEqual(self.baseline("job-growth", "drenthe")["value"], -2.9)
        self.assertEqual(self.baseline("natural-area-per-inhabitant", "drenthe")["value"], 1098)
        self.assertEqual(self.baseline("labour-participation", "nl")["value"], 67.9)

    # ---- the checker itself

    def test_value_matcher(self):
        self.assertTrue(value_in_quote(258936, "258.936"))
        self.assertTrue(value_in_quote(4.4, "Groningen: 4,4%"))
        self.assertTrue(value_in_quote(530, "530"))
        self.assertTrue(value_in_quote(-2.9, "Drenthe: -2,9%"))
        self.assertTrue(value_in_quote(3.7, "Groningen: +3,7"))
        self.assertFalse(value_in_quote(2.9, "Drenthe: -2,9%"))
        self.assertFalse(value_in_quote(4, "Groningen: 4,4%"))
        self.assertFalse(value_in_quote(936, "258.936"))
        self.assertFalse(value_in_quote(44, "Groningen: 4,4%"))


if __name__ == "__main__":
    unittest.main(verbosity=1)
