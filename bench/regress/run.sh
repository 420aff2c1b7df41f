#!/usr/bin/env bash
# Role: the instruction counters' entry points (docs/benchmarks.md). Builds what is missing, measures
# under callgrind (measure.py) and then:
#   run.sh measure [--history FILE]  make bench-regress: build/bench/regress/counters.json, the
#                                    comparison with the baseline (informative), chart.html drawn from
#                                    FILE (github-action-benchmark's data.js) plus this run
#   run.sh accept                    make bench-regress-accept: this run becomes bench/regress/baseline.json
#   run.sh gate                      make test: fails when a counter grew past 5% over the baseline
#   run.sh planted                   make test: the planted slowdown trips the gate (planted.py)
# COMPAT_MATRIX=PATH uses that compat-matrix executable instead of building one.
set -euo pipefail
cd "$(dirname "$0")/../.."
mode=${1:?usage: run.sh measure [--history FILE] | accept | gate | planted}
shift
out=build/bench/regress
baseline=bench/regress/baseline.json
py=/usr/bin/python3

bash scripts/install-deps.sh >/dev/null
make -s "$out/plain/vec_graph.so" "$out/plain/kernels_workload" "$out/sql_workloads" "$out/driver/vg_driver"
measure_all() { # measure_all OUT.json: every counter
  local matrix=${COMPAT_MATRIX:-}
  if [[ -z $matrix ]]; then
    swift build --product compat-matrix >/dev/null
    matrix=$(swift build --show-bin-path)/compat-matrix
  fi
  $py bench/regress/measure.py "$1" --compat-matrix "$matrix"
}

case $mode in
  measure)
    history=-
    [[ ${1:-} == --history ]] && history=${2:?run.sh measure --history FILE}
    measure_all "$out/counters.json"
    $py bench/regress/gate.py "$baseline" "$out/counters.json" --suite "compared with $baseline" || true
    $py bench/regress/chart.py "$history" "$out/chart.html" --add "$out/counters.json" \
      --commit "$(git rev-parse --short HEAD 2>/dev/null || echo 'this run')"
    ;;
  accept)
    measure_all "$out/counters.json"
    cp "$out/counters.json" "$baseline"
    echo "bench-regress: $baseline now holds this run's counters; commit it with the change that explains them"
    ;;
  gate)
    measure_all "$out/counters.json" || { echo "bench-regress-gate: 0 passed, 1 failed (the measurement failed, above)"; exit 1; }
    $py bench/regress/gate.py "$baseline" "$out/counters.json"
    ;;
  planted)
    make -s "$out/planted/kernels_workload"
    $py bench/regress/planted.py "$out"
    ;;
  *) echo "run.sh: unknown mode '$mode' (expected measure, accept, gate or planted)" >&2; exit 2 ;;
esac
