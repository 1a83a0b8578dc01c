#!/usr/bin/env bash
# The sample program served by mentorcald: schedules samples/acme-2027 with the command line,
# starts mentorcald on 127.0.0.1:8080 (or $MENTORCAL_LISTEN) with its data in build/demo-data,
# pushes the sample, prints each person's feed URL, the coordinator console's URL and a mentor's
# personal link, and serves until Ctrl-C, then stops the daemon cleanly (SIGTERM: it drains and
# exits 0).
#
# Expects a built tree: $MENTORCAL_BUILD (default build/release) with cli/mentorcal and
# daemon/mentorcald, e.g. after `bash scripts/build.sh release`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build=${MENTORCAL_BUILD:-build/release}
listen=${MENTORCAL_LISTEN:-127.0.0.1:8080}
data=build/demo-data
mentorcal=$build/cli/mentorcal
mentorcald=$build/daemon/mentorcald
for binary in "$mentorcal" "$mentorcald"; do
  [[ -x "$binary" ]] || { echo "demo-daemon: $binary is missing; run bash scripts/build.sh release" >&2; exit 2; }
done

out=$(mktemp -d /tmp/mentorcal-demo.XXXXXX)
"$mentorcal" schedule samples/acme-2027 --out "$out/acme-2027" | head -n 2
echo "offline pass written to $out/acme-2027 (schedule.json, feeds/)"

mkdir -p "$data"
"$mentorcald" --data "$data" --listen "$listen" 2>"$data/mentorcald.log" &
daemon=$!
stop() {
  trap - INT TERM EXIT
  if kill -0 "$daemon" 2>/dev/null; then
    kill -TERM "$daemon"
    wait "$daemon" && echo "mentorcald stopped cleanly" || echo "mentorcald exited with status $?"
  fi
  rm -rf "$out"
}
trap stop INT TERM EXIT

for _ in $(seq 100); do
  curl -fs "http://$listen/healthz" >/dev/null 2>&1 && break
  kill -0 "$daemon" 2>/dev/null || { cat "$data/mentorcald.log" >&2; exit 1; }
  sleep 0.1
done
# The coordinator token: the environment's, or the one mentorcald wrote on its first start.
token=${MENTORCAL_ADMIN_TOKEN:-$(cat "$data/admin.token")}
"$mentorcal" push samples/acme-2027 --server "http://$listen" --token "$token"
echo
# The pages: the console for the coordinator, and a mentor's personal link (their page, where
# they block time; the feed URLs above only read).
link=$(curl -fs -H "Authorization: Bearer $token" "http://$listen/api/programs/acme-2027/feeds" |
  /usr/bin/python3 -c 'import json, sys
f = next(f for f in json.load(sys.stdin)["feeds"] if f["role"] == "mentor")
print(f["name"] + " (" + f["person"] + "): " + f["manage_url"])')
where=${MENTORCAL_ADMIN_TOKEN:+\$MENTORCAL_ADMIN_TOKEN}
echo "coordinator console: http://$listen/ (sign in with the token in ${where:-$data/admin.token})"
echo "personal link of $link"
echo "mentorcald serves on http://$listen (log: $data/mentorcald.log); Ctrl-C stops it"
wait "$daemon"
