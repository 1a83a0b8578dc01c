#!/usr/bin/env bash
# Sets up what is missing, builds, and runs every test. With "asan" as argument the same suite
# runs on an AddressSanitizer + UndefinedBehaviorSanitizer build.
set -euo pipefail
preset=${1:-release}
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
bash scripts/build.sh "$preset"
ctest --preset "$preset" -j "$(nproc)"
