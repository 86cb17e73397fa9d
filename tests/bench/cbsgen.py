#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""cbsgen.py: a synthetic CBS StatLine v3 table of any size, served from
127.0.0.1 in the ODataFeed wire shape the cbs_statline plugin's "v3-feed"
api reads (as CBS documents its OData v3 services):

    GET /ODataFeed/odata/TABLE/TableInfos?$format=json
    GET /ODataFeed/odata/TABLE/DataProperties?$format=json
    GET /ODataFeed/odata/TABLE/Perioden?$format=json          (with Status)
    GET /ODataFeed/odata/TABLE/RegioS?$format=json&$select=Key
    GET /ODataFeed/odata/TABLE/TypedDataSet?$format=json&$filter=...
        &$select=...[&$skip=N]

The data set holds R regions x M measures x T months (wide rows, one
column per measure, as CBS serves them).  $filter is honoured for its
"RegioS eq '...'" terms, $select for the columns, and pages hold 10,000
rows with an "odata.nextLink" that repeats the query with $skip, as
ODataFeed does.  Pages are rendered once and kept in memory, so the
server costs almost nothing while a benchmark runs against it; a warm-up
run fills the cache.

The values are a deterministic function of (region, measure, month)
shared with floor.c: value() below.  About one cell in 97 is null, and the
last three months are provisional ("Voorlopig").

    /usr/bin/python3 tests/bench/cbsgen.py --regions 400 [--port 0]
        [--port-file FILE] [--log FILE]

Python 3 standard library only.
"""
import argparse
import json
import os
import re
import socket
import socketserver
import sys
import threading
import urllib.parse

TABLE = "99990NED"
MODIFIED = "2026-10-01T02:00:00"
PAGE_ROWS = 10000
FIRST_YEAR = 2005
MEASURES = 10
MONTHS = 250
PROVISIONAL_MONTHS = 3
REGION_WIDTH = 6


def region_code(i):
    """CBS-style code of region i: GM followed by four digits."""
    return "GM%04d" % (1000 + i)


def region_id(i):
    """The bench catalog's id of region i."""
    return "bench-r%04d" % i


def measure_key(m):
    return "Kenmerk%02d_%d" % (m + 1, m + 1)


def indicator_id(m):
    return "bench-m%02d" % (m + 1)


