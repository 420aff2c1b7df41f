#!/usr/bin/env bash
# Role: the C unit tests of the distance kernels and vector codecs (Tests/c/kernels_main.c: every
# kernel of the tables the CPU runs against the scalar one on every length, float32 and compact)
# built for linux-arm64 with zig (the release toolchain) and run under qemu-aarch64, so the NEON
# kernels are checked as the x86-64 ones are. Called by test-cross.sh; the log's last line is the
# "N passed, N failed" line make test sums.
# usage: cross-kernels.sh OUTDIR
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
outdir=${1:?usage: cross-kernels.sh OUTDIR}
mkdir -p "$outdir"
export ZIG_GLOBAL_CACHE_DIR=$root/build/dist/zig-cache ZIG_LOCAL_CACHE_DIR=$root/build/dist/zig-cache
c=$root/Tests/c
src=$root/Sources/vec_graph
"$(bash "$root/packaging/dist/venv.sh")" -m ziglang cc -target aarch64-linux-gnu.2.17 -O2 -std=c11 \
  -Wall -Wextra -Wpedantic -I"$src/include" -I"$src" -o "$outdir/kernel_tests" \
  "$c/kernels_main.c" "$c/test_blob.c" "$c/test_kernels.c" "$c/test_compact.c" "$c/test_kernels_compact.c" \
  "$c/vg_alloc_libc.c" "$src/vg_blob.c" "$src/vg_compact.c" "$src"/vg_kernels*.c -lm
qemu-aarch64-static -L /usr/aarch64-linux-gnu "$outdir/kernel_tests"
