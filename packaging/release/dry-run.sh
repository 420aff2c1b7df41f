#!/usr/bin/env bash
# Role: make release-dry-run. Does what the release workflow does, from this machine: cross-builds the
# five binaries (packaging/dist/build-all.sh) and this machine's vec-graph-sqlite wheels (the Linux ones:
# packaging/python-sqlite/build.sh), assembles OUTDIR as the release uploads it
# (assemble.sh, twice: the second copy proves the bytes reproducible) and checks it (check_dist.py), leaving LOG (default build/release-dry-run.log)
# ending "N passed, N failed".
# usage: dry-run.sh OUTDIR [LOG]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
outdir=$(realpath -m "${1:?usage: dry-run.sh OUTDIR [LOG]}")
log=$(realpath -m "${2:-$root/build/release-dry-run.log}")
bindir=$root/build/release/bin
mkdir -p "$(dirname "$log")"
started=$SECONDS
{
  echo "=== build: packaging/dist/build-all.sh"
  bash "$root/packaging/dist/build-all.sh" "$bindir" | grep -E '^(===|verify|built)'
  echo "=== build: packaging/python-sqlite/build.sh"
  bash "$root/packaging/python-sqlite/build.sh" "$root/build/release/sqlite-wheels" | cut -f1
  echo "=== assemble: $outdir"
  bash "$here/assemble.sh" "$bindir" "$outdir" "$root/build/release/sqlite-wheels"
  bash "$here/assemble.sh" "$bindir" "$root/build/release/dist-again" "$root/build/release/sqlite-wheels"
  echo "=== check"
  "$(bash "$root/packaging/dist/venv.sh")" "$here/check_dist.py" "$outdir" "$root/build/release/dist-again"
} 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# A build or assembly that stopped early leaves no check line: record it as one failed check.
tail -n 1 "$log" | grep -Eq '[0-9]+ passed, [0-9]+ failed$' || echo "release-dry-run: 0 passed, 1 failed" | tee -a "$log"
echo "release-dry-run: $((SECONDS - started)) s, dist in $outdir"
exit "$status"
