#!/usr/bin/env bash
# make test's fault-injection step (docs/compat-matrix.md, "Fault injection"): compat-matrix's modes
# oom and ioerr on the newest release over every fixture file of Fixtures/{vector,graph,node2vec,hnsw}
# but hnsw/heap_limit.test (a heap-limit fixture: its failing INSERT alone makes tens of thousands of
# allocation points), in one compat-matrix run whose files run side by side on every core. Each file
# tries the sample its rule names (measured in docs/compat-matrix.md), so that the step stays within
# make test's time:
#   vector/*           --fault-points sample: every point up to 100, a spread of the rest, and the
#                      first point of every call site
#   everything else    --fault-points new-sites: the first point of every call site that no earlier
#                      record of the file failed, and each record's last point (every site the file
#                      reaches fails once in it; `sites`, every site in every record, takes too long:
#                      hnsw/storage.test alone ran over 12 minutes per mode at load 7-9)
# JUnit in build/matrix/junit-faults.xml (each record's fault points as properties), Markdown in
# build/matrix/summary-faults.md.
# usage: run-matrix-faults.sh [--fixtures GLOB]... [compat-matrix run options]
# With --fixtures (repeatable) only the files matching those globs run, and with --fault-points (a
# KIND, or GLOB=KIND) that sample: the rules above apply only when neither is given (the full sweep,
# as CI runs it: --fault-points all). Other options go to `compat-matrix run` (e.g. --rerun,
# --fault-timeout 7200); --junit and --summary name the reports.
set -euo pipefail
cd "$(dirname "$0")/.."
fixtures=()
options=()
points_given=
junit=build/matrix/junit-faults.xml
summary=build/matrix/summary-faults.md
while [ $# -gt 0 ]; do
  case $1 in
    --fixtures) fixtures+=(--fixtures "$2"); shift 2 ;;
    --fault-points) points_given=1; options+=("$1" "$2"); shift 2 ;;
    --junit) junit=$2; shift 2 ;;
    --summary) summary=$2; shift 2 ;;
    *) options+=("$1"); shift ;;
  esac
done
if [ ${#fixtures[@]} -eq 0 ]; then
  for file in Fixtures/vector/*.test Fixtures/graph/*.test Fixtures/node2vec/*.test Fixtures/hnsw/*.test; do
    [ "$file" = Fixtures/hnsw/heap_limit.test ] || fixtures+=(--fixtures "${file#Fixtures/}")
  done
  [ -n "$points_given" ] || options+=(--fault-points 'vector/*=sample' --fault-points new-sites)
fi
swift build --product compat-matrix
mkdir -p "$(dirname "$junit")" "$(dirname "$summary")"
exec "$(swift build --show-bin-path)/compat-matrix" run --versions latest --modes oom,ioerr "${fixtures[@]}" \
  --offline --mirror "$(bash sqlite-versions/cache-dir.sh mirror)" \
  --junit "$junit" --summary "$summary" ${options[@]+"${options[@]}"}
