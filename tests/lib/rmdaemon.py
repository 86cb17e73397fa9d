# SPDX-License-Identifier: ISC
"""rmdaemon.py: `regiomon daemon` started in the background for a test,
with its log in a file, bounded waits on what it logs or does, and a
stop that always reaps it.

    d = rmdaemon.Daemon(env)            # env: an rmtest.Env
    d.wait_log("good: started")
    d.wait(lambda: os.path.exists(path), "the RRD file")
    self.assertEqual(d.stop(), 0)       # SIGTERM, exit status
    d.close()                           # in tearDown: kills if still up
"""
import os
import signal
import subprocess
import time

import rmtest

WAIT = 60       # seconds any single wait may take before the test fails


class Daemon:
    def __init__(self, env, verbose=True, extra_env=None):
        self.log_path = os.path.join(env.dir, "daemon.log")
        self._logf = open(self.log_path, "w")
        e = dict(os.environ)
        e.pop("NOTIFY_SOCKET", None)
        e.pop("WATCHDOG_USEC", None)
        e.pop("JOURNAL_STREAM", None)
        if extra_env:
            e.update(extra_env)
        cmd = [rmtest.BIN, "-c", env.conf, "-P", env.plugin_dir,
               "-S", env.state]
        if verbose:
            cmd.append("-v")
        cmd.append("daemon")
        # Its own process group, so that close() also reaps the plugin
        # children of a daemon that a failed test leaves running.
        self.proc = subprocess.Popen(cmd, stdout=self._logf,
                                     stderr=subprocess.STDOUT, env=e,
                                     start_new_session=True)
        self.pid = self.proc.pid

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def running(self):
        return self.proc.poll() is None

    def wait(self, pred, what, timeout=WAIT, alive=True):
        """Wait until pred() is true; fail, showing the log, if it does
        not become true within timeout seconds or (alive) the daemon
        exits first."""
        end = time.monotonic() + timeout
        while True:
            if pred():
                return
            if alive and not self.running():
                raise AssertionError("daemon exited (%s) while waiting "
                                     "for %s; log:\n%s"
                                     % (self.proc.returncode, what,
                                        self.log()))
            if time.monotonic() > end:
                raise AssertionError("no %s after %ss; log:\n%s"
                                     % (what, timeout, self.log()))
            time.sleep(0.02)

    def count(self, text):
        return self.log().count(text)

    def wait_log(self, text, count=1, timeout=WAIT):
        self.wait(lambda: self.count(text) >= count,
                  "%r x%d in the log" % (text, count), timeout)

    def send(self, sig):
        self.proc.send_signal(sig)

    def stop(self, sig=signal.SIGTERM, timeout=WAIT):
        """Send sig and return the exit status (negative: killed by that
        signal); fails if the daemon does not exit within timeout."""
        if self.running():
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError("daemon still running %ss after %s; "
                                 "log:\n%s" % (timeout, sig, self.log()))

    def wait_exit(self, timeout=WAIT):
        """The exit status, once the daemon exits by itself."""
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError("daemon still running after %ss; log:\n%s"
                                 % (timeout, self.log()))

    def close(self):
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        self._logf.close()
