#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Write a CBS OData v3 table in the wire shape opendata.cbs.nl serves
(as CBS documents its OData v3 services): TableInfos,
DataProperties, the dimension lists (RegioS keys padded to 6 characters
like "PV20  ", Geslacht to 7), Perioden with Status, and the data as
TypedDataSet (numbers, null) and UntypedDataSet (left-padded strings, "x"
and "." for missing cells), each split over pages chained by
"odata.nextLink" ($skip in steps of the page size, as ODataFeed does).

No v3 recording with nextLinks exists in public, so the table is
synthetic: modelled on 85268NED "Arbeidsdeelname; provincie" (labour
force, participation, unemployment by region and quarter/year), with
deterministic values.  Deterministic throughout: the same arguments
write the same bytes.

    /usr/bin/python3 tests/data/cbs/make_v3.py OUTDIR BASE_URL [PAGE_SIZE]

writes OUTDIR/85268NED/{TableInfos,DataProperties,Geslacht,RegioS,
Perioden,TypedDataSet,UntypedDataSet} (page 1) and TypedDataSet.pN /
UntypedDataSet.pN (pages N >= 2), plus OUTDIR/85268NED/routes.json: the
tests/lib/httpd.py rules that serve page N for its nextLink.  BASE_URL is
what the nextLinks start with, e.g. http://127.0.0.1:8080/ODataFeed/odata.
From Python: build(outdir, base_url, page_size) returns the rows and
routes too (see build()).

    /usr/bin/python3 tests/data/cbs/make_v3.py --months TABLE OUTDIR \
        BASE_URL [PAGE_SIZE]

writes the same table under the id TABLE with months (YYYYMMnn) next to
the years and quarters, as CBS's monthly labour tables have them; the
plain form's output does not change.
"""
import json
import os
import sys

TABLE = "85268NED"
MODIFIED = "2026-05-15T02:00:00"

GESLACHT = [("T001038", "Totaal mannen en vrouwen"), ("3000", "Mannen"),
            ("4000", "Vrouwen")]
REGIOS = [("NL01", "Nederland"), ("LD01", "Noord-Nederland (LD)"),
          ("PV20", "Groningen (PV)"), ("PV21", "Fryslân (PV)"),
          ("PV22", "Drenthe (PV)"), ("GM0014", "Groningen (gemeente)"),
          ("GM0106", "Assen"), ("GM1730", "Tynaarlo")]
YEARS = list(range(2013, 2026))
# (key, title, unit, decimals)
TOPICS = [
    ("Beroepsbevolking_1", "Beroepsbevolking", "x 1 000", 0),
    ("WerkzameBeroepsbevolking_2", "Werkzame beroepsbevolking", "x 1 000",
     0),
    ("NettoArbeidsparticipatie_12", "Netto arbeidsparticipatie", "%", 1),
    ("Werkloosheidspercentage_13", "Werkloosheidspercentage", "%", 1),
]


def pad(code, width):
    return code + " " * (width - len(code))


MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli",
          "augustus", "september", "oktober", "november", "december"]


def periods(months=False):
    """Keys, titles and statuses, years, quarters (and months) as CBS
    orders them: the last year provisional, the one before it 'nader
    voorlopig'."""
    out = []
    for y in YEARS:
        status = ("Voorlopig" if y == YEARS[-1] else
                  "NaderVoorlopig" if y == YEARS[-2] else "Definitief")
        desc = {"Voorlopig": "Voorlopige cijfers",
                "NaderVoorlopig": "Nader voorlopige cijfers"}.get(status, "")
        out.append(("%dJJ00" % y, "%d" % y, desc, status))
        for q in range(1, 5):
            out.append(("%dKW%02d" % (y, q), "%d %de kwartaal" % (y, q),
                        desc, status))
        for m in range(1, 13 if months else 1):
            out.append(("%dMM%02d" % (y, m), "%d %s" % (y, MONTHS[m - 1]),
                        desc, status))
    return out


