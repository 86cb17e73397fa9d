#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""sources_bench.py: `make bench`, the part for a config of ordinary
sources.  25 sources of a few thousand cells each (the size of the live
config's CBS tables), each an exec source emitting 4 gemeenten x the 61
real indicators of scale.py's catalog (2010-2023, quarters and months to
match: about 4,300 cells and 244 series a source), and a `regiomon run`
of all of them (a daemon cycle when every source is due) timed:

  load          the first cycle (every file created)
  nothing new   every source sends the same points again
  one changed   one source sends one more period of its series, the
                other 24 the same points

each with the digest (a series sent again unchanged is known by its
state, its file not opened) and with the compare with every file it
replaced (REGIOMON_NO_DIGEST=1), side by side on two state dirs in the
same run.  CPU time (user + sys of regiomon, its plugin children and
their generators) and wall time come from GNU time; the generators
alone (25 python processes) are timed too: no cycle can be faster.  The
section is written into --out (replacing its earlier one).

    /usr/bin/python3 tests/bench/sources_bench.py [--sources 25]
        [--runs 3] [--build build] [--out tests/bench/RESULTS.md]
        [--work DIR]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402
import scale  # noqa: E402
from unchanged_bench import cycle  # noqa: E402

BEGIN = "<!-- sources-bench: begin -->"
END = "<!-- sources-bench: end -->"
PER_SOURCE = 4          # gemeenten a source
VARIANTS = (("compare", {"REGIOMON_NO_DIGEST": "1"}), ("digest", {}))
STEPS = ("load", "nothing new", "one changed")

def log(msg):
    sys.stderr.write("sources-bench: %s\n" % msg)
    sys.stderr.flush()


def write_conf(path, state, catalog, gen, nsources, changed):
    """nsources exec sources; source 0 sends 2024 too if changed."""
    sources = []
    for n in range(nsources):
        last = 2024 if changed and n == 0 else 2023
        sources.append({
            "name": "source-%02d" % n, "plugin": "exec",
            "config": {"command": ["/usr/bin/python3", gen, catalog,
                                   str(last), str(n * PER_SOURCE),
                                   str(PER_SOURCE)]}})
    with open(path, "w") as f:
        json.dump({"state_dir": state, "plugin_dir": scale.PLUGINS,
                   "catalog": [catalog], "report": {"enabled": False},
                   "sources": sources}, f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sources", type=int, default=25)
    a, work, gen = scale.bench_setup(ap, "sources-bench", 3,
                                     os.path.join(HERE, "RESULTS.md"))
    binary = scale.BIN
    t0 = time.monotonic()
    catalog = os.path.join(work, "catalog.json")
    nseries = scale.make_catalog(catalog, a.sources * PER_SOURCE)
    rows, gens = {}, []
    try:
        for run in range(a.runs):
            confs = {}
            for v, _ in VARIANTS:
                state = os.path.join(work, v)
                shutil.rmtree(state, ignore_errors=True)
                os.makedirs(os.path.join(state, "rrd"))
                for ch in (False, True):
                    c = os.path.join(work, "%s-%d.json" % (v, ch))
                    write_conf(c, state, catalog, gen, a.sources, ch)
                    confs[(v, ch)] = c
            for step in STEPS:
                for v, env in VARIANTS:
                    tag = "%s-%s-%d" % (step.replace(" ", "-"), v, run)
                    rows.setdefault((step, v), []).append(
                        cycle(binary, confs[(v, step == "one changed")],
                              env, tag, work))
            g0 = time.monotonic()
            for n in range(a.sources):
                subprocess.run(["/usr/bin/python3", gen, catalog, "2023",
                                str(n * PER_SOURCE), str(PER_SOURCE)],
                               stdout=subprocess.DEVNULL, check=True)
            gens.append(time.monotonic() - g0)
            log("generators alone: %.2f s" % gens[-1])
    finally:
        if not a.work:
            shutil.rmtree(work, ignore_errors=True)
    write(a, rows, nseries, statistics.median(gens), time.monotonic() - t0)


def write(a, rows, nseries, gen, took):
    def med(rs, k):
        return statistics.median(r[k] for r in rs)
    lines = [BEGIN, "",
             "## %d ordinary sources, one of them changed" % a.sources, "",
             "Written by tests/bench/sources_bench.py on %s UTC, in %d "
             "minutes: %d exec sources of %d gemeenten x the catalog's "
             "indicators each (%s series in all, about 4,300 cells a "
             "source), one `regiomon run` of all of them a cycle, with the "
             "digest and with the compare of every series with its file "
             "(`REGIOMON_NO_DIGEST=1`) side by side on two state dirs; "
             "medians of %d run%s. The generators alone took %.2f s (no "
             "cycle can be faster). CPU time is user + sys of regiomon, "
             "its plugin children and their generators."
             % (time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
                round(took / 60), a.sources, PER_SOURCE,
                format(nseries, ","), a.runs, "" if a.runs == 1 else "s",
                gen), "",
             "| cycle | variant | wall s | CPU s | series changed | "
             "known unchanged |",
             "|---|---|---:|---:|---:|---:|"]
    for step in STEPS:
        for v, _ in VARIANTS:
            rs = rows.get((step, v))
            if rs:
                lines.append("| %s | %s | %.2f | %.2f | %d | %d |" % (
                    step, v, med(rs, "wall"), med(rs, "cpu"),
                    med(rs, "changed"), med(rs, "known")))
    lines += ["", END]
    section = "\n".join(lines) + "\n"
    print(section)
    bench.put_section(a.out, BEGIN, END, section)


if __name__ == "__main__":
    main()
