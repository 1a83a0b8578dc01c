// Plain feeds in stock FullCalendar: FullCalendar 6 with its iCalendar plugin (which ignores
// TZID, fullcalendar#7456), all from node_modules, reads a person's plain feed
// (GET /feeds/{token}.ics?plain=1) from a mentorcald this script starts on 127.0.0.1, in Debian's
// Chromium driven by Playwright; the events it shows must be exactly the instants that Python's
// icalendar and recurring_ical_events (tests/interop/expand.py, through the feed's own
// VTIMEZONEs) give for that person's normal feed.
//
//   node plain_feeds.mjs MENTORCALD MENTORCAL SAMPLE_DIR EXPAND_PY SCREENSHOT_DIR
//
// The person is the sample's m-01 (America/New_York), whose sessions cross the spring DST change;
// a block on one of their sessions first moves it, so the normal feed holds a RECURRENCE-ID.
// The test page is served at mentorcald's origin by Playwright (page.route), so the plugin
// fetches the feed same-origin and mentorcald needs no CORS; no request leaves 127.0.0.1.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { check, chromiumOptions, run, runChecks, startDaemon } from "./harness.mjs";

const [mentorcald, mentorcal, sample, expandPy, shots] = process.argv.slice(2);
const ADMIN = "browser-test-coordinator-token";
const PERSON = "m-01", ZONE = "America/New_York";
const differences = (a, b) => [...a].filter((x) => !b.has(x));

// The browser bundles of the packages that tests/browser/package.json pins (files their
// packages do not export to Node, hence paths).
const modules = join(dirname(fileURLToPath(import.meta.url)), "node_modules");
const assets = {
  "core.js": join(modules, "@fullcalendar/core/index.global.min.js"),
  "daygrid.js": join(modules, "@fullcalendar/daygrid/index.global.min.js"),
  "ical.js": join(modules, "ical.js/build/ical.min.js"),
  "icalendar.js": join(modules, "@fullcalendar/icalendar/index.global.min.js"),
};
const testPage = `<!doctype html>
<html><head><meta charset="utf-8"><title>Plain feed in FullCalendar</title>
${Object.keys(assets).map((name) => `<script src="${name}"></script>`).join("\n")}
</head><body><div id="calendar"></div><script>
  const query = new URLSearchParams(location.search);
  window.loaded = false;
  window.calendar = new FullCalendar.Calendar(document.getElementById("calendar"), {
    initialView: "dayGrid",
    visibleRange: { start: query.get("from"), end: query.get("to") },
    events: { url: query.get("feed"), format: "ics" },
    loading: (busy) => { window.loaded = !busy; },
  });
  window.calendar.render();
</script></body></html>`;

const work = mkdtempSync(join(tmpdir(), "mentorcal-plain-"));
mkdirSync(shots, { recursive: true });
const { daemon, base } = await startDaemon(mentorcald, join(work, "data"), ADMIN);
const api = (path, init = {}) =>
  fetch(`${base}${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${ADMIN}`, ...(init.headers || {}) },
  });
// UTC as expand.py prints it, to the second.
const utc = (date) => date.toISOString().replace(/\.\d{3}Z$/, "Z");
const offset = (instant) =>
  new Intl.DateTimeFormat("en-US", { timeZone: ZONE, timeZoneName: "longOffset" })
    .formatToParts(new Date(instant)).find((p) => p.type === "timeZoneName").value;

