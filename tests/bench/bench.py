#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""bench.py: `make bench`.  regiomon against the alternative a user weighs
it against, on one synthetic CBS StatLine v3 table (cbsgen.py) served from
127.0.0.1, for several sizes N (cells = regions x 10 measures x 250
months), each variant three times, side by side in the same run:

  regiomon      `regiomon run` with the cbs_statline plugin (api v3-feed)
  py-per-cell   python_per_cell.py: urllib + json + python3-rrdtool, one
                rrdtool.update() per cell
  py-batched    python_batched.py: the same with one update per series
  floor         floor.c: regiomon's store_write() filling the same files
                from values in memory, in one thread; no single-threaded
                job can do it for less
  floor-par     the same written by regiomon's writer threads (one per
                core, as `regiomon run` writes): the floor of a job that
                writes in parallel

Every variant starts from an empty state dir and, when run as root, an
emptied page cache (see start_cold; --warm keeps it); wall time is measured
around the process, CPU time and peak RSS come from wait4() (so they
include the processes it waited for: regiomon's plugin child).  Then:
the requests and time of a no-change cycle (a second `regiomon run` on
the state of the last one: the table's Modified stamp is unchanged), and
the idle daemon's RSS and wakeups per minute.

    /usr/bin/python3 tests/bench/bench.py [--cells "100000 1000000"]
        [--runs 3] [--build build] [--out tests/bench/RESULTS.md]
        [--idle-seconds 60] [--only regiomon,floor] [--warm]

Prints the table and writes it, with the machine described, to --out.
"""
import argparse
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import cbsgen  # noqa: E402

PY = "/usr/bin/python3"
SETTLE = 40     # seconds after deleting state dirs (see Size.clean)
RUNS = 3        # per variant and size; --runs
TIME = "/usr/bin/time"
VARIANTS = ("regiomon", "py-per-cell", "py-batched", "floor", "floor-par")
FLOORS = ("floor", "floor-par")
DROP_CACHES = "/proc/sys/vm/drop_caches"
COLD = False    # every run after sync + drop_caches (root); see main()


def log(msg):
    sys.stderr.write("bench: %s\n" % msg)
    sys.stderr.flush()


# ---- the job, as regiomon config, catalog and the scripts' job file

def catalog(nregions):
    with open(os.path.join(TOP, "share", "catalog.json")) as f:
        main = json.load(f)
    return {
        "version": main["version"],
        "challenges": main["challenges"],
        "regions": [{"id": cbsgen.region_id(i),
                     "name": "Benchregio %d" % i, "kind": "gemeente",
                     "codes": {"cbs": cbsgen.region_code(i)}}
                    for i in range(nregions)],
        "indicators": [{"id": cbsgen.indicator_id(m), "challenge": 5,
                        "title": "Kenmerk %d" % (m + 1), "unit": "aantal",
                        "frequency": "month", "direction": "neutral",
                        "thresholds": {"kind": "relative", "warning": 5,
                                       "critical": 10},
                        "grace": "36500d", "baselines": [],
                        "source": "cbs_statline"}
                       for m in range(cbsgen.MEASURES)]}


def regiomon_conf(work, state, base, nregions, build):
    regions = [cbsgen.region_id(i) for i in range(nregions)]
    return {
        "state_dir": state,
        "plugin_dir": os.path.join(build, "plugins"),
        "catalog": [os.path.join(work, "catalog.json")],
        "report": {"enabled": False},
        "sources": [{
            "name": "bench", "plugin": "cbs_statline", "timeout": "2h",
            "config": {
                "api": "v3-feed", "base_url": base,
                "table": cbsgen.TABLE, "typed": True,
                "series": [{"indicator": cbsgen.indicator_id(m),
                            "measure": cbsgen.measure_key(m),
                            "regions": regions, "periods": ["month"]}
                           for m in range(cbsgen.MEASURES)]}}]}


def job(state, base, nregions):
    return {"base": base, "table": cbsgen.TABLE, "state_dir": state,
            "regions": {cbsgen.region_code(i): cbsgen.region_id(i)
                        for i in range(nregions)},
            "series": [{"indicator": cbsgen.indicator_id(m),
                        "measure": cbsgen.measure_key(m)}
                       for m in range(cbsgen.MEASURES)]}


def write_json(path, doc):
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)


# ---- running and measuring one process

def put_section(path, begin, end, section):
    """section (its own begin and end lines included) into the file at
    path: in place of the part between begin and end where it has one,
    else at its end.  The benches that run after bench.py each keep a
    section of RESULTS.md this way."""
    text = ""
    if os.path.exists(path):
        with open(path) as f:
            text = f.read()
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        tail = rest.split(end, 1)[1].lstrip("\n")
        text = head + section + ("\n" + tail if tail else "")
    elif text.strip():
        text = text.rstrip("\n") + "\n\n" + section
    else:
        text = section
    with open(path, "w") as f:
        f.write(text)


def measure(argv, stdout_path):
    """Run argv under GNU time; (wall, user+sys CPU, peak RSS in KiB,
    exit status).  Not wait4() from here: Linux carries a process's peak
    RSS across fork and exec, so a child of this (large) Python process
    would report this process's size; GNU time is small and forks the
    program itself.  Its rusage includes the children the program waited
    for (regiomon's plugin child): the peak is the larger of the two."""
    with open(stdout_path, "w") as out:
        res = stdout_path + ".time"
        t0 = time.monotonic()
        rc = subprocess.call([TIME, "-o", res, "-f", "%U %S %M"] + argv,
                             stdout=out, stderr=subprocess.STDOUT)
        wall = time.monotonic() - t0
    with open(res) as f:
        last = f.read().strip().splitlines()[-1].split()
    return wall, float(last[0]) + float(last[1]), int(last[2]), rc


class Size:
    """One N: its server, work dir and files."""

    def __init__(self, cells, build, work):
        per = cbsgen.MEASURES * cbsgen.MONTHS
        if cells % per != 0:
            raise SystemExit("bench: %d cells is not a multiple of %d "
                             "(10 measures x 250 months)" % (cells, per))
        self.cells = cells
        self.nregions = cells // per
        self.build = build
        self.work = os.path.join(work, "n%d" % cells)
        os.makedirs(self.work)
        self.srv = cbsgen.start(self.nregions)
        self.base = self.srv.url()
        write_json(os.path.join(self.work, "catalog.json"),
                   catalog(self.nregions))
        self.results = {v: [] for v in VARIANTS}
        # Cold runs (root) remove each run's files right after it; else
        # they are kept until the size is done (see clean()), or, without
        # the room for that, removed each run with a pause.
        need = (len(VARIANTS) * RUNS + 2) * self.nregions * cbsgen.MEASURES * 180e3
        self.eager = COLD or shutil.disk_usage(work).free < 1.5 * need
        if self.eager and not COLD:
            log("  not enough disk to keep every run's files: removing "
                "each run's right after it, with a %d s pause" % SETTLE)

    def state(self, tag):
        d = os.path.join(self.work, "state-" + tag)
        shutil.rmtree(d, ignore_errors=True)
        return d

    def argv(self, variant, state):
        if variant == "regiomon":
            conf = os.path.join(self.work, "regiomon.json")
            write_json(conf, regiomon_conf(self.work, state, self.base,
                                           self.nregions, self.build))
            return [os.path.join(self.build, "regiomon"), "-c", conf,
                    "-S", state, "run"]
        if variant in FLOORS:
            return [os.path.join(self.build, "tests", "bench", "floor")] + \
                (["-p"] if variant == "floor-par" else []) + \
                [state, str(self.nregions)]
        jf = os.path.join(self.work, "job.json")
        write_json(jf, job(state, self.base, self.nregions))
        script = "python_per_cell.py" if variant == "py-per-cell" else \
            "python_batched.py"
        return [PY, os.path.join(HERE, script), jf]

    def run(self, variant, tag):
        state = self.state(tag)
        os.makedirs(state)
        if COLD:
            start_cold(self.build)
        else:
            # No run writes back what the one before left dirty.
            os.sync()
        before = self.srv.counters()
        out = os.path.join(self.work, "%s.log" % tag)
        wall, cpu, rss, rc = measure(self.argv(variant, state), out)
        after = self.srv.counters()
        if rc != 0:
            with open(out) as f:
                sys.stderr.write(f.read()[-3000:])
            raise SystemExit("bench: %s failed (exit %d), see %s"
                             % (variant, rc, out))
        check_files(state, self.nregions, variant)
        if self.eager and not (variant == "regiomon" and
                               tag == "regiomon-%d" % (RUNS - 1)):
            shutil.rmtree(state, ignore_errors=True)
            if not COLD:
                time.sleep(SETTLE)
        r = {"wall": wall, "cpu": cpu, "rss": rss,
             "requests": after[0] - before[0],
             "bytes": after[1] - before[1]}
        return r, state

    def clean(self):
        """Remove this size's state dirs, then give ext4 time to forget
        the inodes: right after thousands of files are deleted, creating
        files is slow (ext4 skips "recently deleted" inodes, measured in
        the kernel's inode allocator), which would tax whatever runs
        next.  So no run follows a deletion: the state dirs are kept
        until the size is done."""
        for d in os.listdir(self.work):
            if d.startswith("state-"):
                shutil.rmtree(os.path.join(self.work, d),
                              ignore_errors=True)
        if not COLD:
            time.sleep(SETTLE)

    def stop(self):
        self.srv.shutdown()
        self.srv.server_close()


def can_drop_caches():
    return os.geteuid() == 0 and os.access(DROP_CACHES, os.W_OK)


def start_cold(build):
    """Start a run from the same memory as every other: write back and
    drop the page cache, then read the programs in again (so no variant
    pays for loading its binaries).  On this 2-core VM, runs that
    followed others' gigabytes of dirty files took twice the CPU (page
    reclaim, writeback, ext4 skipping "recently deleted" inodes); after
    the drop the same run is within a few percent each time."""
    os.sync()
    with open(DROP_CACHES, "w") as f:
        f.write("3\n")
    for argv in ([os.path.join(build, "regiomon"), "--version"],
                 [PY, "-c", "import json, urllib.request, rrdtool"],
                 [os.path.join(build, "tests", "bench", "floor")]):
        subprocess.call(argv, stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL)


def check_files(state, nregions, variant):
    """Every series file is there, and a sample of cells reads back as
    served (the benchmark must compare jobs that did the same thing)."""
    import rrdtool
    rrd = os.path.join(state, "rrd")
    n = sum(len(fs) for _, _, fs in os.walk(rrd))
    want = nregions * cbsgen.MEASURES
    if n != want:
        raise SystemExit("bench: %s wrote %d files, not %d"
                         % (variant, n, want))
    for r, m, t in ((0, 0, 0), (nregions - 1, cbsgen.MEASURES - 1,
                                cbsgen.MONTHS - 1), (nregions // 2, 3, 117)):
        path = os.path.join(rrd, cbsgen.indicator_id(m),
                            cbsgen.region_id(r) + ".rrd")
        code = cbsgen.period_code(t)
        y, mo = int(code[:4]), int(code[6:])
        import calendar
        y2, m2 = (y + 1, 1) if mo == 12 else (y, mo + 1)
        end = calendar.timegm((y2, m2, 1, 0, 0, 0))
        (start, _, step), _, rows = rrdtool.fetch(
            path, "AVERAGE", "-s", str(end - 86400), "-e", str(end - 86400))
        got = None
        for i, row in enumerate(rows):
            if start + (i + 1) * step == end:
                got = row[0]
        v = cbsgen.value(r, m, t)
        # Python's text of a value goes through librrd's own strtod and
        # may come back an ulp off; regiomon and the floor are exact.
        exact = variant == "regiomon" or variant in FLOORS
        if (v is None) != (got is None) or (
                v is not None and (got != v if exact else
                                   abs(got - v) > 1e-9 * abs(v))):
            raise SystemExit("bench: %s: %s %s: stored %r, served %r"
                             % (variant, path, code, got, v))


# ---- the idle daemon

def idle_daemon(size, seconds):
    """Start `regiomon daemon` on a state the bench already filled (its
    source is due only after a day), let it settle, then count its
    context switches (each wakeup from poll() is one) over seconds."""
    state = size.state("idle")
    os.makedirs(state)
    conf = os.path.join(size.work, "idle.json")
    cfg = regiomon_conf(size.work, state, size.base, size.nregions,
                        size.build)
    cfg["sources"][0]["interval"] = "1d"
    write_json(conf, cfg)
    # The daemon's first cycle stores the table; idle is what follows.
    r = subprocess.run([os.path.join(size.build, "regiomon"), "-c", conf,
                        "-S", state, "run"], capture_output=True, text=True)
    if r.returncode != 0:
        return {"error": "run before the daemon failed: " + r.stderr[-500:]}
    out = open(os.path.join(size.work, "daemon.log"), "w")
    p = subprocess.Popen([os.path.join(size.build, "regiomon"), "-c", conf,
                          "-S", state, "daemon"], stdout=out,
                         stderr=subprocess.STDOUT)
    try:
        time.sleep(5)
        if p.poll() is not None:
            return {"error": "the daemon exited with %d" % p.returncode}
        first = proc_status(p.pid)
        time.sleep(seconds)
        last = proc_status(p.pid)
        if p.poll() is not None:
            return {"error": "the daemon exited with %d" % p.returncode}
        switches = (last["voluntary_ctxt_switches"] +
                    last["nonvoluntary_ctxt_switches"] -
                    first["voluntary_ctxt_switches"] -
                    first["nonvoluntary_ctxt_switches"])
        return {"rss_kib": last["VmRSS"], "hwm_kib": last["VmHWM"],
                "wakeups_per_min": switches * 60.0 / seconds,
                "seconds": seconds}
    finally:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        out.close()


def proc_status(pid):
    vals = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            v = v.split()
            if v and v[0].isdigit():
                vals[k] = int(v[0])
    return vals


# ---- the machine

def sh(*argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True,
                              timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def machine(work):
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = "?"
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                mem = "%.1f GiB" % (int(line.split()[1]) / 1048576)
    dev = sh("findmnt", "-n", "-o", "SOURCE,FSTYPE,OPTIONS", "-T", work)
    disk = dev
    name = dev.split()[0].split("/")[-1] if dev else ""
    if name:
        base = re.sub(r"p?\d+$", "", name) if not os.path.exists(
            "/sys/block/%s" % name) else name
        rot = sh("cat", "/sys/block/%s/queue/rotational" % base)
        wc = sh("cat", "/sys/block/%s/queue/write_cache" % base)
        disk += "; %s, write cache: %s" % (
            "rotational" if rot == "1" else "non-rotational" if rot == "0"
            else "rotational: ?", wc or "?")
    os_rel = "?"
    if os.path.exists("/etc/debian_version"):
        os_rel = "Debian " + open("/etc/debian_version").read().strip()
    return [
        ("CPU", "%s, %d cores online" % (cpu, os.cpu_count())),
        ("Memory", mem),
        ("Disk (state dirs)", disk),
        ("OS, kernel", "%s, Linux %s" % (os_rel, platform.release())),
        ("regiomon", sh(os.path.join(BUILD, "regiomon"), "--version")),
        ("compiler", sh("cc", "--version").splitlines()[0]
         if sh("cc", "--version") else "?"),
        ("librrd / rrdtool", sh("pkg-config", "--modversion", "librrd")),
        ("libcurl", sh("pkg-config", "--modversion", "libcurl")),
        ("jansson", sh("pkg-config", "--modversion", "jansson")),
        ("Python", sh(PY, "--version") + ", python3-rrdtool " +
         sh("dpkg-query", "-W", "-f", "${Version}", "python3-rrdtool")),
    ]


# ---- the report

def med(rs, key):
    return statistics.median(r[key] for r in rs)


def fmt_s(x):
    return "%.2f" % x if x < 100 else "%.0f" % x


def table(sizes):
    lines = ["| N cells | variant | cells/s | wall s | CPU s | peak RSS MiB "
             "| requests | MB fetched |",
             "|---:|---|---:|---:|---:|---:|---:|---:|"]
    for s in sizes:
        for v in VARIANTS:
            rs = s.results[v]
            if not rs:
                continue
            walls = sorted(r["wall"] for r in rs)
            lines.append("| %s | %s | %s | %s (%s-%s) | %s | %.1f | %s | %s |"
                         % ("{:,}".format(s.cells), v,
                            "{:,.0f}".format(s.cells / med(rs, "wall")),
                            fmt_s(med(rs, "wall")), fmt_s(walls[0]),
                            fmt_s(walls[-1]), fmt_s(med(rs, "cpu")),
                            med(rs, "rss") / 1024,
                            "%d" % med(rs, "requests")
                            if v not in FLOORS else "-",
                            "%.0f" % (med(rs, "bytes") / 1e6)
                            if v not in FLOORS else "-"))
    return lines


def ratios(sizes):
    lines = ["| N cells | Python per-cell / regiomon (wall) | Python batched "
             "/ regiomon (wall) | regiomon / floor (wall) | regiomon / "
             "floor-par (wall) | regiomon / Python per-cell (peak RSS) | "
             "regiomon / Python batched (peak RSS) | regiomon peak RSS "
             "MiB |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for s in sizes:
        rm = s.results["regiomon"]
        if not rm:
            continue

        def q(v, key, inv=False):
            rs = s.results[v]
            if not rs:
                return "-"
            a, b = med(rm, key), med(rs, key)
            return "%.2f" % ((b / a) if inv else (a / b))
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %.1f |" % (
            "{:,}".format(s.cells), q("py-per-cell", "wall", True),
            q("py-batched", "wall", True), q("floor", "wall"),
            q("floor-par", "wall"), q("py-per-cell", "rss"),
            q("py-batched", "rss"),
            med(rm, "rss") / 1024))
    return lines


BUILD = os.path.join(TOP, "build")


def main():
    global BUILD, COLD, RUNS
    ap = argparse.ArgumentParser()
    ap.add_argument("--cells", default="100000 1000000 4000000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--build", default=BUILD)
    ap.add_argument("--out", default=os.path.join(HERE, "RESULTS.md"))
    ap.add_argument("--idle-seconds", type=int, default=60)
    ap.add_argument("--only", default=",".join(VARIANTS))
    ap.add_argument("--work", help="work dir (default: a temp dir, removed)")
    ap.add_argument("--warm", action="store_true",
                    help="do not drop the page cache before each run")
    a = ap.parse_args()
    COLD = not a.warm and can_drop_caches()
    log("each run starts %s" % ("after sync and drop_caches" if COLD else
                                "on whatever the page cache holds"))
    BUILD = a.build = os.path.abspath(a.build)
    RUNS = a.runs
    only = [v for v in a.only.split(",") if v]
    for v in only:
        if v not in VARIANTS:
            raise SystemExit("bench: unknown variant %s" % v)
    for f in (os.path.join(a.build, "regiomon"),
              os.path.join(a.build, "tests", "bench", "floor")):
        if not os.access(f, os.X_OK):
            raise SystemExit("bench: %s not built (make bench builds it)"
                             % f)
    work = a.work or tempfile.mkdtemp(prefix="regiomon-bench.",
                                      dir="/var/tmp")
    os.makedirs(work, exist_ok=True)
    # A copy of the binaries: a rebuild of the tree during the hour the
    # bench takes must not change (or break) what it measures.
    a.build = snapshot(a.build, os.path.join(work, "build"))
    sizes = []
    nochange = {}
    idle = None
    started = time.time()
    fixed = fixed_memory(a.build, work)
    # Files deleted just before (an earlier bench, a test run) would slow
    # down the first runs' file creation; see Size.clean().
    if not COLD:
        time.sleep(SETTLE)
    try:
        for cells in [int(x) for x in a.cells.split()]:
            s = Size(cells, a.build, work)
            sizes.append(s)
            log("N = %d cells: %d regions, server %s" % (cells, s.nregions,
                                                        s.base))
            # Untimed: renders and caches every page at the server, and
            # brings binaries and libraries into the page cache.
            r, _ = s.run("regiomon", "warmup")
            log("  warm-up regiomon: %.1f s" % r["wall"])
            for i in range(a.runs):
                for v in VARIANTS:
                    if v not in only:
                        continue
                    r, state = s.run(v, "%s-%d" % (v, i))
                    s.results[v].append(r)
                    log("  %s run %d: %.2f s wall, %.2f s CPU, %.1f MiB"
                        % (v, i + 1, r["wall"], r["cpu"],
                           r["rss"] / 1024))
                    if v == "regiomon" and i == a.runs - 1:
                        nochange[cells] = no_change(s, state)
            s.clean()
        if a.idle_seconds > 0 and sizes:
            small = min(sizes, key=lambda x: x.cells)
            log("idle daemon for %d s" % a.idle_seconds)
            idle = idle_daemon(small, a.idle_seconds)
            idle["cells"] = small.cells
    finally:
        for s in sizes:
            s.stop()
        if not a.work:
            shutil.rmtree(work, ignore_errors=True)
    report(a, sizes, nochange, idle, fixed, time.time() - started,
           work)


def fixed_memory(build, work):
    """The peak RSS each kind of job starts from, whatever its size: a
    process that only loads librrd and writes one value into one file
    (floor.c with one region, measure and month), regiomon doing nothing
    (`--version`: librrd, libcurl and jansson mapped), and the Python job's
    interpreter with its modules imported.  A target below the first is
    out of reach of any job that writes RRD files with librrd."""
    state = os.path.join(work, "state-fixed")
    probes = [
        ("librrd writing one value (floor, 1 cell)",
         [os.path.join(build, "tests", "bench", "floor"), state, "1", "1",
          "1"]),
        ("regiomon --version",
         [os.path.join(build, "regiomon"), "--version"]),
        ("Python with json, urllib.request and rrdtool imported",
         [PY, "-c", "import json, urllib.request, rrdtool"]),
    ]
    rows = []
    for name, argv in probes:
        rss = []
        for _ in range(RUNS):
            shutil.rmtree(state, ignore_errors=True)
            # As the runs start: a page cache that holds more of a
            # library maps more of it (the kernel's fault-around).
            if COLD:
                start_cold(build)
            _, _, kib, rc = measure(argv, os.path.join(work, "fixed.log"))
            if rc != 0:
                raise SystemExit("bench: %s failed (exit %d)" % (name, rc))
            rss.append(kib)
        rows.append((name, statistics.median(rss)))
    shutil.rmtree(state, ignore_errors=True)
    return rows


def snapshot(build, dest):
    """Copy regiomon, its plugins and the floor program to dest."""
    os.makedirs(os.path.join(dest, "plugins"))
    os.makedirs(os.path.join(dest, "tests", "bench"))
    shutil.copy2(os.path.join(build, "regiomon"), dest)
    for f in os.listdir(os.path.join(build, "plugins")):
        if f.endswith(".so"):
            shutil.copy2(os.path.join(build, "plugins", f),
                         os.path.join(dest, "plugins"))
    shutil.copy2(os.path.join(build, "tests", "bench", "floor"),
                 os.path.join(dest, "tests", "bench"))
    return dest


def no_change(s, state):
    """A second run on the stored state: the stamp has not changed."""
    if COLD:
        start_cold(s.build)
    before = s.srv.counters()
    conf = os.path.join(s.work, "regiomon.json")
    out = os.path.join(s.work, "nochange.log")
    wall, cpu, rss, rc = measure([os.path.join(s.build, "regiomon"), "-c",
                                  conf, "-S", state, "run"], out)
    after = s.srv.counters()
    return {"wall": wall, "cpu": cpu, "rss": rss, "rc": rc,
            "requests": after[0] - before[0], "bytes": after[1] - before[1]}


def report(a, sizes, nochange, idle, fixed, took, work):
    out = []
    out.append("# regiomon benchmark results")
    out.append("")
    out.append("Written by `make bench` (tests/bench/bench.py) on %s, in "
               "%.0f minutes; each variant ran %d times per size, "
               "interleaved; medians, with the range of wall times. %s" %
               (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                took / 60, a.runs,
                "Each run started after `sync` and `drop_caches`, its "
                "programs read in again." if COLD else
                "Runs started on whatever the page cache held (not root, "
                "or --warm)."))
    out.append("")
    out.append("## Machine")
    out.append("")
    out.append("| | |")
    out.append("|---|---|")
    for k, v in machine(work if os.path.isdir(work) else "/var/tmp"):
        out.append("| %s | %s |" % (k, v))
    out.append("")
    out.append("## Full runs")
    out.append("")
    out.append("`floor` fills the same files from memory with regiomon's "
               "store in one thread, `floor-par` with regiomon's writer "
               "threads (%d here: one per core it may run on, at most 4), "
               "as `regiomon run` does." % min(len(os.sched_getaffinity(0)),
                                             4))
    out.append("")
    out.extend(table(sizes))
    out.append("")
    out.append("## Ratios (medians)")
    out.append("")
    out.extend(ratios(sizes))
    out.append("")
    out.append("## Fixed memory")
    out.append("")
    out.append("Peak RSS before any work, whatever the size (medians of "
               "%d). The first is the least any job that writes with "
               "librrd can use; against it, a quarter of the batched "
               "Python job's peak:" % a.runs)
    out.append("")
    out.append("| process | peak RSS MiB |")
    out.append("|---|---:|")
    for name, kib in fixed:
        out.append("| %s | %.1f |" % (name, kib / 1024))
    for s in sizes:
        if s.results["py-batched"]:
            out.append("| a quarter of py-batched at %s cells | %.1f |" % (
                "{:,}".format(s.cells),
                med(s.results["py-batched"], "rss") / 4 / 1024))
    out.append("")
    out.append("## No-change cycle")
    out.append("")
    out.append("| N cells | requests | bytes | wall s | CPU s | "
               "peak RSS MiB | exit |")
    out.append("|---:|---:|---:|---:|---:|---:|---:|")
    for cells, r in sorted(nochange.items()):
        out.append("| %s | %d | %d | %.3f | %.3f | %.1f | %d |" % (
            "{:,}".format(cells), r["requests"], r["bytes"], r["wall"],
            r["cpu"], r["rss"] / 1024, r["rc"]))
    out.append("")
    out.append("## Idle daemon")
    out.append("")
    if idle is None:
        out.append("Not measured (--idle-seconds 0).")
    elif "error" in idle:
        out.append("Not measured: %s." % idle["error"])
    else:
        out.append("`regiomon daemon` after its sources were stored "
                   "(%s cells), over %d s: RSS %.1f MiB (peak %.1f MiB), "
                   "%.1f wakeups per minute (context switches)." % (
                       "{:,}".format(idle["cells"]), idle["seconds"],
                       idle["rss_kib"] / 1024, idle["hwm_kib"] / 1024,
                       idle["wakeups_per_min"]))
    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    if a.out:
        keep = ""
        if os.path.exists(a.out):
            old = open(a.out).read()
            m = re.search(r"\n## Analysis\n.*", old, re.S)
            keep = m.group(0) if m else ""
        with open(a.out, "w") as f:
            f.write(text + keep)
        log("wrote %s" % a.out)


if __name__ == "__main__":
    main()
