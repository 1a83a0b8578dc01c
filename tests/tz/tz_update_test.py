"""Following a tz database update, end to end, under two tz databases this test compiles itself.

`zic` builds database A (Africa/Casablanca at +01 all year) and database B (the same zone at +00
from 2027-02-07 to 2027-03-14, as Morocco does for Ramadan). A pass runs under A; then:

- `mentorcal schedule --previous` runs under B, and
- a mentorcald that published the pass under A is restarted under B,

and every published occurrence is checked against B's rules with offsets this file states itself,
never with the installed tz database. Usage: tz_update_test.py MENTORCAL MENTORCALD
"""

import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
import urllib.request

MENTORCAL, MENTORCALD = sys.argv[1], sys.argv[2]
ADMIN = "tz-update-test-coordinator-token"
UTC = dt.timezone.utc

ZONES_COMMON = """\
Rule GB 1996 max - Mar lastSun 1:00u 1:00 BST
Rule GB 1996 max - Oct lastSun 1:00u 0 GMT
Zone Europe/London 0:00 GB %s
Zone UTC 0 - UTC
"""
CASABLANCA_A = "Zone Africa/Casablanca 1:00 - +01\n"
CASABLANCA_B = """\
Zone Africa/Casablanca 1:00 - +01 2027 Feb 7 3:00
                       0:00 - +00 2027 Mar 14 2:00
                       1:00 - +01
"""
SHIFT = (dt.datetime(2027, 2, 7, 2, tzinfo=UTC), dt.datetime(2027, 3, 14, 2, tzinfo=UTC))


def offset(zone, version, instant):
    """The offset each database gives, as its source above says (the term ends before BST)."""
    if zone == "Africa/Casablanca":
        shifted = version == "B" and SHIFT[0] <= instant < SHIFT[1]
        return dt.timedelta(hours=0 if shifted else 1)
    return dt.timedelta(0)


PROGRAM_TOML = """\
id = "tz-test"
name = "Tz update test"
start = 2027-01-11
end = 2027-03-26
granularity_minutes = 15
anchor = "mentor"

[pair]
cadence = "weekly"
duration_minutes = 60
min_held = 0.5
"""
# id, name, zone, working hours (Mon-Fri)
PEOPLE = [
    ("m-cas", "Nadia Benali", "mentor", "Africa/Casablanca", (9 * 60, 17 * 60)),
    ("m-cas2", "Youssef Amrani", "mentor", "Africa/Casablanca", (9 * 60, 17 * 60)),
    ("m-lon", "Helen Ward", "mentor", "Europe/London", (9 * 60, 17 * 60)),
    ("e-narrow", "Tom Reed", "mentee", "Europe/London", (9 * 60, 10 * 60 + 15)),
    ("e-wide", "Amy Cole", "mentee", "Europe/London", (8 * 60, 18 * 60)),
    ("e-lon", "Raj Patel", "mentee", "Europe/London", (9 * 60, 17 * 60)),
]
PAIRS = [("m-cas", "e-narrow"), ("m-cas2", "e-wide"), ("m-lon", "e-lon")]
PERSON = {p[0]: p for p in PEOPLE}


def clock(minutes):
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def write_program(directory):
    os.makedirs(directory)
    with open(os.path.join(directory, "program.toml"), "w") as f:
        f.write(PROGRAM_TOML)
    with open(os.path.join(directory, "people.csv"), "w") as f:
        f.write("id,name,email,role,timezone,working_hours\n")
        for pid, name, role, zone, (a, b) in PEOPLE:
            f.write(f"{pid},{name},{pid}@example.com,{role},{zone},Mon-Fri {clock(a)}-{clock(b)}\n")
    with open(os.path.join(directory, "pairs.csv"), "w") as f:
        f.write("mentor,mentee\n")
        for mentor, mentee in PAIRS:
            f.write(f"{mentor},{mentee}\n")


def compile_database(directory, version, casablanca):
    os.makedirs(directory)
    source = f"# version {version}\n" + ZONES_COMMON + casablanca
    path = os.path.join(directory, "tzdata.zi")
    with open(path, "w") as f:
        f.write(source)
    subprocess.run(["zic", "-d", directory, path], check=True)


