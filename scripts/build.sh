#!/usr/bin/env bash
# Configures and builds one CMake preset (default: release). Used by demo.sh, test.sh, .ci/run.
set -euo pipefail
preset=${1:-release}
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cmake --preset "$preset" -G Ninja >/dev/null
cmake --build --preset "$preset" -j "$(nproc)"
