# SPDX-License-Identifier: ISC
"""A source without a modification stamp sends every series every run.
A series sent again with the same points is known unchanged by the digest
its state keeps with the stamp of its file (daemon/run/apply.c,
doc/storage.md): its RRD file is not opened.  Anything else is compared
with the file as before: a revised value (one ulp is enough) is stored
bit for bit, and a file deleted, replaced (even in place with its old
mtime put back) or a state lost falls back to the full compare.  A new
release (one more period) into a file that holds exactly the points sent
before is appended without a compare and evaluated from the points in
hand, the same values and evaluations as with the compare
(REGIOMON_NO_DIGEST=1 in a twin state dir); with rrdcached, a series
appended to keeps no digest until a compare has flushed it.

Which files a run opens is seen with inotify (IN_OPEN on every series
directory, watched only while regiomon runs): a stat does not show
there, an open by librrd does."""
import ctypes
import json
import math
import os
import shutil
import struct
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import rmtest  # noqa: E402

UR = "unemployment-rate"
REGIONS = ["groningen", "drenthe", "assen", "nl"]
YEARS = [str(y) for y in range(2012, 2024)]

IN_OPEN = 0x20
IN_NONBLOCK = 0o4000
IN_CLOEXEC = 0o2000000


def value(region, year):
    return REGIONS.index(region) * 10 + int(year) / 8 + 0.1


def points(revise=None, years=YEARS, skip=()):
    """Every series, year by year; revise: {(region, year): value}; skip:
    (region, year) pairs left out."""
    obs = []
    for r in REGIONS:
        for y in years:
            if (r, y) in skip:
                continue
            v = value(r, y)
            if revise and (r, y) in revise:
                v = revise[(r, y)]
            obs.append([UR, r, y, v, False])
    return obs


class Opens:
    """The files opened in the series directories of state while it is
    open (inotify IN_OPEN)."""

    def __init__(self, state):
        self.libc = ctypes.CDLL("libc.so.6", use_errno=True)
        self.fd = self.libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        self.dirs = {}
        top = os.path.join(state, "rrd")
        for d in sorted(os.listdir(top)):
            path = os.path.join(top, d)
            wd = self.libc.inotify_add_watch(self.fd, path.encode(),
                                             IN_OPEN)
            if wd < 0:
                raise OSError(ctypes.get_errno(), "inotify_add_watch " +
                              path)
            self.dirs[wd] = d

    def close(self):
        """The names ("indicator/file") opened since, each once."""
        names = set()
        while True:
            try:
                buf = os.read(self.fd, 65536)
            except BlockingIOError:
                break
            i = 0
            while i < len(buf):
                wd, _, _, n = struct.unpack_from("iIII", buf, i)
                name = buf[i + 16:i + 16 + n].rstrip(b"\0").decode()
                names.add("%s/%s" % (self.dirs.get(wd, "?"), name))
                i += 16 + n
        os.close(self.fd)
        return names


