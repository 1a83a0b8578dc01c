#!/usr/bin/env bash
# mentorcald's benchmark (docs/PERFORMANCE.md, "mentorcald"):
#  1. one feed from mentorcald against the same bytes as a static file on nginx, with wrk, in the
#     same run, with keep-alive and with "Connection: close": requests/s, ratio, p50/p99;
#  2. blocks on the L program (30,000 pairs): time from POST to a re-planned, stored answer, and
#     that both parties' feeds already show it.
#
#   MENTORCAL_SETUP_BENCH=1 bash scripts/setup.sh     # wrk, nginx-light
#   bash bench/daemon/run.sh [--skip-l]
#
# Environment: MENTORCAL_BUILD (default build/release) holds mentorcald, mentorcal and
# mentorcal-generate; MENTORCAL_BENCH_L reuses a generated L program; MENTORCAL_BENCH_L_DATA keeps
# a data directory with that program pushed and published, made on the first run and copied on
# the next ones, so that each run starts from the same state without a new import and pass;
# WRK_SECONDS (default 10), WRK_CONNECTIONS (default 50), BLOCKS (default 50).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${MENTORCAL_BUILD:-$here/build/release}
seconds=${WRK_SECONDS:-10}
connections=${WRK_CONNECTIONS:-50}
blocks=${BLOCKS:-50}
skip_l=0
[[ "${1:-}" == --skip-l ]] && skip_l=1

for tool in wrk nginx curl python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (MENTORCAL_SETUP_BENCH=1 bash scripts/setup.sh)" >&2; exit 2; }
done
if [[ ! -x "$build/daemon/mentorcald" ]]; then
  cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" --target mentorcald mentorcal mentorcal-generate >/dev/null

work=$(mktemp -d /tmp/mentorcal-bench-daemon.XXXXXX)
daemon_pid=""
nginx_pid=""
cleanup() {
  [[ -n "$daemon_pid" ]] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
  [[ -n "$nginx_pid" ]] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

export MENTORCAL_ADMIN_TOKEN=bench-coordinator-token
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_daemon() {  # DATA_DIR [SECONDS to start, default 10]; sets port and daemon_pid
  port=$(free_port)
  "$build/daemon/mentorcald" --data "$1" --listen "127.0.0.1:$port" >/dev/null 2>"$1.log" &
  daemon_pid=$!
  for _ in $(seq $((${2:-10} * 10))); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return
    sleep 0.1
  done
  echo "bench: mentorcald did not start; see $1.log" >&2
  exit 1
}
stop_daemon() {
  kill -TERM "$daemon_pid"
  wait "$daemon_pid"
  daemon_pid=""
}

# ---- 1. a feed: mentorcald against nginx ----
start_daemon "$work/data"
"$build/cli/mentorcal" push "$here/samples/acme-2027" --server "http://127.0.0.1:$port" --json \
  >"$work/push.json"
feed_url=$(python3 -c 'import json,sys; print(next(f["url"] for f in json.load(open(sys.argv[1]))["feeds"] if f["person"]=="m-01"))' "$work/push.json")
feed_path=${feed_url#http://127.0.0.1:$port}

# nginx's workers run as nobody: they must be able to read the file.
chmod 755 "$work"
mkdir -p "$work/www" "$work/nginx"
curl -fs "$feed_url" -o "$work/www/feed.ics"
nginx_port=$(free_port)
cat >"$work/nginx/nginx.conf" <<NGINX
worker_processes 2;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000000;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  types { text/calendar ics; }
  charset utf-8;
  charset_types text/calendar;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/www;
  }
}
NGINX
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" >/dev/null 2>&1 &
nginx_pid=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$nginx_port/feed.ics" -o /dev/null && break; sleep 0.1; done
cmp -s "$work/www/feed.ics" <(curl -fs "http://127.0.0.1:$nginx_port/feed.ics") ||
  { echo "bench: nginx does not serve the feed's bytes" >&2; exit 1; }

