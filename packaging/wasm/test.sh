#!/usr/bin/env bash
# Role: make test's WebAssembly suites, offline. Builds SQLite's WebAssembly distribution with vec_graph
# (build.sh; cached by content), packs @vec-graph/wasm and installs the tarball into a throw-away app
# (build/wasm/test/app), then runs, under Node 24:
#   c-unit-wasm    the C unit tests compiled to wasm with SIMD128 (make build/wasm/c_unit.js)
#   wasm-node      every fixture through compat-matrix, the installed package's Node entry loaded by
#                  driver.mjs (vg_driver's protocol), kernel simd128 and SQLite 3.53.4 asserted
#   wasm-package   node:test: the tarball, the Node API, the types (tsc), and test/page.test.mjs, a
#                  real page in headless Chromium (screenshot RESULTS_DIR/wasm-page.png)
# and leaves RESULTS_DIR/wasm-build.log, c-unit-wasm.log, wasm-node.xml and wasm-package.xml.
# usage: test.sh [RESULTS_DIR]
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
results=$(realpath -m "${1:-$root/build/test-results}")
work=$root/build/wasm
mkdir -p "$results"
started=$SECONDS
bash "$here/deps.sh" || exit 1
source "$root/packaging/npm/tools.sh"
version=$(cat "$root/VERSION")

rm -rf "$work/dist" "$work/test"
if bash "$here/build.sh" "$work/dist" 2>&1 | tee "$results/wasm-build.log.tmp"; [[ ${PIPESTATUS[0]} -eq 0 ]]; then
  echo "wasm-build: 1 passed, 0 failed" >>"$results/wasm-build.log.tmp"
else
  echo "wasm-build: 0 passed, 1 failed" >>"$results/wasm-build.log.tmp"
  mv "$results/wasm-build.log.tmp" "$results/wasm-build.log"
  exit 1
fi
mv "$results/wasm-build.log.tmp" "$results/wasm-build.log"
echo "wasm: build ready after $((SECONDS - started)) s"

status=0
t0=$SECONDS
(cd "$root" && make -s build/wasm/c_unit.js && "$NODE" build/wasm/c_unit.js) 2>&1 | tee "$results/c-unit-wasm.log"
[[ ${PIPESTATUS[0]} -eq 0 ]] || status=1
echo "wasm: c-unit-wasm took $((SECONDS - t0)) s"

# The package as users install it: packed, then installed from the tarball with an empty npm cache.
export npm_config_cache=$work/test/cache
app=$work/test/app
mkdir -p "$app" "$work/test/tarballs"
log=$work/test/setup.log
if ! { "$NODE" "$here/generate.mjs" "$work/test/package" "$work/dist" \
       && npm pack --silent --pack-destination "$work/test/tarballs" "$work/test/package" \
       && echo '{ "name": "vec-graph-wasm-test", "private": true, "type": "module" }' >"$app/package.json" \
       && (cd "$app" && npm install --offline "$work/test/tarballs/vec-graph-wasm-$version.tgz"); } >"$log" 2>&1; then
  echo "wasm: packing or installing the package failed; the end of $log:" >&2
  tail -n 20 "$log" >&2
  exit 1
fi
entry=$app/node_modules/@vec-graph/wasm/node.mjs

t0=$SECONDS
(cd "$root" && swift build --product compat-matrix >/dev/null) || exit 1
matrix=$(cd "$root" && swift build --show-bin-path)/compat-matrix
rm -f "$results/wasm-node.xml"
"$matrix" run --package-root "$root" --driver "$here/driver.mjs" --extension "$entry" --emulator "$NODE" \
  --suite wasm-node --junit "$results/wasm-node.xml" --summary "$work/test/wasm-node.md" --timeout 300 \
  --expect-kernel simd128 --expect-sqlite 3.53.4 || status=1
echo "wasm: wasm-node (the fixtures) took $((SECONDS - t0)) s"

t0=$SECONDS
cp -r "$here/test" "$app/test"
(cd "$app" && VG_VERSION=$version VG_WASM_WORK=$work/test VG_RESULTS=$results \
  "$NODE" --test --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=junit --test-reporter-destination="$results/wasm-package.xml" test/*.test.mjs) || status=1
echo "wasm: wasm-package took $((SECONDS - t0)) s; total $((SECONDS - started)) s"
exit $status
