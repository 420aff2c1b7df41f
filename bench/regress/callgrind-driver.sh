#!/usr/bin/env bash
# Role: compat-matrix's --emulator in the counted matrix run (bench/regress/matrix_counts.py): runs the
# driver command after DIR and KERNEL under callgrind, with no environment but VEC_GRAPH_KERNEL=KERNEL
# and LD_BIND_NOW (no lazy symbol binding inside the counted calls). Output DIR/<n>.cg, n the order of the run: compat-matrix runs a
# prebuilt suite's driver processes one after another (the load probe, then the fixture file).
# usage: callgrind-driver.sh DIR KERNEL DRIVER ARGS...
set -euo pipefail
dir=$1 kernel=$2
shift 2
n=$(find "$dir" -maxdepth 1 -name '*.cg' | wc -l)
exec env -i VEC_GRAPH_KERNEL="$kernel" LD_BIND_NOW=1 valgrind --tool=callgrind --dump-line=no \
  --callgrind-out-file="$dir/$n.cg" --log-file="$dir/$n.log" "$@"
