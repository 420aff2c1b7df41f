#!/usr/bin/env bash
# The HNSW benchmark: hnsw_index against hnswlib and sqlite-vec's vec0 on seeded clustered vectors,
# one run, one thread. Its peers live in their own venv (build/bench/hnsw-venv, from
# bench/requirements-hnsw.txt), made from Debian's /usr/bin/python3, whose sqlite3 module can load
# extensions. Prints Markdown tables and writes bench/hnsw_recall_qps.png.
#   bash bench/hnsw_run.sh            100,000 x 128 vectors, 1,000 queries (a few minutes)
#   bash bench/hnsw_run.sh --small    20,000 x 128 vectors
set -euo pipefail
cd "$(dirname "$0")/.."
make -s build/vec_graph.so
venv=build/bench/hnsw-venv
if [ ! -f "$venv/.installed" ] || [ bench/requirements-hnsw.txt -nt "$venv/.installed" ]; then
  /usr/bin/python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r bench/requirements-hnsw.txt
  touch "$venv/.installed"
fi
OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 "$venv/bin/python" bench/hnsw_bench.py build/vec_graph "$@"
