#!/usr/bin/env bash
# Role: make npm. Builds this machine's binary with packaging/dist/build.sh (the release's zig
# build), generates the npm packages from VERSION into build/npm/packages/ and packs vec-graph and
# this machine's @vec-graph/<platform> package into OUTDIR (default dist/npm/), printing their paths.
# usage: pack.sh [OUTDIR]
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
outdir=$(realpath -m "${1:-$root/dist/npm}")
source "$root/packaging/npm/tools.sh"

target=$("$NODE" -p 'process.platform + "-" + process.arch')
work=$root/build/npm
rm -rf "$work/bin"
bash "$root/packaging/dist/build.sh" "$target" "$work/bin/$target" >&2
"$NODE" "$root/packaging/npm/generate.mjs" "$work/packages" "$work/bin" >&2
mkdir -p "$outdir"
for pkg in vec-graph "@vec-graph/$target"; do
  tarball=$(npm pack --silent --pack-destination "$outdir" "$work/packages/$pkg")
  echo "$outdir/$tarball"
done
