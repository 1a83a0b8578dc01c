#!/usr/bin/env bash
# Configures and builds one CMake preset (default: release), all targets or those named after
# it. Used by demo.sh, test.sh and .ci/run.
set -euo pipefail
preset=${1:-release}
shift || true
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cmake --preset "$preset" -G Ninja >/dev/null
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build --preset "$preset" -j "$(nproc)" "${targets[@]}"
