// Expands a feed with ical.js, the iCalendar library inside Thunderbird's calendar and many web
// clients, and prints every occurrence in [FROM, TO) as UTC JSON, sorted:
//   [{"uid": "...", "start": "2027-03-15T13:00:00Z", "end": "...", "status": "CONFIRMED"}, ...]
// Times are read through the feed's own VTIMEZONEs only: a TZID the feed does not define is an
// error, not ical.js's fallback to floating time.
//
//   node expand.mjs FEED.ics 2027-01-01T00:00:00Z 2028-01-01T00:00:00Z
import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';

const [file, from, to] = process.argv.slice(2);
if (!file || !from || !to) {
  console.error('usage: node expand.mjs FEED.ics FROM TO');
  process.exit(2);
}

const calendar = new ICAL.Component(ICAL.parse(readFileSync(file, 'utf8')));
for (const vtimezone of calendar.getAllSubcomponents('vtimezone')) {
  ICAL.TimezoneService.register(vtimezone);
}

const zonedProperties = ['dtstart', 'dtend', 'recurrence-id', 'exdate'];
const masters = new Map();
const exceptions = [];
for (const vevent of calendar.getAllSubcomponents('vevent')) {
  for (const name of zonedProperties) {
    for (const property of vevent.getAllProperties(name)) {
      const tzid = property.getParameter('tzid');
      if (tzid && !calendar.getAllSubcomponents('vtimezone').some(
          (z) => z.getFirstPropertyValue('tzid') === tzid)) {
        console.error(`${file}: ${name.toUpperCase()} names TZID ${tzid}, which no VTIMEZONE defines`);
        process.exit(1);
      }
    }
  }
  // Without `exceptions`, ical.js relates every RECURRENCE-ID event of the calendar to each
  // master, whatever its UID; they are related below, by UID.
  const event = new ICAL.Event(vevent, { strictExceptions: true, exceptions: [] });
  if (event.isRecurrenceException()) {
    exceptions.push(event);
  } else {
    masters.set(event.uid, event);
  }
}
for (const exception of exceptions) {
  const master = masters.get(exception.uid);
  if (!master) {
    console.error(`${file}: RECURRENCE-ID event ${exception.uid} has no master event`);
    process.exit(1);
  }
  master.relateException(exception);
}

const utc = (time) => time.toJSDate().toISOString().replace('.000Z', 'Z');
const windowStart = ICAL.Time.fromJSDate(new Date(from), true);
const windowEnd = ICAL.Time.fromJSDate(new Date(to), true);
const occurrences = [];
const add = (uid, start, end, item) => {
  if (start.compare(windowEnd) >= 0 || end.compare(windowStart) <= 0) return;
  occurrences.push({
    uid,
    start: utc(start),
    end: utc(end),
    status: item.component.getFirstPropertyValue('status'),
  });
};
for (const [uid, master] of masters) {
  if (!master.isRecurring()) {
    add(uid, master.startDate, master.endDate, master);
    continue;
  }
  const iterator = master.iterator();
  for (let next = iterator.next(); next && next.compare(windowEnd) < 0; next = iterator.next()) {
    const details = master.getOccurrenceDetails(next);
    add(uid, details.startDate, details.endDate, details.item);
  }
}
occurrences.sort((a, b) => a.start.localeCompare(b.start) || a.uid.localeCompare(b.uid));
process.stdout.write(JSON.stringify(occurrences, null, 1) + '\n');
