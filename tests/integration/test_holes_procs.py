#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Processes that must not outlive their run, and the checks on what is
loaded and run (issue 20, points 7, 13 and 16):

- the mail sender of a `run` killed with SIGKILL while it waits on an
  SMTP server that never answers dies too, so the next `run` is not
  refused by a dead parent's lock; and a lock a gone process took but
  something else still holds is reported as such;
- what an exec program started with setsid() is gone after the run, at
  its normal end and at the source's timeout;
- a plugin directory writable by group or others (or owned by another
  user) is refused with a clear error;
- a relative exec program path is taken from the configuration's
  directory, and check-config checks it there.

Run from the repository root:

    /usr/bin/python3 tests/integration/test_holes_procs.py
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
import rmtest  # noqa: E402

MAILQ = os.path.join(rmtest.BUILD, "tests", "tools", "mailq")

# An exec program.  one: print an observation.  escape FILE: start a
# grandchild that leaves the process group (setsid) and the pipes, write
# its pid to FILE, print an observation, exit.  escape-hang FILE: the
# same, then never exit.
PROG = r'''#!/usr/bin/python3
import json, os, sys, time
def obs():
    print(json.dumps({"indicator": "unemployment-rate",
                      "region": "groningen", "period": "2020",
                      "value": 4.4, "status": "final"}), flush=True)
mode = sys.argv[1]
if mode.startswith("escape"):
    r, w = os.pipe()
    if os.fork() == 0:
        os.setsid()
        fd = os.open("/dev/null", os.O_RDWR)
        for i in (0, 1, 2):
            os.dup2(fd, i)
        with open(sys.argv[2] + ".tmp", "w") as f:
            f.write("%d\n" % os.getpid())
        os.rename(sys.argv[2] + ".tmp", sys.argv[2])
        os.close(w)
        time.sleep(300)
        os._exit(0)
    os.close(w)
    os.read(r, 1)       # the grandchild has written its pid
obs()
if mode == "escape-hang":
    time.sleep(300)
'''


