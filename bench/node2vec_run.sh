#!/usr/bin/env bash
# The node2vec benchmark: node2vec_train against pecanpy (single-threaded) on a planted-partition
# graph, then node2vec_train on a 100,000-node graph. The peer lives in its own venv
# (build/bench-n2v-venv, from bench/node2vec_requirements.txt), made from Debian's /usr/bin/python3,
# whose sqlite3 module can load extensions. Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
make -s build/vec_graph.so
venv=build/bench-n2v-venv
if [ ! -f "$venv/.installed" ] || [ bench/node2vec_requirements.txt -nt "$venv/.installed" ]; then
  /usr/bin/python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r bench/node2vec_requirements.txt
  touch "$venv/.installed"
fi
NUMBA_NUM_THREADS=1 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
  "$venv/bin/python" bench/node2vec_bench.py build/vec_graph build/bench/node2vec "$@"
