#!/usr/bin/env bash
# Sets up what is missing, builds, and runs the main job on the bundled sample program.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
bash scripts/build.sh release
./build/release/cli/mentorcal validate samples/acme-2027