let browser;
await runChecks(async () => {
  await run(mentorcal, ["push", sample, "--server", base, "--token", ADMIN]);
  const list = await (await api("/api/programs/acme-2027/feeds")).json();
  const person = list.feeds.find((f) => f.person === PERSON);

  // Python's expansion of the normal feed: the occurrences that take place, start/end in UTC.
  const expansion = async () => {
    const path = join(work, `${PERSON}.ics`);
    writeFileSync(path, await (await fetch(person.url)).text());
    const all = JSON.parse(
      await run("/usr/bin/python3", [expandPy, path, "2000-01-01T00:00:00Z", "2100-01-01T00:00:00Z"]));
    return all.filter((o) => o.status === "CONFIRMED");
  };

  // Block the first session after the DST change in the person's zone: the re-planner moves it.
  const before = await expansion();
  const spring = before.find((o) => offset(o.start) !== offset(before[0].start));
  check(spring !== undefined, `${PERSON}'s sessions cross a DST change in ${ZONE}`);
  const blocked = await api(`/api/programs/acme-2027/people/${PERSON}/blocks`, {
    method: "POST",
    body: JSON.stringify({ start: spring.start, end: spring.end, reason: "plain feed test" }),
  });
  const { changes = [] } = await blocked.json();
  const moved = changes.find((c) => c.after === "moved");
  check(blocked.status === 201 && moved !== undefined,
        `a block moves one of ${PERSON}'s sessions (${blocked.status}, ${JSON.stringify(changes)})`);

  const python = await expansion();
  const want = new Set(python.map((o) => `${o.start}/${o.end}`));
  check(moved !== undefined && want.has(`${moved.start}/${moved.end}`),
        "the normal feed holds the moved occurrence where it now takes place");
  check(new Set(python.map((o) => offset(o.start))).size === 2,
        `the sessions compared are on both sides of the DST change (${offset(python[0].start)}, ` +
        `${offset(python[python.length - 1].start)})`);

  browser = await chromium.launch(chromiumOptions);
  const context = await browser.newContext({
    viewport: { width: 1200, height: 900 },
    locale: "en-US",
    // A reader in another zone, whose DST changes on another date: a feed read by wall clock
    // (TZID ignored) would show other instants here.
    timezoneId: "Europe/London",
  });
  const page = await context.newPage();
  const elsewhere = [];
  page.on("request", (r) => {
    if (!r.url().startsWith(base)) elsewhere.push(r.url());
  });
  await page.route(`${base}/fullcalendar-test/**`, (route) => {
    const name = new URL(route.request().url()).pathname.split("/").pop();
    if (name === "index.html") {
      return route.fulfill({ contentType: "text/html; charset=utf-8", body: testPage });
    }
    if (!(name in assets)) return route.fulfill({ status: 404, body: "" });
    return route.fulfill({
      contentType: "text/javascript; charset=utf-8",
      body: readFileSync(assets[name]),
    });
  });
  // The view spans every session, from the day before the first to the day after the last.
  const day = (instant, days) =>
    new Date(Date.parse(instant) + days * 86400000).toISOString().slice(0, 10);
  const feedPath = new URL(person.url).pathname + "?plain=1";
  const query = new URLSearchParams({
    feed: feedPath,
    from: day(python[0].start, -1),
    to: day(python[python.length - 1].end, 2),
  });
  await page.goto(`${base}/fullcalendar-test/index.html?${query}`);
  await page.waitForFunction(() => window.loaded && window.calendar.getEvents().length > 0);
  const shown = await page.evaluate(() =>
    window.calendar.getEvents().map((e) => [e.start.toISOString(), e.end.toISOString()]));
  const got = new Set(shown.map(([start, end]) => `${utc(new Date(start))}/${utc(new Date(end))}`));
  check(shown.length === got.size, `FullCalendar shows each event once (${shown.length})`);
  check(got.size === want.size && differences(got, want).length === 0,
        `FullCalendar shows the ${want.size} instants of the Python expansion ` +
        `(only in FullCalendar: ${differences(got, want).slice(0, 3)}; ` +
        `only in Python: ${differences(want, got).slice(0, 3)})`);

  // For a person to look at: the month of the moved session, in the reader's zone.
  await page.evaluate(
    (date) => window.calendar.changeView("dayGridMonth", date), (moved ?? spring).start.slice(0, 10));
  await page.locator(".fc-event").first().waitFor();
  await page.screenshot({ path: join(shots, "9-plain-feed-fullcalendar.png"), fullPage: true });
  check(elsewhere.length === 0, `no request to another host (${elsewhere.join(", ")})`);
}, async () => {
  if (browser) await browser.close();
  daemon.kill("SIGTERM");
  rmSync(work, { recursive: true, force: true });
});