class UnchangedDigest(unittest.TestCase):
    def setUp(self):
        self.env = rmtest.Env([], plugin_dir=rmtest.TEST_PLUGINS)
        self.cached = None

    def tearDown(self):
        self.env.close()

    def start_rrdcached(self):
        """rrdcached on a unix socket, writing nothing on its own (-w
        3600): an append stays in its queue until regiomon flushes."""
        rrdcached = shutil.which("rrdcached") or "/usr/bin/rrdcached"
        if not os.access(rrdcached, os.X_OK):
            self.fail("rrdcached is not installed (make deps-test)")
        sock = os.path.join(self.env.dir, "rrdcached.sock")
        journal = os.path.join(self.env.dir, "journal")
        os.makedirs(os.path.join(self.env.state, "rrd"))
        os.makedirs(journal)
        p = subprocess.Popen(
            [rrdcached, "-g", "-l", "unix:" + sock, "-b",
             os.path.join(self.env.state, "rrd"), "-B", "-w", "3600", "-z",
             "1", "-f", "7200", "-F", "-j", journal, "-p",
             os.path.join(self.env.dir, "pid")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def stop():
            p.terminate()
            p.wait(30)
        self.addCleanup(stop)
        end = time.monotonic() + 30
        while not os.path.exists(sock):
            if p.poll() is not None or time.monotonic() > end:
                self.fail("rrdcached did not start")
            time.sleep(0.02)
        self.cached = "unix:" + sock

    def run_obs(self, obs, nchanged, env=None, on=None):
        """One `regiomon run` of obs (in on, default self.env); the RRD
        files it opened."""
        if on is not None:
            keep = self.env
            self.env = on
            try:
                return self.run_obs(obs, nchanged, env)
            finally:
                self.env = keep
        self.env.write_conf({
            "state_dir": self.env.state, "plugin_dir": rmtest.TEST_PLUGINS,
            "catalog": [rmtest.CATALOG],
            # The report reads every file it draws: not what is tested.
            "report": {"enabled": False},
            "store": {"rrdcached": self.cached} if self.cached else {},
            "sources": [{"name": "s", "plugin": "t_ok",
                         "config": {"obs": obs}}]})
        watch = None
        if os.path.isdir(os.path.join(self.env.state, "rrd")):
            watch = Opens(self.env.state)
        r = self.env.run("-v", "run", env=env)
        opened = watch.close() if watch else set()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("s: %d observations, %d series changed"
                      % (len(obs), nchanged), r.stderr)
        self.err = r.stderr
        return {n for n in opened if n.endswith(".rrd")}

    def rrd(self, region):
        return self.env.rrd(UR, region)

    def check(self, revise=None, years=YEARS):
        for r in REGIONS:
            for y in years:
                want = value(r, y)
                if revise and (r, y) in revise:
                    want = revise[(r, y)]
                got = rmtest.rrd_period_value(self.rrd(r), y)
                if want is None:
                    self.assertIsNone(got, "%s %s" % (r, y))
                    continue
                self.assertEqual(struct.pack("<d", got),
                                 struct.pack("<d", want),
                                 "%s %s: stored %r, sent %r" % (r, y, got,
                                                                want))

    def file_bytes(self):
        out = {}
        for r in REGIONS:
            with open(self.rrd(r), "rb") as f:
                out[r] = f.read()
        return out

    def test_unchanged_opens_no_file(self):
        self.run_obs(points(), 4)
        self.check()
        before = self.file_bytes()
        st = self.env.state_json()["series"]
        updated = {r: st[UR + "/" + r]["updated"] for r in REGIONS}
        opened = self.run_obs(points(), 0)
        self.assertEqual(opened, set(),
                         "a run that sent the same points again opened "
                         "these RRD files; expected none (their digest "
                         "and stamp are in state.json)")
        self.assertIn("4 known unchanged (files not opened)", self.err)
        self.assertEqual(self.file_bytes(), before)
        st = self.env.state_json()["series"]
        for r in REGIONS:
            self.assertEqual(st[UR + "/" + r]["updated"], updated[r])
            self.assertIn("stored", st[UR + "/" + r])
        # The same run with the digest off compares every file, and finds
        # the same: nothing changed.
        opened = self.run_obs(points(), 0, env={"REGIOMON_NO_DIGEST": "1"})
        self.assertEqual(opened, {"%s/%s.rrd" % (UR, r) for r in REGIONS})
        self.assertEqual(self.file_bytes(), before)

    def test_revised_value_stored_exactly(self):
        self.run_obs(points(), 4)
        # One ulp up, a value sent missing, and -0 for a value that was 0
        # (stored as 0: no change, as the compare has it).
        revise = {("drenthe", "2015"): math.nextafter(
            value("drenthe", "2015"), math.inf),
            ("drenthe", "2016"): None}
        opened = self.run_obs(points(revise), 1)
        self.assertEqual(opened, {"%s/drenthe.rrd" % UR},
                         "a run that revised one series opened other "
                         "series' files")
        self.assertIn("3 known unchanged (files not opened)", self.err)
        self.check(revise)
        # A value of 0, then -0: the same to the store, known unchanged.
        zero = dict(revise)
        zero[("nl", "2020")] = 0.0
        self.run_obs(points(zero), 1)
        neg = dict(revise)
        neg[("nl", "2020")] = -0.0
        opened = self.run_obs(points(neg), 0)
        self.assertEqual(opened, set())
        self.check(zero)

    def test_release_appended_exactly(self):
        # The same runs in a twin state dir with the digest off: every
        # value and every evaluation must come out the same.
        twin = rmtest.Env([], plugin_dir=rmtest.TEST_PLUGINS)
        self.addCleanup(twin.close)
        off = {"REGIOMON_NO_DIGEST": "1"}
        # Assen's 2020 (the baseline year) left out after the first run:
        # its file holds more than what is sent.
        first = [("assen", "2020")]
        release = YEARS + ["2024"]
        revise = {("drenthe", "2015"): 77.125}
        runs = [(points(), 4), (points(skip=first), 0),
                (points(revise, release, first), 4),
                (points(revise, release, first), 0)]
        for i, (obs, nchanged) in enumerate(runs):
            self.run_obs(obs, nchanged, env=off, on=twin)
            self.run_obs(obs, nchanged)
            if i == 2:
                # Groningen and nl: the file held exactly the points sent
                # before, 2024 appended without a compare.  Drenthe (a
                # revision) and Assen (its file holds 2020, no longer
                # sent) are compared with their files.
                self.assertIn("0 known unchanged (files not opened), 2 "
                              "appended to without a compare", self.err)
        self.assertIn("4 known unchanged (files not opened)", self.err)
        self.check(revise, release)
        for y in ("2020",):
            self.assertEqual(rmtest.rrd_period_value(self.rrd("assen"), y),
                             value("assen", y))
        # The twin's evaluations dropped: its next cycle makes them anew
        # from the files, the reference for those made from the points
        # in hand.
        path = os.path.join(twin.state, "state.json")
        st = twin.state_json()
        for ss in st["series"].values():
            ss.pop("eval", None)
        with open(path, "w") as f:
            json.dump(st, f)
        self.run_obs(runs[-1][0], 0, env=off, on=twin)
        mine = self.env.state_json()["series"]
        theirs = twin.state_json()["series"]
        keys = ("judged", "since", "baseline", "latest", "shift_abs",
                "shift_pct", "target", "stale_after", "reason", "rules")
        for r in REGIONS:
            a = mine[UR + "/" + r]["eval"]
            b = theirs[UR + "/" + r]["eval"]
            self.assertEqual({k: a.get(k) for k in keys},
                             {k: b.get(k) for k in keys},
                             "%s: evaluated from the points in hand, not "
                             "as from its file" % r)
            self.assertEqual(a["latest"]["period"], "2024")

    def test_rrdcached_append_not_stamped(self):
        # An append through rrdcached waits in its queue, the file not
        # yet written: the series keeps no digest after that run, so the
        # next run compares (flushing rrdcached first) and finds the
        # revision of the period just appended.
        self.start_rrdcached()
        release = YEARS + ["2024"]
        self.run_obs(points(), 4)
        self.run_obs(points(), 0)
        self.assertEqual(self.run_obs(points(), 0), set())
        self.run_obs(points(None, release), 4)
        self.assertIn("4 appended to without a compare", self.err)
        st = self.env.state_json()["series"]
        for r in REGIONS:
            self.assertNotIn("stored", st[UR + "/" + r])
        revise = {("nl", "2024"): 42.5}
        self.run_obs(points(revise, release), 1)
        self.assertIn("0 appended to without a compare", self.err)
        self.check(revise, release)

    def test_crash_between_files_and_state(self):
        # A crash after the batch's commit and before state.json was
        # written: the files are new, the state is the one before the
        # run (put back here).  Its stamps no longer match: the next run
        # compares, finds the files already hold everything, and stamps
        # them; the run after that opens nothing.
        release = YEARS + ["2024"]
        self.run_obs(points(), 4)
        path = os.path.join(self.env.state, "state.json")
        with open(path, "rb") as f:
            before = f.read()
        self.run_obs(points(None, release), 4)
        with open(path, "wb") as f:
            f.write(before)
        opened = self.run_obs(points(None, release), 0)
        self.assertEqual(opened, {"%s/%s.rrd" % (UR, r) for r in REGIONS})
        self.assertIn("0 appended to without a compare", self.err)
        self.check(None, release)
        self.assertEqual(self.run_obs(points(None, release), 0), set())
        # The same crash, and the source then sends the old points again:
        # compared (the files hold 2024 too), nothing changed or lost.
        with open(path, "wb") as f:
            f.write(before)
        self.run_obs(points(), 0)
        self.check(None, release)

    def test_fallbacks(self):
        self.run_obs(points(), 4)
        old = self.file_bytes()
        revise = {("groningen", "2013"): 123.25}
        self.run_obs(points(revise), 1)
        others = {"%s/%s.rrd" % (UR, r) for r in REGIONS[1:]}

        # The old file put back in place, its mtime too: the ctime and
        # the bytes differ, the stamp tells.
        path = self.rrd("groningen")
        st = os.stat(path)
        with open(path, "r+b") as f:
            f.write(old["groningen"])
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
        opened = self.run_obs(points(revise), 1)
        self.assertEqual(opened & others, set())
        self.assertIn("%s/groningen.rrd" % UR, opened)
        self.check(revise)

        # The old file copied over it (another inode).
        shutil.copyfile(path, path + ".new")
        with open(path + ".new", "wb") as f:
            f.write(old["groningen"])
        os.rename(path + ".new", path)
        opened = self.run_obs(points(revise), 1)
        self.assertEqual(opened & others, set())
        self.check(revise)

        # The file deleted: written afresh from the points sent.
        os.unlink(path)
        opened = self.run_obs(points(revise), 1)
        self.assertEqual(opened & others, set())
        self.check(revise)

        # The state lost: every file compared once, and found unchanged
        # but the one put back old.
        with open(path, "wb") as f:
            f.write(old["groningen"])
        os.unlink(os.path.join(self.env.state, "state.json"))
        opened = self.run_obs(points(revise), 1)
        self.assertEqual(opened, others | {"%s/groningen.rrd" % UR})
        self.check(revise)
        # ... and stamped again: the next run opens nothing.
        self.assertEqual(self.run_obs(points(revise), 0), set())


if __name__ == "__main__":
    unittest.main()
