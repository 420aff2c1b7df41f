#!/usr/bin/env bash
# Role: the npm packaging tests, offline. Cross-builds the five binaries, generates and packs every
# package, installs the tarballs into throw-away projects under build/npm/test/ (npm never reaches a
# registry), then runs the node:test suites under Node 24 and the smoke test under Bun, leaving
# RESULTS_DIR/npm-node.xml and RESULTS_DIR/npm-bun.xml (JUnit).
# usage: test.sh [RESULTS_DIR]
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
results=$(realpath -m "${1:-$root/build/test-results}")
work=$root/build/npm/test
rm -rf "$work"
mkdir -p "$results" "$work/tarballs"
source "$root/packaging/npm/tools.sh"
# A cache that starts empty proves every package came from the tarballs.
export npm_config_cache=$work/cache
version=$(cat "$root/VERSION")
log=$work/setup.log
trap 'echo "npm: setup failed; the end of $log:" >&2; tail -n 20 "$log" >&2' ERR

echo "npm: building the five binaries, packing the packages (log: ${log#"$root"/})"
bash "$root/packaging/dist/build-all.sh" "$work/bin" >>"$log" 2>&1
"$NODE" "$root/packaging/npm/generate.mjs" "$work/packages" "$work/bin" >>"$log"
for pkg in "$work/packages/vec-graph" "$work/packages/@vec-graph/"*; do
  npm pack --silent --pack-destination "$work/tarballs" "$pkg" >>"$log"
done

# app: `npm install vec-graph` as a user runs it. overrides point the five optional platform
# dependencies at their tarballs, so npm picks this machine's one by os/cpu/libc as from a registry.
mkdir -p "$work/app" "$work/app-noopt"
"$NODE" -e '
  const [targets, dir, version] = process.argv.slice(1);
  const overrides = Object.fromEntries(Object.keys(require(targets)).map((t) =>
    [`@vec-graph/${t}`, `file:${dir}/tarballs/vec-graph-${t}-${version}.tgz`]));
  console.log(JSON.stringify({ name: "vec-graph-npm-test", private: true, overrides }, null, 2));
' "$root/packaging/npm/vec-graph/targets.cjs" "$work" "$version" >"$work/app/package.json"
(cd "$work/app" && npm install --offline "$work/tarballs/vec-graph-$version.tgz") >>"$log" 2>&1
# app-noopt: the same install with optional dependencies left out, as --omit=optional does.
echo '{ "name": "vec-graph-npm-test-noopt", "private": true }' >"$work/app-noopt/package.json"
(cd "$work/app-noopt" && npm install --offline --omit=optional "$work/tarballs/vec-graph-$version.tgz") \
  >>"$log" 2>&1

# The suites run from inside app/ so that they import vec-graph as its users do.
cp -r "$root/packaging/npm/test" "$work/app/test"
export VG_NPM_WORK=$work VG_VERSION=$version
cd "$work/app"
status=0
"$NODE" --test --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=junit --test-reporter-destination="$results/npm-node.xml" \
  test/loader.test.mjs test/errors.test.mjs test/packages.test.mjs || status=1
"$BUN" test --reporter=junit --reporter-outfile="$results/npm-bun.xml" ./test/bun-smoke.test.js || status=1
exit $status
