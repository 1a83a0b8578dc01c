#!/usr/bin/python3
"""End to end: the reports `mentorcal schedule` writes reconcile with its feeds and schedule.json.

Schedules PROGRAM_DIR, expands every person's feed with Python's icalendar and
recurring_ical_events (through expand.py, each feed's own VTIMEZONEs), and checks that
- load.csv's sessions and minutes, per person and ISO week of their own zone, are those of the
  confirmed occurrences in their feed, and no other rows exist;
- each person's plain feed (feeds/plain/) holds the same sessions as their feed;
- each mentor's hours held in report.html are the sum of their feed's occurrences' lengths;
- sessions.csv has exactly the occurrences of schedule.json's pairs (uid, UTC start and end,
  state), and its held and moved rows are the confirmed occurrences of feeds/program.ics.

  /usr/bin/python3 report_reconcile.py MENTORCAL PROGRAM_DIR
Prints what differs and "N checked, N failed"; exits 1 on any difference.
"""
import collections
import csv
import datetime
import html
import json
import os
import re
import subprocess
import sys
import tempfile
import zoneinfo

import icalendar
import recurring_ical_events

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import expand  # noqa: E402  (the feed reader the interop tests share)

WINDOW = (expand.instant("2000-01-01T00:00:00Z"), expand.instant("2100-01-01T00:00:00Z"))


def confirmed_occurrences(path):
    """(start, end) of every occurrence of the feed that takes place, as aware datetimes."""
    with open(path, "rb") as stream:
        calendar = icalendar.Calendar.from_ical(stream.read())
    expand.read_through_feed_zones(calendar, path)
    out = []
    for event in recurring_ical_events.of(calendar).between(*WINDOW):
        if str(event.get("STATUS", "")) != "CONFIRMED":
            continue
        out.append((str(event["UID"]), event["DTSTART"].dt, event["DTEND"].dt))
    return out


def minutes(start, end):
    return int((end - start).total_seconds()) // 60


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as stream:
        text = stream.read()
    assert "\r\n" in text and "\n" not in text.replace("\r\n", ""), f"{path}: not CRLF"
    return list(csv.DictReader(text.splitlines(keepends=True)))


def duration_text(total):
    hours, rest = divmod(total, 60)
    if hours == 0:
        return f"{rest} min"
    return f"{hours} h" + (f" {rest} min" if rest else "")


def main():
    mentorcal, program = sys.argv[1], sys.argv[2]
    checked = failed = 0

    def check(ok, message):
        nonlocal checked, failed
        checked += 1
        if not ok:
            failed += 1
            print(message)

    with tempfile.TemporaryDirectory() as out:
        subprocess.run([mentorcal, "schedule", program, "--out", out], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(os.path.join(out, "schedule.json"), encoding="utf-8") as f:
            schedule = json.load(f)
        load = read_csv(os.path.join(out, "load.csv"))
        sessions = read_csv(os.path.join(out, "sessions.csv"))
        with open(os.path.join(out, "report.html"), encoding="utf-8") as f:
            page = f.read()

        # load.csv against each person's feed.
        rows = collections.defaultdict(dict)
        zones, roles = {}, {}
        for row in load:
            rows[row["person"]][row["week"]] = (int(row["sessions"]), int(row["minutes"]))
            zones[row["person"]] = row["zone"]
            roles[row["person"]] = row["role"]
        feeds = os.path.join(out, "feeds")
        people = sorted(name[:-4] for name in os.listdir(feeds)
                        if name.endswith(".ics") and name != "program.ics")
        term_minutes = {}
        for person in people:
            occurrences = confirmed_occurrences(os.path.join(feeds, person + ".ics"))
            # The plain form (feeds/plain/) holds the same instants, one UTC event each.
            plain = confirmed_occurrences(os.path.join(feeds, "plain", person + ".ics"))
            check(sorted((s, e) for _, s, e in plain) == sorted((s, e) for _, s, e in occurrences),
                  f"{person}: feeds/plain/ and feeds/ hold different sessions")
            if not occurrences:
                check(person not in rows, f"{person}: load.csv has rows, the feed no session")
                continue
            check(person in zones, f"{person}: sessions in the feed, no row in load.csv")
            if person not in zones:
                continue
            zone = zoneinfo.ZoneInfo(zones[person])
            weeks = collections.defaultdict(lambda: [0, 0])
            for _, start, end in occurrences:
                year, week, _ = start.astimezone(zone).isocalendar()
                weeks[f"{year}-W{week:02d}"][0] += 1
                weeks[f"{year}-W{week:02d}"][1] += minutes(start, end)
            from_feed = {week: tuple(v) for week, v in weeks.items()}
            check(from_feed == rows[person],
                  f"{person}: load.csv {sorted(rows[person].items())} but the feed "
                  f"{sorted(from_feed.items())}")
            term_minutes[person] = sum(m for _, m in from_feed.values())
        check(set(rows) <= set(people), f"load.csv names people without a feed: "
              f"{sorted(set(rows) - set(people))}")

        # report.html: each mentor's hours held, as the recognition chart writes them.
        shown = {m.group(2): (m.group(3), int(m.group(4))) for m in re.finditer(
            r'>([^<]*) \(([^()<]*)\)</text><rect[^>]*><title>[^<]*</title></rect>'
            r'<text[^>]*>([^<]*), (\d+) sessions?</text>', page)}
        mentors = sorted(p for p in term_minutes if roles.get(p) == "mentor")
        check(sorted(html.unescape(k) for k in shown) == mentors,
              f"report.html shows hours for {sorted(shown)}, mentors with sessions {mentors}")
        for person in mentors:
            if person in shown:
                check(shown[person][0] == duration_text(term_minutes[person]),
                      f"{person}: report.html says {shown[person][0]}, the feed sums to "
                      f"{term_minutes[person]} min")

        # sessions.csv against schedule.json and the program feed.
        want = collections.Counter()
        for pair in schedule["pairs"]:
            series = pair.get("series")
            for o in series["occurrences"] if series else []:
                want[(series["uid"], o["start"], o["end"], o["state"])] += 1
        got = collections.Counter((r["uid"], r["start_utc"], r["end_utc"], r["state"])
                                  for r in sessions)
        check(len(sessions) == sum(want.values()),
              f"sessions.csv has {len(sessions)} rows, schedule.json "
              f"{sum(want.values())} occurrences")
        check(got == want, f"sessions.csv differs from schedule.json: "
              f"{sorted((got - want).elements())[:3]} / {sorted((want - got).elements())[:3]}")
        in_feed = collections.Counter(
            (uid, expand.utc(start), expand.utc(end))
            for uid, start, end in confirmed_occurrences(os.path.join(feeds, "program.ics")))
        taking_place = collections.Counter((r["uid"], r["start_utc"], r["end_utc"])
                                           for r in sessions if r["state"] != "skipped")
        check(in_feed == taking_place, "sessions.csv's held and moved rows are not the "
              "confirmed occurrences of feeds/program.ics")
        for r in sessions:
            check(int(r["minutes"]) == minutes(expand.instant(r["start_utc"]),
                                               expand.instant(r["end_utc"])),
                  f"sessions.csv: minutes {r['minutes']} for {r['start_utc']}-{r['end_utc']}")

    print(f"{checked} checked, {failed} failed")
    return 1 if failed or not checked else 0


if __name__ == "__main__":
    sys.exit(main())
