#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""unchanged_bench.py: `make bench`, the part for sources without a
modification stamp.  scale.py's catalog (342 generated gemeenten x the 61
real indicators, 20,862 series) with the exec plugin emitting every
series every cycle, a series known unchanged by its digest (the state
keeps it with the stamp of the file, daemon/run/apply.c) against the
compare with every file it replaced (REGIOMON_NO_DIGEST=1), side by side
in the same run, step by step on two state dirs:

  load          the first cycle (every file created)
  unchanged     the same points again
  release       one more period in every series (2024)
  unchanged     the release again

CPU time (user + sys, the plugin child and its generator included) and
wall time come from GNU time; the machine may be shared, so compare the
two variants of one step, not runs on different days.  The generator
alone (python, writing 385,000 lines) is timed too: no cycle can be
faster.  The section is written into --out (replacing its earlier one).

    /usr/bin/python3 tests/bench/unchanged_bench.py [--gemeenten 342]
        [--runs 1] [--build build] [--out tests/bench/RESULTS.md]
        [--work DIR]

Needs about 7.5 GB of disk for 342 gemeenten (two state dirs; --work,
default a temp dir under /var/tmp, removed).
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402
import scale  # noqa: E402

BEGIN = "<!-- unchanged-bench: begin -->"
END = "<!-- unchanged-bench: end -->"
VARIANTS = (("compare", {"REGIOMON_NO_DIGEST": "1"}), ("digest", {}))
STEPS = (("load", 2023), ("unchanged", 2023), ("release", 2024),
         ("release unchanged", 2024))


def log(msg):
    sys.stderr.write("unchanged-bench: %s\n" % msg)
    sys.stderr.flush()


def cycle(binary, conf, env, tag, work):
    path = os.path.join(work, "%s.log" % tag)
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        wall, cpu, _, rc = bench.measure([binary, "-v", "-c", conf, "run"],
                                         path)
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    with open(path, errors="replace") as f:
        text = f.read()
    if rc != 0:
        sys.exit("unchanged-bench: %s failed (%d):\n%s" % (tag, rc,
                                                          text[-2000:]))
    # A line a source: summed over every source of the config.
    changed, known, newer = (
        sum(int(x) for x in re.findall(r"(\d+) " + what, text))
        for what in ("series changed", "known unchanged",
                     "appended to without a compare"))
    log("%-32s cpu %6.1f s  wall %6.1f s  changed %d known %d newer %d"
        % (tag, cpu, wall, changed, known, newer))
    return {"cpu": cpu, "wall": wall, "changed": changed, "known": known,
            "newer": newer}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gemeenten", type=int, default=342)
    a, work, gen = scale.bench_setup(ap, "unchanged-bench", 1,
                                     os.path.join(HERE, "RESULTS.md"))
    binary = scale.BIN
    t0 = time.monotonic()
    catalog = os.path.join(work, "catalog.json")
    nseries = scale.make_catalog(catalog, a.gemeenten)
    rows = {}
    gens = []
    try:
        for run in range(a.runs):
            confs = {}
            for v, _ in VARIANTS:
                state = os.path.join(work, v)
                shutil.rmtree(state, ignore_errors=True)
                os.makedirs(os.path.join(state, "rrd"))
                confs[v] = {}
                for _, last in STEPS:
                    c = os.path.join(work, "%s-%d.json" % (v, last))
                    scale.write_conf(c, state, catalog, gen, last, None)
                    confs[v][last] = c
            for step, last in STEPS:
                for v, env in VARIANTS:
                    tag = "%s-%s-%d" % (step.replace(" ", "-"), v, run)
                    rows.setdefault((step, v), []).append(
                        cycle(binary, confs[v][last], env, tag, work))
            g0 = time.monotonic()
            subprocess.run(["/usr/bin/python3", gen, catalog, "2024"],
                           stdout=subprocess.DEVNULL, check=True)
            gens.append(time.monotonic() - g0)
            log("generator alone: %.1f s" % gens[-1])
    finally:
        if not a.work:
            shutil.rmtree(work, ignore_errors=True)
    write(a, rows, nseries, statistics.median(gens),
          time.monotonic() - t0)


def write(a, rows, nseries, gen, took):
    def med(rs, k):
        return statistics.median(r[k] for r in rs)
    lines = [BEGIN, "",
             "## A source without a modification stamp, %s series"
             % format(nseries, ","), "",
             "Written by tests/bench/unchanged_bench.py on %s UTC, in %d "
             "minutes: %d gemeenten x the catalog's indicators "
             "(tests/bench/scale.py's catalog and exec generator), each "
             "step run with the compare of every series with its file "
             "(`REGIOMON_NO_DIGEST=1`, what every run did before) and "
             "with the digest (a series sent again unchanged is known by "
             "its state, its file not opened), side by side on two state "
             "dirs; medians of %d run%s. The generator alone took %.1f s "
             "(no cycle can be faster). CPU time is user + sys of "
             "regiomon, its plugin child and the generator."
             % (time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
                round(took / 60), a.gemeenten, a.runs,
                "" if a.runs == 1 else "s", gen), "",
             "| cycle | variant | wall s | CPU s | series changed | "
             "known unchanged | appended without a compare |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for step, _ in STEPS:
        for v, _ in VARIANTS:
            rs = rows.get((step, v))
            if not rs:
                continue
            lines.append("| %s | %s | %.1f | %.1f | %d | %d | %d |" % (
                step, v, med(rs, "wall"), med(rs, "cpu"),
                med(rs, "changed"), med(rs, "known"), med(rs, "newer")))
    lines += ["", END]
    section = "\n".join(lines) + "\n"
    print(section)
    bench.put_section(a.out, BEGIN, END, section)


if __name__ == "__main__":
    main()
