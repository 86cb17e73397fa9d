# SPDX-License-Identifier: ISC
"""chromium.py: Debian's headless Chromium driven over the DevTools
protocol on a pipe (--remote-debugging-pipe: commands on fd 3, replies on
fd 4, each a JSON text ended by a NUL byte), so a test can load a page,
ask the browser what it made of it and take a screenshot, with the
standard library only: no npm, no network, no port.

    import chromium
    with chromium.Browser(width=1280, height=2000) as b:
        b.load("file:///tmp/report/index.html")
        b.evaluate("document.images.length")      # JSON-able result
        png = b.screenshot()

The page needs no JavaScript of its own: the expressions run in the
browser as DevTools runs them.  The browser runs with a fresh
--user-data-dir, no sandbox (we are root in CI), no GPU, and without
background networking, component updates or sync, so it contacts
nothing.  Every wait is bounded by the timeout given to Browser().
"""
import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--disable-extensions", "--mute-audio",
         "--remote-debugging-pipe"]


class Error(Exception):
    pass


class Browser:
    def __init__(self, width=1280, height=2000, timeout=60):
        self.timeout = timeout
        self.userdir = tempfile.mkdtemp(prefix="rm-chromium-")
        r, self._cmd_w = os.pipe()
        self._res_r, w = os.pipe()
        # Chromium's ends go to fds 10 and up here, so that bash (dash
        # takes single-digit fds only) can put them on 3 and 4 without
        # one overwriting the other, and then becomes Chromium.
        cmd_r = fcntl.fcntl(r, fcntl.F_DUPFD_CLOEXEC, 10)
        res_w = fcntl.fcntl(w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(r)
        os.close(w)
        self.proc = subprocess.Popen(
            ["/bin/bash", "-c", 'exec "$0" "$@" 3<&%d 4>&%d %d<&- %d>&-' %
             (cmd_r, res_w, cmd_r, res_w), CHROMIUM] + FLAGS +
            ["--user-data-dir=" + self.userdir,
             "--window-size=%d,%d" % (width, height), "about:blank"],
            pass_fds=(cmd_r, res_w), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(cmd_r)
        os.close(res_w)
        self._buf = b""
        self._events = []
        self._id = 0
        self._deadline = time.monotonic() + timeout
        self.session = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self.proc.poll() is None:
            try:
                self._send("Browser.close")
            except OSError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for fd in (self._cmd_w, self._res_r):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.userdir, ignore_errors=True)

    def _send(self, method, params=None, session=None):
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._cmd_w, json.dumps(msg).encode() + b"\0")
        return self._id

    def _read(self):
        """One message from the browser, waiting at most until the
        deadline."""
        while b"\0" not in self._buf:
            left = self._deadline - time.monotonic()
            if left <= 0:
                raise Error("Chromium did not answer within %ds" %
                            self.timeout)
            ready, _, _ = select.select([self._res_r], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._res_r, 1 << 16)
            if not chunk:
                raise Error("Chromium closed its DevTools pipe (exit %s)" %
                            self.proc.poll())
            self._buf += chunk
        msg, _, self._buf = self._buf.partition(b"\0")
        return json.loads(msg)

    def call(self, method, params=None, session=None):
        """Send a command and return its result; events seen meanwhile
        are kept for wait_event()."""
        i = self._send(method, params, session)
        while True:
            m = self._read()
            if m.get("id") == i:
                if "error" in m:
                    raise Error("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            if "method" in m:
                self._events.append(m)

    def wait_event(self, name):
        while True:
            for k, m in enumerate(self._events):
                if m.get("method") == name:
                    return self._events.pop(k)
            m = self._read()
            if "method" in m:
                self._events.append(m)

    def load(self, url):
        """Open url in a new tab and wait for its load event (which
        waits for every image, loaded or broken)."""
        t = self.call("Target.createTarget", {"url": "about:blank"})
        s = self.call("Target.attachToTarget",
                      {"targetId": t["targetId"], "flatten": True})
        self.session = s["sessionId"]
        self.call("Page.enable", session=self.session)
        r = self.call("Page.navigate", {"url": url}, session=self.session)
        if r.get("errorText"):
            raise Error("%s: %s" % (url, r["errorText"]))
        self.wait_event("Page.loadEventFired")

    def evaluate(self, expr):
        r = self.call("Runtime.evaluate",
                      {"expression": expr, "returnByValue": True},
                      session=self.session)
        if "exceptionDetails" in r:
            raise Error("%s: %s" % (expr, r["exceptionDetails"]))
        return r["result"].get("value")

    def screenshot(self, full_page=False):
        params = {"format": "png"}
        if full_page:
            params["captureBeyondViewport"] = True
            m = self.call("Page.getLayoutMetrics", session=self.session)
            size = m["cssContentSize"]
            params["clip"] = {"x": 0, "y": 0, "width": size["width"],
                              "height": size["height"], "scale": 1}
        r = self.call("Page.captureScreenshot", params, session=self.session)
        return base64.b64decode(r["data"])


def available():
    return os.access(CHROMIUM, os.X_OK)
