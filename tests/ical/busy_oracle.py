#!/usr/bin/python3
"""Compares `mentorcal busy --json` with an independent reading of every calendar in a corpus.

Run with Debian's /usr/bin/python3 (python3-icalendar 4.0.3, python3-recurring-ical-events
2.0.1). For every *.ics in the corpus and for two owner zones (the file's default and
Asia/Kolkata, whose half-hour offset shows any zone mix-up), the oracle expands busy time the way
the product contract says (PRODUCT.md, "calendars/<id>.ics") and checks that mentorcal prints the
same intervals over a fixed window. A file the oracle cannot read must make mentorcal exit 2 with
`file:line: message` or `file: message` diagnostics; mentorcal must never crash.

recurring_ical_events expands each component's RRULE, RDATE and EXDATE. Where it and the
contract disagree, this script implements the contract on top of its expansion; each rule is
marked CONTRACT below:

- CONTRACT busy: STATUS:CANCELLED is never busy; X-MICROSOFT-CDO-BUSYSTATUS, when it is one of
  FREE, WORKINGELSEWHERE (free) or BUSY, TENTATIVE, OOF (busy), decides instead of TRANSP.
  recurring_ical_events returns every event, whatever its state.
- CONTRACT overrides: an override replaces the instance whose start equals its RECURRENCE-ID
  (same instant; same date for DATE values), wherever either lies; RANGE=THISANDFUTURE moves every
  later instance by as much as it moves its own and gives them its length and busy state. The
  library (2.0.1) matches overrides by date only and knows no RANGE.
- CONTRACT duplicates: of events with one UID and no RECURRENCE-ID only the one with the highest
  SEQUENCE counts, the later one on a tie (the library keeps both when SEQUENCE is absent).
- CONTRACT zones: all-day events and floating times are read in the owner's zone; a floating
  EXDATE, RDATE or RECURRENCE-ID of an event whose DTSTART has a zone is read in that zone. Times
  are placed with zoneinfo (fold=0, RFC 5545 §3.3.5: an ambiguous time is its first occurrence),
  not pytz's localize() default, which picks the second.
- CONTRACT lengths: an instance without DTEND or DURATION lasts one day for a DATE, nothing for a
  DATE-TIME; DURATION's days and weeks are nominal (wall-clock) days; an end before the start is
  no time.
- CONTRACT UNTIL: UNTIL is compared with the instances' wall-clock time in DTSTART's zone; the
  library compares at DTSTART's UTC offset and so loses the last instance after a DST change (its
  issue 107). A DATE UNTIL on a DATE-TIME rule includes the instances of that local day (the
  library cuts at 00:00Z); a UTC UNTIL on a floating rule is read in the owner's zone (the library
  drops the Z).
- CONTRACT EXDATE: a DATE EXDATE on a DATE-TIME rule removes the instances of that local day.
- CONTRACT RDATE periods and several RRULEs: an RDATE PERIOD is an instance with its own end, and
  several RRULEs add up; the library 2.0.1 handles neither, so the script expands them itself.
- Parsing: icalendar 4.0.3 cannot read a FREEBUSY with several periods; the script splits it into
  one property per period, which RFC 5545 §3.8.2.6 makes equivalent. It cannot build a VTIMEZONE
  whose RRULE has a UTC UNTIL (as RFC 5545 requires) either; the script drops that Z, which moves
  UNTIL by hours, never past a transition.
- Malformed rules: an RRULE with both COUNT and UNTIL, or a COUNT below 1, is malformed (RFC 5545
  §3.3.10), so mentorcal rejects the file; dateutil reads it anyway.

Usage: busy_oracle.py MENTORCAL CORPUS_DIR
"""

import datetime as dt
import json
import pathlib
import re
import subprocess
import sys
import zoneinfo

import icalendar
import recurring_ical_events
from icalendar.prop import WINDOWS_TO_OLSON
from icalendar.timezone_cache import _timezone_cache

