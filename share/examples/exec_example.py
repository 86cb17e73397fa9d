#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""exec_example.py: a regiomon source written in Python, to copy.

regiomon's exec plugin runs this program without a shell and with a clean
environment (PATH=/usr/bin:/bin, LANG=C.UTF-8 and the source's "env"),
reads one observation per line from its stdout, writes every stderr line
to its log, and takes exit status 0 as success.  Any other exit status,
one bad line, or running past the timeout, and the run stores nothing.

An observation line is the format `regiomon fetch` prints:

    {"indicator": "addresses-without-fast-internet", "region": "assen",
     "period": "2024", "value": 1210, "status": "provisional"}

(on one line).  "period" is 2024, 2024-Q3 or 2024-07 (CBS and Eurostat
notations are read too), "value" a number or null, "status" "final" or
"provisional".  Indicator and region are ids of the catalog.

This example reads a table of addresses without fast internet per
gemeente and year, from a file or an http(s) URL:

    gemeente;jaar;adressen;status
    GM0106;2020;2150;
    GM0106;2024;1210;voorlopig

and prints one observation per row.  A source in regiomon.json:

    {"name": "broadband", "plugin": "exec", "timeout": "5m",
     "config": {"command": ["/usr/bin/python3",
                            "/usr/local/share/regiomon/examples/exec_example.py"],
                "env": {"EXAMPLE_SOURCE": "https://example.org/snel-internet.csv"},
                "timeout": "2m"}}

Run it by hand first, then through regiomon (which checks every line):

    EXAMPLE_SOURCE=share/demo/exec/snel-internet.csv share/examples/exec_example.py
    regiomon -c etc/regiomon.json fetch demo-exec
"""

import csv
import io
import json
import os
import sys
import urllib.request

INDICATOR = os.environ.get("EXAMPLE_INDICATOR",
                           "addresses-without-fast-internet")

# The table names gemeenten by CBS code; regiomon wants catalog region ids.
REGIONS = {
    "GM0106": "assen",
    "GM0014": "gemeente-groningen",
    "GM1966": "het-hogeland",
    "GM1952": "midden-groningen",
    "GM1699": "noordenveld",
    "GM1730": "tynaarlo",
    "GM1969": "westerkwartier",
}


def log(msg):
    """stderr goes to regiomon's log, prefixed with the source name."""
    print(msg, file=sys.stderr)


def read_text(src):
    if src.startswith(("http://", "https://")):
        with urllib.request.urlopen(src, timeout=60) as r:
            return r.read().decode("utf-8-sig")
    with open(src, encoding="utf-8-sig") as f:
        return f.read()


def number(cell):
    """A Dutch or English number, or None for an empty cell."""
    cell = cell.strip()
    if cell in ("", "-", "?", "x"):
        return None
    return float(cell.replace(".", "").replace(",", ".")
                 if "," in cell else cell)


def main():
    src = os.environ.get("EXAMPLE_SOURCE") or (
        sys.argv[1] if len(sys.argv) > 1 else None)
    if not src:
        log("usage: exec_example.py FILE-OR-URL (or set EXAMPLE_SOURCE)")
        return 2
    try:
        text = read_text(src)
    except (OSError, ValueError) as e:
        log("cannot read %s: %s" % (src, e))
        return 1
    out = []
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    for row in reader:
        line = reader.line_num
        try:
            code, year = row["gemeente"].strip(), row["jaar"].strip()
            value = number(row["adressen"])
        except KeyError as e:
            log("%s: no column %s in the header line" % (src, e))
            return 1
        except ValueError:
            log("%s: line %d: %r is not a number"
                % (src, line, row["adressen"]))
            return 1
        region = REGIONS.get(code)
        if region is None:
            log("%s: line %d: gemeente %s is not in the region, skipped"
                % (src, line, code))
            continue
        status = (row.get("status") or "").strip().lower()
        out.append({"indicator": INDICATOR, "region": region,
                    "period": year, "value": value,
                    "status": "provisional" if status == "voorlopig"
                    else "final"})
    for o in out:
        print(json.dumps(o))
    log("%d observations from %s" % (len(out), src))
    return 0


if __name__ == "__main__":
    sys.exit(main())
