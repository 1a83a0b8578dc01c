// What the browser tests share: their checks and outcome, a mentorcald started on 127.0.0.1 with
// a free port, a way to run a command to its end, and how Chromium is launched.
import { spawn } from "node:child_process";

let failures = 0;
// Prints "ok" or "FAIL" and what was checked; a failure makes the test fail at the end.
export const check = (ok, what) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures += 1;
};

// Runs BODY (an exception in it is a failure), then CLEANUP, prints the outcome and exits 1 on
// any failure.
export const runChecks = async (body, cleanup) => {
  try {
    await body();
  } catch (error) {
    check(false, error.stack);
  } finally {
    await cleanup();
  }
  console.log(failures ? `${failures} failed` : "all passed");
  process.exit(failures ? 1 : 0);
};

// Starts MENTORCALD on 127.0.0.1:0 with DATA and the coordinator token ADMIN; resolves to the
// child process and its base URL once it says where it listens.
export const startDaemon = (mentorcald, data, admin) => {
  const daemon = spawn(mentorcald, ["--data", data, "--listen", "127.0.0.1:0"], {
    env: { ...process.env, MENTORCAL_ADMIN_TOKEN: admin },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let log = "";
    const timer = setTimeout(() => reject(new Error(`mentorcald did not start: ${log}`)), 20000);
    const read = (chunk) => {
      log += chunk;
      const m = log.match(/listening on 127\.0\.0\.1:(\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve({ daemon, base: `http://127.0.0.1:${m[1]}` });
      }
    };
    daemon.stdout.on("data", read);
    daemon.stderr.on("data", read);
    daemon.on("exit", (code) => reject(new Error(`mentorcald exited with ${code}: ${log}`)));
  });
};

// Runs COMMAND with ARGS, its standard error passed through; resolves to its standard output.
export const run = (command, args) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.on("exit", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} exited with ${code}`)));
  });

// Debian's Chromium, headless, with nothing of its own that reaches for the network.
export const chromiumOptions = {
  executablePath: "/usr/bin/chromium",
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
};