WINDOW = (dt.datetime(1990, 1, 1, tzinfo=dt.timezone.utc),
          dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc))
UTC = dt.timezone.utc
DIAGNOSTIC = re.compile(r"^[^:\n]+(:\d+)?: ")


class Unreadable(Exception):
    """The oracle cannot read the file: mentorcal must reject it too."""


def zone_named(name):
    name = WINDOWS_TO_OLSON.get(name, name)
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def rewrite_for_icalendar(text):
    """See "Parsing" above."""
    out = []
    in_zone = False
    for line in text.replace("\r\n ", "").replace("\n ", "").splitlines():
        upper = line.upper()
        in_zone = (in_zone or upper == "BEGIN:VTIMEZONE") and upper != "END:VTIMEZONE"
        if upper.startswith("FREEBUSY") and "," in line.split(":", 1)[-1]:
            head, values = line.split(":", 1)
            out.extend(f"{head}:{v}" for v in values.split(","))
        elif in_zone and upper.startswith("RRULE:"):
            out.append(re.sub(r"(UNTIL=\d{8}T\d{6})Z", r"\1", line))
        else:
            out.append(line)
    return "\r\n".join(out) + "\r\n"


class Reader:
    def __init__(self, owner):
        self.owner = owner

    # --- instants ------------------------------------------------------------------------------

    def place(self, value, clock=None):
        """An instant for a date, a floating or an aware datetime (CONTRACT zones)."""
        if isinstance(value, dt.datetime):
            if value.tzinfo is None:
                return value.replace(tzinfo=clock or self.owner).astimezone(UTC)
            zone_name = getattr(value.tzinfo, "zone", None)
            if zone_name and zone_named(zone_name):
                return value.replace(tzinfo=zone_named(zone_name)).astimezone(UTC)
            return value.astimezone(UTC)
        return dt.datetime(value.year, value.month, value.day, tzinfo=self.owner).astimezone(UTC)

    @staticmethod
    def clock_of(start):
        if isinstance(start, dt.datetime) and start.tzinfo is not None:
            name = getattr(start.tzinfo, "zone", None)
            return zone_named(name) if name and zone_named(name) else start.tzinfo
        return None

    def wall(self, instant, clock):
        return instant.astimezone(clock or self.owner).replace(tzinfo=None)

    # --- what is busy ----------------------------------------------------------------------------

    @staticmethod
    def busy(component):
        """CONTRACT busy."""
        if str(component.get("STATUS", "")).upper() == "CANCELLED":
            return False
        state = str(component.get("X-MICROSOFT-CDO-BUSYSTATUS", "")).upper()
        if state in ("FREE", "WORKINGELSEWHERE"):
            return False
        if state in ("BUSY", "TENTATIVE", "OOF"):
            return True
        return str(component.get("TRANSP", "OPAQUE")).upper() != "TRANSPARENT"

    def length(self, component, start):
        """(nominal days, exact timedelta) of each instance; CONTRACT lengths."""
        end = component.get("DTEND")
        duration = component.get("DURATION")
        if end is not None:
            end = end.dt
            if not isinstance(start, dt.datetime) and not isinstance(end, dt.datetime):
                return max((end - start).days, 0), dt.timedelta(0)
            exact = self.place(end, self.clock_of(start)) - self.place(start)
            return 0, max(exact, dt.timedelta(0))
        if duration is not None:
            d = duration.dt
            if d < dt.timedelta(0):
                return 0, dt.timedelta(0)
            return d.days, dt.timedelta(seconds=d.seconds)
        return (0 if isinstance(start, dt.datetime) else 1), dt.timedelta(0)

    def end_of(self, start_instant, wall_start, days, exact, clock):
        if days == 0:
            return start_instant + exact
        return (wall_start + dt.timedelta(days=days)).replace(tzinfo=clock).astimezone(UTC) + exact

    def instance(self, start, length, clock):
        """(start, end) instants of an instance starting at `start` (date or datetime)."""
        s = self.place(start, clock)
        if isinstance(start, dt.datetime):
            c = clock or self.owner
            wall_start = start.replace(tzinfo=None) if start.tzinfo is None else self.wall(s, c)
        else:
            c = self.owner
            wall_start = dt.datetime(start.year, start.month, start.day)
        return s, self.end_of(s, wall_start, length[0], length[1], c)

    # --- expansion ---------------------------------------------------------------------------

    def expand(self, master, overrides):
        start = master["DTSTART"].dt
        clock = self.clock_of(start) if isinstance(start, dt.datetime) else None
        length = self.length(master, start)
        is_date = not isinstance(start, dt.datetime)

        def key(value):
            if isinstance(value, dt.datetime):
                return ("t", self.place(value, clock))
            return ("d", value)

        def keys_of(instant):
            return {("t", instant), ("d", self.wall(instant, self.owner if is_date else clock).date())}

        replaced = {key(o["RECURRENCE-ID"].dt) for o in overrides}
        futures = []
        for o in overrides:
            if str(o["RECURRENCE-ID"].params.get("RANGE", "")).upper() != "THISANDFUTURE":
                continue
            rid = self.place(o["RECURRENCE-ID"].dt, clock)
            moved = o.get("DTSTART")
            to = self.place(moved.dt, self.clock_of(moved.dt)) if moved else rid
            futures.append((rid, to - rid, self.length(o, moved.dt) if moved else length,
                            self.busy(o)))
        futures.sort(key=lambda f: f[0])

        starts = {}  # instant -> (start value, explicit end or None)
        for part in self.parts(master):
            repeated = recurring_ical_events.RepeatedEvent(part)
            lo = WINDOW[0].replace(tzinfo=None) - dt.timedelta(days=400)
            hi = WINDOW[1].replace(tzinfo=None) + dt.timedelta(days=400)
            if is_date:
                lo, hi = lo.date(), hi.date()
            for repetition in repeated.within_days(lo, hi):
                starts.setdefault(self.place(repetition.start, clock), (repetition.start, None))
        for rdate in self.values(master, "RDATE"):
            if isinstance(rdate, tuple):
                s = self.place(rdate[0], clock)
                end = rdate[1]
                e = s + end if isinstance(end, dt.timedelta) else self.place(end, clock)
                starts[s] = (rdate[0], max(e, s))
        excluded_days = {v for v in self.values(master, "EXDATE")
                         if not isinstance(v, dt.datetime) and not is_date}

        out = []
        for s, (value, explicit_end) in sorted(starts.items()):
            ks = keys_of(s)
            if ks & replaced:
                continue
            if not is_date and self.wall(s, clock).date() in excluded_days:
                continue
            governing = [f for f in futures if f[0] <= s]
            if not governing:
                if self.busy(master):
                    out.append((s, explicit_end) if explicit_end else self.instance(value, length, clock))
                continue
            rid, shift, f_length, f_busy = governing[-1]
            if f_busy:
                moved = s + shift
                wall = self.wall(moved, clock if not is_date else self.owner)
                out.append((moved, self.end_of(moved, wall, f_length[0], f_length[1],
                                               (clock or self.owner) if not is_date else self.owner)))
        for o in overrides:
            out.extend(self.single(o))
        return out

    def parts(self, master):
        """The master once per RRULE (the library reads one), without PERIOD RDATEs and DATE
        EXDATEs on a DATE-TIME rule, and with UNTIL rewritten per CONTRACT UNTIL."""
        rules = master.get("RRULE")
        rules = rules if isinstance(rules, list) else ([rules] if rules is not None else [None])
        start = master["DTSTART"].dt
        out = []
        for rule in rules:
            part = icalendar.Event()
            for name, value in master.property_items(recursive=False):
                if name in ("BEGIN", "END", "RRULE", "RDATE", "EXDATE"):
                    continue
                part.add(name, value)
            if rule is not None:
                rule = icalendar.vRecur(dict(rule))
                until = rule.get("UNTIL")
                count = rule.get("COUNT")
                if (until and count) or (count and int(count[0]) < 1):
                    raise Unreadable("RRULE with COUNT and UNTIL, or COUNT < 1")
                if until and isinstance(start, dt.datetime):
                    u = until[0]
                    clock = self.clock_of(start)
                    if not isinstance(u, dt.datetime):
                        wall = dt.datetime(u.year, u.month, u.day, 23, 59, 59)
                    elif u.tzinfo is None:
                        wall = u
                    else:
                        wall = self.wall(u, clock or self.owner)
                    if start.tzinfo is not None:
                        # dateutil steps at DTSTART's UTC offset: compare on that clock.
                        wall = wall.replace(tzinfo=dt.timezone(start.utcoffset())).astimezone(UTC)
                    rule["UNTIL"] = [wall]
                part.add("RRULE", rule)
            for v in self.values(master, "RDATE"):
                if not isinstance(v, tuple):
                    part.add("RDATE", v)
            for v in self.values(master, "EXDATE"):
                if isinstance(v, dt.datetime) or not isinstance(start, dt.datetime):
                    part.add("EXDATE", v)
            out.append(part)
        return out

    @staticmethod
    def values(component, name):
        props = component.get(name, [])
        props = props if isinstance(props, list) else [props]
        return [v.dt for p in props for v in p.dts]

    def single(self, component):
        if not self.busy(component):
            return []
        start = component.get("DTSTART", component.get("RECURRENCE-ID"))
        if start is None:
            return []
        start = start.dt
        clock = self.clock_of(start) if isinstance(start, dt.datetime) else None
        return [self.instance(start, self.length(component, start), clock)]

    def read(self, calendars):
        busy = []
        for calendar in calendars:
            masters, overrides, order = {}, {}, []
            for event in calendar.walk("VEVENT"):
                for name in ("DTSTART", "DTEND", "DURATION", "RECURRENCE-ID"):
                    if isinstance(event.get(name), list):
                        raise Unreadable(f"a second {name}")
                uid = str(event.get("UID", ""))
                if not uid:
                    busy.extend(self.single(event) if "RECURRENCE-ID" in event else
                                (self.expand(event, []) if "DTSTART" in event else []))
                    continue
                if uid not in order:
                    order.append(uid)
                sequence = int(event.get("SEQUENCE", 0))
                if "RECURRENCE-ID" in event:
                    rid = event["RECURRENCE-ID"].dt
                    k = (uid, self.place(rid) if isinstance(rid, dt.datetime) and rid.tzinfo else rid)
                    if k not in overrides or sequence >= overrides[k][0]:
                        overrides[k] = (sequence, event)
                elif uid not in masters or sequence >= masters[uid][0]:
                    masters[uid] = (sequence, event)
            for uid in order:
                mine = [e for (u, _), (_, e) in overrides.items() if u == uid]
                master = masters.get(uid)
                if master and "DTSTART" in master[1]:
                    busy.extend(self.expand(master[1], mine))
                else:
                    for o in mine:
                        busy.extend(self.single(o))
            for fb in calendar.walk("VFREEBUSY"):
                props = fb.get("FREEBUSY", [])
                for p in props if isinstance(props, list) else [props]:
                    if str(p.params.get("FBTYPE", "BUSY")).upper() == "FREE":
                        continue
                    s, e = p.start, (p.duration if p.by_duration else p.end)
                    s = self.place(s)
                    busy.append((s, s + e if isinstance(e, dt.timedelta) else self.place(e)))
        return merge(busy)


