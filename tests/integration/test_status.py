#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""`regiomon status` after a demo run: the shipped config
(share/demo/regiomon.json, its demo sources on the recorded data in share/demo/)
run into a temp state dir, then `status --json` checked against the
state.json the run left, against the catalog, and against an evaluation
done here in Python from the RRD files read back with librrd; the
filters; the text table; colours only on a terminal; and that status
writes nothing.  The run and status judge as of a fixed date (the
REGIOMON_NOW test hook), so what is stale does not depend on the day the
test runs; one test moves that date on to see the data turn stale.

Run from the repository root:

    /usr/bin/python3 tests/integration/test_status.py
"""
import calendar
import json
import math
import os
import pty
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import rmtest  # noqa: E402

CONF = os.path.join(rmtest.TOP, "share", "demo", "regiomon.json")
STATES = ["ok", "improved", "moved", "moved-strongly", "warning", "critical",
          "stale", "nodata"]
RANK = {"improved": 0, "ok": 1, "moved": 2, "moved-strongly": 3,
        "nodata": 4, "stale": 5, "warning": 6, "critical": 7}
# 2026-01-01T00:00:00Z: the demo data moves in every direction then.
NOW = 1767225600


def regiomon(state, *args, env=None):
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    e["REGIOMON_NOW"] = str(NOW)
    if env:
        e.update(env)
    return subprocess.run(
        [rmtest.BIN, "-c", CONF, "-P", rmtest.PLUGINS, "-S", state]
        + list(args), capture_output=True, text=True, timeout=120, env=e)


def human(v, maxdec=4, sig=6):
    """A number as util.c's fmt_human() writes it for people: the
    decimals of its shortest notation, at most maxdec and sig significant
    digits, trailing zeros cut, never "-0"."""
    r = repr(v)
    d = maxdec if "e" in r else len(r.split(".")[1]) if "." in r else 0
    whole = "%.0f" % abs(v)
    d = max(0, min(d, maxdec, sig - (0 if whole == "0" else len(whole))))
    t = "%.*f" % (d, v)
    if "." in t:
        t = t.rstrip("0").rstrip(".")
    return "0" if t == "-0" else t


def dutch(t):
    """A number of human()'s as status writes it in the default language,
    Dutch: "." between thousands (from 1 000 on), a decimal comma."""
    sign, t = ("-", t[1:]) if t.startswith("-") else ("", t)
    whole, _, frac = t.partition(".")
    if len(whole) > 3:
        whole = "{:,}".format(int(whole)).replace(",", ".")
    return sign + whole + ("," + frac if frac else "")


def periods(freq, first=1990, last=2040):
    for y in range(first, last + 1):
        if freq == "year":
            yield str(y)
        elif freq == "quarter":
            for q in range(1, 5):
                yield "%d-Q%d" % (y, q)
        else:
            for m in range(1, 13):
                yield "%d-%02d" % (y, m)


def stored_series(state, ind, reg, freq):
    """[(period, value)] of the periods with a value in the series' RRD
    file, read with librrd's Python binding (bit-exact), in order.  A
    period's value is the one-day row that ends when the period ends."""
    import rrdtool
    path = os.path.join(state, "rrd", ind, reg + ".rrd")
    if not os.path.exists(path):
        return []
    t0 = rmtest.period_end("1989")
    t1 = rmtest.period_end("2040")
    (start, _, step), _, rows = rrdtool.fetch(
        path, "AVERAGE", "-s", str(t0 - 86400), "-e", str(t1))
    out = []
    for per in periods(freq):
        i = (rmtest.period_end(per) - start) // step - 1
        if 0 <= i < len(rows) and rows[i][0] is not None:
            out.append((per, rows[i][0]))
    return out


def next_period(p):
    y = int(p[:4])
    if len(p) == 4:
        return str(y + 1)
    if p[5] == "Q":
        q = int(p[6])
        return "%d-Q%d" % (y + (q == 4), 1 if q == 4 else q + 1)
    m = int(p[5:7])
    return "%d-%02d" % (y + (m == 12), 1 if m == 12 else m + 1)


def seconds(duration):
    mult = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
    return int(duration[:-1]) * mult[duration[-1]]


def reached(v, t):
    """As eval.c: a shift equal to a threshold in decimal notation
    reaches it, whichever way the binary subtraction rounded."""
    return v >= t - 1e-9 * max(1.0, abs(t))


