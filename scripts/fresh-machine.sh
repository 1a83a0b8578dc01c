#!/usr/bin/env bash
# Runs a command in a fresh clone of this repository on a bare Debian 12 machine: a minimal
# bookworm made with debootstrap from Debian's mirror, given the packages of the project's
# machine image (the apt lines of /work/.library/env/packages/installed-cpp.txt, or
# $MENTORCAL_IMAGE_PACKAGES), entered with chroot. It proves that the README's commands install
# what they need by themselves.
#
#   bash scripts/fresh-machine.sh [--root DIR] [--keep] [--tzdir PATH] [--interrupt-on REGEX] COMMIT-ISH COMMAND...
#
#   bash scripts/fresh-machine.sh main bash scripts/test.sh
#   bash scripts/fresh-machine.sh --interrupt-on 'Ctrl-C stops it' main bash scripts/demo.sh
#   bash scripts/fresh-machine.sh --tzdir /path/to/zoneinfo-2025b main bash scripts/test.sh
#
# --root DIR    where the machine lives (default /var/tmp/mentorcal-fresh). DIR/base is the
#               bare machine with the image's packages, made once and never run in afterwards;
#               each run works in a throwaway copy DIR/run.PID, removed at the end.
# --keep        keep the throwaway copy (its path is printed) to look at after the run.
# --tzdir PATH  copy the zoneinfo directory PATH into the machine and run COMMAND with TZDIR
#               pointing at it, to try another tz database release.
# --interrupt-on REGEX  once a line of COMMAND's output matches REGEX, send SIGINT to COMMAND's
#               process group, as Ctrl-C would (for the demo, which serves until Ctrl-C).
#
# COMMAND runs as root in /root/mentorcal (a clone of COMMIT-ISH), with ../shared beside it
# when this repository has one, under `nice -n 10`, in a clean environment. The host's DNS and
# TLS trust set-up (/etc/resolv.conf, the CA bundle and npm's cafile setting of this
# workplace's machines) are copied in, as every machine here has them. Needs root (for
# debootstrap, mount and chroot). Exits with COMMAND's status.
set -euo pipefail

usage() {
  sed -n '8,12p' "${BASH_SOURCE[0]}" | sed 's/^# *//' >&2
  exit 2
}

root=/var/tmp/mentorcal-fresh
keep=0
tzdir=
interrupt_on=
while (($#)); do
  case $1 in
    --root) root=${2:?--root needs a directory}; shift 2 ;;
    --keep) keep=1; shift ;;
    --tzdir) tzdir=${2:?--tzdir needs a zoneinfo directory}; shift 2 ;;
    --interrupt-on) interrupt_on=${2:?--interrupt-on needs a regular expression}; shift 2 ;;
    -h | --help) usage ;;
    --*) echo "fresh-machine: unknown option $1" >&2; usage ;;
    *) break ;;
  esac