def value(topic, sex, region, period):
    """A deterministic, plausible value (a float with at most one
    decimal), or None where CBS publishes nothing: gemeenten have no
    quarterly or monthly figures, and Tynaarlo's 2014 figures are
    suppressed."""
    if region.startswith("GM") and period[4:6] in ("KW", "MM"):
        return None
    if region == "GM1730" and period.startswith("2014"):
        return None
    h = 0
    for ch in topic + sex + region + period:
        h = (h * 131 + ord(ch)) % 1000003
    y = int(period[:4]) - 2013
    # Labour force in thousands, roughly each region's size, growing 1% a
    # year with a wobble of at most 1.5%: a demo an analyst can believe.
    labour = {"NL01": 9100, "LD01": 850, "PV20": 300, "PV21": 330,
              "PV22": 250, "GM0014": 125, "GM0106": 34, "GM1730": 17}
    wobble = 1 + ((h % 31) - 15) / 1000
    if topic.startswith("Beroepsbevolking"):
        return float(round(labour[region] * (1 + y * 0.01) * wobble, 0))
    if topic.startswith("Werkzame"):
        return float(round(labour[region] * 0.95 * (1 + y * 0.01) *
                           wobble, 0))
    if topic.startswith("Netto"):
        return round(66 + (h % 40) / 10, 1)
    return round(3 + (h % 30) / 10, 1)


def rows_of(typed, months=False):
    out = []
    i = 0
    for sex, _ in GESLACHT:
        for reg, _ in REGIOS:
            for per, _, _, _ in periods(months):
                row = {"ID": i, "Geslacht": pad(sex, 7), "RegioS": pad(reg, 6),
                       "Perioden": per}
                for key, _, _, dec in TOPICS:
                    v = value(key, sex, reg, per)
                    if typed:
                        row[key] = v
                    elif v is None:
                        # Suppressed cells read "x", impossible ones ".".
                        row[key] = "       x" if reg == "GM1730" and \
                            per[4:6] == "JJ" else "       ."
                    else:
                        text = ("%.0f" if dec == 0 else "%.1f") % v
                        row[key] = "%8s" % text
                out.append(row)
                i += 1
    return out


def envelope(base, entity, value_, next_link=None, table=TABLE):
    doc = {"odata.metadata": "%s/%s/$metadata#Cbs.OData.WebAPI.%s"
           % (base, table, entity), "value": value_}
    if next_link:
        doc["odata.nextLink"] = next_link
    return doc


def data_properties():
    props = [
        {"odata.type": "Cbs.OData.Dimension", "ID": 0, "Position": 0,
         "ParentID": None, "Type": "Dimension", "Key": "Geslacht",
         "Title": "Geslacht", "Description": ""},
        {"odata.type": "Cbs.OData.GeoDimension", "ID": 1, "Position": 1,
         "ParentID": None, "Type": "GeoDimension", "Key": "RegioS",
         "Title": "Regio's", "Description": "", "MapYear": 2024,
         "ReleasePolicy": False},
        {"odata.type": "Cbs.OData.TimeDimension", "ID": 2, "Position": 2,
         "ParentID": None, "Type": "TimeDimension", "Key": "Perioden",
         "Title": "Perioden", "Description": "", "ReleasePolicy": True},
        {"odata.type": "Cbs.OData.TopicGroup", "ID": 3, "Position": 3,
         "ParentID": None, "Type": "TopicGroup", "Key": "",
         "Title": "Arbeidsdeelname", "Description": ""},
    ]
    for n, (key, title, unit, dec) in enumerate(TOPICS):
        props.append({"odata.type": "Cbs.OData.Topic", "ID": 4 + n,
                      "Position": 4 + n, "ParentID": 3, "Type": "Topic",
                      "Key": key, "Title": title, "Description": "",
                      "Datatype": "Double", "Unit": unit, "Decimals": dec,
                      "Default": "Missing"})
    return props


def write(path, doc):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))


