#!/usr/bin/env bash
# Installs whatever mentorcal needs that this Debian machine lacks. Idempotent, and quick when
# everything is present: it only calls apt-get when a package is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
  libhowardhinnant-date-dev tzdata libical-dev libboost-dev libsqlite3-dev sqlite3
  libtomlplusplus-dev nlohmann-json3-dev libcli11-dev libgtest-dev unicode-cldr-core
  libglpk-dev python3-icalendar python3-recurring-ical-events libssl-dev zlib1g-dev
  libmimalloc-dev chromium
)
# Node.js may come from another origin than Debian; take Debian's only when there is none.
command -v npm >/dev/null && command -v node >/dev/null || packages+=(nodejs npm)
if [[ "${MENTORCAL_SETUP_BENCH:-0}" == 1 ]]; then
  packages+=(wrk nginx-light hyperfine)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ical.js, the independent parser the interoperability tests check feeds with.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [[ -f "$here/tests/interop/package.json" && ! -d "$here/tests/interop/node_modules/ical.js" ]]; then
  (cd "$here/tests/interop" && npm ci --no-audit --no-fund --loglevel=error)
fi
# playwright-core, which drives Debian's chromium in the browser tests (it downloads no browser).
if [[ -f "$here/tests/browser/package.json" && ! -d "$here/tests/browser/node_modules/playwright-core" ]]; then
  (cd "$here/tests/browser" && npm ci --no-audit --no-fund --loglevel=error)
fi
