#!/usr/bin/env bash
# make test's fault-injection step (docs/compat-matrix.md, "Fault injection"): compat-matrix's modes
# oom and ioerr on the newest release, over fixture files that pass them, with samples of fault
# points that keep make test within its time (measured in docs/compat-matrix.md):
#   vector/*                           --fault-points sample (every point up to 100, a spread of the
#                                      rest, the first point of every call site)
#   graph/errors.test, injection.test, --fault-points sites (only the first point of every call
#   surface.test, node2vec/errors.test  site): the error paths of the graph functions and node2vec
#   hnsw/errors.test                   --fault-points sites: hnsw_index's error paths
#                                      (integrity.test, writes.test pass too, but +85 s, +74 s)
# All of graph/* and node2vec/* pass too, but take minutes: CI's faults job sweeps them at every
# point. (The other hnsw files pass ioerr but take minutes, and show open findings under oom, see
# docs/compat-matrix.md.) One
# compat-matrix run per group; JUnit merged into build/matrix/junit-faults.xml (each record's fault
# points as properties), Markdown in build/matrix/summary-faults.md.
# usage: run-matrix-faults.sh [--fixtures GLOB]... [compat-matrix run options]
# With --fixtures (repeatable) only those globs run, with compat-matrix's default sample unless the
# options say otherwise (the full sweep, as CI runs it: --fault-points all). Other options go to
# every `compat-matrix run` (e.g. --rerun, --fault-points all, --fault-timeout 7200); --junit and
# --summary name the merged reports.
set -euo pipefail
cd "$(dirname "$0")/.."
groups=()
options=()
junit=build/matrix/junit-faults.xml
summary=build/matrix/summary-faults.md
while [ $# -gt 0 ]; do
  case $1 in
    --fixtures) groups+=("$2 -"); shift 2 ;;
    --junit) junit=$2; shift 2 ;;
    --summary) summary=$2; shift 2 ;;
    *) options+=("$1"); shift ;;
  esac
done
[ ${#groups[@]} -gt 0 ] || groups=("vector/* sample" "graph/errors.test sites" "graph/injection.test sites"
  "graph/surface.test sites" "node2vec/errors.test sites" "hnsw/errors.test sites")
swift build --product compat-matrix
matrix="$(swift build --show-bin-path)/compat-matrix"
parts=$(mktemp -d)
trap 'rm -rf "$parts"' EXIT
status=0
n=0
for group in "${groups[@]}"; do
  glob=${group% *}
  points=${group##* }
  n=$((n + 1))
  sample=()
  [ "$points" = - ] || sample=(--fault-points "$points")
  "$matrix" run --versions latest --modes oom,ioerr --fixtures "$glob" "${sample[@]}" \
    --offline --mirror "$(bash sqlite-versions/cache-dir.sh mirror)" \
    --junit "$parts/$n.xml" --summary "$parts/$n.md" ${options[@]+"${options[@]}"} || status=$?
done
mkdir -p "$(dirname "$junit")" "$(dirname "$summary")"
"$matrix" merge-junit -o "$junit" "$parts"/*.xml
for ((i = 1; i <= n; i++)); do
  [ ! -f "$parts/$i.md" ] || { cat "$parts/$i.md"; echo; }
done >"$summary"
exit "$status"
