#!/usr/bin/env bash
# Role: build vg_driver (Sources/compat-driver) linked with the SQLite amalgamation in AMALGAMATION
# into OUTDIR/vg_driver[.exe]: for TARGET linux-x64|linux-arm64|win32-x64 with zig cc (the release
# toolchain), or without TARGET with the host's cc. sqlite3.o is kept in OUTDIR and reused while
# the amalgamation is unchanged. Prints the driver's path.
# usage: build-driver.sh AMALGAMATION OUTDIR [TARGET]
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
usage="usage: build-driver.sh AMALGAMATION OUTDIR [linux-x64|linux-arm64|win32-x64]"
amalgamation=$(cd "${1:?$usage}" && pwd)
outdir=${2:?$usage}
target=${3:-}
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)

driver=$root/Sources/compat-driver/vg_driver.c exe=vg_driver libs=(-ldl -lpthread -lm)
case $target in
  "") read -r -a cc <<<"${CC:-cc}" ;;
  linux-x64) triple=x86_64-linux-gnu.2.17 ;;
  linux-arm64) triple=aarch64-linux-gnu.2.17 ;;
  win32-x64) triple=x86_64-windows-gnu driver=$root/packaging/release/win_driver.c exe=vg_driver.exe libs=() ;;
  *) echo "build-driver: unknown target '$target'; $usage" >&2; exit 2 ;;
esac
if [[ -n $target ]]; then
  cc=("$(bash "$root/packaging/dist/venv.sh")" -m ziglang cc -target "$triple")
  export ZIG_GLOBAL_CACHE_DIR=$root/build/dist/zig-cache ZIG_LOCAL_CACHE_DIR=$root/build/dist/zig-cache
fi

# The flags compat-matrix builds its plain-mode SQLite with.
if [[ ! $outdir/sqlite3.o -nt $amalgamation/sqlite3.c ]]; then
  "${cc[@]}" -O1 -DSQLITE_ENABLE_JSON1 -DSQLITE_THREADSAFE=1 -I"$amalgamation" \
    -c "$amalgamation/sqlite3.c" -o "$outdir/sqlite3.o.tmp"
  mv -f "$outdir/sqlite3.o.tmp" "$outdir/sqlite3.o"
fi
"${cc[@]}" -O1 -std=c11 -I"$amalgamation" -I"$root/Sources/compat-driver" \
  -o "$outdir/$exe" "$driver" "$outdir/sqlite3.o" "${libs[@]}"
rm -f "$outdir/vg_driver.pdb" "$outdir/vg_driver.lib"
echo "$outdir/$exe"
