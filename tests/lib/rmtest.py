# SPDX-License-Identifier: ISC
"""Helpers the integration tests share: where the build is, running the
regiomon binary, writing configs into a temp dir, reading RRD files back
with the real rrdtool.

Import from a test with:
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
    import rmtest
"""
import json
import os
import shutil
import subprocess
import tempfile

TOP = os.environ.get("REGIOMON_TOP") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("REGIOMON_BUILD") or os.path.join(TOP, "build")
BIN = os.path.join(BUILD, "regiomon")
PLUGINS = os.path.join(BUILD, "plugins")
TEST_PLUGINS = os.path.join(BUILD, "tests", "plugins")
CATALOG = os.path.join(TOP, "share", "catalog.json")
SANITIZED = os.path.basename(BUILD.rstrip("/")).startswith("build-san")


class Env:
    """A temp dir with a state dir and a config; removed by close()."""

    def __init__(self, sources, plugin_dir=PLUGINS, catalog=CATALOG,
                 extra=None):
        self.dir = tempfile.mkdtemp(prefix="regiomon-test-")
        self.state = os.path.join(self.dir, "state")
        self.plugin_dir = plugin_dir
        self.conf = os.path.join(self.dir, "regiomon.json")
        cfg = {"state_dir": self.state, "plugin_dir": plugin_dir,
               "catalog": [catalog] if isinstance(catalog, str) else catalog,
               "sources": sources}
        if extra:
            cfg.update(extra)
        self.write_conf(cfg)

    def write_conf(self, cfg):
        with open(self.conf, "w") as f:
            json.dump(cfg, f, indent=1)

    def run(self, *args, timeout=120, env=None):
        """Run regiomon with this config; returns CompletedProcess."""
        e = dict(os.environ)
        if env:
            e.update(env)
        return subprocess.run(
            [BIN, "-c", self.conf, "-P", self.plugin_dir, "-S", self.state]
            + list(args), capture_output=True, text=True, timeout=timeout,
            env=e)

    def rrd(self, indicator, region):
        return os.path.join(self.state, "rrd", indicator, region + ".rrd")

    def state_json(self):
        with open(os.path.join(self.state, "state.json")) as f:
            return json.load(f)

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def fetch_lines(out):
    """The JSON objects printed by `regiomon fetch`."""
    return [json.loads(l) for l in out.splitlines() if l.strip()]


def rrd_values(path, start, end):
    """{timestamp: value or None} from `rrdtool fetch PATH AVERAGE`."""
    out = subprocess.run(
        ["rrdtool", "fetch", path, "AVERAGE", "-s", str(start), "-e",
         str(end)], capture_output=True, text=True, check=True).stdout
    vals = {}
    for line in out.splitlines():
        if ":" not in line or line.strip().startswith("v"):
            continue
        ts, _, v = line.partition(":")
        v = v.strip()
        vals[int(ts)] = None if v.lower() in ("nan", "-nan") else float(v)
    return vals


def period_end(period):
    """UTC epoch of the end of "2020", "2020-Q3" or "2020-07"."""
    import calendar
    y = int(period[:4])
    if len(period) == 4:
        return calendar.timegm((y + 1, 1, 1, 0, 0, 0))
    if period[5] == "Q":
        m = 3 * int(period[6]) + 1
    else:
        m = int(period[5:7]) + 1
    if m > 12:
        y, m = y + 1, m - 12
    return calendar.timegm((y, m, 1, 0, 0, 0))


def rrd_period_value(path, period):
    """The stored value of one period, read through librrd's Python
    binding (Debian's python3-rrdtool): unlike the text of `rrdtool
    fetch`, it returns the stored double bit for bit."""
    import rrdtool
    end = period_end(period)
    (start, stop, step), _, rows = rrdtool.fetch(
        path, "AVERAGE", "-s", str(end - 86400), "-e", str(end - 86400))
    for i, row in enumerate(rows):
        if start + (i + 1) * step == end:
            return row[0]
    raise AssertionError("%s: no row for %s" % (path, period))


def rrdtool_info_ok(path):
    return subprocess.run(["rrdtool", "info", path], capture_output=True
                          ).returncode == 0
