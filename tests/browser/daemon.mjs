// What the browser tests share: a mentorcald started on 127.0.0.1 with a free port, and a way to
// run a command to its end.
import { spawn } from "node:child_process";

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
