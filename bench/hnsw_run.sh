#!/usr/bin/env bash
# The HNSW benchmark: hnsw_index against hnswlib and sqlite-vec's vec0 on seeded clustered vectors,
# one run, one thread. Its peers live in their own venv (build/bench/hnsw-venv, from
# bench/requirements-hnsw.txt), made from Debian's /usr/bin/python3, whose sqlite3 module can load
# extensions. Prints Markdown tables and writes bench/hnsw_recall_qps.png. vec_graph 0.1.0 (the last
# source of storage format 1, commit 451ea89, from this clone's history) is built and measured beside
# it: the build and steady-state ratios against hnswlib of both versions, from one run.
#   bash bench/hnsw_run.sh            100,000 x 128 vectors, 1,000 queries, then Fashion-MNIST (about 40 minutes)
#   bash bench/hnsw_run.sh --small    20,000 x 128 vectors
#   bash bench/hnsw_run.sh --large    also 1,000,000 x 128 (adds about 20 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
make -s build/vec_graph.so
# Fashion-MNIST comes from Debian's dataset-fashion-mnist package.
if ! dpkg-query -W -f='${Status}' dataset-fashion-mnist 2>/dev/null | grep -q "install ok installed"; then
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq dataset-fashion-mnist
fi
venv=build/bench/hnsw-venv
if [ ! -f "$venv/.installed" ] || [ bench/requirements-hnsw.txt -nt "$venv/.installed" ]; then
  /usr/bin/python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r bench/requirements-hnsw.txt
  touch "$venv/.installed"
fi
baseline=build/bench/vec_graph-0.1.0
if [ ! -f "$baseline/vec_graph.so" ] && git cat-file -e 451ea89 2>/dev/null; then
  rm -rf "$baseline" && mkdir -p "$baseline"
  git archive 451ea89 Sources/vec_graph | tar -x -C "$baseline"
  (cd "$baseline" && ${CC:-cc} -std=c11 -O2 -fPIC -fvisibility=hidden -ISources/vec_graph/include \
     -DVEC_GRAPH_VERSION='"0.1.0"' -shared -o vec_graph.so Sources/vec_graph/*.c -lm)
fi
with_baseline=()
if [ -f "$baseline/vec_graph.so" ]; then with_baseline=(--baseline "$baseline/vec_graph")
else echo "hnsw_run.sh: no commit 451ea89 in this checkout (a shallow clone?): measuring without vec_graph 0.1.0" >&2
fi
OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 "$venv/bin/python" bench/hnsw_bench.py build/vec_graph \
  "${with_baseline[@]}" "$@"
