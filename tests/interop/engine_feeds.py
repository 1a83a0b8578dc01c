#!/usr/bin/python3
"""End to end: schedules a program with `mentorcal schedule`, then expands every feed it wrote
with both independent readers (ical.js through expand.mjs, Python's icalendar and
recurring_ical_events through expand.py, each through the feed's own VTIMEZONEs) and checks that
they find exactly the occurrences schedule.json says take place: every held and moved one at its
UTC start and end, no skipped one, and each cancelled series' occurrences as cancelled.

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


def expected_rows(schedule, person):
    rows = set()
    for pair in schedule["pairs"]:
        series = pair.get("series")
        if not series or (person and person not in (series["mentor"], series["mentee"])):
            continue
        for o in series["occurrences"]:
            if o["state"] != "skipped":
                rows.add((series["uid"], o["start"], o["end"], "CONFIRMED"))
    for dropped in schedule["cancelled"]:
        series = dropped["series"]
        if person and person not in (series["mentor"], series["mentee"]):
            continue
        for o in series["occurrences"]:
            if o["state"] != "skipped":
                rows.add((series["uid"], o["start"], o["end"], "CANCELLED"))
    return rows


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
        for name in sorted(os.listdir(feeds)):
            person = "" if name == "program.ics" else name[:-len(".ics")]
            want = expected_rows(schedule, person)
            path = os.path.join(feeds, name)
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
