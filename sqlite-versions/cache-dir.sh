#!/usr/bin/env bash
# Role: print where vec_graph keeps what outlives a clone: the offline SQLite mirror (`mirror`) and
# compat-matrix's content-keyed cache (`compat-matrix`), under $VEC_GRAPH_CACHE, else
# $XDG_CACHE_HOME/vec_graph, else ~/.cache/vec_graph. compat-matrix's MatrixOptions uses the same rule.
# usage: cache-dir.sh [mirror|compat-matrix]
set -euo pipefail
root=${VEC_GRAPH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vec_graph}
case ${1:-} in
  "") echo "$root" ;;
  mirror | compat-matrix) echo "$root/$1" ;;
  *) echo "usage: cache-dir.sh [mirror|compat-matrix]" >&2; exit 2 ;;
esac
