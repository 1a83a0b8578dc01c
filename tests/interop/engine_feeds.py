#!/usr/bin/python3
"""End to end: schedules a program with `mentorcal schedule`, then expands every feed it wrote
with both independent readers (ical.js through expand.mjs, Python's icalendar and
recurring_ical_events through expand.py, each through the feed's own VTIMEZONEs) and checks that
they find exactly the occurrences schedule.json says take place: every held and moved one at its
UTC start and end, no skipped one, and each cancelled series' occurrences as cancelled.
The plain feeds (feeds/plain/) must give the same instants, each occurrence under the series' UID
with its date in the series zone, and carry no RRULE, EXDATE, RECURRENCE-ID, VTIMEZONE or TZID.

  /usr/bin/python3 engine_feeds.py MENTORCAL PROGRAM_DIR
Prints "N passed, N failed" and exits 1 on any difference.
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
WINDOW = ("2000-01-01T00:00:00Z", "2100-01-01T00:00:00Z")


PLAIN_NEVER = ("RRULE", "EXDATE", "RECURRENCE-ID", "BEGIN:VTIMEZONE", "TZID")


def uid_of(series, occurrence, plain):
    """The series' UID, or in a plain feed the occurrence's: its nominal date before the '@'."""
    if not plain:
        return series["uid"]
    base, at, domain = series["uid"].rpartition("@")
    return f"{base}-{occurrence['nominal'][:10].replace('-', '')}{at}{domain}"


def expected_rows(schedule, person, plain):
    rows = set()
    sessions = [(pair.get("series"), "CONFIRMED") for pair in schedule["pairs"]]
    sessions += [(dropped["series"], "CANCELLED") for dropped in schedule["cancelled"]]
    for series, status in sessions:
        if not series or (person and person not in (series["mentor"], series["mentee"])):
            continue
        for o in series["occurrences"]:
            if o["state"] != "skipped":
                rows.add((uid_of(series, o, plain), o["start"], o["end"], status))
    return rows


def plain_form_problems(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\r\n")
    bad = [line for line in lines if line.startswith(PLAIN_NEVER) or ";TZID=" in line]
    bad += [line for line in lines if line.startswith(("DTSTART", "DTEND")) and not line.endswith("Z")]
    return bad[:3]


def expanded(command):
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return {(o["uid"], o["start"], o["end"], o["status"]) for o in json.loads(out)}


def main():
    mentorcal, program = sys.argv[1], sys.argv[2]
    passed = failed = 0
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([mentorcal, "schedule", program, "--out", out], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(os.path.join(out, "schedule.json"), encoding="utf-8") as f:
            schedule = json.load(f)
        feeds = os.path.join(out, "feeds")
        names = [name for name in sorted(os.listdir(feeds)) if name.endswith(".ics")]
        plain_names = sorted(os.listdir(os.path.join(feeds, "plain")))
        # Every person's feed in the plain form too; the program feed only in the usual form.
        people_names = [name for name in names if name != "program.ics"]
        if plain_names != people_names:
            failed += 1
            print(f"feeds/plain/ holds {len(plain_names)} feeds, feeds/ {len(people_names)} "
                  f"people's feeds")
        for name in names + [os.path.join("plain", name) for name in plain_names]:
            plain = name.startswith("plain")
            base = os.path.basename(name)
            person = "" if base == "program.ics" else base[:-len(".ics")]
            want = expected_rows(schedule, person, plain)
            path = os.path.join(feeds, name)
            if plain and plain_form_problems(path):
                failed += 1
                print(f"{name} is not plain:", *plain_form_problems(path))
            readers = {
                "ical.js": ["node", os.path.join(HERE, "expand.mjs"), path, *WINDOW],
                "python": ["/usr/bin/python3", os.path.join(HERE, "expand.py"), path, *WINDOW],
            }
            for reader, command in readers.items():
                got = expanded(command)
                if got == want:
                    passed += 1
                    continue
                failed += 1
                print(f"{name} ({reader}): {len(want - got)} missing, {len(got - want)} extra")
                for row in sorted(want - got)[:3]:
                    print("  missing", row)
                for row in sorted(got - want)[:3]:
                    print("  extra  ", row)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
