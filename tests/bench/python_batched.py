#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""python_batched.py: the same job as python_per_cell.py, written the way
a careful script does it: the values are collected per series while the
pages arrive, and when the rows move on to the next region (CBS sends them
region by region) each series of the finished region gets one
rrdtool.create() and one rrdtool.update() with all its values (librrd
opens, locks and maps a file once per update call, so batching is the one
optimisation that matters).  Memory holds one region's values, not the
whole table.

    /usr/bin/python3 tests/bench/python_batched.py JOB.json

Same JOB.json and the same RRD layout as python_per_cell.py.
"""
import json
import os
import sys

import rrdtool

from python_per_cell import HEARTBEAT, data_url, get, month_bounds


def write_region(job, region, series):
    """One rrdtool.create() and one rrdtool.update() per series."""
    files = 0
    for s in job["series"]:
        start, updates = series[s["indicator"]]
        d = os.path.join(job["state_dir"], "rrd", s["indicator"])
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, region + ".rrd")
        rrdtool.create(path, "--start", str(start), "--step", "86400",
                       "DS:v:GAUGE:%d:U:U" % HEARTBEAT,
                       "RRA:AVERAGE:0.5:1:21915")
        rrdtool.update(path, *updates)
        files += 1
    return files


def main():
    with open(sys.argv[1]) as f:
        job = json.load(f)
    files = 0
    cells = 0
    current, series, done = None, {}, set()
    url = data_url(job)
    while url:
        page = get(url)
        for row in page["value"]:
            region = job["regions"].get(row["RegioS"].strip())
            period = row["Perioden"]
            if region is None or period[4:6] != "MM":
                continue
            if region != current:
                # CBS sends the rows region by region: the previous
                # region's series are complete.
                if current is not None:
                    files += write_region(job, current, series)
                    done.add(current)
                if region in done:
                    raise SystemExit("rows of %s out of order" % region)
                current, series = region, {}
            start, end = month_bounds(period)
            for s in job["series"]:
                v = row[s["measure"]]
                if s["indicator"] not in series:
                    series[s["indicator"]] = (start, [])
                series[s["indicator"]][1].append(
                    "%d:%s" % (end, "U" if v is None else repr(v)))
                cells += 1
        url = page.get("odata.nextLink")
    if current is not None:
        files += write_region(job, current, series)
    print("%d cells, %d files" % (cells, files))


if __name__ == "__main__":
    main()