def utc(text):
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def check_against_rules(test, schedule, version):
    """Every occurrence that takes place is inside both parties' working hours by `version`'s
    offsets; a held one is at its nominal wall-clock time in the anchor zone."""
    checked = 0
    for pair in schedule["pairs"]:
        test.assertEqual(pair["status"], "scheduled", pair)
        series = pair["series"]
        for o in series["occurrences"]:
            if o["state"] == "skipped":
                continue
            start, end = utc(o["start"]), utc(o["end"])
            anchor_local = start + offset(series["zone"], version, start)
            if o["state"] == "held":
                test.assertEqual(anchor_local.strftime("%Y-%m-%dT%H:%M"), o["nominal"], o)
            nominal_day = dt.date.fromisoformat(o["nominal"][:10])
            test.assertEqual(anchor_local.isocalendar()[:2], nominal_day.isocalendar()[:2], o)
            for pid in (series["mentor"], series["mentee"]):
                zone, (first, last) = PERSON[pid][3], PERSON[pid][4]
                local_start = start + offset(zone, version, start)
                local_end = end + offset(zone, version, end)
                minutes = local_start.hour * 60 + local_start.minute
                test.assertLess(local_start.weekday(), 5, (pid, o))
                test.assertGreaterEqual(minutes, first, (pid, version, o))
                test.assertLessEqual(minutes + 60, last, (pid, version, o))
                test.assertEqual(local_start.date(), local_end.date(), (pid, o))
            checked += 1
    return checked


def series_by_uid(schedule):
    return {p["series"]["uid"]: p["series"] for p in schedule["pairs"] if "series" in p}


