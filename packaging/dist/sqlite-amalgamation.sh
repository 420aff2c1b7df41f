#!/usr/bin/env bash
# Role: put the newest offline SQLite's amalgamation (sqlite3.c, sqlite3.h, sqlite3ext.h) into DEST,
# offline: the release named last in sqlite-versions/local-sources.tsv (the one whose headers the
# release binaries are built against). Taken from compat-matrix's cache when it holds that release,
# prepared from the same sha256-checked archive; else made from the archive in the mirror with the
# tree's own `make sqlite3.c`, as compat-matrix does. Checks SQLITE_VERSION; idempotent.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
dest=${1:?usage: sqlite-amalgamation.sh DEST}
mirror=${VG_SQLITE_MIRROR:-$(bash "$root/sqlite-versions/cache-dir.sh" mirror)}
list=$root/sqlite-versions/local-sources.tsv
die() { echo "sqlite-amalgamation: $*" >&2; exit 1; }

read -r version file want subdir < <(awk -F'\t' '!/^#/ && $4 == "source-tree" { print $1, $2, $3, $5 }' "$list" \
  | sort -V | tail -n 1)
[[ -n ${version:-} ]] || die "no source-tree release in $list"
header_version() { sed -n 's/^#define SQLITE_VERSION  *"\(.*\)"$/\1/p' "$1/sqlite3.h" 2>/dev/null; }
if [[ -f $dest/sqlite3.c && $(header_version "$dest") == "$version" ]]; then
  echo "sqlite-amalgamation: $dest already holds SQLite $version"
  exit 0
fi

mkdir -p "$dest"
cached=$(bash "$root/sqlite-versions/cache-dir.sh" compat-matrix)/sqlite/$version
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [[ -f $cached/sqlite3.c ]] && grep -q "\"sha256\" : \"$want\"" "$cached/prepared.json" \
   && grep -q '"verified" : true' "$cached/prepared.json"; then
  cp "$cached"/sqlite3.c "$cached"/sqlite3.h "$cached"/sqlite3ext.h "$work/"
  from="compat-matrix's cache"
else
  [[ -f $mirror/$file ]] || bash "$root/sqlite-versions/provision-mirror.sh" "$mirror"
  got=$(sha256sum "$mirror/$file" | cut -d' ' -f1)
  [[ $got == "$want" ]] || die "$mirror/$file has sha256 $got, pinned $want"
  tar -xJf "$mirror/$file" -C "$work"
  (cd "$work/$subdir" && ./configure >"$work/configure.log" 2>&1 && make sqlite3.c >"$work/make.log" 2>&1) \
    || { cat "$work/configure.log" "$work/make.log" >&2 2>/dev/null; die "could not make sqlite3.c from $file"; }
  cp "$work/$subdir"/sqlite3.c "$work/$subdir"/sqlite3.h "$work/$subdir"/sqlite3ext.h "$work/"
  from=$file
fi
[[ $(header_version "$work") == "$version" ]] || die "sqlite3.h from $from is not SQLite $version"
# sqlite3.c last, so a half-copied folder is never taken for a finished one.
cp "$work/sqlite3.h" "$work/sqlite3ext.h" "$dest/"
cp "$work/sqlite3.c" "$dest/.sqlite3.c.$$" && mv -f "$dest/.sqlite3.c.$$" "$dest/sqlite3.c"
echo "sqlite-amalgamation: SQLite $version (from $from) in $dest"
