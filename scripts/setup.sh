#!/usr/bin/env bash
# Installs whatever mentorcal needs that this Debian machine lacks. Idempotent, and quick when
# everything is present: it only calls apt-get when a package is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
  libhowardhinnant-date-dev tzdata libical-dev libboost-dev libsqlite3-dev sqlite3
  libtomlplusplus-dev nlohmann-json3-dev libcli11-dev libgtest-dev unicode-cldr-core
  libabsl-dev libglpk-dev liblemon-dev python3-icalendar python3-recurring-ical-events libssl-dev zlib1g-dev
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

export DEBIAN_FRONTEND=noninteractive
updated=0
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  apt-get update -qq
  updated=1
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# A calendar product must run on current rules: tzdata is brought to the newest release the
# distribution offers (a fresh Debian 12 image ships 2025b). The package lists are refreshed for
# that at most once a day, so that a run with nothing to do stays quick.
lists_fresh=$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 -print -quit 2>/dev/null)
if ((updated == 0)) && [[ -z "$lists_fresh" ]]; then
  apt-get update -qq
fi
installed=$(dpkg-query -W -f='${Version}' tzdata)
candidate=$(apt-cache policy tzdata | awk '/Candidate:/ {print $2}')
if [[ -n "$candidate" && "$candidate" != "(none)" && "$candidate" != "$installed" ]]; then
  echo "setup: upgrading tzdata $installed -> $candidate" >&2
  apt-get install -y -qq --only-upgrade tzdata >/dev/null
fi
zoneinfo=${TZDIR:-/usr/share/zoneinfo}
echo "setup: tz database $(sed -n '1s/^# version //p' "$zoneinfo/tzdata.zi" 2>/dev/null || echo unknown) in $zoneinfo" >&2

# The npm packages of the tests, from their lock files: npm ci when node_modules lacks one of
# them or holds another version (npm ls checks node_modules against package.json's pins).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
npm_ci_when_stale() {
  [[ -f "$1/package.json" ]] || return 0
  (cd "$1" && { npm ls --all >/dev/null 2>&1 || npm ci --no-audit --no-fund --loglevel=error; })
}
# ical.js, the independent parser the interoperability tests check feeds with.
npm_ci_when_stale "$here/tests/interop"
# playwright-core, which drives Debian's chromium in the browser tests (it downloads no browser),
# and stock FullCalendar with its iCalendar plugin, which the plain feeds are shown in.
npm_ci_when_stale "$here/tests/browser"
