#!/usr/bin/env bash
# Role: make wasm. Builds SQLite's WebAssembly distribution with vec_graph (build.sh; from the cache when
# nothing changed), generates @vec-graph/wasm from VERSION into build/wasm/package/ and packs it into
# OUTDIR (default dist/wasm/), printing the tarball's path. With more OUTDIRs it generates and packs the
# same build again into each (the release dry run packs twice to prove the tarball reproducible).
# usage: pack.sh [OUTDIR...]
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
[[ $# -gt 0 ]] || set -- "$root/dist/wasm"
bash "$root/packaging/wasm/deps.sh" >&2
source "$root/packaging/npm/tools.sh"
bash "$root/packaging/wasm/build.sh" "$root/build/wasm/dist" >&2
for arg in "$@"; do
  outdir=$(realpath -m "$arg")
  "$NODE" "$root/packaging/wasm/generate.mjs" "$root/build/wasm/package" "$root/build/wasm/dist" >&2
  mkdir -p "$outdir"
  echo "$outdir/$(npm pack --silent --pack-destination "$outdir" "$root/build/wasm/package")"
done
