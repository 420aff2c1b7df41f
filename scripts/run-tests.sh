#!/usr/bin/env bash
# make test: installs what a fresh machine lacks, builds, runs every suite (going on after a
# failure), and ends with the one total line from tally.py. Exit status non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
results=build/test-results
rm -rf "$results"
mkdir -p "$results"
# Every suite that must leave a result; tally.py counts a missing one as a failure.
echo "build c-unit c-unit-asan c-unit-tsan swift-swift-testing matrix hnsw-crash hnsw-churn hnsw-writers hnsw-refresh hnsw-threads hnsw-threads-tsan node2vec-quality dist python python-noext npm-node npm-bun release-dry-run cross-linux-arm64 cross-win32-x64 lint-workflows fuzz-json" > "$results/expected.txt"

status=0
step() { # step NAME COMMAND...: runs COMMAND, its output to the terminal and to NAME.log
  local name=$1 start=$SECONDS
  shift
  echo "=== $name: $*"
  "$@" 2>&1 | tee "$results/$name.log"
  local rc=${PIPESTATUS[0]}
  [ "$rc" -eq 0 ] || { echo "=== $name failed (exit $rc)"; status=1; }
  printf '%6d s  %s\n' "$((SECONDS - start))" "${name%-log}" >>"$results/timings.txt"
  return "$rc"
}

bash scripts/install-deps.sh || exit 1
bash scripts/make-venv.sh || exit 1

if step build-log make -s all build/asan/vec_graph.so; then
  echo "build: 1 passed, 0 failed" >>"$results/build-log.log"
else
  echo "build: 0 passed, 1 failed" >>"$results/build-log.log"
fi
mv "$results/build-log.log" "$results/build.log"

step c-unit make -s test-c
step c-unit-asan make -s test-c-asan
step c-unit-tsan make -s test-c-tsan
# The offline SQLite mirror first: swift test's end-to-end run and the matrix both read it.
step provision env PYTHON=.venv/bin/python bash sqlite-versions/provision-mirror.sh
step swift-log swift test --xunit-output "$results/swift.xml"
rm -f "$results/provision.log" "$results/swift-log.log"
rm -f build/matrix/junit.xml
step matrix-log bash scripts/run-matrix.sh
[ -f build/matrix/junit.xml ] && cp build/matrix/junit.xml "$results/matrix.xml"
rm -f "$results/matrix-log.log"
# The graph fixtures again under each forced VEC_GRAPH_STRATEGY (the run above used the planner):
# through the indexes, whole reads, the cache. --rerun: the result cache does not see the variable.
echo "matrix-graph-index matrix-graph-load matrix-graph-cache graph-strategies" >> "$results/expected.txt"
for strategy in index load cache; do
  rm -f "build/matrix/junit-graph-$strategy.xml"
  step "matrix-graph-$strategy-log" env VEC_GRAPH_STRATEGY=$strategy bash scripts/run-matrix.sh --fixtures 'graph/*' --rerun \
    --junit "build/matrix/junit-graph-$strategy.xml" --summary "build/matrix/summary-graph-$strategy.md"
  [ -f "build/matrix/junit-graph-$strategy.xml" ] && cp "build/matrix/junit-graph-$strategy.xml" "$results/matrix-graph-$strategy.xml"
  rm -f "$results/matrix-graph-$strategy-log.log"
done

step hnsw-crash /usr/bin/python3 Tests/crash/hnsw_crash.py build/vec_graph
step hnsw-churn .venv/bin/python Tests/hnsw/churn.py build/vec_graph
step hnsw-writers .venv/bin/python Tests/hnsw/writers.py build/vec_graph
step hnsw-refresh .venv/bin/python Tests/hnsw/refresh.py build/vec_graph
step hnsw-threads make -s test-hnsw-threads
step hnsw-threads-tsan make -s test-hnsw-threads-tsan
step node2vec-quality /usr/bin/python3 Tests/node2vec/quality.py build/vec_graph
step graph-strategies .venv/bin/python Tests/graph/strategies.py build/vec_graph
# Instruction counters (docs/benchmarks.md): the gate against bench/regress/baseline.json, and the
# planted slowdown that must trip it. After the matrix: it uses compat-matrix and the offline mirror.
echo "bench-regress-gate bench-regress-planted" >> "$results/expected.txt"
step bench-regress-gate bash bench/regress/run.sh gate
step bench-regress-planted bash bench/regress/run.sh planted
step dist-log bash packaging/dist/test.sh "$results"
rm -f "$results/dist-log.log"
step python-log bash packaging/python/test.sh "$results"
rm -f "$results/python-log.log"
# vec_graph compiled in (issue 19): the Swift package under GRDB, and vec-graph-sqlite's wheels
# (twine check, auditwheel show, a smoke test per Python) and suite under pyenv's python3.
echo "swift-grdb-swift-testing python-sqlite-wheels python-sqlite" >> "$results/expected.txt"
step swift-grdb-log bash Examples/GRDB/test.sh "$results"
rm -f "$results/swift-grdb-log.log"
step python-sqlite-log bash packaging/python-sqlite/test.sh "$results"
rm -f "$results/python-sqlite-log.log"
step npm-log bash packaging/npm/test.sh "$results"
rm -f "$results/npm-log.log"
# WebAssembly (packaging/wasm/test.sh): SQLite's wasm build with vec_graph (cached), the C unit tests and
# every fixture on it under Node, the @vec-graph/wasm package, and a page in headless Chromium.
echo "wasm-build c-unit-wasm wasm-node wasm-package" >> "$results/expected.txt"
step wasm-log bash packaging/wasm/test.sh "$results"
rm -f "$results/wasm-log.log"

step lint-log bash packaging/release/lint-workflows.sh "$results"
rm -f "$results/lint-log.log"
step dry-run-log bash packaging/release/dry-run.sh build/release/dist "$results/release-dry-run.log"
rm -f "$results/dry-run-log.log"
echo "cross-linux-arm64-kernels" >> "$results/expected.txt"
step cross-log bash packaging/release/test-cross.sh "$results"
rm -f "$results/cross-log.log"
step fuzz-log bash packaging/release/fuzz/run.sh "$results" 20
rm -f "$results/fuzz-log.log"
# Faults and hostile input (issue 15): compat-matrix's oom and ioerr modes (scripts/run-matrix-faults.sh:
# the newest release, every fixture file of vector, graph, node2vec and hnsw but hnsw/heap_limit.test,
# each with its documented sample of fault points), and the libFuzzer targets hnsw_shadow, graph,
# hnsw_ops and node2vec (Tests/fuzz/run.sh), about 25 s each from their committed seeds.
echo "matrix-faults fuzz-hnsw-shadow fuzz-graph fuzz-hnsw-ops fuzz-node2vec" >> "$results/expected.txt"
rm -f build/matrix/junit-faults.xml
step matrix-faults-log bash scripts/run-matrix-faults.sh
[ -f build/matrix/junit-faults.xml ] && cp build/matrix/junit-faults.xml "$results/matrix-faults.xml"
rm -f "$results/matrix-faults-log.log"
step fuzz-targets-log bash Tests/fuzz/run.sh "$results" 25
rm -f "$results/fuzz-targets-log.log"

echo "=== wall time per step (also in $results/timings.txt), $SECONDS s in all"
cat "$results/timings.txt"
echo "=== total"
python3 scripts/tally.py "$results" || status=1
exit $status