def judge(ind, base, latest):
    """The plain judgement of latest, which is the state of a series
    whose indicator has confirm 1 and no hysteresis."""
    shift = latest - base
    thr = ind["thresholds"]
    if thr["kind"] == "relative" and base == 0:
        measure = math.copysign(math.inf, shift) if shift else 0.0
    elif thr["kind"] == "relative":
        measure = 100.0 * shift / abs(base)
    else:
        measure = shift
    direction = ind["direction"]
    worse = {"lower-is-better": measure, "higher-is-better": -measure,
             "neutral": abs(measure)}[direction]
    # A neutral indicator has no bad news: it moves.
    neutral = direction == "neutral"
    if reached(worse, thr["critical"]):
        return "moved-strongly" if neutral else "critical"
    if reached(worse, thr["warning"]):
        return "moved" if neutral else "warning"
    if not neutral and reached(-worse, thr["warning"]):
        return "improved"
    return "ok"


class Status(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for p in (rmtest.BIN, os.path.join(rmtest.PLUGINS, "csv.so")):
            if not os.path.exists(p):
                raise AssertionError("%s not built (make)" % p)
        cls.dir = tempfile.mkdtemp(prefix="test_status.")
        cls.state = os.path.join(cls.dir, "state")
        r = regiomon(cls.state, "run")
        if r.returncode != 0:
            raise AssertionError(r.stderr)
        # Every catalog file the shipped config names, merged.
        with open(CONF, encoding="utf-8") as f:
            files = json.load(f)["catalog"]
        cls.cat = {"regions": [], "challenges": [], "indicators": []}
        for name in files:
            with open(os.path.join(os.path.dirname(CONF), name),
                      encoding="utf-8") as f:
                doc = json.load(f)
            for k in cls.cat:
                cls.cat[k] += doc.get(k, [])
        cls.inds = {i["id"]: i for i in cls.cat["indicators"]}
        cls.regions = {r["id"]: r for r in cls.cat["regions"]}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir)

    def state_json(self):
        with open(os.path.join(self.state, "state.json")) as f:
            return json.load(f)

    def status(self, *args):
        r = regiomon(self.state, "status", *args)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def status_json(self, *args):
        doc = json.loads(self.status("--json", *args))
        self.assertEqual(doc["version"], 1)
        return doc

    @staticmethod
    def by_key(doc):
        return {(s["indicator"], s["region"]): (c, s)
                for c in doc["challenges"] for s in c["series"]}

    def test_json_against_state_catalog_and_rrd(self):
        before = self.state_json()
        doc = self.status_json()
        now = NOW
        self.assertRegex(doc["generated"],
                         r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        # Every challenge, in the strategy's order, with its title.
        self.assertEqual([c["number"] for c in doc["challenges"]],
                         [1, 2, 3, 4, 5, 6])
        titles = {c["number"]: c["title"] for c in self.cat["challenges"]}
        for c in doc["challenges"]:
            self.assertEqual(c["title"], titles[c["number"]])
        got = self.by_key(doc)
        # Every stored series is listed, and every region the catalog
        # quotes a baseline or a target for (as nodata when there is no
        # data).
        want = {tuple(k.split("/")) for k in before["series"]}
        want |= {(i["id"], b["region"]) for i in self.cat["indicators"]
                 for b in i["baselines"] + i.get("targets", [])}
        self.assertEqual(set(got), want)
        for (ind_id, reg), (chal, s) in got.items():
            ind = self.inds[ind_id]
            where = "%s/%s" % (ind_id, reg)
            self.assertEqual(chal["number"], ind["challenge"], where)
            self.assertEqual(s["title"], ind["title"])
            self.assertEqual(s["unit"], ind["unit"])
            self.assertEqual(s["direction"], ind["direction"])
            self.assertEqual(s["region_name"], self.regions[reg]["name"])
            self.assertEqual(s["thresholds"]["kind"],
                             ind["thresholds"]["kind"])
            # Against what the run saved.
            ev = before["series"].get(where, {}).get("eval")
            if ev is not None:
                for k in ("baseline", "latest", "state", "judged"):
                    self.assertEqual(s[k], ev[k], (where, k))
                self.assertEqual(s["notified"], ev["notified_state"])
            # Against the catalog and the stored series, computed here.
            rows = stored_series(self.state, ind_id, reg, ind["frequency"])
            cb = [b for b in ind["baselines"] if b["region"] == reg]
            y2020 = [v for p, v in rows if p.startswith("2020")]
            n2020 = {"year": 1, "quarter": 4, "month": 12}[ind["frequency"]]
            if cb:
                # The strategy's figure, unless the series' own value
                # for its period differs by more than the tolerance.
                per, fig = cb[0]["period"], cb[0]["value"]
                if ind["frequency"] == "year" or "-" in per:
                    own = [v for p, v in rows if p == per]
                else:
                    own = [v for p, v in rows if p.startswith(per + "-")]
                    own = [sum(own) / len(own)] if len(own) == (
                        4 if ind["frequency"] == "quarter" else 12) else []
                tol = ind.get("baseline_tolerance", 0.02)
                differs = bool(own) and abs(own[0] - fig) > (
                    tol * abs(fig) + 1e-9 * max(1.0, abs(fig)))
                self.assertEqual(s["baseline"],
                                 {"period": per,
                                  "value": own[0] if differs else fig,
                                  "from": "series" if differs
                                  else "catalog",
                                  "catalog_value": fig,
                                  "series_value": own[0] if own else None,
                                  "definition_differs": differs}, where)
            elif len(y2020) == n2020:
                self.assertEqual(s["baseline"]["from"], "series", where)
                self.assertEqual(s["baseline"]["period"], "2020")
                self.assertEqual(s["baseline"]["value"],
                                 sum(y2020) / n2020, where)
            else:
                self.assertIsNone(s["baseline"], where)
            if not rows:
                self.assertIsNone(s["latest"], where)
                self.assertEqual(s["state"], "nodata", where)
                self.assertIsNotNone(s["reason"])
                continue
            per, val = rows[-1]
            prov = per in before["series"][where].get("provisional", [])
            self.assertEqual(s["latest"], {"period": per, "value": val,
                                           "provisional": prov}, where)
            if s["baseline"] is None:
                self.assertEqual(s["judged"], "nodata", where)
                continue
            base = s["baseline"]["value"]
            self.assertEqual(s["shift"]["abs"], val - base, where)
            if base != 0:
                self.assertEqual(s["shift"]["pct"],
                                 100.0 * (val - base) / abs(base), where)
            if ind.get("confirm", 1) == 1 and not ind.get("hysteresis"):
                self.assertEqual(s["judged"], judge(ind, base, val), where)
            due = rmtest.period_end(next_period(per))
            stale = now > due + seconds(ind["grace"])
            self.assertEqual(s["state"], "stale" if stale else s["judged"],
                             where)
            self.assertFalse(s["silenced"])
        # The demo data moves in every direction.
        states = {s["state"] for _, s in got.values()}
        self.assertTrue({"ok", "improved", "moved", "moved-strongly",
                         "warning", "critical", "stale", "nodata"} <= states,
                        states)
        # Summaries: counts per state and the worst one.
        for c in doc["challenges"]:
            n = {st: 0 for st in STATES}
            for s in c["series"]:
                n[s["state"]] += 1
            self.assertEqual(c["summary"], n)
            self.assertEqual(c["total"], len(c["series"]))
            self.assertEqual(c["worst"], max(
                (s["state"] for s in c["series"]), key=RANK.get))
            # Of the stale ones, the worst judgement of the last figure.
            judged = [s["judged"] for s in c["series"]
                      if s["state"] == "stale" and
                      s["judged"] not in ("stale", "nodata")]
            self.assertEqual(c["worst_judged"], max(judged, key=RANK.get)
                             if judged else None)
        # Series are in the catalog's indicator order.
        order = [i["id"] for i in self.cat["indicators"]]
        for c in doc["challenges"]:
            idx = [order.index(s["indicator"]) for s in c["series"]]
            self.assertEqual(idx, sorted(idx))
        # status writes nothing.
        self.assertEqual(self.state_json(), before)

    def test_filters(self):
        all_ = self.by_key(self.status_json())
        doc = self.status_json("--challenge", "5")
        self.assertEqual([c["number"] for c in doc["challenges"]], [5])
        self.assertEqual(set(self.by_key(doc)),
                         {k for k, (c, s) in all_.items()
                          if c["number"] == 5})
        doc = self.status_json("--region", "groningen")
        self.assertEqual(len(doc["challenges"]), 6)
        got = self.by_key(doc)
        self.assertTrue(got)
        self.assertEqual(set(got), {k for k in all_ if k[1] == "groningen"})
        doc = self.status_json("--challenge=5", "--region=drenthe")
        self.assertEqual(set(self.by_key(doc)),
                         {k for k, (c, s) in all_.items()
                          if c["number"] == 5 and k[1] == "drenthe"})
        self.assertEqual(doc["challenges"][0]["total"],
                         len(doc["challenges"][0]["series"]))
        for args, msg in ((["--challenge", "9"], 'no challenge "9"'),
                          (["--challenge", "x"], 'no challenge "x"'),
                          (["--region", "atlantis"],
                           'unknown region "atlantis"'),
                          (["--challenge"], "--challenge needs a value"),
                          (["--bogus"], 'unknown argument "--bogus"')):
            r = regiomon(self.state, "status", *args)
            self.assertEqual(r.returncode, 2, args)
            self.assertIn(msg, r.stderr)

    def test_text(self):
        doc = self.status_json()
        out = self.status()
        self.assertNotIn("\033[", out)
        lines = out.splitlines()
        pos = 0
        for c in doc["challenges"]:
            head = "Uitdaging %d: %s" % (c["number"], c["title"])
            pos = lines.index(head, pos)
            # The summary line of this section.
            n = c["summary"]
            parts = ["%d %s" % (n[st], st) for st in STATES if n[st]]
            summary = "  %d series: %s; worst: %s" % (
                c["total"], ", ".join(parts), c["worst"])
            if c["worst"] == "stale" and c["worst_judged"] is not None:
                summary += " (%s)" % c["worst_judged"]
            end = lines.index(summary, pos)
            # Notes under a row (baseline, target) are indented deeper.
            body = [ln for ln in lines[pos + 2:end]
                    if not ln.startswith("      ")]
            self.assertEqual(len(body), c["total"])
            for row, s in zip(body, c["series"]):
                cells = row.split()
                self.assertEqual(cells[0], s["indicator"])
                self.assertEqual(cells[1], s["region"])
                state = s["state"]
                if s["due"]:
                    state = "due (by hand, %s)" % s["judged"]
                elif state == "stale":
                    state = "stale (%s)" % s["judged"]
                self.assertTrue(row.rstrip().endswith(state), row)
                # Values rounded for people to the indicator's decimals,
                # in Dutch: "37,6 (2020)", not "37.60022227514487 (2020)".
                dec = s["decimals"] if s["decimals"] is not None else 4
                if s["baseline"] is not None:
                    self.assertEqual(cells[2:4], [
                        dutch(human(s["baseline"]["value"], dec)),
                        "(%s)" % s["baseline"]["period"]], row)
                if s["latest"] is not None:
                    self.assertIn(" (%s)" % s["latest"]["period"], row)
                    self.assertIn(" %s%s (%s)" % (
                        dutch(human(s["latest"]["value"], dec)),
                        "*" if s["latest"]["provisional"] else "",
                        s["latest"]["period"]), row)
                    if s["latest"]["provisional"]:
                        self.assertIn("* (%s)" % s["latest"]["period"],
                                      row)
            # Columns line up: every row's state starts where the
            # heading "state" does.
            col = lines[pos + 1].index("state")
            for row in body:
                self.assertEqual(row[col - 2:col], "  ", row)
                self.assertNotEqual(row[col], " ", row)
        self.assertIn("* provisional figure", out)
        # Derived series (means of quarters, shares) were rounded.
        rounded = [s["latest"]["value"] for c in doc["challenges"]
                   for s in c["series"] if s["latest"] is not None
                   and human(s["latest"]["value"]) != repr(
                       s["latest"]["value"])]
        self.assertTrue(rounded)
        self.assertIn("37,6 (2020)", out)
        self.assertNotIn("37,60022227514487", out)
        self.assertNotIn("37.6", out)

    def test_json_numbers_shortest(self):
        # Exact values in their shortest notation, as Python's repr()
        # writes them: 65.7, never 65.700000000000003.
        reals = []

        def real(text):
            reals.append(text)
            return float(text)
        json.loads(self.status("--json"), parse_float=real)
        self.assertGreater(len(reals), 100)
        for t in reals:
            self.assertEqual(t, repr(float(t)))
        self.assertTrue(any(len(t) > 12 for t in reals),
                        "derived series keep all their digits")

    def test_clock_hook(self):
        # Years later every series with data is stale, judged as before;
        # the hook says on stderr that it is in effect.
        r = regiomon(self.state, "status", "--json",
                     env={"REGIOMON_NOW": str(NOW + 20 * 365 * 86400)})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("REGIOMON_NOW is set", r.stderr)
        then = self.by_key(json.loads(r.stdout))
        now = self.by_key(self.status_json())
        self.assertEqual(set(then), set(now))
        for k, (_, s) in then.items():
            want = "nodata" if now[k][1]["state"] == "nodata" else "stale"
            self.assertEqual(s["state"], want, k)
            self.assertEqual(s["judged"], now[k][1]["judged"], k)
        # A bad value is refused, loudly, and the clock used.
        r = regiomon(self.state, "status", "--json",
                     env={"REGIOMON_NOW": "2026-01-01"})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('REGIOMON_NOW="2026-01-01": expected seconds since '
                      'the epoch; using the clock', r.stderr)

    def test_colours_only_on_a_terminal(self):
        def on_pty(no_color):
            env = dict(os.environ)
            env.pop("NO_COLOR", None)
            env["REGIOMON_NOW"] = str(NOW)
            if no_color is not None:
                env["NO_COLOR"] = no_color
            master, slave = pty.openpty()
            p = subprocess.Popen(
                [rmtest.BIN, "-c", CONF, "-S", self.state, "status",
                 "--challenge", "5"], stdout=slave, stderr=subprocess.DEVNULL,
                env=env)
            os.close(slave)
            chunks = []
            while True:
                try:
                    b = os.read(master, 65536)
                except OSError:     # EIO once the child has closed it
                    break
                if not b:
                    break
                chunks.append(b)
            p.wait(timeout=60)
            os.close(master)
            self.assertEqual(p.returncode, 0)
            return b"".join(chunks).decode()

        sgr = {"ok": "32", "improved": "36", "warning": "33",
               "critical": "1;31", "stale": "35", "nodata": "2"}
        doc = self.status_json("--challenge", "5")
        out = on_pty(None)
        for s in doc["challenges"][0]["series"]:
            self.assertIn("\033[%sm%s" % (sgr[s["state"]], s["state"]),
                          out)
        worst = doc["challenges"][0]["worst"]
        self.assertIn("worst: \033[%sm%s\033[0m" % (sgr[worst], worst), out)
        # NO_COLOR set (to anything but ""): none.
        self.assertNotIn("\033[", on_pty("1"))
        self.assertIn("\033[", on_pty(""))

    def test_unevaluated_series(self):
        # A series stored but not evaluated yet (fresh, no eval): status
        # evaluates it on the fly and saves nothing.
        tmp = os.path.join(self.dir, "copy")
        shutil.copytree(self.state, tmp)
        path = os.path.join(tmp, "state.json")
        with open(path) as f:
            st = json.load(f)
        key = "unemployment-rate/groningen"
        saved = st["series"][key].pop("eval")
        st["series"][key]["fresh"] = True
        with open(path, "w") as f:
            json.dump(st, f)
        with open(path, "rb") as f:
            raw = f.read()
        r = regiomon(tmp, "status", "--json", "--region", "groningen",
                     "--challenge", "5")
        self.assertEqual(r.returncode, 0, r.stderr)
        s = self.by_key(json.loads(r.stdout))[("unemployment-rate",
                                               "groningen")][1]
        for k in ("baseline", "latest", "judged", "shift_abs"):
            want = saved[k]
            have = s[k] if k != "shift_abs" else s["shift"]["abs"]
            self.assertEqual(have, want, k)
        self.assertIsNone(s["notified"])
        with open(path, "rb") as f:
            self.assertEqual(f.read(), raw)

    def test_empty_state(self):
        empty = os.path.join(self.dir, "empty")
        r = regiomon(empty, "status", "--json")
        # Said, in case -S has a typo; not an error before the first run.
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("%s does not exist: nothing is stored there yet"
                      % empty, r.stderr)
        doc = json.loads(r.stdout)
        series = [s for c in doc["challenges"] for s in c["series"]]
        self.assertTrue(series)
        self.assertEqual({s["state"] for s in series}, {"nodata"})
        self.assertFalse(os.path.exists(os.path.join(empty, "state.json")))

    def test_damaged_or_newer_state_is_left_alone(self):
        # status only reads: a damaged state.json is read as empty and
        # left where it is, for the daemon or the next run to move aside.
        d = os.path.join(self.dir, "damaged")
        os.makedirs(d)
        path = os.path.join(d, "state.json")
        with open(path, "w") as f:
            f.write('{"version": 1, "series": {')
        r = regiomon(d, "status", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("read as empty, left as it is", r.stderr)
        self.assertEqual(os.listdir(d), ["state.json"])
        # A newer regiomon's state is nobody's to discard: every command
        # refuses it, and it stays as it was.
        newer = '{"version": 2, "series": {}, "sources": {}}'
        with open(path, "w") as f:
            f.write(newer)
        for args in (["status"], ["run", "demo-strategy"]):
            r = regiomon(d, *args)
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertIn("version 2, written by a newer regiomon",
                          r.stderr)
        with open(path) as f:
            self.assertEqual(f.read(), newer)
        self.assertFalse([n for n in os.listdir(d) if "corrupt" in n])


if __name__ == "__main__":
    unittest.main(verbosity=2)
