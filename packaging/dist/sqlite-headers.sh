#!/usr/bin/env bash
# Role: put the newest SQLite's sqlite3.h and sqlite3ext.h into DEST, generated from the pinned
# source tree in the offline mirror (sqlite-versions/local-sources.tsv names it and its sha256),
# and check that SQLITE_VERSION in the header is that release. Idempotent; headers are never committed.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
dest=${1:?usage: sqlite-headers.sh DEST}
mirror=${VG_SQLITE_MIRROR:-$root/.cache/mirror}
list=$root/sqlite-versions/local-sources.tsv
die() { echo "sqlite-headers: $*" >&2; exit 1; }

# The newest source-tree release pinned in the list: version, file, sha256, folder in the archive.
read -r version file want subdir < <(awk -F'\t' '!/^#/ && $4 == "source-tree" { print $1, $2, $3, $5 }' "$list" \
  | sort -V | tail -n 1)
[[ -n ${version:-} ]] || die "no source-tree release in $list"

header_version() { sed -n 's/^#define SQLITE_VERSION  *"\(.*\)"$/\1/p' "$1/sqlite3.h" 2>/dev/null; }
if [[ -f $dest/sqlite3ext.h && $(header_version "$dest") == "$version" ]]; then
  echo "sqlite-headers: $dest already holds SQLite $version headers"
  exit 0
fi

if [[ ! -f $mirror/$file ]]; then
  echo "sqlite-headers: $mirror/$file missing; provisioning the mirror"
  bash "$root/sqlite-versions/provision-mirror.sh" "$mirror"
fi
got=$(sha256sum "$mirror/$file" | cut -d' ' -f1)
[[ $got == "$want" ]] || die "$mirror/$file has sha256 $got, pinned $want"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -xJf "$mirror/$file" -C "$work"
tree=$work/$subdir
# sqlite3.h is generated (tool/mksqlite3h.tcl via the configured Makefile's sqlite3.h target).
(cd "$tree" && ./configure >"$work/configure.log" 2>&1 && make sqlite3.h >"$work/make.log" 2>&1) \
  || { cat "$work/configure.log" "$work/make.log" >&2 2>/dev/null; die "could not generate sqlite3.h from $file"; }
got=$(header_version "$tree")
[[ $got == "$version" ]] || die "generated sqlite3.h says SQLITE_VERSION \"$got\", expected \"$version\""

# Renamed into place, sqlite3.h last, so a concurrent build never sees a half-written header.
mkdir -p "$dest"
cp "$tree/src/sqlite3ext.h" "$dest/.sqlite3ext.h.$$" && mv -f "$dest/.sqlite3ext.h.$$" "$dest/sqlite3ext.h"
cp "$tree/sqlite3.h" "$dest/.sqlite3.h.$$" && mv -f "$dest/.sqlite3.h.$$" "$dest/sqlite3.h"
echo "sqlite-headers: SQLite $version headers (sha256-checked $file) in $dest"
