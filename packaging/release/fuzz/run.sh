#!/usr/bin/env bash
# Role: build fuzz_json.c with libFuzzer + ASan + UBSan against Sources/vec_graph/vg_json.c (and the
# C unit tests' libc allocator, Tests/c/vg_alloc_libc.c), run it for
# SECONDS (default 60) on a corpus grown under build/fuzz/corpus from seeds/, and leave
# RESULTS_DIR/fuzz-json.log ending "1 passed, 0 failed" when it found nothing (a crash input is kept in
# build/fuzz/ and named in the log).
# usage: run.sh RESULTS_DIR [SECONDS]
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
results=$(mkdir -p "${1:?usage: run.sh RESULTS_DIR [SECONDS]}" && cd "$1" && pwd)
seconds=${2:-60}
work=$root/build/fuzz
log=$results/fuzz-json.log
mkdir -p "$work/corpus"

{
  echo "fuzz: building fuzz_json with ${CC:-clang}"
  if ! "${CC:-clang}" -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
      -I"$root/Sources/vec_graph" -I"$root/Sources/vec_graph/include" \
      -o "$work/fuzz_json" "$here/fuzz_json.c" "$root/Sources/vec_graph/vg_json.c" "$root/Tests/c/vg_alloc_libc.c" -lm; then
    echo "fuzz-json: 0 passed, 1 failed"
    exit 1
  fi
  echo "fuzz: running $seconds s"
  (cd "$work" && ./fuzz_json -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 \
     -artifact_prefix="$work/" corpus "$here/seeds")
  rc=$?
  echo "fuzz: corpus $(ls "$work/corpus" | wc -l) inputs; exit $rc"
  if [[ $rc -eq 0 ]]; then echo "fuzz-json: 1 passed, 0 failed"; else echo "fuzz-json: 0 passed, 1 failed"; fi
  exit $rc
} 2>&1 | tee "$log"
exit "${PIPESTATUS[0]}"
