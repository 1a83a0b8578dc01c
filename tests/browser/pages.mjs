// The people's pages in a real browser: Debian's Chromium driven by Playwright (playwright-core,
// no downloaded browser) against a mentorcald this script starts on 127.0.0.1 with the sample
// program, m-01 renamed to a piece of HTML.
//
//   node pages.mjs MENTORCALD MENTORCAL SAMPLE_DIR SCREENSHOT_DIR
//
// A mentor signs in through their personal link, previews, blocks and undoes a week through the
// form's labels (the undo by keyboard), and both parties' feeds follow; the XSS, CSRF and
// feed-token-cannot-write cases; the coordinator's console with its summary, unplaced pairs and
// charts; no request leaves for another host. Screenshots of each page go to SCREENSHOT_DIR.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { check, chromiumOptions, run, runChecks, startDaemon } from "./harness.mjs";

const [mentorcald, mentorcal, sample, shots] = process.argv.slice(2);
const ADMIN = "browser-test-coordinator-token";
const HOSTILE = "<img src=x onerror=alert(1)>";

const work = mkdtempSync(join(tmpdir(), "mentorcal-browser-"));
mkdirSync(shots, { recursive: true });
const program = join(work, "program");
cpSync(sample, program, { recursive: true });
const people = join(program, "people.csv");
writeFileSync(people, readFileSync(people, "utf8").replace("Eleanor Whitfield", HOSTILE));

const { daemon, base } = await startDaemon(mentorcald, join(work, "data"), ADMIN);

