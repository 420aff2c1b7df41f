#!/usr/bin/env bash
# make matrix: compat-matrix over every SQLite release in the offline mirror plus the system SQLite,
# in plain and asan modes; JUnit in build/matrix/junit.xml, Markdown summary in build/matrix/summary.md.
# Extra arguments go to `compat-matrix run` (e.g. --fixtures 'vector/*').
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product compat-matrix
mkdir -p build/matrix
exec "$(swift build --show-bin-path)/compat-matrix" run \
  --versions available,system --modes plain,asan \
  --offline --mirror .cache/mirror \
  --junit build/matrix/junit.xml --summary build/matrix/summary.md "$@"
