#!/usr/bin/env bash
# make bench: the distance kernels (every SIMD path and scalar) against numpy, one run, one machine.
# Prints a Markdown table of ns per vector (median of BENCH_RUNS runs) and the ratios the README quotes.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build/bench
cc -std=c11 -O2 -ISources/vec_graph/include -ISources/vec_graph -o build/bench/distance_kernels bench/distance_kernels.c \
  Sources/vec_graph/vg_kernels*.c -lm
n=${BENCH_N:-20000}
runs=${BENCH_RUNS:-15}
./build/bench/distance_kernels "$n" "$runs" >build/bench/kernels.tsv
# numpy at its best: without the OpenBLAS core-type override this machine may set for old OpenBLAS builds.
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .venv/bin/python bench/distance_numpy.py "$n" "$runs" >build/bench/numpy.tsv
.venv/bin/python bench/report.py build/bench/kernels.tsv build/bench/numpy.tsv
