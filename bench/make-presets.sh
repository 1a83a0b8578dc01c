#!/usr/bin/env bash
# Writes the benchmark presets S, M and L (bench/README.md) to OUTDIR/S, OUTDIR/M and OUTDIR/L.
# Those three directories are replaced; nothing else in OUTDIR is touched.
#
#   bench/make-presets.sh /tmp/mentorcal-bench
#
# The generator is $MENTORCAL_GENERATE if set, else it is built with the release preset.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
outdir=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

generate=${MENTORCAL_GENERATE:-}
if [[ -z "$generate" ]]; then
  (cd "$here" && cmake --preset release >/dev/null && cmake --build --preset release --target mentorcal-generate >/dev/null)
  generate=$here/build/release/bench/mentorcal-generate
fi

preset() {
  local name=$1
  shift
  rm -rf -- "${outdir:?}/$name"
  echo "preset $name:" >&2
  TIMEFORMAT="  generated in %R s"
  time "$generate" --out "$outdir/$name" --weeks 26 --seed 1 "$@"
}

mkdir -p -- "$outdir"
preset S --mentors 17 --mentees-per-mentor 3
preset M --mentors 1000 --mentees-per-mentor 3
preset L --mentors 10000 --mentees-per-mentor 3