done
(($# >= 2)) || usage
(($(id -u) == 0)) || { echo "fresh-machine: run as root (debootstrap, mount, chroot)" >&2; exit 2; }

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
commit=$(git -C "$repo" rev-parse --verify "$1^{commit}")
shift
if [[ -n $tzdir ]]; then
  [[ -f $tzdir/UTC || -f $tzdir/Etc/UTC ]] || { echo "fresh-machine: $tzdir is no zoneinfo directory" >&2; exit 2; }
fi
image_packages=${MENTORCAL_IMAGE_PACKAGES:-/work/.library/env/packages/installed-cpp.txt}
mirror=http://deb.debian.org/debian
base=$root/base
run=$root/run.$$

say() { printf 'fresh-machine: %s\n' "$*" >&2; }

# Mounts made by this script, unmounted in reverse order on exit, whatever happens.
mounted=()
unmount_all() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" || say "could not unmount ${mounted[i]}"
  done
  mounted=()
}
mount_into() {
  local dir=$1
  mount -t proc proc "$dir/proc" && mounted+=("$dir/proc")
  mount --bind /sys "$dir/sys" && mounted+=("$dir/sys")
  mount --bind /dev "$dir/dev" && mounted+=("$dir/dev")
  mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$dir/dev/pts" && mounted+=("$dir/dev/pts")
  mount -t tmpfs -o mode=1777 shm "$dir/dev/shm" && mounted+=("$dir/dev/shm")
}
# Processes still running inside a chroot (a daemon the command left behind) are stopped by id.
stop_leftovers() {
  local dir=$1 p
  for p in /proc/[0-9]*; do
    [[ $(readlink "$p/root" 2>/dev/null) == "$dir" ]] && kill -KILL "${p#/proc/}" 2>/dev/null
  done
  true
}
making_base=0
mounts_under() { awk -v d="$1/" 'index($5 "/", d) == 1' /proc/self/mountinfo; }
cleanup() {
  [[ -d $run ]] && stop_leftovers "$run"
  ((making_base)) && stop_leftovers "$base"
  unmount_all
  if [[ -d $run ]]; then
    if ((keep)); then
      say "kept the machine in $run"
    elif [[ -z $(mounts_under "$run") ]]; then
      rm -rf "$run"
    else
      say "left $run in place: something is still mounted under it"
    fi
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

in_chroot() {
  chroot "$1" /usr/bin/env -i HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "${@:2}"
}

# The bare machine, made once: debootstrap, the image's apt sources, the image's packages.
make_base() {
  command -v debootstrap >/dev/null || {
    say "installing debootstrap on this host"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  }
  if [[ ! -f $root/debootstrap.done || ! -d $base ]]; then
    rm -rf "$base"
    say "debootstrap bookworm (minbase) into $base"
    debootstrap --variant=minbase bookworm "$base" "$mirror" >"$root/debootstrap.log" 2>&1 ||
      { tail -n 20 "$root/debootstrap.log" >&2; exit 1; }
    touch "$root/debootstrap.done"
  fi
  rm -f "$base/etc/apt/sources.list"
  cat >"$base/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  # Services never start inside the chroot (as in Debian's container images).
  printf '#!/bin/sh\nexit 101\n' >"$base/usr/sbin/policy-rc.d"
  chmod 755 "$base/usr/sbin/policy-rc.d"
  cp -L /etc/resolv.conf "$base/etc/resolv.conf"
  mount_into "$base"
  in_chroot "$base" apt-get update -qq

  local wanted available skipped
  # Names of this architecture are listed as NAME:ARCH in the image's list, as NAME by apt-cache.
  mapfile -t wanted < <(awk -F'\t' -v arch=":$(dpkg --print-architecture)" \
    '$1 == "apt" {n = $2; if (substr(n, length(n) - length(arch) + 1) == arch) n = substr(n, 1, length(n) - length(arch)); print n}' \
    "$image_packages" | sort -u)
  # A package the mirror has shows a candidate version; the others are skipped.
  mapfile -t available < <(in_chroot "$base" apt-cache policy "${wanted[@]}" 2>/dev/null |
    awk '/^[^ ].*:$/ {p = substr($0, 1, length($0) - 1)} /^  Candidate:/ && $2 != "(none)" {print p}' | sort -u)
  mapfile -t skipped < <(comm -23 <(printf '%s\n' "${wanted[@]}") <(printf '%s\n' "${available[@]}"))
  say "installing ${#available[@]} of the image's ${#wanted[@]} apt packages (${#skipped[@]} not on the mirror: ${skipped[*]:-none})"
  if ! in_chroot "$base" apt-get install -y -qq --no-install-recommends "${available[@]}" \
    >"$root/image-packages.log" 2>&1; then
    say "one apt-get for all failed (see $root/image-packages.log); installing one by one"
    local p
    for p in "${available[@]}"; do
      in_chroot "$base" apt-get install -y -qq --no-install-recommends "$p" >>"$root/image-packages.log" 2>&1 ||
        { say "could not install $p"; skipped+=("$p"); }
    done
  fi
  in_chroot "$base" apt-get clean
  unmount_all
  {
    echo "made $(date -u '+%Y-%m-%d %H:%M UTC') from $image_packages"
    echo "skipped ${#skipped[@]}: ${skipped[*]:-none}"
    echo "tzdata $(in_chroot "$base" dpkg-query -W -f='${Version}' tzdata 2>/dev/null || echo absent)"
  } >"$root/base.ready"
}

mkdir -p "$root"
exec 9>"$root/.lock"
flock 9
if [[ ! -f $root/base.ready ]]; then
  making_base=1
  make_base
  making_base=0
fi
flock -u 9
sed 's/^/fresh-machine: base: /' "$root/base.ready" >&2

say "copying the bare machine to $run"
cp -a "$base" "$run"
cp -L /etc/resolv.conf "$run/etc/resolv.conf"
cp -L /etc/ssl/certs/ca-certificates.crt "$run/etc/ssl/certs/ca-certificates.crt"
for f in /etc/npmrc /usr/etc/npmrc; do
  [[ -f $f ]] && mkdir -p "$run${f%/*}" && cp "$f" "$run$f"
done
git clone -q --no-checkout "$repo" "$run/root/mentorcal"
git -C "$run/root/mentorcal" checkout -q --detach "$commit"
[[ -d $repo/../shared ]] && cp -a "$repo/../shared" "$run/root/shared"
env=()
if [[ -n $tzdir ]]; then
  mkdir -p "$run/opt/zoneinfo"
  cp -a "$tzdir/." "$run/opt/zoneinfo"
  env+=(TZDIR=/opt/zoneinfo)
fi
mount_into "$run"

started=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
say "running at $started in $run/root/mentorcal (commit $commit): $*"
command=(nice -n 10 chroot "$run" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" "${env[@]}"
  NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  bash -c 'cd /root/mentorcal && exec "$@"' fresh-machine "$@")
set +e
if [[ -z $interrupt_on ]]; then
  "${command[@]}"
  status=$?
else
  # Job control gives COMMAND its own process group that takes SIGINT (a background job of a
  # script without it would ignore SIGINT).
  fifo=$run/tmp/fresh-machine.output
  mkfifo "$fifo"
  set -m
  "${command[@]}" >"$fifo" 2>&1 &
  pid=$!
  set +m
  interrupted=0
  while IFS= read -r line; do
    printf '%s\n' "$line"
    if ((!interrupted)) && [[ $line =~ $interrupt_on ]]; then
      say "saw /$interrupt_on/: sending SIGINT to the command, as Ctrl-C would"
      kill -INT -- "-$pid"
      interrupted=1
    fi
  done <"$fifo"
  wait "$pid"
  status=$?
  ((interrupted)) || say "never saw /$interrupt_on/"
fi
set -e
tz="the machine's tzdata $(in_chroot "$run" dpkg-query -W -f='${Version}' tzdata 2>/dev/null || echo absent)"
[[ -z $tzdir ]] || tz="TZDIR=$tzdir (copied to /opt/zoneinfo)"
cat >&2 <<EOF

== fresh-machine: done ==
commit:   $commit ($(git -C "$repo" log -1 --format=%s "$commit"))
command:  $*${interrupt_on:+ (SIGINT on /$interrupt_on/)}
tz:       $tz
started:  $started
ended:    $(date -u '+%Y-%m-%d %H:%M:%S UTC')
status:   $status
EOF
exit "$status"