let browser;
await runChecks(async () => {
  await run(mentorcal, ["push", program, "--server", base, "--token", ADMIN]);
  const list = await (
    await fetch(`${base}/api/programs/acme-2027/feeds`, {
      headers: { Authorization: `Bearer ${ADMIN}` },
    })
  ).json();
  const of = (id) => list.feeds.find((f) => f.person === id);
  const mentor = of("m-01"), mentee = of("e-03");
  // What a plain feed holds, as instants: the sorted DTSTART lines.
  const starts = async (person, plain = true) => {
    const text = await (await fetch(person.url + (plain ? "?plain=1" : ""))).text();
    return text.split("\r\n").filter((l) => l.startsWith("DTSTART")).sort().join("\n");
  };
  const feed = async (person) => (await fetch(person.url)).text();

  // Playwright gives every launch a fresh profile (user data directory) of its own.
  browser = await chromium.launch(chromiumOptions);
  const elsewhere = [];
  const dialogs = [];
  const watch = (page) => {
    page.on("request", (r) => {
      if (!r.url().startsWith(base) && !r.url().startsWith("data:")) elsewhere.push(r.url());
    });
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      d.dismiss();
    });
    return page;
  };

  // ---- the mentor's page ----
  const mentorContext = await browser.newContext({
    viewport: { width: 1200, height: 900 },
    locale: "en-US",
  });
  const page = watch(await mentorContext.newPage());
  await page.goto(mentor.manage_url);
  check(new URL(page.url()).pathname === "/me", "the personal link lands on /me, secret gone");
  check(!page.url().includes(mentor.manage_url.split("/me/")[1]), "no secret in the address bar");
  const cookies = await mentorContext.cookies();
  check(cookies.length === 1 && cookies[0].httpOnly && cookies[0].sameSite === "Strict",
        "the session cookie is HttpOnly and SameSite=Strict");
  await page.screenshot({ path: join(shots, "1-personal-page.png"), fullPage: true });

  const mentorBefore = await starts(mentor), menteeBefore = await starts(mentee);
  const mentorFeedBefore = await feed(mentor);
  await page.getByLabel("From", { exact: true }).fill("2027-03-01");
  await page.getByLabel("To", { exact: true }).fill("2027-03-05");
  await page.getByLabel("Reason").fill("Board week");
  await page.getByRole("button", { name: "Preview" }).click();
  const preview = page.locator("#preview");
  await preview.waitFor();
  const previewText = await preview.innerText();
  check(/would (be skipped|move to)/.test(previewText), "Preview lists what would move or be skipped");
  check(await page.getByLabel("From", { exact: true }).inputValue() === "2027-03-01",
        "the form keeps what was typed");
  check((await feed(mentor)) === mentorFeedBefore, "Preview stores nothing");
  await page.screenshot({ path: join(shots, "2-preview.png"), fullPage: true });

  await page.getByRole("button", { name: "Block", exact: true }).click();
  await page.getByText("Your block is stored").waitFor();
  check((await starts(mentor)) !== mentorBefore, "the mentor's feed changes");
  check((await starts(mentee)) !== menteeBefore, "the mentee's feed changes");
  await page.screenshot({ path: join(shots, "3-blocked.png"), fullPage: true });

  // Undo with the keyboard: focus the button, press Enter.
  await page.getByRole("button", { name: "Undo" }).focus();
  await page.keyboard.press("Enter");
  await page.getByText("The block is removed").waitFor();
  check((await starts(mentor)) === mentorBefore, "the mentor's feed is restored");
  check((await starts(mentee)) === menteeBefore, "the mentee's feed is restored");

  // From the keyboard: type into each field (Chromium's date input takes the digits of its
  // locale's format), then Enter in Reason previews (the form's first button).
  for (const [label, keys] of [["From", "03082027"], ["To", "03092027"], ["Reason", "Offsite"]]) {
    await page.getByLabel(label, { exact: true }).focus();
    await page.keyboard.type(keys);
  }
  await page.keyboard.press("Enter");
  await preview.waitFor();
  check((await preview.innerText()).includes("Nothing is stored"), "Enter in the form previews");

  // ---- CSRF and the feed token ----
  const forged = await mentorContext.request.post(`${base}/me/blocks`, {
    form: { from: "2027-03-01", to: "2027-03-05", action: "block" },
    maxRedirects: 0,
  });
  check(forged.status() === 403, `a form without the CSRF token is refused (${forged.status()})`);
  const feedToken = mentor.url.split("/feeds/")[1].replace(".ics", "");
  const write = await fetch(`${base}/api/programs/acme-2027/people/m-01/blocks`, {
    method: "POST",
    headers: { Authorization: `Bearer ${feedToken}` },
    body: JSON.stringify({ start: "2027-03-01T00:00:00Z", end: "2027-03-02T00:00:00Z" }),
  });
  check(write.status === 403, `a feed token cannot write (${write.status})`);
  check((await starts(mentor)) === mentorBefore, "neither changed the feed");

  // ---- the mentee's page: the mentor's hostile name is text ----
  const menteeContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const phone = watch(await menteeContext.newPage());
  await phone.goto(mentee.manage_url);
  check(await phone.getByText(HOSTILE).first().isVisible(), "a name made of HTML shows as text");
  check((await phone.locator("img").count()) === 0, "and makes no element");
  await phone.screenshot({ path: join(shots, "4-mentee-phone.png"), fullPage: true });
  await phone.screenshot({ path: join(shots, "4-mentee-phone-top.png") });
  await phone.goto(`${base}/me?view=month&at=2027-03-01`);
  await phone.screenshot({ path: join(shots, "5-month-phone.png"), fullPage: true });

  // ---- the console ----
  const coordinator = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const console_ = watch(await coordinator.newPage());
  await console_.goto(base);
  await console_.screenshot({ path: join(shots, "6-sign-in.png") });
  await console_.getByLabel("Coordinator token").fill(ADMIN);
  await console_.getByRole("button", { name: "Sign in" }).click();
  await console_.getByRole("link", { name: "Acme Senior Mentorship 2027" }).click();
  check(await console_.getByText("Pairs scheduled").isVisible(), "the console shows the summary");
  check(await console_.getByRole("heading", { name: "Unplaced pairs" }).isVisible(),
        "the console shows the unplaced pairs");
  check((await console_.locator("svg.chart").count()) > 0, "the console draws load charts");
  await console_.screenshot({ path: join(shots, "7-console.png"), fullPage: true });
  await console_.screenshot({ path: join(shots, "7-console-top.png") });
  await console_.locator("#load").scrollIntoViewIfNeeded();
  await console_.screenshot({ path: join(shots, "7-console-charts.png") });
  // The CSV files download from the console's links; the report opens with its inline style
  // applied under its own CSP.
  const [download] = await Promise.all([
    console_.waitForEvent("download"),
    console_.getByRole("link", { name: "sessions.csv" }).click(),
  ]);
  const csv = readFileSync(await download.path(), "utf8");
  check(download.suggestedFilename() === "acme-2027-sessions.csv" &&
        csv.startsWith("uid,mentor,mentor_name,") && csv.includes(`,m-01,${HOSTILE},`),
        `the console's sessions.csv link downloads the sessions (${download.suggestedFilename()})`);
  const report = watch(await coordinator.newPage());
  const refused = [];
  report.on("console", (m) => {
    if (m.type() === "error") refused.push(m.text());
  });
  await report.goto(`${base}/programs/acme-2027`);
  await report.getByRole("link", { name: "The report" }).click();
  await report.getByRole("heading", { name: "Acme Senior Mentorship 2027", level: 1 }).waitFor();
  const width = await report.evaluate(() => getComputedStyle(document.querySelector("main")).maxWidth);
  check(width === "1100px" && refused.length === 0,
        `the report opens with its style applied (max-width ${width}; ` +
          `${refused.length} errors: ${refused[0] ?? ""})`);
  await report.screenshot({ path: join(shots, "7-report.png") });
  await report.close();
  await console_.getByRole("button", { name: "Run a proposal" }).click();
  await console_.getByText("Stored, not published").waitFor();
  check((await starts(mentor)) === mentorBefore, "a proposal changes no feed");
  await console_.screenshot({ path: join(shots, "8-proposal.png"), fullPage: true });

  check(dialogs.length === 0, `no script ran from program text (${dialogs.join(", ")})`);
  check(elsewhere.length === 0, `no request to another host (${elsewhere.join(", ")})`);
}, async () => {
  if (browser) await browser.close();
  daemon.kill("SIGTERM");
  rmSync(work, { recursive: true, force: true });
});