def alive(pid):
    """True if pid is a running process (a zombie counts as dead)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def children(pid):
    """The pids whose parent is pid (from /proc/PID/stat: not every
    kernel has /proc/PID/task/TID/children)."""
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        if ppid == pid:
            out.append(int(name))
    return out


def wait_dead(pids, within):
    end = time.monotonic() + within
    while any(alive(p) for p in pids) and time.monotonic() < end:
        time.sleep(0.05)
    return [p for p in pids if alive(p)]


class HolesProcs(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="test_holes_procs.")
        self.prog = os.path.join(self.tmp, "prog.py")
        with open(self.prog, "w") as f:
            f.write(PROG)
        os.chmod(self.prog, 0o755)
        self.envs = []
        self.pids = []

    def tearDown(self):
        for p in self.pids:
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for e in self.envs:
            e.close()
        shutil.rmtree(self.tmp)

    def env(self, sources, **kw):
        e = rmtest.Env(sources, **kw)
        self.envs.append(e)
        return e

    def exec_source(self, *args, src_timeout="60s", **config):
        cfg = {"command": [self.prog] + list(args)}
        cfg.update(config)
        return {"name": "x", "plugin": "exec", "timeout": src_timeout,
                "config": cfg}

    def read_pid(self, path):
        with open(path) as f:
            pid = int(f.read())
        self.pids.append(pid)
        return pid

    # 7: the mail sender dies with a killed `run`.

    def test_killed_run_takes_its_mail_sender_along(self):
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        self.addCleanup(silent.close)
        mail = {"from": "regiomon@example.org",
                "to": ["analist@example.org"],
                "smtp": {"url": "smtp://127.0.0.1:%d" %
                         silent.getsockname()[1], "timeout": "30s"}}
        env = self.env([self.exec_source("one")], extra={"mail": mail})
        q = subprocess.run([MAILQ, env.conf, "queue", "-s", "queued"],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(q.returncode, 0, q.stderr)
        run = subprocess.Popen(
            [rmtest.BIN, "-c", env.conf, "-P", env.plugin_dir, "-S",
             env.state, "run"], stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        self.pids.append(run.pid)
        # The sender has connected: it waits for a greeting that never
        # comes, under the run's state lock.
        silent.settimeout(30)
        conn, _ = silent.accept()
        self.addCleanup(conn.close)
        senders = children(run.pid)
        self.assertTrue(senders, "the run has no child sending mail")
        self.pids += senders
        run.kill()
        run.wait(timeout=10)
        self.assertEqual(wait_dead(senders, 5), [],
                         "the mail sender outlived its killed run")
        # Nothing answers on the port any more: the next run must get
        # the state dir, not wait for or name the dead run.
        env.write_conf({"state_dir": env.state,
                        "plugin_dir": env.plugin_dir,
                        "catalog": [rmtest.CATALOG],
                        "sources": [self.exec_source("one")]})
        r = env.run("run", timeout=60)
        self.assertNotIn("in use by", r.stderr)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(rmtest.rrd_period_value(
            env.rrd("unemployment-rate", "groningen"), "2020"), 4.4)

    def test_lock_left_by_a_gone_process_says_so(self):
        env = self.env([self.exec_source("one")])
        os.makedirs(env.state)
        lock = os.path.join(env.state, "lock")
        # Something still holds the lock that a run, long gone, took.
        holder = subprocess.Popen(
            [sys.executable, "-c", "import fcntl, sys, time\n"
             "f = open(sys.argv[1], 'w')\n"
             "f.write('regiomon run (pid 99999999)\\n')\n"
             "f.flush()\n"
             "fcntl.flock(f, fcntl.LOCK_EX)\n"
             "print('locked', flush=True)\n"
             "time.sleep(60)\n", lock], stdout=subprocess.PIPE,
            text=True)
        self.addCleanup(holder.wait)
        self.addCleanup(holder.kill)
        self.assertEqual(holder.stdout.readline(), "locked\n")
        r = env.run("run")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("%s is locked, but regiomon run (pid 99999999), "
                      "which took the lock, is gone: a process it left "
                      "holds it (fuser -v %s names it); stop that one"
                      % (env.state, lock), r.stderr)

    # 13: nothing an exec program started outlives the run.

    def test_setsid_grandchild_gone_after_the_run(self):
        pidfile = os.path.join(self.tmp, "pid")
        env = self.env([self.exec_source("escape", pidfile)])
        r = env.run("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        pid = self.read_pid(pidfile)
        self.assertFalse(alive(pid), "the setsid() grandchild outlived "
                         "the run")

    def test_setsid_grandchild_gone_at_the_source_timeout(self):
        pidfile = os.path.join(self.tmp, "pid")
        env = self.env([self.exec_source("escape-hang", pidfile,
                                         src_timeout="2s", timeout="1m")])
        r = env.run("run")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("timed out after 2s", r.stderr)
        pid = self.read_pid(pidfile)
        self.assertEqual(wait_dead([pid], 2), [], "the setsid() "
                         "grandchild outlived the source's timeout")

    # 16: the plugin directory is checked like the plugin file.

    def plugin_dir_copy(self):
        d = os.path.join(self.tmp, "plugins")
        os.mkdir(d, 0o755)
        shutil.copy(os.path.join(rmtest.PLUGINS, "exec.so"), d)
        os.chmod(os.path.join(d, "exec.so"), 0o755)
        return d

    def test_group_writable_plugin_dir_refused(self):
        d = self.plugin_dir_copy()
        env = self.env([self.exec_source("one")], plugin_dir=d)
        r = env.run("run")
        self.assertEqual(r.returncode, 0, r.stderr)
        os.chmod(d, 0o775)
        want = ("%s: the plugin directory is writable by group or others "
                "(mode 0775), who could put their own code in it: chmod "
                "go-w %s" % (d, d))
        for cmd in ("check-config", "run"):
            r = env.run(cmd)
            self.assertNotEqual(r.returncode, 0, cmd)
            self.assertIn(want, r.stderr, cmd)

    @unittest.skipUnless(os.geteuid() == 0, "needs root to chown")
    def test_plugin_dir_of_another_user_refused(self):
        d = self.plugin_dir_copy()
        os.chown(d, 65534, -1)
        env = self.env([self.exec_source("one")], plugin_dir=d)
        r = env.run("run")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("%s: the plugin directory is owned by uid 65534, not "
                      "by root or the user regiomon runs as" % d, r.stderr)

    # 16: the unit's limits, each with its reason next to it.

    def test_unit_limits(self):
        with open(os.path.join(TOP, "systemd", "regiomon.service")) as f:
            lines = f.read().splitlines()
        for want in ("TasksMax=", "MemoryHigh=", "MemoryMax=",
                     "IPAddressDeny=link-local multicast",
                     "NoExecPaths=/var/lib/regiomon /tmp",
                     "SystemCallFilter=~process_vm_readv "
                     "process_vm_writev", "LimitCORE=0"):
            at = [i for i, l in enumerate(lines) if l.startswith(want)]
            self.assertEqual(len(at), 1, want)
            self.assertTrue(any(l.startswith("#") for l in
                                lines[max(at[0] - 3, 0):at[0]]),
                            "%s has no comment saying why" % want)

    # 16: a relative program path is the config directory's.

    def run_elsewhere(self, env, *args):
        return subprocess.run(
            [rmtest.BIN, "-c", env.conf, "-P", env.plugin_dir, "-S",
             env.state] + list(args), capture_output=True, text=True,
            timeout=60, cwd="/")

    def test_relative_program_is_the_config_dirs(self):
        env = self.env([{"name": "x", "plugin": "exec",
                         "config": {"command": ["bin/prog.py", "one"]}}])
        r = self.run_elsewhere(env, "check-config")
        self.assertEqual(r.returncode, 78, r.stderr)
        self.assertIn("sources[0].config.command[0]: bin/prog.py "
                      "(relative to the configuration's directory %s): No "
                      "such file or directory; give the program's absolute "
                      "path" % os.path.realpath(env.dir), r.stderr)
        # There, it is found, from whatever directory regiomon starts in.
        os.mkdir(os.path.join(env.dir, "bin"))
        shutil.copy(self.prog, os.path.join(env.dir, "bin", "prog.py"))
        r = self.run_elsewhere(env, "check-config")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.run_elsewhere(env, "run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(rmtest.rrd_period_value(
            env.rrd("unemployment-rate", "groningen"), "2020"), 4.4)

if __name__ == "__main__":
    unittest.main(verbosity=2)
