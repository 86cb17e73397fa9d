#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""httpd.py: the loopback HTTP server every regiomon integration test uses.

It serves the files under a root directory on 127.0.0.1 and, through a
routes file, misbehaves on request: error statuses, Retry-After, slow,
truncated and reset replies, and bodies of any size.  Python 3 standard
library only; run it with /usr/bin/python3.

Command line:

    httpd.py --root DIR [--port 0] [--port-file FILE] [--log FILE]
             [--routes ROUTES.json] [--verbose]

It binds 127.0.0.1 (port 0: an ephemeral one), writes the port number to
--port-file once it listens (atomically, so a reader that sees the file
sees the whole number), and appends one line per request to --log:

    GET /path?query 200

with "-" for the status when the connection was reset without an answer.
GET and HEAD serve DIR/PATH (the query string is ignored; nothing outside
DIR is served; a directory or a missing file is a 404).

Routes file: a JSON list of rules, re-read on every request, so a test can
change the server's behaviour between runs by rewriting it.  The first rule
that matches the request's path+query (e.g. "/x.csv?page=2") applies:

    match     substring the path+query must contain
    regex     regular expression it must match (re.search)
              (neither: the rule matches every request)
    times     apply the rule only to the first N matching requests
    status    an int, or a list consumed one element per request
              ([500, 500, 200]: two failures, then success; the last
              element repeats once the list is used up)
    headers   extra response headers, e.g. {"Retry-After": "1"}
    file      serve this file (relative to DIR) instead of the path
    body      serve this literal text instead (UTF-8)
    bytes     serve this many bytes of filler ("x" * N) instead
    chunked   true: send the body chunked, without Content-Length
    gzip      true: gzip the body (Content-Encoding: gzip) when the
              client accepts it
    delay     seconds to wait before answering
    truncate  true: promise a Content-Length larger than the body, send
              the body, then close the connection (a truncated reply)
    reset     true: reset the connection (RST) without answering;
              "mid-body": send the headers and half the body, then reset
    length    promise this Content-Length whatever the body, send the
              body, then close (a huge promise the client must refuse)
    trickle   seconds to wait before each byte of the body (a server
              that keeps the connection alive but hardly sends)
    odata     true: the body is an OData answer ({"value": [rows]}) that
              the request's $filter, $select and $top apply to, as CBS
              applies them: rows are kept where the $filter holds (eq,
              and, or, parentheses, v3 substringof('JJ',Col), v4
              contains(Col,'JJ'); strings compared as they are, padding
              and all), cut to their $select columns and to the first
              $top rows (a nextLink is then dropped); see odata_apply()

A redirect is a status and a Location header:

    [{"match": "/old", "status": 302, "headers": {"Location": "/new"}}]

Example: the first request fails twice with 503, then files are served:

    [{"match": "/data.csv", "status": [503, 503, 200],
      "headers": {"Retry-After": "1"}}]

Counters (times, status lists) belong to a rule's text: rewriting a rule
starts it afresh, leaving it as it was keeps counting.

From Python:

    import httpd
    srv = httpd.start(root, routes=[...])   # or routes="routes.json"
    port, stop, log_path = srv
    srv.set_routes([...])                   # new routes, counters reset
    srv.requests()                          # the log lines so far
    srv.request_headers()                   # [(path+query, headers), ...]
    stop()
