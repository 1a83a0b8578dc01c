#!/usr/bin/env bash
# Sets up what is missing, builds, and runs the main job on the bundled sample program: a
# check of the program, then a schedule pass writing schedule.json and the feeds.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
bash scripts/build.sh release mentorcal
mentorcal=./build/release/cli/mentorcal
$mentorcal validate samples/acme-2027 | tail -n 3
$mentorcal schedule samples/acme-2027 --out build/demo-out
echo "schedule: build/demo-out/schedule.json, feeds: build/demo-out/feeds/"
