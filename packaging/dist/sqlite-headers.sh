#!/usr/bin/env bash
# Role: put the newest offline SQLite's sqlite3.h and sqlite3ext.h into DEST (the headers the release
# binaries are built against), taken from the amalgamation sqlite-amalgamation.sh prepares and checks.
# Idempotent; headers are never committed.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
dest=${1:?usage: sqlite-headers.sh DEST}
amalgamation=$root/build/dist/sqlite-amalgamation
bash "$root/packaging/dist/sqlite-amalgamation.sh" "$amalgamation" >&2
mkdir -p "$dest"
cmp -s "$amalgamation/sqlite3.h" "$dest/sqlite3.h" 2>/dev/null || cp "$amalgamation/sqlite3.h" "$dest/"
cmp -s "$amalgamation/sqlite3ext.h" "$dest/sqlite3ext.h" 2>/dev/null || cp "$amalgamation/sqlite3ext.h" "$dest/"
echo "sqlite-headers: $(sed -n 's/^#define SQLITE_VERSION  *"\(.*\)"$/SQLite \1/p' "$dest/sqlite3.h") headers in $dest"
