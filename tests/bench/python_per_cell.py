#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""python_per_cell.py: the job regiomon's cbs_statline source does, as the
first cron script anyone writes: urllib, json and Debian's python3-rrdtool,
one rrdtool.update() per cell as the rows arrive.  It makes the requests
regiomon makes: one TypedDataSet query for all measures (wide rows), then
every "odata.nextLink".

    /usr/bin/python3 tests/bench/python_per_cell.py JOB.json

JOB.json (written by bench.py) names the ODataFeed base URL, the table,
the series (indicator and measure key), the regions (CBS code -> id) and
the state dir.  The RRD layout is regiomon's: one file per series,
STATE/rrd/INDICATOR/REGION.rrd, step 86400, DS:v:GAUGE:<32 days>:U:U,
RRA:AVERAGE:0.5:1:21915, each month written at the instant it ends.
"""
import calendar
import json
import os
import sys
import urllib.parse
import urllib.request

import rrdtool

HEARTBEAT = 32 * 86400


def month_bounds(code):
    """(start, end) in UTC epoch seconds of a CBS month code 2020MM07."""
    y, m = int(code[:4]), int(code[6:8])
    start = calendar.timegm((y, m, 1, 0, 0, 0))
    y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return start, calendar.timegm((y, m, 1, 0, 0, 0))


def data_url(job):
    """The TypedDataSet query for every series at once: the measures are
    columns of the same wide rows (the request regiomon makes too)."""
    regions = " or ".join("RegioS eq '%s'" % c.ljust(6)
                          for c in job["regions"])
    query = [("$format", "json"),
             ("$filter", "(%s) and (substringof('MM',Perioden))" % regions),
             ("$select", ",".join(["RegioS", "Perioden"] +
                                  [s["measure"] for s in job["series"]]))]
    return "%s/%s/TypedDataSet?%s" % (
        job["base"], job["table"],
        urllib.parse.urlencode(query, quote_via=urllib.parse.quote,
                               safe="-._~"))


def get(url):
    with urllib.request.urlopen(url, timeout=300) as r:
        return json.load(r)


def main():
    with open(sys.argv[1]) as f:
        job = json.load(f)
    created = set()
    cells = 0
    url = data_url(job)
    while url:
        page = get(url)
        for row in page["value"]:
            region = job["regions"].get(row["RegioS"].strip())
            period = row["Perioden"]
            if region is None or period[4:6] != "MM":
                continue
            start, end = month_bounds(period)
            for s in job["series"]:
                path = os.path.join(job["state_dir"], "rrd", s["indicator"],
                                    region + ".rrd")
                if path not in created:
                    os.makedirs(os.path.dirname(path), exist_ok=True)
                    rrdtool.create(path, "--start", str(start), "--step",
                                   "86400", "DS:v:GAUGE:%d:U:U" % HEARTBEAT,
                                   "RRA:AVERAGE:0.5:1:21915")
                    created.add(path)
                v = row[s["measure"]]
                rrdtool.update(path, "%d:%s" % (end, "U" if v is None
                                                else repr(v)))
                cells += 1
        url = page.get("odata.nextLink")
    print("%d cells, %d files" % (cells, len(created)))


if __name__ == "__main__":
    main()
