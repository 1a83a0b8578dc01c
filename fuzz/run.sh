#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (address and undefined-behaviour sanitizers) in
# build/fuzz and runs each for half of SECONDS, one after the other: the import fuzzer seeded
# with the shared calendar corpus, then the HTTP fuzzer seeded with fuzz/corpus/http. Findings
# (crash-*, timeout-*, oom-*) are written to build/fuzz/findings/; the first stops the run.
#   fuzz/run.sh 600
set -euo pipefail
seconds=${1:?usage: fuzz/run.sh SECONDS}
half=$(((seconds + 1) / 2))
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$root/build/fuzz
jobs=$(($(nproc) > 2 ? 2 : 1))

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMENTORCAL_FUZZ=ON -DMENTORCAL_WERROR=ON \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build "$build" --target import_fuzzer http_fuzzer -j "$jobs"

mkdir -p "$build/corpus/import" "$build/corpus/http" "$build/findings"
seeds=$root/../shared/ical-corpus
[[ -d $seeds ]] || seeds=$root/tests/ical
cd "$build/findings"
"$build/fuzz/import_fuzzer" -max_total_time="$half" -timeout=10 -rss_limit_mb=2048 \
  -max_len=16384 -dict="$root/fuzz/ical.dict" -print_final_stats=1 "$build/corpus/import" "$seeds"
"$build/fuzz/http_fuzzer" -max_total_time="$half" -timeout=10 -rss_limit_mb=2048 \
  -max_len=8192 -dict="$root/fuzz/http.dict" -print_final_stats=1 "$build/corpus/http" \
  "$root/fuzz/corpus/http"
