#!/usr/bin/env bash
# Sets up what is missing, builds, and runs the main job on the bundled sample program: a
# check of the program, a schedule pass, then mentorcald serving the feeds (their URLs are
# printed) until Ctrl-C.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
bash scripts/build.sh release mentorcal mentorcald
./build/release/cli/mentorcal validate samples/acme-2027 | tail -n 3
exec bash scripts/demo-daemon.sh
