#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Write share/demo/cbs/: the recorded CBS v4 responses of
tests/data/cbs/v4/ trimmed to what `make demo` stores, so the demo
stays small.  Rows are kept as recorded (only fewer of them); long prose
fields are cut.  Deterministic: run it again and nothing changes.

It also writes share/demo/cbs/v3/85268NED/: no v3 recording exists in
public, so this one is make_v3.py's synthetic table in the v3 wire shape,
cut to the total of both sexes and the catalog's regions, on one page,
under the names a `file:` base reads.

    /usr/bin/python3 tests/data/cbs/make_demo.py [FIXTURES] [OUT]

OUT is the v4 directory; the v3 one is its sibling OUT/../v3.
"""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_v3  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
FIXTURES = os.path.join(TOP, "tests", "data", "cbs", "v4")
OUT = os.path.join(TOP, "share", "demo", "cbs", "v4")

# The regions of the catalog that have a CBS code.
REGIONS = {"NL01", "PV20", "PV22", "GM0106", "GM0014", "GM1966", "GM1952",
           "GM1699", "GM1730", "GM1969"}
TABLES = ["83625NED", "03759ned"]
PROSE = ("Description", "LongDescription")


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def save(path, doc):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")


def cut(text):
    first = text.split("\r\n\r\n")[0]
    return first if len(first) < 400 else first[:397] + "..."


def v3_demo(out):
    """share/demo/cbs/v3/85268NED from make_v3.py: every entity the
    plugin reads, under its file: name, the data on a single page (so no
    nextLink, which would have to be a file: URL)."""
    base = "https://opendata.cbs.nl/ODataFeed/odata"
    table = make_v3.TABLE
    names = {"TableInfos": "table-infos.json",
             "DataProperties": "data-properties.json",
             "Perioden": "codes-Perioden.json",
             "Geslacht": "codes-Geslacht.json",
             "RegioS": "codes-RegioS.json"}
    with tempfile.TemporaryDirectory() as tmp:
        built = make_v3.build(tmp, base, 1000000)
        for entity, name in names.items():
            doc = load(os.path.join(tmp, table, entity))
            save(os.path.join(out, table, name), doc)
    rows = [r for r in built["typed"] if r["Geslacht"].strip() == "T001038"
            and r["RegioS"].strip() in REGIONS]
    for i, r in enumerate(rows):
        r["ID"] = i
    save(os.path.join(out, table, "typed-page-1.json"),
         make_v3.envelope(base, "TypedDataSet", rows))


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else FIXTURES
    out = sys.argv[2] if len(sys.argv) > 2 else OUT
    v3_demo(os.path.join(os.path.dirname(os.path.abspath(out)), "v3"))
    for t in TABLES:
        d = os.path.join(src, t)
        props = load(os.path.join(d, "properties.json"))
        for k in PROSE:
            if isinstance(props.get(k), str):
                props[k] = cut(props[k])
        save(os.path.join(out, t, "properties.json"), props)
        for name in ("measure-codes.json", "dimensions.json",
                     "codes-Perioden.json"):
            doc = load(os.path.join(d, name))
            for row in doc["value"]:
                if isinstance(row.get("Description"), str):
                    row["Description"] = cut(row["Description"])
            save(os.path.join(out, t, name), doc)
        obs = load(os.path.join(d, "observations-page-1.json"))
        obs["value"] = [r for r in obs["value"]
                        if r.get("RegioS", "").strip() in REGIONS]
        save(os.path.join(out, t, "observations-page-1.json"), obs)


if __name__ == "__main__":
    main()
