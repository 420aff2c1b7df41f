#!/usr/bin/env bash
# Role: builds the libFuzzer targets Tests/fuzz/fuzz_*.c (make fuzz-targets: the extension and SQLite
# under ASan+UBSan) and runs each from a fresh corpus seeded with its committed seeds
# (Tests/fuzz/seeds/<target>/), failing on any crash, sanitizer report, leak or slow unit (-timeout).
# In make test the run is reproducible: a fixed -seed and a fixed number of inputs per target (about
# 25 s each here), with SECONDS x 3 as a cap (a slower machine runs a prefix of the same inputs);
# FUZZ_RUNS=0 fuzzes for SECONDS with a random seed instead (docs/fuzzing.md).
# Leaves RESULTS_DIR/fuzz-<target>.log ending "fuzz-<target>: 1 passed, 0 failed" when the target
# found nothing; a crash input is kept as build/fuzz/crash-<target>-* and named in the log.
# usage: run.sh RESULTS_DIR [SECONDS [TARGET...]]   (default: 25 s each; targets hnsw_shadow graph hnsw_ops node2vec)
set -uo pipefail
cd "$(dirname "$0")/../.."
results=$(mkdir -p "${1:?usage: run.sh RESULTS_DIR [SECONDS [TARGET...]]}" && cd "$1" && pwd)
seconds=${2:-25}
shift $(($# < 2 ? $# : 2))
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(hnsw_shadow graph hnsw_ops node2vec)
unit_timeout=20
status=0
build_log=$(mktemp)
make -s -j2 fuzz-targets >"$build_log" 2>&1
built=$?
for t in "${targets[@]}"; do
  name=fuzz-${t//_/-}
  log=$results/$name.log
  corpus=build/fuzz/corpus-$t
  (
    if [ $built -ne 0 ]; then
      cat "$build_log"
      echo "$name: 0 passed, 1 failed"
      exit 1
    fi
    rm -rf "$corpus" && mkdir -p "$corpus"
    echo "fuzz: $t from $(ls "Tests/fuzz/seeds/$t" | wc -l) seeds"
    case $t in hnsw_shadow | hnsw_ops) runs=1000 ;; graph | node2vec) runs=2500 ;; *) runs=2000 ;; esac
    if [ "${FUZZ_RUNS:-}" = 0 ]; then limits=(-max_total_time="$seconds")
    else limits=(-seed=1 -runs="${FUZZ_RUNS:-$runs}" -max_total_time=$((seconds * 3))); fi
    build/fuzz/fuzz_"$t" "${limits[@]}" -timeout=$unit_timeout -print_final_stats=1 \
      -artifact_prefix="build/fuzz/crash-$t-" "$corpus" "Tests/fuzz/seeds/$t"
    rc=$?
    echo "fuzz: $t corpus $(ls "$corpus" | wc -l) inputs; exit $rc"
    if [ $rc -eq 0 ]; then echo "$name: 1 passed, 0 failed"; else echo "$name: 0 passed, 1 failed"; fi
    exit $rc
  ) >"$log" 2>&1
  [ $? -eq 0 ] || status=1
  tail -3 "$log"
done
rm -f "$build_log"
exit $status
