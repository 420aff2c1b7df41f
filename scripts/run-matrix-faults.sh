#!/usr/bin/env bash
# make test's fault-injection step (docs/compat-matrix.md, "Fault injection"): compat-matrix's modes
# oom and ioerr on the newest release, over the fixture files that pass them today (vector/*; the
# hnsw, graph and node2vec files still show extension bugs under faults, see docs/compat-matrix.md).
# JUnit in build/matrix/junit-faults.xml (each record's fault points as properties), Markdown in
# build/matrix/summary-faults.md. Extra arguments go to `compat-matrix run` (e.g. --fixtures 'graph/*',
# --fault-points all).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product compat-matrix
mkdir -p build/matrix
exec "$(swift build --show-bin-path)/compat-matrix" run \
  --versions latest --modes oom,ioerr --fixtures 'vector/*' \
  --offline --mirror "$(bash sqlite-versions/cache-dir.sh mirror)" \
  --junit build/matrix/junit-faults.xml --summary build/matrix/summary-faults.md "$@"
