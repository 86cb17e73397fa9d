# SPDX-License-Identifier: ISC
"""The state directory under attack (issue 20, points 2 to 4).

Twenty `regiomon silence add` at once keep twenty silences with twenty
ids: the read-modify-write of silences.json holds STATE/silences.lock.

Nothing under the state directory is followed out of it, and nothing
there blocks a run: a symbolic link where a series' file or its
indicator's directory should be, or a FIFO at a series' path, refuses
that series with an error naming it (the run exits 1, within seconds),
while the other series of the same run are stored; a symbolic link
where STATE/spool should be refuses the run before anything is spooled.
A link where silences.json or STATE/outbox should be is refused too.
Each case has a sentinel directory outside the state dir, whose
contents (and the directories' modification times, which every file
made or removed in them moves) must be the same afterwards."""
import hashlib
import os
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import rmtest  # noqa: E402

UR = "unemployment-rate"
SHARE = "energy-demand-gas-share"
TIMEOUT = 20


def obs(years, base=1.0):
    """Observations of UR in groningen and drenthe, and SHARE in
    groningen, for each year."""
    out = []
    for y in years:
        v = base + int(y) / 8
        out += [[UR, "groningen", y, v, False], [UR, "drenthe", y, v + 1,
                                                   False],
                [SHARE, "groningen", y, v + 2, False]]
    return out


def snapshot(top):
    """Everything under top: per path its kind, size, content hash, and
    for directories their modification time."""
    snap = {}
    for d, dirs, files in os.walk(top):
        st = os.lstat(d)
        snap[os.path.relpath(d, top)] = ("dir", st.st_mtime_ns)
        for n in files:
            p = os.path.join(d, n)
            st = os.lstat(p)
            h = None
            if os.path.isfile(p) and not os.path.islink(p):
                with open(p, "rb") as f:
                    h = hashlib.sha256(f.read()).hexdigest()
            snap[os.path.relpath(p, top)] = (st.st_mode, st.st_size, h)
    return snap