def period_code(t):
    return "%dMM%02d" % (FIRST_YEAR + t // 12, t % 12 + 1)


def value(r, m, t):
    """The cell of region r, measure m, month t: a float, or None.  The
    same integer arithmetic and one IEEE addition as floor.c, so both
    produce the same doubles.  Values stay within 1% of a per-series
    level, so the evaluation finds every series "ok" and mails nothing."""
    h = (r * 2654435761 + m * 40503 + t * 2246822519) & 0xffffffff
    h ^= h >> 15
    h = (h * 2246822519) & 0xffffffff
    h ^= h >> 13
    if h % 97 == 0:
        return None
    return float(1000 + r + 100 * m) + float(h % 100) / 10.0


def fmt(v):
    return "null" if v is None else repr(v)


class Table:
    def __init__(self, nregions, nmeasures=MEASURES, nmonths=MONTHS):
        self.nregions = nregions
        self.nmeasures = nmeasures
        self.nmonths = nmonths
        self.codes = [region_code(i) for i in range(nregions)]
        self.index = {c: i for i, c in enumerate(self.codes)}
        self.keys = [measure_key(m) for m in range(nmeasures)]
        self.cache = {}
        self.lock = threading.Lock()

    def cells(self):
        return self.nregions * self.nmeasures * self.nmonths

    # ---- metadata

    def envelope(self, base, entity, rows, next_link=None):
        doc = {"odata.metadata": "%s/%s/$metadata#Cbs.OData.WebAPI.%s"
               % (base, TABLE, entity), "value": rows}
        if next_link:
            doc["odata.nextLink"] = next_link
        return json.dumps(doc, separators=(",", ":")).encode()

    def table_infos(self, base):
        return self.envelope(base, "TableInfos", [{
            "ID": 0, "Title": "Benchmarktabel; regio, maand",
            "ShortTitle": "Benchmarktabel", "Identifier": TABLE,
            "Summary": "Synthetische tabel voor make bench",
            "Modified": MODIFIED, "MetaDataModified": MODIFIED,
            "ReasonDelivery": "Actualisering", "OutputStatus": "Regulier",
            "Source": "regiomon", "Language": "nl", "Catalog": "CBS",
            "Frequency": "Permaand",
            "Period": "%s t/m %s" % (period_code(0),
                                     period_code(self.nmonths - 1)),
            "RecordCount": self.nregions * self.nmonths,
            "ColumnCount": 3 + self.nmeasures}])

    def data_properties(self, base):
        props = [
            {"odata.type": "Cbs.OData.GeoDimension", "ID": 0,
             "Position": 0, "ParentID": None, "Type": "GeoDimension",
             "Key": "RegioS", "Title": "Regio's", "Description": ""},
            {"odata.type": "Cbs.OData.TimeDimension", "ID": 1,
             "Position": 1, "ParentID": None, "Type": "TimeDimension",
             "Key": "Perioden", "Title": "Perioden", "Description": ""}]
        for m, key in enumerate(self.keys):
            props.append({"odata.type": "Cbs.OData.Topic", "ID": 2 + m,
                          "Position": 2 + m, "ParentID": None,
                          "Type": "Topic", "Key": key,
                          "Title": "Kenmerk %d" % (m + 1),
                          "Description": "", "Datatype": "Double",
                          "Unit": "aantal", "Decimals": 1,
                          "Default": "Missing"})
        return self.envelope(base, "DataProperties", props)

    def perioden(self, base):
        rows = []
        for t in range(self.nmonths):
            prov = t >= self.nmonths - PROVISIONAL_MONTHS
            rows.append({"Key": period_code(t),
                         "Title": period_code(t),
                         "Description": "Voorlopige cijfers" if prov
                         else "",
                         "Status": "Voorlopig" if prov else "Definitief"})
        return self.envelope(base, "Perioden", rows)

    def regios(self, base):
        return self.envelope(base, "RegioS", [
            {"Key": c.ljust(REGION_WIDTH)} for c in self.codes])

    # ---- data

    def data_page(self, base, target, query):
        """One TypedDataSet page for query (a dict of lists)."""
        filt = query.get("$filter", [""])[0]
        codes = re.findall(r"RegioS eq '([^']*)'", filt)
        regions = sorted({self.index[c.strip()] for c in codes
                          if c.strip() in self.index}) if codes \
            else list(range(self.nregions))
        sel = query.get("$select", [""])[0]
        cols = [c.strip() for c in sel.split(",")] if sel else \
            ["ID", "RegioS", "Perioden"] + self.keys
        for c in cols:
            if c not in ("ID", "RegioS", "Perioden") and \
                    c not in self.keys:
                return None
        skip = int(query.get("$skip", ["0"])[0])
        total = len(regions) * self.nmonths
        first, last = skip, min(skip + PAGE_ROWS, total)
        parts = []
        for n in range(first, last):
            r = regions[n // self.nmonths]
            t = n % self.nmonths
            cells = []
            for c in cols:
                if c == "ID":
                    cells.append('"ID":%d' % (r * self.nmonths + t))
                elif c == "RegioS":
                    cells.append('"RegioS":"%s"'
                                 % self.codes[r].ljust(REGION_WIDTH))
                elif c == "Perioden":
                    cells.append('"Perioden":"%s"' % period_code(t))
                else:
                    m = self.keys.index(c)
                    cells.append('"%s":%s' % (c, fmt(value(r, m, t))))
            parts.append("{" + ",".join(cells) + "}")
        nxt = ""
        if last < total:
            q = [(k, v) for k, vs in query.items() for v in vs
                 if k != "$skip"] + [("$skip", str(last))]
            link = "%s/%s/TypedDataSet?%s" % (
                base, TABLE, urllib.parse.urlencode(q, quote_via=urllib.
                                                     parse.quote))
            nxt = ',"odata.nextLink":%s' % json.dumps(link)
        return ('{"odata.metadata":"%s/%s/$metadata#Cbs.OData.WebAPI.'
                'TypedDataSet","value":[%s]%s}' % (base, TABLE,
                                                   ",".join(parts), nxt)
                ).encode()

    def answer(self, base, target):
        """(status, body) for a request target (path?query)."""
        with self.lock:
            hit = self.cache.get(target)
        if hit is not None:
            return 200, hit
        u = urllib.parse.urlsplit(target)
        prefix = urllib.parse.urlsplit(base).path + "/" + TABLE + "/"
        if not u.path.startswith(prefix):
            return 404, b'{"odata.error":{"message":{"value":"no table"}}}'
        entity = u.path[len(prefix):]
        query = urllib.parse.parse_qs(u.query, keep_blank_values=True)
        body = None
        if entity == "TableInfos":
            body = self.table_infos(base)
        elif entity == "DataProperties":
            body = self.data_properties(base)
        elif entity == "Perioden":
            body = self.perioden(base)
        elif entity == "RegioS":
            body = self.regios(base)
        elif entity == "TypedDataSet":
            body = self.data_page(base, target, query)
        if body is None:
            return 404, (b'{"odata.error":{"message":{"value":'
                         b'"unknown entity or column"}}}')
        with self.lock:
            self.cache[target] = body
        return 200, body


class _Handler(socketserver.StreamRequestHandler):
    """A minimal HTTP/1.1 server: GET only, keep-alive, any URL length
    (the plugin's $filter names every region, so URLs get long)."""

    def handle(self):
        srv = self.server
        while True:
            line = self.rfile.readline(1 << 22)
            if not line:
                return
            parts = line.decode("latin-1").split()
            headers = {}
            while True:
                h = self.rfile.readline(1 << 16)
                if not h or h in (b"\r\n", b"\n"):
                    break
                k, _, v = h.decode("latin-1").partition(":")
                headers[k.strip().lower()] = v.strip()
            if len(parts) != 3 or parts[0] not in ("GET", "HEAD"):
                self.wfile.write(b"HTTP/1.1 400 Bad Request\r\n"
                                 b"Content-Length: 0\r\n"
                                 b"Connection: close\r\n\r\n")
                return
            status, body = srv.table.answer(srv.base, parts[1])
            srv.note(parts[1], status, len(body))
            close = headers.get("connection", "").lower() == "close" or \
                parts[2] == "HTTP/1.0"
            head = ("HTTP/1.1 %d %s\r\nContent-Type: application/json;"
                    " charset=utf-8\r\nContent-Length: %d\r\n%s\r\n"
                    % (status, "OK" if status == 200 else "Not Found",
                       len(body), "Connection: close\r\n" if close else ""))
            self.wfile.write(head.encode())
            if parts[0] == "GET":
                self.wfile.write(body)
            self.wfile.flush()
            if close:
                return


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, table, port=0, log_path=None):
        super().__init__(("127.0.0.1", port), _Handler)
        self.table = table
        self.port = self.server_address[1]
        self.base = "http://127.0.0.1:%d/ODataFeed/odata" % self.port
        self.log_path = log_path
        self.count_lock = threading.Lock()
        self.nrequests = 0
        self.nbytes = 0
        self.targets = []

    def note(self, target, status, nbytes):
        with self.count_lock:
            self.nrequests += 1
            self.nbytes += nbytes
            self.targets.append(target)
        if self.log_path:
            with self.count_lock, open(self.log_path, "a") as f:
                f.write("GET %s %d %d\n" % (target, status, nbytes))

    def counters(self):
        """(requests, bytes) served so far."""
        with self.count_lock:
            return self.nrequests, self.nbytes

    def url(self):
        return self.base


def start(nregions, port=0, log_path=None):
    """A server for a table of nregions regions, running in a thread."""
    srv = Server(Table(nregions), port, log_path)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    return srv


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--regions", type=int, default=400)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--log")
    a = ap.parse_args()
    srv = Server(Table(a.regions), a.port, a.log)
    if a.port_file:
        tmp = a.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % srv.port)
        os.rename(tmp, a.port_file)
    sys.stderr.write("cbsgen: %s (%d cells)\n" % (srv.base,
                                                  srv.table.cells()))
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    socket.setdefaulttimeout(None)
    main()