"""

import argparse
import gzip as gzip_mod
import http.server
import json
import mimetypes
import os
import re
import socket
import struct
import sys
import tempfile
import threading
import time
import urllib.parse


_TOKEN = re.compile(r"\s*(?:('(?:[^']|'')*')|([A-Za-z_][A-Za-z0-9_]*)"
                    r"|([(),]))")


def _odata_tokens(text):
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ValueError("cannot read $filter at %r" % text[pos:])
        lit, word, punct = m.groups()
        if lit is not None:
            out.append(("lit", lit[1:-1].replace("''", "'")))
        elif word is not None:
            out.append(("word", word))
        else:
            out.append((punct, punct))
        pos = m.end()
    return out


def odata_filter(text):
    """A predicate on a row (a dict) for an OData $filter text: eq, and,
    or, parentheses, substringof('x',Col) and contains(Col,'x')."""
    toks = _odata_tokens(text)
    pos = [0]

    def peek(kind=None, value=None):
        if pos[0] >= len(toks):
            return False
        k, v = toks[pos[0]]
        return (kind is None or k == kind) and (value is None or v == value)

    def take(kind, value=None):
        if not peek(kind, value):
            raise ValueError("$filter: expected %s at token %d of %r"
                             % (value or kind, pos[0], text))
        pos[0] += 1
        return toks[pos[0] - 1][1]

    def primary():
        if peek("("):
            take("(")
            e = disj()
            take(")")
            return e
        name = take("word")
        if name == "substringof":
            take("(")
            sub = take("lit")
            take(",")
            col = take("word")
            take(")")
            return lambda r: sub in str(r.get(col, ""))
        if name == "contains":
            take("(")
            col = take("word")
            take(",")
            sub = take("lit")
            take(")")
            return lambda r: sub in str(r.get(col, ""))
        take("word", "eq")
        want = take("lit")
        return lambda r: r.get(name) == want

    def conj():
        parts = [primary()]
        while peek("word", "and"):
            take("word")
            parts.append(primary())
        return lambda r: all(p(r) for p in parts)

    def disj():
        parts = [conj()]
        while peek("word", "or"):
            take("word")
            parts.append(conj())
        return lambda r: any(p(r) for p in parts)

    pred = disj()
    if pos[0] != len(toks):
        raise ValueError("$filter: unexpected %r" % (toks[pos[0]][1],))
    return pred


def odata_apply(body, target):
    """body (an OData answer's bytes) with the $filter, $select and $top
    of target (path+query) applied to its rows."""
    doc = json.loads(body)
    q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(target).query,
                                    keep_blank_values=True))
    rows = doc.get("value", [])
    if "$filter" in q:
        pred = odata_filter(q["$filter"])
        rows = [r for r in rows if pred(r)]
    if "$select" in q:
        cols = q["$select"].split(",")
        rows = [{c: r[c] for c in cols if c in r} for r in rows]
    if "$top" in q:
        rows = rows[:int(q["$top"])]
        doc.pop("odata.nextLink", None)
        doc.pop("@odata.nextLink", None)
    doc["value"] = rows
    return json.dumps(doc).encode("utf-8")


class _State:
    def __init__(self, root, routes_path, log_path, verbose=False):
        self.root = os.path.realpath(root)
        self.routes_path = routes_path
        self.log_path = log_path
        self.verbose = verbose
        self.lock = threading.Lock()
        self.uses = {}          # rule key -> requests it has answered
        self.seen = []          # (path+query, request headers), in order

    def routes(self):
        if not self.routes_path:
            return []
        try:
            with open(self.routes_path, encoding="utf-8") as f:
                rules = json.load(f)
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as e:
            sys.stderr.write("httpd.py: %s: %s\n" % (self.routes_path, e))
            return []
        if not isinstance(rules, list):
            sys.stderr.write("httpd.py: %s: expected a JSON list\n"
                             % self.routes_path)
            return []
        return rules

    def pick(self, target):
        """The rule for target and how many times it answered before."""
        with self.lock:
            for i, rule in enumerate(self.routes()):
                if not isinstance(rule, dict):
                    continue
                if "match" in rule and rule["match"] not in target:
                    continue
                if "regex" in rule and not re.search(rule["regex"], target):
                    continue
                key = "%d %s" % (i, json.dumps(rule, sort_keys=True))
                n = self.uses.get(key, 0)
                if "times" in rule and n >= int(rule["times"]):
                    continue
                self.uses[key] = n + 1
                return rule, n
        return None, 0

    def log(self, method, target, status, headers=None):
        with self.lock:
            self.seen.append((target, dict(headers or {})))
        if not self.log_path:
            return
        with self.lock:
            with open(self.log_path, "a", encoding="utf-8") as f:
                f.write("%s %s %s\n" % (method, target, status))


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "regiomon-test-httpd"
    sys_version = ""

    def log_message(self, fmt, *args):
        if self.server.state.verbose:
            sys.stderr.write("httpd.py: " + (fmt % args) + "\n")

    def do_GET(self):
        self._answer(head=False)

    def do_HEAD(self):
        self._answer(head=True)

    def _file(self, rel):
        """The bytes of DIR/rel, or None when missing or outside DIR."""
        root = self.server.state.root
        path = os.path.realpath(os.path.join(root, rel.lstrip("/")))
        if path != root and not path.startswith(root + os.sep):
            return None, None
        if not os.path.isfile(path):
            return None, None
        with open(path, "rb") as f:
            return f.read(), mimetypes.guess_type(path)[0]

    def _reset(self):
        # SO_LINGER with a zero timeout turns close() into an RST.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                   struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def _answer(self, head):
        st = self.server.state
        target = self.path
        rule, n = st.pick(target)
        rule = rule or {}
        if rule.get("delay"):
            time.sleep(float(rule["delay"]))
        if rule.get("reset") is True:
            st.log(self.command, target, "-", self.headers)
            self._reset()
            return

        ctype = "application/octet-stream"
        status = 200
        if "body" in rule:
            body = str(rule["body"]).encode("utf-8")
            ctype = "text/plain; charset=utf-8"
        elif "bytes" in rule:
            body = b"x" * int(rule["bytes"])
        else:
            rel = rule.get("file") or urllib.parse.unquote(
                urllib.parse.urlsplit(target).path)
            body, guessed = self._file(rel)
            if body is None:
                body = b"not found\n"
                ctype = "text/plain; charset=utf-8"
                status = 404
            elif guessed:
                ctype = guessed
            if body is not None and status == 200 and rule.get("odata"):
                body = odata_apply(body, target)
                ctype = "application/json"
        if "status" in rule:
            s = rule["status"]
            if isinstance(s, list):
                status = int(s[min(n, len(s) - 1)]) if s else status
            else:
                status = int(s)

        headers = {"Content-Type": ctype}
        if rule.get("gzip") and "gzip" in self.headers.get(
                "Accept-Encoding", ""):
            body = gzip_mod.compress(body)
            headers["Content-Encoding"] = "gzip"
        headers.update({k: str(v) for k, v in
                        (rule.get("headers") or {}).items()})

        st.log(self.command, target, status, self.headers)
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        chunked = bool(rule.get("chunked"))
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        elif "length" in rule:
            self.send_header("Content-Length", str(int(rule["length"])))
        elif rule.get("truncate"):
            self.send_header("Content-Length", str(len(body) + 1000))
        else:
            self.send_header("Content-Length", str(len(body)))
        if rule.get("truncate") or "length" in rule:
            self.send_header("Connection", "close")
        self.end_headers()
        if head:
            return
        if rule.get("reset") == "mid-body":
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            self._reset()
            return
        try:
            if rule.get("trickle"):
                for i in range(len(body)):
                    time.sleep(float(rule["trickle"]))
                    self.wfile.write(body[i:i + 1])
                    self.wfile.flush()
            elif chunked:
                step = 65536
                for i in range(0, len(body), step):
                    part = body[i:i + step]
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                self.wfile.write(b"0\r\n\r\n")
            else:
                self.wfile.write(body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up, e.g. at its size cap.
            self.close_connection = True
            return
        if rule.get("truncate") or "length" in rule:
            self.close_connection = True


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # Clients that hang up early are part of the tests, not news.
        if sys.exc_info()[0] in (BrokenPipeError, ConnectionResetError):
            return
        super().handle_error(request, client_address)


def _make(root, port, routes_path, log_path, verbose=False):
    srv = _Server(("127.0.0.1", port), _Handler)
    srv.state = _State(root, routes_path, log_path, verbose)
    return srv


class Running:
    """A server started by start(); unpacks as (port, stop, log_path)."""

    def __init__(self, srv, thread, tmpdir):
        self._srv = srv
        self._thread = thread
        self._tmpdir = tmpdir
        self.port = srv.server_address[1]
        self.log_path = srv.state.log_path
        self.routes_path = srv.state.routes_path

    def __iter__(self):
        return iter((self.port, self.stop, self.log_path))

    def url(self, path):
        return "http://127.0.0.1:%d/%s" % (self.port, path.lstrip("/"))

    def set_routes(self, routes):
        """Replace the routes; every rule's counters start afresh."""
        tmp = self.routes_path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(routes, f)
        with self._srv.state.lock:
            os.replace(tmp, self.routes_path)
            self._srv.state.uses.clear()

    def requests(self):
        try:
            with open(self.log_path, encoding="utf-8") as f:
                return f.read().splitlines()
        except FileNotFoundError:
            return []

    def request_headers(self):
        """[(path+query, {header: value}), ...] for every request so far."""
        with self._srv.state.lock:
            return list(self._srv.state.seen)

    def stop(self):
        if self._srv is None:
            return
        self._srv.shutdown()
        self._srv.server_close()
        self._thread.join()
        self._srv = None
        self._tmpdir.cleanup()


def start(root, routes=None):
    """Serve root on 127.0.0.1 in a thread.  routes: None, a list of rules
    (written to a private routes file, changeable with set_routes()) or the
    path of a routes file.  Returns a Running, which unpacks as
    (port, stop, log_path)."""
    tmpdir = tempfile.TemporaryDirectory(prefix="httpd.")
    log_path = os.path.join(tmpdir.name, "requests.log")
    if isinstance(routes, str):
        routes_path = routes
    else:
        routes_path = os.path.join(tmpdir.name, "routes.json")
        with open(routes_path, "w", encoding="utf-8") as f:
            json.dump(routes or [], f)
    srv = _make(root, 0, routes_path, log_path)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    return Running(srv, t, tmpdir)


def main():
    ap = argparse.ArgumentParser(description="regiomon's test HTTP server")
    ap.add_argument("--root", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--log")
    ap.add_argument("--routes")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    srv = _make(a.root, a.port, a.routes, a.log, a.verbose)
    if a.port_file:
        tmp = a.port_file + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write("%d\n" % srv.server_address[1])
        os.replace(tmp, a.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    srv.server_close()


if __name__ == "__main__":
    main()
