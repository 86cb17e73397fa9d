#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""scale.py: how the storage layout scales to every gemeente of the
Netherlands.  A one-off measurement, not a test: it builds a catalog with
N generated gemeenten (default 342) next to the real indicators, has the
exec plugin emit every indicator for every gemeente (years 2010-2023,
quarters and months to match), and times `regiomon run` for three cycles,
first writing the files directly and then through rrdcached:

    1. the first load (every file created),
    2. a new release (one more period appended to every series),
    3. a cycle with nothing new (every series compared, none written).

It prints the series count, the disk use and the times; README "Scale-out
with rrdcached" has the numbers of one run.

    /usr/bin/python3 tests/bench/scale.py [--gemeenten N] [--dir DIR]

Needs about 4 GB of disk for 342 gemeenten (in DIR, default under
/var/tmp), and rrdcached for the second half.
"""
import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("REGIOMON_BUILD") or os.path.join(TOP, "build")
BIN = os.path.join(BUILD, "regiomon")
PLUGINS = os.path.join(BUILD, "plugins")

GEN = r'''
import json, sys
cat = json.load(open(sys.argv[1]))
last = int(sys.argv[2])
regions = [r["id"] for r in cat["regions"] if r["id"].startswith("gm-")]
# Optionally only the gemeenten FIRST .. FIRST+COUNT-1 (sources_bench.py).
first = int(sys.argv[3]) if len(sys.argv) > 3 else 0
count = int(sys.argv[4]) if len(sys.argv) > 4 else len(regions)
out = sys.stdout
for k, ind in enumerate(cat["indicators"]):
    f = ind["frequency"]
    for j, reg in enumerate(regions[first:first + count], first):
        base = 10 + (k * 37 + j * 11) % 900 / 10.0
        for y in range(2010, last + 1):
            if f == "year":
                periods = [str(y)]
            elif f == "quarter":
                periods = ["%d-Q%d" % (y, q) for q in range(1, 5)]
            else:
                periods = ["%d-%02d" % (y, m) for m in range(1, 13)]
            for i, p in enumerate(periods):
                v = round(base + (y - 2010) * 0.37 + i * 0.013, 3)
                out.write(json.dumps({"indicator": ind["id"], "region": reg,
                                      "period": p, "value": v,
                                      "status": "final"}) + "\n")
'''


def bench_setup(ap, name, runs, out):
    """The start of the benches that run after bench.py: the options
    they share (--runs, --build, --out, --work) parsed from ap, BIN and
    PLUGINS pointed into the build, the work dir made (a temp dir under
    /var/tmp named for the bench unless --work) and the generator
    written into it.  Returns (options, work dir, generator path)."""
    global BIN, PLUGINS
    ap.add_argument("--runs", type=int, default=runs)
    ap.add_argument("--build", default=BUILD)
    ap.add_argument("--out", default=out)
    ap.add_argument("--work", help="work dir (default: a temp dir, removed)")
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    BIN = os.path.join(build, "regiomon")
    PLUGINS = os.path.join(build, "plugins")
    work = a.work or tempfile.mkdtemp(prefix="regiomon-%s." % name,
                                      dir="/var/tmp")
    os.makedirs(work, exist_ok=True)
    gen = os.path.join(work, "gen.py")
    with open(gen, "w") as f:
        f.write(GEN)
    return a, work, gen


def make_catalog(path, n):
    with open(os.path.join(TOP, "share", "catalog.json")) as f:
        cat = json.load(f)
    for i in range(1, n + 1):
        cat["regions"].append({
            "id": "gm-%04d" % i, "name": "Gemeente %d" % i,
            "kind": "gemeente", "parent": "groningen",
            "codes": {"cbs": "GM%04d" % (9000 + i)}})
    with open(path, "w") as f:
        json.dump(cat, f)
    return sum(1 for _ in cat["indicators"]) * n


def write_conf(path, state, catalog, gen, last, rrdcached):
    conf = {"state_dir": state, "plugin_dir": PLUGINS,
            "catalog": [catalog],
            "limits": {"child_memory": "4G"},
            # One graph per series: 20000 graphs are the report's
            # scaling question, not the store's.
            "report": {"enabled": False},
            "sources": [{"name": "all-gemeenten", "plugin": "exec",
                         "timeout": "1h", "config": {
                             "command": ["/usr/bin/python3", gen, catalog,
                                         str(last)],
                             "timeout": "50m"}}]}
    if rrdcached:
        conf["store"] = {"rrdcached": rrdcached}
    with open(path, "w") as f:
        json.dump(conf, f)


def cycle(conf):
    """Seconds for the whole run and up to the end of storing."""
    t0 = time.monotonic()
    p = subprocess.Popen([BIN, "-v", "-c", conf, "run"],
                         stderr=subprocess.PIPE, text=True)
    stored = None
    for line in p.stderr:
        if "all-gemeenten:" in line and "series changed" in line:
            stored = time.monotonic() - t0
            sys.stderr.write("    " + line)
        elif "failed" in line or "rror" in line:
            sys.stderr.write("    " + line)
    rc = p.wait()
    total = time.monotonic() - t0
    if rc != 0:
        sys.exit("regiomon run failed (%d)" % rc)
    return total, stored


def du(path):
    out = subprocess.run(["du", "-sk", path], capture_output=True,
                         text=True, check=True).stdout
    return int(out.split()[0]) * 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gemeenten", type=int, default=342)
    ap.add_argument("--dir")
    a = ap.parse_args()
    work = a.dir or tempfile.mkdtemp(prefix="regiomon-scale.",
                                     dir="/var/tmp")
    os.makedirs(work, exist_ok=True)
    catalog = os.path.join(work, "catalog.json")
    gen = os.path.join(work, "gen.py")
    with open(gen, "w") as f:
        f.write(GEN)
    nseries = make_catalog(catalog, a.gemeenten)
    results = []
    for mode in ("direct", "rrdcached"):
        state = os.path.join(work, mode)
        shutil.rmtree(state, ignore_errors=True)
        os.makedirs(os.path.join(state, "rrd"))
        cached = None
        addr = None
        if mode == "rrdcached":
            sock = os.path.join(work, "rrdcached.sock")
            journal = os.path.join(work, "journal")
            os.makedirs(journal, exist_ok=True)
            addr = "unix:" + sock
            cached = subprocess.Popen(
                ["rrdcached", "-g", "-l", addr, "-b",
                 os.path.join(state, "rrd"), "-B", "-w", "3600", "-z",
                 "1800", "-f", "7200", "-F", "-t", "4", "-j", journal,
                 "-p", os.path.join(work, "rrdcached.pid")],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            while not os.path.exists(sock):
                time.sleep(0.05)
        conf = os.path.join(work, "regiomon-%s.json" % mode)
        row = {"mode": mode}
        for name, last in (("load", 2023), ("release", 2024),
                           ("unchanged", 2024)):
            write_conf(conf, state, catalog, gen, last, addr)
            sys.stderr.write("%s, %s...\n" % (mode, name))
            row[name] = cycle(conf)
        row["disk"] = du(os.path.join(state, "rrd"))
        row["files"] = sum(len(fs) for _, _, fs in
                           os.walk(os.path.join(state, "rrd")))
        if cached is not None:
            cached.terminate()
            cached.wait()
        results.append(row)
    model = platform.machine()
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    print("machine: %s, %d CPUs, %.0f GB RAM, %s" % (
        model, os.cpu_count(), mem / 2**30, platform.platform()))
    print("gemeenten %d, indicators x gemeenten = %d series"
          % (a.gemeenten, nseries))
    for r in results:
        print("%-9s files %d, disk %.2f GB" % (r["mode"], r["files"],
                                               r["disk"] / 1e9))
        for name in ("load", "release", "unchanged"):
            total, stored = r[name]
            print("  %-9s %7.1f s (stored after %.1f s)" % (name, total,
                                                             stored or -1))
    print("work dir: %s (remove it when done)" % work)


if __name__ == "__main__":
    main()
