#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""python_batched.py: the same job as python_per_cell.py, written the way
a careful script does it: the rows of one measure are collected per series
while its pages arrive, then each series gets one rrdtool.create() and one
rrdtool.update() with all its values (librrd opens, locks and maps a file
once per update call, so batching is the one optimisation that matters).
Memory holds one measure's values, not the whole table.

    /usr/bin/python3 tests/bench/python_batched.py JOB.json

Same JOB.json and the same RRD layout as python_per_cell.py.
"""
import json
import os
import sys

import rrdtool

from python_per_cell import HEARTBEAT, data_url, get, month_bounds


def main():
    with open(sys.argv[1]) as f:
        job = json.load(f)
    files = 0
    cells = 0
    for s in job["series"]:
        series = {}
        url = data_url(job, s["measure"])
        while url:
            page = get(url)
            for row in page["value"]:
                region = job["regions"].get(row["RegioS"].strip())
                period = row["Perioden"]
                if region is None or period[4:6] != "MM":
                    continue
                start, end = month_bounds(period)
                v = row[s["measure"]]
                if region not in series:
                    series[region] = (start, [])
                series[region][1].append(
                    "%d:%s" % (end, "U" if v is None else repr(v)))
                cells += 1
            url = page.get("odata.nextLink")
        d = os.path.join(job["state_dir"], "rrd", s["indicator"])
        os.makedirs(d, exist_ok=True)
        for region, (start, updates) in series.items():
            path = os.path.join(d, region + ".rrd")
            rrdtool.create(path, "--start", str(start), "--step", "86400",
                           "DS:v:GAUGE:%d:U:U" % HEARTBEAT,
                           "RRA:AVERAGE:0.5:1:21915")
            rrdtool.update(path, *updates)
            files += 1
    print("%d cells, %d files" % (cells, files))


if __name__ == "__main__":
    main()
