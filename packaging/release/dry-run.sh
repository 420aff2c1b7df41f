#!/usr/bin/env bash
# Role: make release-dry-run. Does what the release workflow does, from this machine: cross-builds the
# five binaries (packaging/dist/build-all.sh) and this machine's vec-graph-sqlite wheels (the Linux ones:
# packaging/python-sqlite/build.sh), packs @vec-graph/wasm as the release's wasm job does (make wasm:
# packaging/wasm/pack.sh, one WebAssembly build packed twice; the build comes from build.sh's cache,
# which make test's wasm step fills, so it is built only when nothing built it for these sources yet),
# assembles OUTDIR as the release uploads it (assemble.sh, twice, the second with the second wasm
# tarball: the second copy proves the bytes reproducible) and checks it (check_dist.py), leaving LOG (default
# build/release-dry-run.log) ending "N passed, N failed[, N skipped]". Without the wasm toolchain
# (packaging/wasm/deps.sh installs it) the wasm package is skipped, with the reason, as one skipped check.
# usage: dry-run.sh OUTDIR [LOG]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
outdir=$(realpath -m "${1:?usage: dry-run.sh OUTDIR [LOG]}")
log=$(realpath -m "${2:-$root/build/release-dry-run.log}")
bindir=$root/build/release/bin
wasm=$root/build/release/wasm
# What packaging/wasm/build.sh runs: Debian's emscripten (emcc, clang-14, binaryen's wasm-opt) and wabt.
wasm_tools=(emcc clang-14 wasm-opt wasm-strip)
missing=$(for tool in "${wasm_tools[@]}"; do command -v "$tool" >/dev/null || printf ' %s' "$tool"; done)
mkdir -p "$(dirname "$log")"
started=$SECONDS
{
  echo "=== build: packaging/dist/build-all.sh"
  bash "$root/packaging/dist/build-all.sh" "$bindir" | grep -E '^(===|verify|built)'
  echo "=== build: packaging/python-sqlite/build.sh"
  bash "$root/packaging/python-sqlite/build.sh" "$root/build/release/sqlite-wheels" | cut -f1
  rm -rf "$wasm" "$wasm-again"
  wasm_first='' wasm_second='' no_wasm=()
  if [[ -z $missing ]]; then
    echo "=== build: packaging/wasm/pack.sh (make wasm, as the release's wasm job runs it; packed twice)"
    out=$(bash "$root/packaging/wasm/pack.sh" "$wasm" "$wasm-again" 2>&1) || { echo "$out"; exit 1; }
    grep -E '^wasm-build|\.tgz$' <<<"$out"
    wasm_first=$wasm wasm_second=$wasm-again
  else
    reason="the WebAssembly toolchain is not installed (missing:$missing; bash packaging/wasm/deps.sh installs it)"
    echo "=== build: @vec-graph/wasm skipped: $reason"
    no_wasm=(--no-wasm "$reason")
  fi
  echo "=== assemble: $outdir"
  bash "$here/assemble.sh" "$bindir" "$outdir" "$root/build/release/sqlite-wheels" "$wasm_first"
  bash "$here/assemble.sh" "$bindir" "$root/build/release/dist-again" "$root/build/release/sqlite-wheels" "$wasm_second"
  echo "=== check"
  "$(bash "$root/packaging/dist/venv.sh")" "$here/check_dist.py" "$outdir" "$root/build/release/dist-again" "${no_wasm[@]}"
} 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# A build or assembly that stopped early leaves no check line: record it as one failed check.
tail -n 1 "$log" | grep -Eq '[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' || echo "release-dry-run: 0 passed, 1 failed" | tee -a "$log"
echo "release-dry-run: $((SECONDS - started)) s, dist in $outdir"
exit "$status"