def merge(intervals):
    rounded = []
    for s, e in intervals:
        s, e = max(s, WINDOW[0]), min(e, WINDOW[1])
        if s >= e:
            continue
        s = s.replace(second=0, microsecond=0)
        if e.second or e.microsecond:
            e = e.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
        rounded.append((s, e))
    out = []
    for s, e in sorted(rounded):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return [{"start": s.strftime("%Y-%m-%dT%H:%M:%SZ"), "end": e.strftime("%Y-%m-%dT%H:%M:%SZ")}
            for s, e in out]


def oracle(path, tz):
    _timezone_cache.clear()  # icalendar keeps VTIMEZONEs of earlier files in a global cache
    text = rewrite_for_icalendar(path.read_bytes().decode("utf-8-sig"))
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except Exception as e:  # icalendar raises ValueError, KeyError... on broken input
        raise Unreadable(f"icalendar: {e}") from e
    if not calendars or any(c.name != "VCALENDAR" for c in calendars):
        raise Unreadable("not a VCALENDAR")
    if tz is None:
        declared = calendars[0].get("X-WR-TIMEZONE")
        owner = zone_named(str(declared)) if declared else None
        owner = owner or UTC
    else:
        owner = zoneinfo.ZoneInfo(tz)
    try:
        return Reader(owner).read(calendars)
    except Unreadable:
        raise
    except Exception as e:
        raise Unreadable(f"{type(e).__name__}: {e}") from e


