#!/usr/bin/env bash
# make matrix: compat-matrix over every SQLite release in the offline mirror plus the system SQLite,
# plain and asan, release and native builds, and msan on the manifest's boundary set (oldest, first
# with sqlite3_vtab_in, the LIMIT/OFFSET boundary, first with xIntegrity, newest). SQLite itself is
# instrumented under asan on the boundary set; elsewhere the asan driver and extension link the plain
# sqlite3.o (one object per release, shared by plain and asan). JUnit in
# build/matrix/junit.xml, Markdown summary in build/matrix/summary.md. The mirror and the build cache
# live in the user's cache folder (sqlite-versions/cache-dir.sh), so a second clone starts warm.
# Extra arguments go to `compat-matrix run` (e.g. --fixtures 'vector/*').
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product compat-matrix
mkdir -p build/matrix
exec "$(swift build --show-bin-path)/compat-matrix" run \
  --versions available,system --modes plain,asan,msan --mode-versions msan=boundary --instrument-sqlite boundary \
  --offline --mirror "$(bash sqlite-versions/cache-dir.sh mirror)" \
  --junit build/matrix/junit.xml --summary build/matrix/summary.md "$@"
