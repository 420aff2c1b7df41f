#!/usr/bin/env bash
# Role: cross-build and verify all five release binaries into OUTDIR/<target>/ (make dist).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
outdir=${1:?usage: build-all.sh OUTDIR}
for target in linux-x64 linux-arm64 darwin-x64 darwin-arm64 win32-x64; do
  echo "=== $target"
  bash "$here/build.sh" "$target" "$outdir/$target"
done
echo "built and verified 5 release binaries in $outdir"
