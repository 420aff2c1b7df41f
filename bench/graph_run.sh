#!/usr/bin/env bash
# The graph benchmark: graph functions vs recursive CTEs, networkx and igraph on a seeded random graph.
# Its peers live in their own venv (build/bench/graph-venv, from bench/graph_requirements.txt), made
# from Debian's /usr/bin/python3, whose sqlite3 module can load extensions. Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
make -s build/vec_graph.so
venv=build/bench/graph-venv
if [ ! -f "$venv/.installed" ] || [ bench/graph_requirements.txt -nt "$venv/.installed" ]; then
  /usr/bin/python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r bench/graph_requirements.txt
  touch "$venv/.installed"
fi
"$venv/bin/python" bench/graph_bench.py build/vec_graph build/bench/graph.db "$@"
