#!/usr/bin/env bash
# Role: fill the offline SQLite mirror DEST with the real sources pinned in local-sources.tsv
# (Debian source packages via a private apt configuration, PyPI sdists via pip), each verified
# against its pinned archive sha256. Idempotent; needs no network when DEST is complete.
# DEST defaults to the mirror in the user's cache (sqlite-versions/cache-dir.sh mirror).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
list="$here/local-sources.tsv"
dest=${1:-$(bash "$here/cache-dir.sh" mirror)}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
# Temp work inside DEST so the final mv is an atomic rename on the same file system.
work=$(mktemp -d "$dest/.provision.XXXXXX")
trap 'rm -rf "$work"' EXIT

die() { echo "provision-mirror: $*" >&2; exit 1; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
# Run a noisy client quietly; show its output only when it fails.
quiet() { "$@" >"$work/log" 2>&1 || { cat "$work/log" >&2; die "failed: $*"; }; }

# Private apt setup: deb-src lines for every Debian suite named in the list, built from the
# machine's own Debian URI; the machine's sources, lists and caches stay untouched.
apt_opts=()
apt_setup() {
  [[ ${#apt_opts[@]} -gt 0 ]] && return
  local uri suites
  uri=$(awk '$1 == "URIs:" { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }' \
    /etc/apt/sources.list.d/*.sources 2>/dev/null) || true
  [[ -n $uri ]] || die "no Debian URI (ending in /debian) in /etc/apt/sources.list.d/*.sources"
  suites=$(awk -F'\t' '!/^#/ && $7 ~ /^debian-source / { split($7, h, " "); print h[3] }' "$list" | sort -u)
  mkdir -p "$work/apt/lists/partial" "$work/apt/cache/archives/partial"
  for s in $suites; do
    echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $s main"
  done >"$work/apt/sources.list"
  apt_opts=(-o Dir::Etc::sourcelist="$work/apt/sources.list" -o Dir::Etc::sourceparts=-
            -o Dir::State::Lists="$work/apt/lists" -o Dir::Cache="$work/apt/cache"
            -o APT::Sandbox::User=root)
  echo "apt-get update (private lists: $(echo $suites))"
  quiet apt-get "${apt_opts[@]}" update
}

# fetch_debian PACKAGE SUITE VERSION FILE OUTDIR WANT: download the source package (the suite's
# newest, or VERSION when given: sid often lists older versions beside the newest) and check FILE (the
# upstream orig tarball) against the sha256 that the signed Sources indexes list for it. Some pool
# files are gone from the mirror (a .dsc answering 404): apt then fails, which is fine as long as
# FILE itself arrived and matches the index and the pin.
fetch_debian() {
  local pkg=$1 suite=$2 version=$3 file=$4 out=$5 want=$6 listed spec
  spec=$pkg/$suite
  [[ -n $version ]] && spec=$pkg=$version
  apt_setup
  mkdir -p "$out"
  (cd "$out" && apt-get "${apt_opts[@]}" source --download-only "$spec" >"$work/log" 2>&1) || {
    [[ -f $out/$file ]] || { cat "$work/log" >&2; die "apt-get source $spec failed and did not fetch $file"; }
    echo "         (apt-get source $spec reported a missing file; $file arrived and is checked)"
  }
  listed=$(apt-cache "${apt_opts[@]}" showsrc "$pkg" 2>/dev/null | awk -v f="$file" '
    /^Checksums-Sha256:/ { on = 1; next } /^[^ ]/ { on = 0 } on && $3 == f { print $1 }' | sort -u)
  [[ -n $listed ]] || die "no Debian source index lists $file (package $pkg): pin a file that is still there"
  [[ $listed == "$want" ]] || die "the Debian source index lists $file with sha256 $listed, pinned $want"
}

fetch_pypi() {
  local spec=$1 out=$2
  quiet "${PYTHON:-python3}" -m pip download --disable-pip-version-check --no-deps \
    --no-binary :all: "$spec" -d "$out"
}

# provision ROW...: makes sure one row's file is in DEST, verified; run in a subshell, so that a
# failure (die) fails this file only.
provision() {
  local version=$1 file=$2 want=$3 origin=$4 how=$5 target="$dest/$2" out="$work/$2.d" got method a b c
  if [[ -f $target ]]; then
    got=$(sha "$target")
    if [[ $got != "$want" ]]; then
      rm -f "$target"
      die "$target has sha256 $got, pinned $want: deleted it; run again to fetch it anew"
    fi
    echo "present  $file  ($version, $origin)  sha256 ok"
    return
  fi
  read -r method a b c <<<"$how"
  case $method in
    debian-source) fetch_debian "$a" "$b" "$c" "$file" "$out" "$want" ;;
    pypi-sdist) fetch_pypi "$a" "$out" ;;
    *) die "unknown how '$how' for $file" ;;
  esac
  [[ -f $out/$file ]] || die "$how did not produce $file (got: $(ls "$out" | tr '\n' ' '))"
  got=$(sha "$out/$file")
  [[ $got == "$want" ]] || die "$file from '$how' has sha256 $got, pinned $want: not kept"
  mv -f "$out/$file" "$target"
  rm -rf "$out"
  echo "fetched  $file  ($version, $origin)  sha256 ok"
}

# The private apt lists once, before the subshells, when a Debian file is missing.
while IFS=$'\t' read -r _ file _ _ _ _ how _; do
  [[ $how == debian-source* && ! -f $dest/$file ]] && { apt_setup; break; }
done < <(grep -v '^#' "$list")

ok=0 failed=()
while IFS=$'\t' read -r version file want _ _ origin how _ <&3; do
  [[ -z $version || $version == \#* || $version == version ]] && continue
  if (provision "$version" "$file" "$want" "$origin" "$how"); then ok=$((ok + 1)); else failed+=("$file ($version)"); fi
done 3<"$list"

echo "mirror $dest: $ok files verified"
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "provision-mirror: could not provision ${#failed[@]} file(s): ${failed[*]}" >&2
  exit 1
fi
