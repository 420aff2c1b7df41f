#!/usr/bin/env bash
# Role: cross-build the extension for one release TARGET with zig cc against the newest SQLite
# headers, into OUTDIR/vec_graph.<so|dylib|dll>, then check the artefact with verify.py.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
usage="usage: build.sh linux-x64|linux-arm64|darwin-x64|darwin-arm64|win32-x64 OUTDIR"
target=${1:?$usage}
outdir=${2:?$usage}

case $target in
  linux-x64)    triple=x86_64-linux-gnu.2.17  ext=so    libs=(-lm) ;;
  linux-arm64)  triple=aarch64-linux-gnu.2.17 ext=so    libs=(-lm) ;;
  darwin-x64)   triple=x86_64-macos.10.13     ext=dylib libs=() ;;
  darwin-arm64) triple=aarch64-macos.11.0     ext=dylib libs=() ;;
  win32-x64)    triple=x86_64-windows-gnu     ext=dll   libs=() ;;
  *) echo "build.sh: unknown target '$target'; $usage" >&2; exit 2 ;;
esac

python=$(bash "$root/packaging/dist/venv.sh")
headers=$root/build/dist/sqlite-include
bash "$root/packaging/dist/sqlite-headers.sh" "$headers" >/dev/null
version=$(cat "$root/VERSION")

mkdir -p "$outdir"
out=$outdir/vec_graph.$ext
# zig keeps its cache under the project's build/ so parallel builds and clean-ups stay local.
export ZIG_GLOBAL_CACHE_DIR=$root/build/dist/zig-cache ZIG_LOCAL_CACHE_DIR=$root/build/dist/zig-cache
"$python" -m ziglang cc -target "$triple" -O2 -s -shared -fPIC -fvisibility=hidden -std=c11 \
  -Wall -Wextra -Wpedantic \
  -I"$headers" -I"$root/Sources/vec_graph/include" -DVEC_GRAPH_VERSION="\"$version\"" \
  -o "$out" "$root"/Sources/vec_graph/*.c "${libs[@]}"
# zig leaves import libraries and debug files beside a DLL; the release ships only the DLL.
rm -f "$outdir/vec_graph.lib" "$outdir/vec_graph.pdb"
"$python" "$root/packaging/dist/verify.py" "$out" "$target"
