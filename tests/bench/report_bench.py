#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""report_bench.py: `make bench`, the report part.  The report of every
gemeente of the Netherlands (scale.py's catalog: 342 generated gemeenten
x the 61 real indicators, 20,862 series, each with 2010-2023), with the
incremental report against the full redraw it replaced, side by side in
the same run on the same state:

  full          `regiomon report --full`: every graph drawn, as every
                report did before (the alternative)
  full, 1 renderer
                the same with "report": {"renderers": 1}: one graph at a
                time, as before the renderers drew side by side (the
                alternative to the default of one renderer a core)
  incremental   `regiomon report`: a graph whose digest is unchanged is
                linked from the report in place, the rest drawn

each measured

  first         into an empty directory (the incremental report has
                nothing to reuse: it draws everything too)
  no change     again on the same state
  one changed   after a cycle that stored one new period of one series

CPU time (user + sys, the renderer child included) and peak RSS come
from GNU time; wall time is printed too but the machine may be shared,
so CPU time is the figure to compare.  The graphs drawn and reused are
from regiomon's -v line.  The section is written into --out (replacing
its earlier one) after bench.py has written the rest of the file.

    /usr/bin/python3 tests/bench/report_bench.py [--gemeenten 342]
        [--runs 1] [--build build] [--out tests/bench/RESULTS.md]
        [--work DIR]

Needs about 4 GB of disk for 342 gemeenten (--work, default a temp dir
under /var/tmp, removed).
"""
import argparse
import json
import os
import re
import shutil
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402
import scale  # noqa: E402

BEGIN = "<!-- report-bench: begin -->"
END = "<!-- report-bench: end -->"

ONE = r'''
import json, sys
cat = json.load(open(sys.argv[1]))
ind = [i for i in cat["indicators"] if i["frequency"] == "year"][0]
sys.stdout.write(json.dumps({"indicator": ind["id"], "region": "gm-0001",
                             "period": "2024", "value": 12.5,
                             "status": "final"}) + "\n")
'''


def log(msg):
    sys.stderr.write("report-bench: %s\n" % msg)
    sys.stderr.flush()


def set_renderers(conf, n):
    """report.renderers n in conf, or the default for None."""
    with open(conf) as f:
        c = json.load(f)
    c["report"].pop("renderers", None)
    if n is not None:
        c["report"]["renderers"] = n
    with open(conf, "w") as f:
        json.dump(c, f)


def run_report(binary, conf, out, full, tag, work):
    argv = [binary, "-v", "-c", conf, "report", "-o", out]
    if full:
        argv.append("--full")
    path = os.path.join(work, "%s.log" % tag)
    wall, cpu, rss, rc = bench.measure(argv, path)
    with open(path, errors="replace") as f:
        text = f.read()
    if rc != 0:
        sys.exit("report-bench: %s failed (%d):\n%s" % (tag, rc,
                                                        text[-2000:]))
    m = re.search(r"(\d+) graphs? drawn, (\d+) reused", text)
    drawn, reused = (int(m.group(1)), int(m.group(2))) if m else (-1, -1)
    log("%-28s cpu %7.1f s  wall %7.1f s  drawn %d reused %d"
        % (tag, cpu, wall, drawn, reused))
    return {"cpu": cpu, "wall": wall, "rss": rss / 1024.0,
            "drawn": drawn, "reused": reused}


def cycle(binary_conf):
    total, _ = scale.cycle(binary_conf)
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gemeenten", type=int, default=342)
    a, work, gen = scale.bench_setup(ap, "report-bench", 1,
                                     os.path.join(HERE, "RESULTS.md"))
    binary = scale.BIN
    t0 = time.monotonic()
    catalog = os.path.join(work, "catalog.json")
    one = os.path.join(work, "one.py")
    with open(one, "w") as f:
        f.write(ONE)
    nseries = scale.make_catalog(catalog, a.gemeenten)
    state = os.path.join(work, "state")
    conf = os.path.join(work, "regiomon.json")
    rows = {}
    try:
        for run in range(a.runs):
            shutil.rmtree(state, ignore_errors=True)
            os.makedirs(os.path.join(state, "rrd"))
            scale.write_conf(conf, state, catalog, gen, 2023, None)
            log("run %d: loading %d series" % (run + 1, nseries))
            cycle(conf)
            inc = os.path.join(work, "incremental")
            full = os.path.join(work, "full")
            one_r = os.path.join(work, "full-1")
            for d in (inc, full, one_r):
                shutil.rmtree(d, ignore_errors=True)
            steps = [("full, 1 renderer", "first", one_r, True),
                     ("full", "first", full, True),
                     ("incremental", "first", inc, False),
                     ("full", "no change", full, True),
                     ("incremental", "no change", inc, False),
                     None,
                     ("incremental", "one changed", inc, False),
                     ("full", "one changed", full, True)]
            for st in steps:
                if st is None:
                    # One more period of one series, by a cycle.
                    with open(conf) as f:
                        c = json.load(f)
                    c["sources"][0]["config"]["command"] = [
                        "/usr/bin/python3", one, catalog]
                    with open(conf, "w") as f:
                        json.dump(c, f)
                    cycle(conf)
                    continue
                variant, case, out, isfull = st
                set_renderers(conf, 1 if "1 renderer" in variant else None)
                r = run_report(binary, conf, out, isfull,
                               "%s-%s-%d" % (variant.replace(", ", "-")
                                             .replace(" ", "-"),
                                             case.replace(" ", "-"), run),
                               work)
                rows.setdefault((case, variant), []).append(r)
    finally:
        if not a.work:
            shutil.rmtree(work, ignore_errors=True)
    took = time.monotonic() - t0
    write(a, rows, nseries, took)


def write(a, rows, nseries, took):
    def med(rs, k):
        return statistics.median(r[k] for r in rs)
    lines = [BEGIN, "", "## Report of %s series" % format(nseries, ","), "",
             "Written by tests/bench/report_bench.py on %s UTC, in %d "
             "minutes: the report of %d gemeenten x the catalog's "
             "indicators (tests/bench/scale.py's state), `regiomon report "
             "--full` (every graph drawn: the report before the "
             "incremental one) against `regiomon report` (unchanged "
             "graphs linked from the report in place), and the full "
             "report with one renderer against the default (one a core, "
             "%d here), in the same run on the same state; medians of "
             "%d run%s. CPU time is user + sys of regiomon and its "
             "renderers (GNU time); wall time is what the renderers side "
             "by side save, on a machine that may be shared."
             % (time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
                round(took / 60), a.gemeenten,
                min(len(os.sched_getaffinity(0)), 4), a.runs,
                "" if a.runs == 1 else "s"), "",
             "| report | variant | CPU s | wall s | peak RSS MiB | graphs "
             "drawn | reused |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for case in ("first", "no change", "one changed"):
        for variant in ("full, 1 renderer", "full", "incremental"):
            rs = rows.get((case, variant))
            if not rs:
                continue
            lines.append("| %s | %s | %.1f | %.1f | %.1f | %d | %d |" % (
                case, variant, med(rs, "cpu"), med(rs, "wall"),
                med(rs, "rss"), med(rs, "drawn"), med(rs, "reused")))
    lines += ["", END]
    section = "\n".join(lines) + "\n"
    print(section)
    bench.put_section(a.out, BEGIN, END, section)


if __name__ == "__main__":
    main()