def build(outdir, base, page_size=500, url_prefix=None, table=TABLE,
          months=False):
    """Write the table under outdir/TABLE.  base: the service URL the
    nextLinks start with.  url_prefix: the server path of outdir (default:
    the path part of base).  months: add monthly periods.  Returns
    {"typed": rows, "untyped": rows, "periods": [(key, title, description,
    status), ...], "routes": [...], "pages": {entity: [nextLink, ...]}}."""
    d = os.path.join(outdir, table)
    os.makedirs(d, exist_ok=True)
    if url_prefix is None:
        url_prefix = "/" + base.split("://", 1)[1].split("/", 1)[1]

    def env(entity, value_, next_link=None):
        return envelope(base, entity, value_, next_link, table)

    write(os.path.join(d, "TableInfos"), env("TableInfos", [{
        "ID": 0, "Title": "Arbeidsdeelname; provincie",
        "ShortTitle": "Arbeidsdeelname; provincie", "Identifier": table,
        "Summary": "Beroepsbevolking, arbeidsparticipatie en werkloosheid",
        "Modified": MODIFIED, "MetaDataModified": MODIFIED,
        "ReasonDelivery": "Actualisering", "ExplanatoryText": "",
        "OutputStatus": "Regulier", "Source": "CBS.", "Language": "nl",
        "Catalog": "CBS",
        "Frequency": "Permaand" if months else "Perkwartaal",
        "Period": "2013 t/m 2025", "ShortDescription": "",
        "Description": "", "DefaultPresentation": "",
        "DefaultSelection": "$filter=((Geslacht eq 'T001038'))",
        "GraphTypes": "Table,Bar,Line", "RecordCount": 0,
        "ColumnCount": 4 + len(TOPICS), "SearchPriority": "2"}]))
    write(os.path.join(d, "DataProperties"),
          env("DataProperties", data_properties()))
    write(os.path.join(d, "Geslacht"), env("Geslacht", [
        {"Key": pad(k, 7), "Title": t, "Description": "",
         "CategoryGroupID": None} for k, t in GESLACHT]))
    write(os.path.join(d, "RegioS"), env("RegioS", [
        {"Key": pad(k, 6), "Title": t, "Description": "",
         "CategoryGroupID": 1} for k, t in REGIOS]))
    pers = periods(months)
    write(os.path.join(d, "Perioden"), env("Perioden", [
        {"Key": k, "Title": t, "Description": desc, "Status": s}
        for k, t, desc, s in pers]))
    out = {"routes": [], "pages": {}, "periods": pers}
    for entity, typed in (("TypedDataSet", True), ("UntypedDataSet", False)):
        rows = rows_of(typed, months)
        out["typed" if typed else "untyped"] = rows
        chunks = [rows[i:i + page_size]
                  for i in range(0, len(rows), page_size)]
        links = []
        for n, chunk in enumerate(chunks):
            skip = (n + 1) * page_size
            nxt = None
            if n + 1 < len(chunks):
                nxt = "%s/%s/%s?$format=json&$skip=%d" % (base, table,
                                                         entity, skip)
                links.append(nxt)
            name = entity if n == 0 else "%s.p%d" % (entity, n + 1)
            write(os.path.join(d, name), env(entity, chunk, nxt))
            if n > 0:
                out["routes"].append({
                    "regex": r"/%s/%s\?.*\$skip=%d$" % (table, entity,
                                                       n * page_size),
                    "file": "%s/%s/%s" % (url_prefix.strip("/"), table,
                                          name)})
        out["pages"][entity] = links
    write(os.path.join(d, "routes.json"), out["routes"])
    return out


def main():
    args = sys.argv[1:]
    table, months = TABLE, False
    if args[:1] == ["--months"] and len(args) >= 2:
        table, months, args = args[1], True, args[2:]
    if len(args) not in (2, 3):
        sys.stderr.write(__doc__)
        sys.exit(2)
    build(args[0], args[1].rstrip("/"),
          int(args[2]) if len(args) == 3 else 500, table=table,
          months=months)


if __name__ == "__main__":
    main()
