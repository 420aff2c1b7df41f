#!/usr/bin/env bash
# Role: make bench-wasm (docs/wasm.md): vec_graph in WebAssembly against native, in one run on one
# machine, as ratios.
#   kernels  bench/distance_kernels.c built natively (cc -O2: every kernel this CPU runs) and with emcc
#            -O2 -msimd128 (the simd128 and scalar kernels), run under Node 24; ns per vector.
#   hnsw     bench/wasm_hnsw.mjs under Node 24 on three engines: native (node:sqlite loading
#            build/vec_graph.so), wasm simd128 and wasm scalar (packaging/wasm/build.sh, cached).
# Prints Markdown tables; the raw TSV and JSON lines stay in build/bench/wasm/.
# usage: wasm_run.sh   (BENCH_N, BENCH_RUNS: the kernel scan's vectors and runs; HNSW_N, HNSW_DIMS,
#                       HNSW_QUERIES: the index)
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/bench/wasm
mkdir -p "$out"
bash packaging/wasm/deps.sh >&2
source packaging/npm/tools.sh

sources=(bench/distance_kernels.c Sources/vec_graph/vg_kernels*.c)
flags=(-std=c11 -O2 -ISources/vec_graph/include -ISources/vec_graph)
cc "${flags[@]}" -o "$out/kernels-native" "${sources[@]}" -lm
packaging/wasm/emcc-compat.sh "${flags[@]}" -msimd128 -sALLOW_MEMORY_GROWTH -sMAXIMUM_MEMORY=2GB \
  -sENVIRONMENT=node -sSINGLE_FILE -o "$out/kernels-wasm.js" "${sources[@]}"
n=${BENCH_N:-20000}
runs=${BENCH_RUNS:-15}
echo "bench-wasm: kernels, $n vectors, $runs runs" >&2
"$out/kernels-native" "$n" "$runs" >"$out/kernels-native.tsv"
"$NODE" "$out/kernels-wasm.js" "$n" "$runs" >"$out/kernels-wasm.tsv"

bash packaging/wasm/build.sh "$out/simd128" simd128 >&2
bash packaging/wasm/build.sh "$out/scalar" scalar >&2
hnsw=(${HNSW_N:-10000} ${HNSW_DIMS:-128} ${HNSW_QUERIES:-300})
echo "bench-wasm: hnsw, ${hnsw[*]} (vectors, dimensions, queries)" >&2
{
  "$NODE" bench/wasm_hnsw.mjs native "$PWD/build/vec_graph.so" "${hnsw[@]}"
  "$NODE" bench/wasm_hnsw.mjs wasm "$out/simd128/sqlite3-node.mjs" "${hnsw[@]}"
  "$NODE" bench/wasm_hnsw.mjs wasm "$out/scalar/sqlite3-node.mjs" "${hnsw[@]}"
} >"$out/hnsw.jsonl"
/usr/bin/python3 bench/wasm_report.py "$out/kernels-native.tsv" "$out/kernels-wasm.tsv" "$out/hnsw.jsonl"
