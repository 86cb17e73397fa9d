#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Write share/demo/cbs/: the recorded CBS v4 responses of
../shared/fixtures/cbs-v4/ trimmed to what `make demo` stores, so the demo
stays small.  Rows are kept as recorded (only fewer of them); long prose
fields are cut.  Deterministic: run it again and nothing changes.

    /usr/bin/python3 tests/data/cbs/make_demo.py [FIXTURES] [OUT]
"""
import json
import os
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
FIXTURES = os.path.join(TOP, "..", "shared", "fixtures", "cbs-v4")
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


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else FIXTURES
    out = sys.argv[2] if len(sys.argv) > 2 else OUT
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
