#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Write the CBS OData v4 metadata of the synthetic v3 table of
make_v3.py (85268NED-like), so that a test has one table in both APIs:
Properties, Dimensions, MeasureCodes and the code lists (GeslachtCodes,
RegioSCodes, PeriodenCodes) in the shape of the v4 recordings in v4/,
under the names a file: base reads.  The measures have the v3 topics'
titles, units and decimals, in the same order, with v4-style codes
(M000001 ...) instead of the v3 keys; the codes are the v3 keys trimmed.
Synthetic like make_v3.py; deterministic.

    /usr/bin/python3 tests/data/cbs/make_v4_twin.py OUTDIR

writes OUTDIR/85268NED/*.json.  From Python: build(outdir) returns the
measure codes by v3 key.
"""
import os
import sys

import make_v3

BASE = "https://datasets.cbs.nl/odata/v1/CBS"


def envelope(entity, value):
    return {"@odata.context": "%s/%s/$metadata#%s"
            % (BASE, make_v3.TABLE, entity), "value": value}


def codes(pairs):
    return [{"Identifier": code, "Index": i + 1, "Title": title,
             "Description": "", "DimensionGroupId": None}
            for i, (code, title) in enumerate(pairs)]


def build(outdir):
    d = os.path.join(outdir, make_v3.TABLE)
    os.makedirs(d, exist_ok=True)
    make_v3.write(os.path.join(d, "properties.json"), {
        "@odata.context": "%s/%s/$metadata#Properties"
                          % (BASE, make_v3.TABLE),
        "Identifier": make_v3.TABLE, "Title": "Arbeidsdeelname; provincie",
        "Modified": make_v3.MODIFIED, "TemporalCoverage": "2013 t/m 2025",
        "Frequency": "Perkwartaal", "Status": "Regulier"})
    make_v3.write(os.path.join(d, "dimensions.json"), envelope(
        "Dimensions", [
            {"Identifier": "Geslacht", "Title": "Geslacht",
             "Kind": "Dimension"},
            {"Identifier": "RegioS", "Title": "Regio's",
             "Kind": "GeoDimension"},
            {"Identifier": "Perioden", "Title": "Perioden",
             "Kind": "TimeDimension"}]))
    keys = {}
    measures = []
    for n, (key, title, unit, dec) in enumerate(make_v3.TOPICS):
        code = "M%06d" % (n + 1)
        keys[key] = code
        measures.append({"Identifier": code, "Index": n + 1,
                         "Title": title, "Description": "",
                         "MeasureGroupId": None, "DataType": "Double",
                         "Unit": unit, "Decimals": dec,
                         "PresentationType": None})
    make_v3.write(os.path.join(d, "measure-codes.json"),
                  envelope("MeasureCodes", measures))
    make_v3.write(os.path.join(d, "codes-Geslacht.json"),
                  envelope("GeslachtCodes", codes(make_v3.GESLACHT)))
    make_v3.write(os.path.join(d, "codes-RegioS.json"),
                  envelope("RegioSCodes", codes(make_v3.REGIOS)))
    per = codes([(k, t) for k, t, _, _ in make_v3.periods()])
    for row, (_, _, _, status) in zip(per, make_v3.periods()):
        row["Status"] = status
    make_v3.write(os.path.join(d, "codes-Perioden.json"),
                  envelope("PeriodenCodes", per))
    return keys


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_v4_twin.py OUTDIR")
    build(sys.argv[1])


if __name__ == "__main__":
    main()
