#!/usr/bin/python3
"""Expands a feed with icalendar and recurring_ical_events, the Python iCalendar libraries
(Debian's python3-icalendar and python3-recurring-ical-events, so run it with /usr/bin/python3),
and prints every occurrence in [FROM, TO) as UTC JSON, sorted, in the form expand.mjs prints.

--zones feed (the default) reads every TZID through the feed's own VTIMEZONE, converted by
icalendar's Timezone.to_tz(); --zones tzdata reads it as an IANA name through pytz and the
system tz database (the one TZDIR names when it is set, as for the programs), which checks the
events independently of the feed's VTIMEZONEs.

  /usr/bin/python3 expand.py FEED.ics 2027-01-01T00:00:00Z 2028-01-01T00:00:00Z
"""
import argparse
import datetime
import json
import os
import sys

import icalendar
import recurring_ical_events

ZONED_PROPERTIES = ("DTSTART", "DTEND", "RECURRENCE-ID")


def instant(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc)


def utc(moment):
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def read_through_feed_zones(calendar, file):
    """Re-reads each TZID wall-clock time with the feed's VTIMEZONE of that TZID."""
    zones = {str(vtimezone["TZID"]): vtimezone.to_tz() for vtimezone in calendar.walk("VTIMEZONE")}

    def localize(value, tzid, name):
        if tzid not in zones:
            sys.exit(f"{file}: {name} names TZID {tzid}, which no VTIMEZONE defines")
        value.dt = zones[tzid].localize(value.dt.replace(tzinfo=None))

    for event in calendar.walk("VEVENT"):
        for name in ZONED_PROPERTIES:
            if name in event and "TZID" in event[name].params:
                localize(event[name], event[name].params["TZID"], name)
        exdates = event.get("EXDATE", [])
        for exdate in exdates if isinstance(exdates, list) else [exdates]:
            if "TZID" in exdate.params:
                for value in exdate.dts:
                    localize(value, exdate.params["TZID"], "EXDATE")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("feed")
    parser.add_argument("start", type=instant)
    parser.add_argument("end", type=instant)
    parser.add_argument("--zones", choices=("feed", "tzdata"), default="feed")
    args = parser.parse_args()
    # Debian's pytz reads its zones from PYTZ_TZDATADIR, else /usr/share/zoneinfo.
    if os.environ.get("TZDIR"):
        os.environ["PYTZ_TZDATADIR"] = os.environ["TZDIR"]

    with open(args.feed, "rb") as stream:
        calendar = icalendar.Calendar.from_ical(stream.read())
    if args.zones == "feed":
        read_through_feed_zones(calendar, args.feed)

    occurrences = []
    for event in recurring_ical_events.of(calendar).between(args.start, args.end):
        start, end = event["DTSTART"].dt, event["DTEND"].dt
        # between() includes both ends; the window is half-open like expand.mjs's.
        if start >= args.end or end <= args.start:
            continue
        occurrences.append({
            "uid": str(event["UID"]),
            "start": utc(start),
            "end": utc(end),
            "status": str(event.get("STATUS", "")) or None,
        })
    occurrences.sort(key=lambda o: (o["start"], o["uid"]))
    json.dump(occurrences, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
