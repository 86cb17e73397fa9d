#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""sd_notify: `regiomon daemon` with NOTIFY_SOCKET set to a unix datagram
socket this test listens on, as systemd would set it for Type=notify:
READY=1 once started, STATUS= after a cycle, RELOADING=1 with a
MONOTONIC_USEC= taken during the reload and READY=1 again on SIGHUP,
STOPPING=1 on SIGTERM, in that order; the same over an abstract socket;
WATCHDOG=1 pings when WATCHDOG_USEC asks for them, and none when
WATCHDOG_PID names another process; and "<N>" priority prefixes on every
log line when JOURNAL_STREAM says the journal reads them.

Run from the repository root:

    /usr/bin/python3 tests/integration/test_sdnotify.py
"""
import os
import signal
import socket
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import rmdaemon  # noqa: E402
import rmtest  # noqa: E402

GOOD = [["unemployment-rate", "drenthe", "2020", 3.7, False]]
WAIT = 60


def mono_usec():
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000


class Notify(unittest.TestCase):
    def setUp(self):
        self.env = rmtest.Env([{"name": "good", "plugin": "t_ok",
                                "interval": "1s", "config": {"obs": GOOD}}],
                              plugin_dir=rmtest.TEST_PLUGINS)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.d = None

    def tearDown(self):
        if self.d:
            self.d.close()
        self.sock.close()
        self.env.close()

    def start(self, notify_socket, extra_env=None):
        e = {"NOTIFY_SOCKET": notify_socket}
        e.update(extra_env or {})
        self.d = rmdaemon.Daemon(self.env, extra_env=e)
        return self.d

    def recv(self, timeout=WAIT):
        """The next message as {key: value}, or fail after timeout."""
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(4096).decode()
        except socket.timeout:
            raise AssertionError("no notification in %ss; log:\n%s"
                                 % (timeout, self.d.log()))
        return dict(l.split("=", 1) for l in data.split("\n") if l)

    def recv_until(self, key, timeout=WAIT):
        """Messages up to and including the first that sets key."""
        end = time.monotonic() + timeout
        got = []
        while True:
            m = self.recv(max(0.1, end - time.monotonic()))
            got.append(m)
            if key in m:
                return got

    def protocol(self):
        """Start, reload, stop; check the state messages and order."""
        first = self.recv_until("READY")
        self.assertEqual(first[-1]["READY"], "1")
        self.assertIn("STATUS", first[-1])
        self.assertTrue(self.d.running())
        # A cycle reports its result in STATUS=.
        status = [m for m in self.recv_until("STATUS")]
        while "last cycle: 1 ok, 0 failed" not in status[-1]["STATUS"]:
            status = self.recv_until("STATUS")
        # SIGHUP: RELOADING=1 with the reload's monotonic time, then
        # READY=1 again.
        before = mono_usec()
        self.d.send(signal.SIGHUP)
        msgs = self.recv_until("RELOADING")
        after = mono_usec()
        rel = msgs[-1]
        self.assertEqual(rel["RELOADING"], "1")
        self.assertIn("MONOTONIC_USEC", rel)
        self.assertTrue(before <= int(rel["MONOTONIC_USEC"]) <= after,
                        (before, rel, after))
        self.assertTrue(all("READY" not in m for m in msgs))
        msgs = self.recv_until("READY")
        self.assertEqual(msgs[-1]["READY"], "1")
        self.assertIn("reloaded", msgs[-1]["STATUS"])
        # SIGTERM: STOPPING=1, then exit 0.
        self.d.send(signal.SIGTERM)
        msgs = self.recv_until("STOPPING")
        self.assertEqual(msgs[-1]["STOPPING"], "1")
        self.assertTrue(all("READY" not in m and "RELOADING" not in m
                            for m in msgs))
        self.assertEqual(self.d.wait_exit(), 0, self.d.log())

    def test_path_socket(self):
        path = os.path.join(self.env.dir, "notify.sock")
        self.sock.bind(path)
        self.start(path)
        self.protocol()

    def test_abstract_socket(self):
        name = "regiomon-test-%d-%d" % (os.getpid(), time.monotonic_ns())
        self.sock.bind("\0" + name)
        self.start("@" + name)
        self.protocol()

    def test_watchdog(self):
        path = os.path.join(self.env.dir, "notify.sock")
        self.sock.bind(path)
        self.start(path, {"WATCHDOG_USEC": "200000"})
        seen = 0
        while seen < 5:
            if "WATCHDOG" in self.recv():
                seen += 1
        self.assertEqual(self.d.stop(), 0, self.d.log())

    def test_watchdog_for_another_pid(self):
        path = os.path.join(self.env.dir, "notify.sock")
        self.sock.bind(path)
        # WATCHDOG_PID names our process, not the daemon: no pings.
        self.start(path, {"WATCHDOG_USEC": "100000",
                          "WATCHDOG_PID": str(os.getpid())})
        self.recv_until("READY")
        msgs = self.recv_until("STATUS")
        self.d.send(signal.SIGTERM)
        msgs += self.recv_until("STOPPING")
        self.assertTrue(all("WATCHDOG" not in m for m in msgs), msgs)
        self.assertEqual(self.d.wait_exit(), 0, self.d.log())

    def test_journal_prefixes(self):
        # Under systemd (JOURNAL_STREAM set) every line, the plugin
        # children's and the signal handler's included, carries its
        # syslog priority for the journal.
        self.d = d = rmdaemon.Daemon(self.env,
                                     extra_env={"JOURNAL_STREAM": "8:1234"})
        d.wait_log("<6>good: 1 observations, 1 series changed")
        d.wait_log("<5>running 1 sources")
        d.send(signal.SIGTERM)
        self.assertEqual(d.wait_exit(), 0, d.log())
        lines = [l for l in d.log().splitlines() if l]
        self.assertIn("<5>stopping after the store step under way; "
                      "signal again to stop at once", lines)
        for line in lines:
            self.assertRegex(line, r"^<[3-7]>", d.log())

    def test_bad_socket_name(self):
        # A relative name is not the protocol's: said, and run anyway.
        self.start("not/absolute")
        self.d.wait_log("NOTIFY_SOCKET \"not/absolute\": expected")
        self.d.wait_log("good: started")
        self.assertEqual(self.d.stop(), 0, self.d.log())


if __name__ == "__main__":
    unittest.main(verbosity=2)
