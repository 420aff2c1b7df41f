#!/usr/bin/env bash
# Role: make test-cross. Runs the whole fixture suite with two release binaries on the CPU or OS they
# were built for, emulated: linux-arm64 under qemu-aarch64 (asserting the NEON kernel) and win32-x64
# under wine64 (asserting AVX2 when this CPU has it, else SSE), each loaded into a vg_driver built with
# zig for that target against the newest offline SQLite. compat-matrix runs them (--driver, --extension,
# --emulator), so these suites go through the same parser, renderer and reports as the matrix.
# JUnit to RESULTS_DIR/cross-<target>.xml, timings on stdout. Then the kernel and codec unit tests
# under qemu-aarch64 too (cross-kernels.sh), into RESULTS_DIR/cross-linux-arm64-kernels.log.
# usage: test-cross.sh RESULTS_DIR
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
results=$(mkdir -p "${1:?usage: test-cross.sh RESULTS_DIR}" && cd "$1" && pwd)
work=$root/build/cross
started=$SECONDS
bash "$here/cross-deps.sh"
(cd "$root" && swift build --product compat-matrix >/dev/null)
matrix=$(cd "$root" && swift build --show-bin-path)/compat-matrix
bash "$root/packaging/dist/sqlite-amalgamation.sh" "$work/sqlite"
sqlite=$(sed -n 's/^#define SQLITE_VERSION  *"\(.*\)"$/\1/p' "$work/sqlite/sqlite3.h")
x64_kernel=$(grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo && echo avx2 || echo sse)
[ "$x64_kernel" = sse ] || ! grep -qw avx512f /proc/cpuinfo || x64_kernel=avx512
wine=$(command -v wine64 || echo /usr/lib/wine/wine64)
wineserver=$(command -v wineserver || echo /usr/lib/wine/wineserver)
export WINEPREFIX=$work/wine WINEDEBUG=-all
echo "test-cross: setup took $((SECONDS - started)) s"

status=0
for target in linux-arm64 win32-x64; do
  t0=$SECONDS
  rm -f "$results/cross-$target.xml"
  case $target in
    linux-arm64) ext=so prefix="qemu-aarch64-static -L /usr/aarch64-linux-gnu" kernel=neon ;;
    win32-x64) ext=dll prefix=$wine kernel=$x64_kernel ;;
  esac
  if ! bash "$root/packaging/dist/build.sh" "$target" "$work/bin/$target" >/dev/null \
     || ! driver=$(bash "$here/build-driver.sh" "$work/sqlite" "$work/driver/$target" "$target"); then
    echo "test-cross: $target: build failed; its fixtures did not run" >&2
    status=1
    continue
  fi
  if [[ $target == win32-x64 ]]; then
    # One persistent wineserver for the whole run (else each driver starts its own: +2.5 s a file);
    # a server left in this project-local prefix is ours, so it is replaced.
    mkdir -p "$WINEPREFIX"
    "$wineserver" -k 2>/dev/null || true
    "$wineserver" -p
    trap '"$wineserver" -k 2>/dev/null || true' EXIT
    [[ -f $WINEPREFIX/system.reg ]] || "$wine" wineboot --init >/dev/null 2>&1
  fi
  t1=$SECONDS
  "$matrix" run --package-root "$root" --driver "$driver" --extension "$work/bin/$target/vec_graph.$ext" \
    --emulator "$prefix" --suite "cross-$target" --junit "$results/cross-$target.xml" --timeout 300 \
    --expect-kernel "$kernel" --expect-sqlite "$sqlite" || status=1
  echo "test-cross: $target: builds $((t1 - t0)) s, fixtures $((SECONDS - t1)) s"
done
# The kernel and codec unit tests under qemu as well: NEON against scalar on every length.
t0=$SECONDS
bash "$here/cross-kernels.sh" "$work/kernels" >"$results/cross-linux-arm64-kernels.log" 2>&1 || status=1
echo "test-cross: linux-arm64 kernel unit tests $((SECONDS - t0)) s: $(tail -n 1 "$results/cross-linux-arm64-kernels.log")"
echo "test-cross: total $((SECONDS - started)) s"
exit $status
