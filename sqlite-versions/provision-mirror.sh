#!/usr/bin/env bash
# Role: fill the offline SQLite mirror DEST with the real sources pinned in local-sources.tsv
# (Debian source packages via a private apt configuration, a PyPI sdist via pip), each
# verified against its pinned sha256. Idempotent; needs no network when DEST is complete.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
list="$here/local-sources.tsv"
dest=${1:?usage: provision-mirror.sh DEST}
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

# fetch_debian PACKAGE SUITE FILE OUTDIR: download the source package, keep FILE (the
# upstream orig tarball) and check it is the one the .dsc names, with the pinned sha256.
fetch_debian() {
  local pkg=$1 suite=$2 file=$3 out=$4 want=$5 dsc listed
  apt_setup
  mkdir -p "$out"
  (cd "$out" && quiet apt-get "${apt_opts[@]}" source --download-only "$pkg/$suite")
  dsc=$(ls "$out"/*.dsc)
  listed=$(awk -v f="$file" '/^Checksums-Sha256:/ { on = 1; next } /^[^ ]/ { on = 0 }
                             on && $3 == f { print $1 }' "$dsc")
  [[ -n $listed ]] || die "$pkg/$suite ($(basename "$dsc")) no longer ships $file"
  [[ $listed == "$want" ]] || die "$(basename "$dsc") lists $file with sha256 $listed, pinned $want"
}

fetch_pypi() {
  local spec=$1 out=$2
  quiet "${PYTHON:-python3}" -m pip download --disable-pip-version-check --no-deps \
    --no-binary :all: "$spec" -d "$out"
}

fetched=0 present=0
while IFS=$'\t' read -r version file want _ _ origin how <&3; do
  [[ -z $version || $version == \#* || $version == version ]] && continue
  target="$dest/$file"
  if [[ -f $target ]]; then
    got=$(sha "$target")
    if [[ $got != "$want" ]]; then
      rm -f "$target"
      die "$target has sha256 $got, pinned $want: deleted it; run again to fetch it anew"
    fi
    echo "present  $file  ($version, $origin)  sha256 ok"
    present=$((present + 1))
    continue
  fi
  out="$work/$version"
  read -r method a b <<<"$how"
  case $method in
    debian-source) fetch_debian "$a" "$b" "$file" "$out" "$want" ;;
    pypi-sdist) fetch_pypi "$a" "$out" ;;
    *) die "unknown how '$how' for $file" ;;
  esac
  [[ -f $out/$file ]] || die "$how did not produce $file (got: $(ls "$out" | tr '\n' ' '))"
  got=$(sha "$out/$file")
  [[ $got == "$want" ]] || die "$file from '$how' has sha256 $got, pinned $want: not kept"
  mv -f "$out/$file" "$target"
  rm -rf "$out"
  echo "fetched  $file  ($version, $origin)  sha256 ok"
  fetched=$((fetched + 1))
done 3<"$list"

echo "mirror $dest: $((fetched + present)) files verified ($fetched fetched, $present already present)"
