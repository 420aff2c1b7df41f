#!/usr/bin/env bash
# Role: make test's GRDB suite: builds Examples/GRDB (VecGraph from the repository root, with
# GRDB.swift) and runs its tests into RESULTS_DIR/swift-grdb*.xml. The scratch folder lives in the
# user cache (sqlite-versions/cache-dir.sh), keyed by this package's manifest and the Swift version,
# so GRDB is compiled once per machine and a new clone rebuilds only vec_graph.
# usage: test.sh RESULTS_DIR
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
results=$(mkdir -p "${1:?usage: test.sh RESULTS_DIR}" && cd "$1" && pwd)
digest() { if command -v sha256sum >/dev/null; then sha256sum; else shasum -a 256; fi; }  # macOS has shasum
key=$({ cat "$here/Package.swift"; swift --version 2>&1; } | digest | cut -c1-16)
scratch=$(bash "$root/sqlite-versions/cache-dir.sh")/swift-grdb/$key
swift build --package-path "$here" --scratch-path "$scratch" --build-tests
swift test --package-path "$here" --scratch-path "$scratch" --skip-build --xunit-output "$results/swift-grdb.xml"