class TzUpdate(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="mentorcal-tz-")
        self.program = os.path.join(self.root, "program")
        write_program(self.program)
        self.tz = {"A": os.path.join(self.root, "tz-a"), "B": os.path.join(self.root, "tz-b")}
        compile_database(self.tz["A"], "test-a", CASABLANCA_A)
        compile_database(self.tz["B"], "test-b", CASABLANCA_B)

    def tearDown(self):
        shutil.rmtree(self.root)

    def env(self, version):
        return dict(os.environ, TZDIR=self.tz[version])

    def schedule(self, version, out, *extra):
        run = subprocess.run([MENTORCAL, "schedule", self.program, "--out", out, *extra],
                             env=self.env(version), capture_output=True, text=True)
        self.assertEqual(run.returncode, 0, run.stderr + run.stdout)
        with open(os.path.join(out, "schedule.json")) as f:
            return json.load(f), run.stdout

    def test_version_is_reported(self):
        for version, name in (("A", "test-a"), ("B", "test-b")):
            run = subprocess.run([MENTORCAL, "--version"], env=self.env(version),
                                 capture_output=True, text=True)
            self.assertIn(f"tz database {name}", run.stdout)
            run = subprocess.run([MENTORCALD, "--version"], env=self.env(version),
                                 capture_output=True, text=True)
            self.assertIn(f"tz database {name}", run.stdout)

    def test_a_re_pass_under_a_new_database_follows_it(self):
        before, _ = self.schedule("A", os.path.join(self.root, "out-a"))
        self.assertEqual(before["tzdata"], "test-a")
        self.assertNotIn("tz_update", before)
        self.assertGreater(check_against_rules(self, before, "A"), 0)
        # Database A's schedule breaks B's rules: the premise of the test.
        with self.assertRaises(AssertionError):
            check_against_rules(self, before, "B")

        after, summary = self.schedule("B", os.path.join(self.root, "out-b"), "--previous",
                                       os.path.join(self.root, "out-a"))
        self.assertEqual(after["tzdata"], "test-b")
        check_against_rules(self, after, "B")
        update = after["tz_update"]
        self.assertEqual((update["from"], update["to"]), ("test-a", "test-b"))
        self.assertEqual(update["zones"], [{
            "zone": "Africa/Casablanca", "from": "2027-02-07T02:00:00Z",
            "until": "2027-03-14T02:00:00Z", "offset_before": "+01:00", "offset_after": "+00:00"}])
        self.assertIn("tz database test-a → test-b: Africa/Casablanca is at +00:00 from "
                      "2027-02-07 02:00 until 2027-03-14 03:00 (test-a: +01:00)", summary)
        self.assertIn("Tom Reed (e-narrow)", summary)

        old, new = series_by_uid(before), series_by_uid(after)
        self.assertEqual(old.keys(), new.keys())
        for uid, series in new.items():
            # The wall-clock time of the series stays; only Casablanca's series are re-published.
            self.assertEqual(series["first"], old[uid]["first"], uid)
            casablanca = series["zone"] == "Africa/Casablanca"
            self.assertEqual(series["sequence"], old[uid]["sequence"] + (1 if casablanca else 0))
            self.assertEqual(uid in update["republished"], casablanca, uid)
        # Tom's sessions in the shift move within their week; Amy's stay at their wall-clock time,
        # an hour later in UTC.
        moves = {(m["mentee"], m["state_after"]) for m in update["occurrences"]}
        self.assertEqual(moves, {("e-narrow", "moved"), ("e-wide", "held")})
        for m in update["occurrences"]:
            inside = SHIFT[0] <= utc(m["start_before"]) < SHIFT[1]
            self.assertTrue(inside, m)
            if m["state_after"] == "held":
                self.assertEqual(utc(m["start_after"]) - utc(m["start_before"]), dt.timedelta(hours=1))

        with open(os.path.join(self.root, "out-b", "feeds", "m-cas.ics"), newline="") as f:
            feed = f.read()
        self.assertIn("TZOFFSETTO:+0000", feed)
        with open(os.path.join(self.root, "out-a", "feeds", "m-cas.ics"), newline="") as f:
            self.assertNotIn("TZOFFSETTO:+0000", f.read())

        # Under the same database again nothing is followed and nothing changes.
        again, _ = self.schedule("B", os.path.join(self.root, "out-b2"), "--previous",
                                 os.path.join(self.root, "out-b"))
        self.assertNotIn("tz_update", again)
        self.assertEqual(series_by_uid(again), new)

    def test_mentorcald_follows_the_update_on_start(self):
        data = os.path.join(self.root, "data")
        daemon = self.start_daemon("A", data)
        try:
            push = subprocess.run([MENTORCAL, "push", self.program, "--server", daemon.url,
                                   "--token", ADMIN], env=self.env("A"), capture_output=True,
                                  text=True)
            self.assertEqual(push.returncode, 0, push.stderr + push.stdout)
            # Feed paths: the port changes with each start.
            feeds = {f["person"]: urllib.parse.urlsplit(f["url"]).path for f in
                     self.get(daemon, "/api/programs/tz-test/feeds", True)["feeds"]}
            before = {p: self.fetch(daemon.url + path) for p, path in feeds.items()}
            self.assertNotIn("tz_update", self.get(daemon, "/api/programs/tz-test", True))
        finally:
            self.stop_daemon(daemon)

        daemon = self.start_daemon("B", data)
        try:
            program = self.get(daemon, "/api/programs/tz-test", True)
            self.assertEqual(program["tzdata"], "test-b")
            update = program["tz_update"]
            self.assertEqual((update["from"], update["to"]), ("test-a", "test-b"))
            self.assertTrue(any("Africa/Casablanca is at +00:00" in line
                                for line in update["summary"]), update)
            self.assertIn("Africa/Casablanca is at +00:00", daemon.log())
            metrics = self.fetch(daemon.url + "/metrics")
            self.assertIn('mentorcal_tzdata_info{version="test-b"} 1', metrics)
            after = {p: self.fetch(daemon.url + path) for p, path in feeds.items()}
            for person in ("m-cas", "e-narrow", "m-cas2", "e-wide"):
                self.assertNotEqual(after[person], before[person], person)
                self.assertIn("TZOFFSETTO:+0000", after[person], person)
                self.assertGreater(max_sequence(after[person]), max_sequence(before[person]))
            for person in ("m-lon", "e-lon"):
                self.assertEqual(after[person], before[person], person)
            # The served schedule obeys B's rules.
            passes = self.get(daemon, f"/api/programs/tz-test/passes/{program['published_pass']}", True)
            check_against_rules(self, passes["schedule"], "B")
        finally:
            self.stop_daemon(daemon)

    # ---- a mentorcald process ----

    class Daemon:
        def __init__(self, process, log_path, url):
            self.process, self.log_path, self.url = process, log_path, url

        def log(self):
            with open(self.log_path) as f:
                return f.read()

    def start_daemon(self, version, data):
        log_path = os.path.join(self.root, f"mentorcald-{version}.log")
        log = open(log_path, "w")
        env = dict(self.env(version), MENTORCAL_ADMIN_TOKEN=ADMIN)
        process = subprocess.Popen([MENTORCALD, "--data", data, "--listen", "127.0.0.1:0"],
                                   env=env, stderr=log, stdout=log)
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with open(log_path) as f:
                found = re.search(r"listening on 127\.0\.0\.1:(\d+)", f.read())
            if found:
                return self.Daemon(process, log_path, f"http://127.0.0.1:{found.group(1)}")
            if process.poll() is not None:
                break
            time.sleep(0.05)
        process.kill()
        self.fail("mentorcald did not start: " + open(log_path).read())

    def stop_daemon(self, daemon):
        daemon.process.send_signal(signal.SIGTERM)
        try:
            self.assertEqual(daemon.process.wait(timeout=30), 0)
        except subprocess.TimeoutExpired:
            daemon.process.kill()
            raise

    def get(self, daemon, path, coordinator=False):
        request = urllib.request.Request(daemon.url + path)
        if coordinator:
            request.add_header("Authorization", "Bearer " + ADMIN)
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    def fetch(self, url):
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode()


def max_sequence(feed):
    return max(int(s) for s in re.findall(r"^SEQUENCE:(\d+)\r$", feed, re.M))


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