class HolesFiles(unittest.TestCase):
    def setUp(self):
        self.env = None
        self.outside = tempfile.mkdtemp(prefix="regiomon-sentinel-")

    def tearDown(self):
        if self.env is not None:
            self.env.close()
        subprocess.run(["rm", "-rf", self.outside])

    def source(self, years, base=1.0):
        return [{"name": "s", "plugin": "t_ok",
                 "config": {"obs": obs(years, base)}}]

    def first_run(self, years=("2019", "2020")):
        """A state dir with three stored series."""
        self.env = rmtest.Env(self.source(years),
                              plugin_dir=rmtest.TEST_PLUGINS)
        r = self.env.run("run", timeout=TIMEOUT)
        self.assertEqual(r.returncode, 0, r.stderr)

    def second_run(self, years=("2019", "2020", "2021")):
        """Run again with one more year; the process."""
        self.env.write_conf({"state_dir": self.env.state,
                             "plugin_dir": rmtest.TEST_PLUGINS,
                             "catalog": [rmtest.CATALOG],
                             "sources": self.source(years)})
        try:
            return self.env.run("run", timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.fail("run still going after %d s" % TIMEOUT)

    def assert_refused(self, r, indicator, region, kind):
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("series %s/%s refused: " % (indicator, region),
                      r.stderr)
        self.assertIn("is %s, not a" % kind, r.stderr)
        self.assertIn("move it away", r.stderr)
        self.assertIn("1 series refused", r.stderr)

    def assert_stored(self, indicator, region, year="2021"):
        v = rmtest.rrd_period_value(self.env.rrd(indicator, region), year)
        self.assertIsNotNone(v, "%s/%s %s not stored" % (indicator, region,
                                                         year))

    # Point 2: silences

    def test_twenty_silence_add_at_once(self):
        self.env = rmtest.Env(self.source(["2020"]),
                              plugin_dir=rmtest.TEST_PLUGINS)
        until = time.strftime("%Y-%m-%d",
                              time.gmtime(time.time() + 30 * 86400))
        base = [rmtest.BIN, "-c", self.env.conf, "-S", self.env.state,
                "silence", "add"]
        procs = [subprocess.Popen(
            base + [UR + "/groningen", "--until", until, "--comment",
                    "note %d" % i], stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True) for i in range(20)]
        ids = []
        for p in procs:
            out, err = p.communicate(timeout=TIMEOUT)
            self.assertEqual(p.returncode, 0, err)
            self.assertTrue(out.startswith("silence "), out)
            ids.append(int(out.split()[1].rstrip(":")))
        self.assertEqual(sorted(ids), list(range(1, 21)))
        r = self.env.run("silence", "list", timeout=TIMEOUT)
        self.assertEqual(r.returncode, 0, r.stderr)
        comments = [l.split()[-1] for l in r.stdout.splitlines()[1:]]
        self.assertEqual(sorted(comments, key=int),
                         [str(i) for i in range(20)])

    def test_symlinked_silences_file(self):
        self.env = rmtest.Env(self.source(["2020"]),
                              plugin_dir=rmtest.TEST_PLUGINS)
        os.makedirs(self.env.state)
        victim = os.path.join(self.outside, "victim.json")
        with open(victim, "w") as f:
            f.write('{"version": 1, "next_id": 1, "silences": []}')
        path = os.path.join(self.env.state, "silences.json")
        os.symlink(victim, path)
        before = snapshot(self.outside)
        until = time.strftime("%Y-%m-%d",
                              time.gmtime(time.time() + 30 * 86400))
        r = self.env.run("silence", "add", UR, "--until", until,
                         "--comment", "x", timeout=TIMEOUT)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("%s: is a symbolic link, not a regular file" % path,
                      r.stderr)
        self.assertEqual(snapshot(self.outside), before)
        self.assertTrue(os.path.islink(path))

    # Points 3 and 4: links and FIFOs in the state dir

    def test_symlinked_series_file(self):
        self.first_run()
        victim = os.path.join(self.outside, "victim.rrd")
        rrd = self.env.rrd(UR, "groningen")
        os.rename(rrd, victim)
        os.symlink(victim, rrd)
        before = snapshot(self.outside)
        r = self.second_run()
        self.assert_refused(r, UR, "groningen", "a symbolic link")
        self.assertIn(rrd, r.stderr)
        self.assertEqual(snapshot(self.outside), before)
        self.assertTrue(os.path.islink(rrd))
        self.assert_stored(UR, "drenthe")
        self.assert_stored(SHARE, "groningen")

    def test_symlinked_indicator_dir(self):
        self.first_run()
        d = os.path.join(self.env.state, "rrd", SHARE)
        subprocess.run(["rm", "-rf", d], check=True)
        os.mkdir(os.path.join(self.outside, "dir"))
        os.symlink(os.path.join(self.outside, "dir"), d)
        before = snapshot(self.outside)
        r = self.second_run()
        self.assert_refused(r, SHARE, "groningen", "a symbolic link")
        self.assertIn("%s is a symbolic link, not a directory" % d,
                      r.stderr)
        self.assertEqual(snapshot(self.outside), before)
        self.assert_stored(UR, "groningen")
        self.assert_stored(UR, "drenthe")

    def test_symlinked_spool_dir(self):
        self.env = rmtest.Env(self.source(["2020"]),
                              plugin_dir=rmtest.TEST_PLUGINS)
        os.makedirs(self.env.state)
        os.mkdir(os.path.join(self.outside, "spool"))
        spool = os.path.join(self.env.state, "spool")
        os.symlink(os.path.join(self.outside, "spool"), spool)
        before = snapshot(self.outside)
        r = self.second_run(["2020"])
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("%s is a symbolic link, not a directory" % spool,
                      r.stderr)
        self.assertEqual(snapshot(self.outside), before)
        self.assertFalse(os.path.exists(self.env.rrd(UR, "groningen")))

    def test_symlinked_outbox(self):
        self.env = rmtest.Env(self.source(["2020"]),
                              plugin_dir=rmtest.TEST_PLUGINS)
        os.makedirs(self.env.state)
        os.mkdir(os.path.join(self.outside, "outbox"))
        outbox = os.path.join(self.env.state, "outbox")
        os.symlink(os.path.join(self.outside, "outbox"), outbox)
        before = snapshot(self.outside)
        r = self.env.run("test-mail", timeout=TIMEOUT)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("%s is a symbolic link, not a directory" % outbox,
                      r.stderr)
        self.assertEqual(snapshot(self.outside), before)

    def test_fifo_at_series_path(self):
        self.first_run()
        rrd = self.env.rrd(UR, "groningen")
        os.unlink(rrd)
        os.mkfifo(rrd)
        r = self.second_run()
        self.assert_refused(r, UR, "groningen", "a FIFO")
        self.assertIn(rrd, r.stderr)
        self.assert_stored(UR, "drenthe")
        self.assert_stored(SHARE, "groningen")
        # Reading it back does not block either.
        try:
            r = self.env.run("history", UR, "groningen", timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.fail("history still going after %d s" % TIMEOUT)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("is a FIFO, not a regular file", r.stderr)

    def test_fifo_series_new_in_run(self):
        # A FIFO where a series' first file would go: storing ahead and
        # apply both leave it alone.
        self.env = rmtest.Env(self.source(["2019", "2020"]),
                              plugin_dir=rmtest.TEST_PLUGINS)
        d = os.path.join(self.env.state, "rrd", UR)
        os.makedirs(d)
        os.mkfifo(os.path.join(d, "drenthe.rrd"))
        r = self.second_run(["2019", "2020"])
        self.assert_refused(r, UR, "drenthe", "a FIFO")
        self.assert_stored(UR, "groningen", "2020")
        self.assert_stored(SHARE, "groningen", "2020")
        # The source's next run, the way clear, stores it.
        os.unlink(os.path.join(d, "drenthe.rrd"))
        r = self.second_run(["2019", "2020"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assert_stored(UR, "drenthe", "2020")


if __name__ == "__main__":
    unittest.main()
