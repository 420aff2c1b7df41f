#!/usr/bin/env bash
# Role: turn the five release binaries in BINDIR/<target>/ (as packaging/dist/build-all.sh leaves them)
# into OUTDIR exactly as the release uploads it: vec_graph-<VERSION>-<target>.tar.gz (each holding the
# binary under its own name), wheels/ (build_wheel.py), npm/ (generate.mjs + npm pack, and the
# @vec-graph/wasm tarball found in WASM_PACKAGE, as make wasm (packaging/wasm/pack.sh) left it),
# wheels-sqlite/ (the vec-graph-sqlite wheels found in SQLITE_WHEELS, as cibuildwheel or
# packaging/python-sqlite/build.sh left them) and SHA256SUMS. Every file is reproducible from the same
# inputs (fixed times, owners and order). An empty SQLITE_WHEELS or WASM_PACKAGE adds none.
# usage: assemble.sh BINDIR OUTDIR [SQLITE_WHEELS [WASM_PACKAGE]]
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
bindir=$(cd "${1:?usage: assemble.sh BINDIR OUTDIR}" && pwd)
outdir=$(realpath -m "${2:?usage: assemble.sh BINDIR OUTDIR [SQLITE_WHEELS [WASM_PACKAGE]]}")
sqlite_wheels=${3:-}
wasm_package=${4:-}
version=$(cat "$root/VERSION")
targets=(linux-x64 linux-arm64 darwin-x64 darwin-arm64 win32-x64)
python=$(bash "$root/packaging/dist/venv.sh")
rm -rf "$outdir"
mkdir -p "$outdir/wheels" "$outdir/npm"

for target in "${targets[@]}"; do
  binary=$(ls "$bindir/$target"/vec_graph.*)
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --mode=0755 -C "$bindir/$target" \
    -cf - "$(basename "$binary")" | gzip -9n >"$outdir/vec_graph-$version-$target.tar.gz"
  "$python" "$root/packaging/python/build_wheel.py" "$binary" "$target" "$outdir/wheels" >/dev/null
done

source "$root/packaging/npm/tools.sh"
packages=$root/build/release/npm-packages
"$NODE" "$root/packaging/npm/generate.mjs" "$packages" "$bindir" >/dev/null
for target in "${targets[@]}"; do
  npm pack --silent --pack-destination "$outdir/npm" "$packages/@vec-graph/$target" >/dev/null
done
npm pack --silent --pack-destination "$outdir/npm" "$packages/vec-graph" >/dev/null
if [[ -n $wasm_package ]]; then
  cp "$wasm_package/vec-graph-wasm-$version.tgz" "$outdir/npm/"
fi

if [[ -n $sqlite_wheels ]]; then
  mkdir -p "$outdir/wheels-sqlite"
  find "$sqlite_wheels" -name 'vec_graph_sqlite-*.whl' -exec cp {} "$outdir/wheels-sqlite/" \;
fi

(cd "$outdir" && find . -type f ! -name SHA256SUMS | sed 's|^\./||' | LC_ALL=C sort | xargs sha256sum >SHA256SUMS)
echo "assemble: $(($(wc -l <"$outdir/SHA256SUMS"))) files + SHA256SUMS in $outdir"