def run(mentorcal, *args):
    return subprocess.run([mentorcal, "busy", *args], capture_output=True, text=True, timeout=60)


def main():
    mentorcal, corpus = sys.argv[1], pathlib.Path(sys.argv[2])
    frm, to = WINDOW[0].strftime("%Y-%m-%d"), WINDOW[1].strftime("%Y-%m-%d")
    passed = failed = 0
    files = sorted(corpus.glob("*.ics"))
    if not files:
        print(f"no .ics files in {corpus}")
        return 1
    for path in files:
        for tz in (None, "Asia/Kolkata"):
            label = f"{path.name} (--tz {tz or 'default'})"
            args = [str(path), "--from", frm, "--to", to, "--json"] + (["--tz", tz] if tz else [])
            got = run(mentorcal, *args)
            problem = None
            if got.returncode not in (0, 2):
                problem = f"exit {got.returncode}: {got.stderr.strip()[-300:]}"
            else:
                try:
                    expected = oracle(path, tz)
                except Unreadable as e:
                    expected = e
                if isinstance(expected, Unreadable):
                    lines = got.stderr.strip().splitlines()
                    if got.returncode != 2:
                        problem = f"the oracle cannot read it ({expected}) but mentorcal exits 0"
                    elif not lines or not all(DIAGNOSTIC.match(l) for l in lines):
                        problem = f"diagnostics not as file:line: message: {got.stderr!r}"
                elif got.returncode != 0:
                    problem = f"mentorcal rejects it: {got.stderr.strip()[:300]}"
                else:
                    actual = json.loads(got.stdout)
                    if actual != expected:
                        missing = [i for i in expected if i not in actual][:3]
                        extra = [i for i in actual if i not in expected][:3]
                        problem = (f"{len(actual)} intervals, oracle {len(expected)}; "
                                   f"missing {missing}; extra {extra}")
            if problem:
                failed += 1
                print(f"FAIL {label}: {problem}")
            else:
                passed += 1
    for args, what in ((["x.ics", "--from", "2027-13-01", "--to", "2027-02-01"], "a bad date"),
                       ([str(files[0]), "--from", frm, "--to", to, "--tz", "Mars/Olympus"],
                        "an unknown zone"),
                       ([str(corpus / "missing.ics"), "--from", frm, "--to", to], "a missing file"),
                       ([str(files[0]), "--from", to, "--to", frm], "--to before --from")):
        got = run(mentorcal, *args)
        if got.returncode == 2 and got.stderr.strip():
            passed += 1
        else:
            failed += 1
            print(f"FAIL {what}: exit {got.returncode}, stderr {got.stderr!r}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
