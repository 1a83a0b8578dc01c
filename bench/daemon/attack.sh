#!/usr/bin/env bash
# mentorcald under the attacks of issue 14 (docs/PERFORMANCE.md, "mentorcald under attack"):
#  1. unauthenticated bodies: CLIENTS connections at a time, each announcing a 400 MiB
#     `PUT /api/programs/{id}` without a token and sending as fast as it can, reconnecting when cut,
#     for SECONDS; the daemon's VmRSS before, at its peak and after;
#  2. a flood of silent connections from one address (127.0.0.2: FLOOD of them, those closed or
#     refused opened again every second) while an ordinary client on 127.0.0.1 sends GET /healthz and a feed one
#     after the other, each on a new connection: its p50/p99 latency and its answers that were
#     not 200, idle and during the flood.
#
#   bash bench/daemon/attack.sh
#
# Environment: MENTORCAL_BUILD (default build/release) holds mentorcald and mentorcal (built
# first unless MENTORCAL_NO_BUILD=1);
# SECONDS_EACH (default 10), CLIENTS (default 8), FLOOD (silent connections kept open, default 1000).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${MENTORCAL_BUILD:-$here/build/release}
seconds=${SECONDS_EACH:-10}
clients=${CLIENTS:-8}
flood=${FLOOD:-1000}
# MENTORCAL_NO_BUILD=1 runs the binaries as they are (another checkout's, for a comparison).
[[ -n "${MENTORCAL_NO_BUILD:-}" ]] || cmake --build "$build" --target mentorcald mentorcal >/dev/null

work=$(mktemp -d /tmp/mentorcal-bench-attack.XXXXXX)
daemon_pid=""
cleanup() {
  [[ -n "$daemon_pid" ]] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
ulimit -n 4096 2>/dev/null || true

export MENTORCAL_ADMIN_TOKEN=bench-coordinator-token
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$build/daemon/mentorcald" --data "$work/data" --listen "127.0.0.1:$port" >/dev/null 2>"$work/log" &
daemon_pid=$!
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
"$build/cli/mentorcal" push "$here/samples/acme-2027" --server "http://127.0.0.1:$port" --json \
  >"$work/push.json"
echo "mentorcald of $build on $(nproc) cores, $(date -u +%FT%TZ)"

python3 - "$port" "$daemon_pid" "$seconds" "$clients" "$flood" "$work/push.json" <<'PY'
import json, socket, statistics, sys, threading, time
port, pid, seconds, clients, flood = (int(a) for a in sys.argv[1:6])
feed = next(f["url"] for f in json.load(open(sys.argv[6]))["feeds"]).split(str(port), 1)[1]

def rss_kib():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])

# ---- 1. unauthenticated 400 MiB bodies ----
stop = threading.Event()
sent, answered = [0], [0]
def uploader():
    chunk = b"x" * 65536
    while not stop.is_set():
        s = socket.create_connection(("127.0.0.1", port))
        s.settimeout(2)
        try:
            s.sendall(b"PUT /api/programs/acme-2027 HTTP/1.1\r\nHost: x\r\n"
                      b"Content-Length: 419430400\r\n\r\n")
            while not stop.is_set():
                sent[0] += s.send(chunk)
        except OSError:
            pass
        try:
            if s.recv(12) == b"HTTP/1.1 401":
                answered[0] += 1
        except OSError:
            pass
        s.close()

before = rss_kib()
threads = [threading.Thread(target=uploader) for _ in range(clients)]
for t in threads: t.start()
peak, deadline = before, time.time() + seconds
while time.time() < deadline:
    peak = max(peak, rss_kib())
    time.sleep(0.05)
stop.set()
for t in threads: t.join()
time.sleep(0.5)
after = rss_kib()
print(f"unauthenticated bodies: {clients} clients for {seconds} s, {sent[0] / 2**20:.0f} MiB sent, "
      f"{answered[0]} connections answered 401 and cut")
print(f"  VmRSS before {before / 1024:.1f} MiB, peak {peak / 1024:.1f} MiB, after {after / 1024:.1f} MiB")

# ---- 2. an ordinary client while one address floods silent connections ----
def latencies(duration):
    """Requests one after the other, each on a new connection as a feed poller makes it: their
    count, p50 and p99 in ms, and how many were not answered 200."""
    out, failed, end, n = [], 0, time.time() + duration, 0
    while time.time() < end:
        target = feed if n % 2 else "/healthz"
        n += 1
        t = time.perf_counter()
        data = b""
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            s.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            while chunk := s.recv(65536):
                data += chunk
            s.close()
        except OSError:
            pass
        out.append((time.perf_counter() - t) * 1000)
        failed += not data.startswith(b"HTTP/1.1 200")
    out.sort()
    return len(out), statistics.median(out), out[int(0.99 * (len(out) - 1))], failed

idle = latencies(seconds)
stop.clear()
opened = [0]
def flooder():
    held = []
    while not stop.is_set():
        while len(held) < flood and not stop.is_set():
            s = socket.socket()
            s.bind(("127.0.0.2", 0))
            try:
                s.connect(("127.0.0.1", port))
                held.append(s)
                opened[0] += 1
            except OSError:
                s.close()
                break
        # Drop what the daemon closed or answered (503 at the cap): a silent connection that is
        # still held reads nothing.
        alive = []
        for s in held:
            s.setblocking(False)
            try:
                s.recv(4096)
                s.close()
            except BlockingIOError:
                alive.append(s)
            except OSError:
                s.close()
        held = alive
        # As issue 14's attacker: whatever was closed is opened again, once a second.
        stop.wait(1)
    for s in held: s.close()
flood_thread = threading.Thread(target=flooder)
flood_thread.start()
time.sleep(1)
flooded = latencies(seconds)
stop.set()
flood_thread.join()
print(f"ordinary client on 127.0.0.1, /healthz and a feed alternately, one at a time, a connection each:")
print(f"  idle:  {idle[0]} requests, {idle[3]} not 200, p50 {idle[1]:.3f} ms, p99 {idle[2]:.3f} ms")
print(f"  flood: {flooded[0]} requests, {flooded[3]} not 200, p50 {flooded[1]:.3f} ms, p99 {flooded[2]:.3f} ms "
      f"({opened[0]} silent connections opened from 127.0.0.2, up to {flood} at a time)")
print(f"  p99 flood/idle: {flooded[2] / idle[2]:.2f}")
PY
curl -fs "http://127.0.0.1:$port/metrics" | grep -E '^mentorcal_(refused|open)_connections' || true