# wrk's summary as "requests/s p50 p99" (latencies in ms).
measure() {  # URL [HEADER]
  local args=(-t2 -c"$connections" -d"${seconds}s" --latency)
  [[ -n "${2:-}" ]] && args+=(-H "$2")
  wrk "${args[@]}" "$1" | python3 -c '
import re, sys
text = sys.stdin.read()
def ms(v):
    n, unit = re.match(r"([\d.]+)(us|ms|s)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50 = ms(re.search(r"^\s*50%\s+(\S+)", text, re.M).group(1))
p99 = ms(re.search(r"^\s*99%\s+(\S+)", text, re.M).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
if errors: sys.exit("bench: " + errors.group(1) + " failed responses")
print(f"{rps:.0f} {p50:.2f} {p99:.2f}")'
}

echo "feed: $(stat -c %s "$work/www/feed.ics") bytes; wrk -t2 -c$connections -d${seconds}s on $(nproc) cores"
printf '%-12s %-10s %12s %9s %9s\n' mode server "req/s" "p50 ms" "p99 ms"
for mode in keep-alive close; do
  header=""
  [[ $mode == close ]] && header="Connection: close"
  read -r d_rps d_p50 d_p99 < <(measure "http://127.0.0.1:$port$feed_path" "$header")
  read -r n_rps n_p50 n_p99 < <(measure "http://127.0.0.1:$nginx_port/feed.ics" "$header")
  printf '%-12s %-10s %12s %9s %9s\n' "$mode" mentorcald "$d_rps" "$d_p50" "$d_p99"
  printf '%-12s %-10s %12s %9s %9s\n' "$mode" nginx "$n_rps" "$n_p50" "$n_p99"
  printf '%-12s ratio mentorcald/nginx: %s\n' "$mode" "$(python3 -c "print(f'{$d_rps/$n_rps:.2f}')")"
done
kill "$nginx_pid"; wait "$nginx_pid" 2>/dev/null || true; nginx_pid=""
stop_daemon
[[ $skip_l == 1 ]] && exit 0

# ---- 2. blocks on the L program ----
program=${MENTORCAL_BENCH_L:-}
if [[ -z "$program" ]]; then
  program=$work/L
  "$build/bench/mentorcal-generate" --out "$program" --mentors 10000 --mentees-per-mentor 3 \
    --weeks 26 --seed 1 >/dev/null
fi
prepared=${MENTORCAL_BENCH_L_DATA:-}
if [[ -n "$prepared" && -f "$prepared/mentorcal.db" ]]; then
  cp -a "$prepared" "$work/data-l"
else
  start_daemon "$work/data-l"
  start=$(date +%s.%N)
  "$build/cli/mentorcal" push "$program" --server "http://127.0.0.1:$port" --json >"$work/push-l.json"
  echo "L: push (import, pass, $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["feeds"]))' "$work/push-l.json") feeds rendered) took $(python3 -c "print(f'{$(date +%s.%N) - $start:.1f}')") s"
  if [[ -n "$prepared" ]]; then
    stop_daemon
    mkdir -p "$(dirname "$prepared")"
    cp -a "$work/data-l" "$prepared"
  fi
fi
if [[ -n "$prepared" ]]; then
  # A restart restores the program (reading every calendar again) before it listens.
  start_daemon "$work/data-l" 1200
  program_id=$(sed -n 's/^id *= *"\(.*\)"/\1/p' "$program/program.toml")
  curl -fs -H "Authorization: Bearer $MENTORCAL_ADMIN_TOKEN" \
    "http://127.0.0.1:$port/api/programs/$program_id/feeds" |
    python3 -c 'import json,sys; f=json.load(sys.stdin); print(json.dumps({"program": {"id": f["program"]}, "feeds": f["feeds"]}))' \
      >"$work/push-l.json"
  echo "L: started on the pushed data directory $prepared"
fi
python3 - "$port" "$work/push-l.json" "$blocks" <<'PY'
import datetime, http.client, json, os, random, re, statistics, sys, time
port, pushed, count = int(sys.argv[1]), json.load(open(sys.argv[2])), int(sys.argv[3])
token = os.environ["MENTORCAL_ADMIN_TOKEN"]
program = pushed["program"]["id"]
feeds = {f["person"]: f["url"].split(str(port), 1)[1] for f in pushed["feeds"]}
conn = http.client.HTTPConnection("127.0.0.1", port)

def call(method, path, body=None, auth=True):
    headers = {"Authorization": "Bearer " + token} if auth else {}
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    return r.status, r.read(), r.getheader("ETag")

rng = random.Random(1)
mentors = sorted(p for p in feeds if p.startswith("m-"))
first_monday = datetime.datetime(2027, 1, 11, tzinfo=datetime.timezone.utc)
latencies, changed, visible = [], 0, 0
for _ in range(count):
    mentor = rng.choice(mentors)
    etags = {mentor: call("GET", feeds[mentor], auth=False)[2]}
    start = first_monday + datetime.timedelta(weeks=rng.randrange(25))
    body = json.dumps({"start": start.isoformat(), "end": (start + datetime.timedelta(days=5)).isoformat(),
                       "reason": "a week away"})
    t = time.perf_counter()
    status, answer, _ = call("POST", f"/api/programs/{program}/people/{mentor}/blocks", body)
    latencies.append((time.perf_counter() - t) * 1000)
    assert status == 201, answer
    changes = json.loads(answer)["changes"]
    if not changes:
        continue
    changed += 1
    # Both parties, read right after the 201: the mentor's feed has a new ETag, and the mentee's
    # lists the changed occurrence as a RECURRENCE-ID or an EXDATE.
    mentee = changes[0]["mentee"]
    mentor_now = call("GET", feeds[mentor], auth=False)[2]
    mentee_feed = call("GET", feeds[mentee], auth=False)[1].replace(b"\r\n ", b"")
    nominal = changes[0]["occurrence"].replace("-", "").replace(":", "") + "00"
    shown = re.search(rb"(EXDATE|RECURRENCE-ID)[^\r\n]*" + nominal.encode(), mentee_feed)
    visible += mentor_now != etags[mentor] and shown is not None
latencies.sort()
print(f"L: {count} week-long blocks on random mentors; {changed} moved or skipped sessions; "
      f"both feeds showed it when the 201 arrived: {visible} of {changed}")
print(f"L: block latency (POST to 201: re-planned, verified, stored, feeds swapped) "
      f"p50 {statistics.median(latencies):.1f} ms, p99 {latencies[int(0.99 * (len(latencies) - 1))]:.1f} ms, "
      f"max {latencies[-1]:.1f} ms")
PY
stop_daemon
