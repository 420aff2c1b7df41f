#!/usr/bin/env bash
# Role: SQLite's official WebAssembly distribution with vec_graph compiled in, into OUT_DIR. The newest
# SQLite source tree of the offline mirror (sqlite-versions/local-sources.tsv, sha256-checked) runs its
# own ext/wasm build (GNUmakefile, emcc -O2) with vec_graph_extra_init.c as its sqlite3_wasm_extra_init.c
# hook and vec_graph (Sources/vec_graph, SQLITE_CORE, -O2) as a library beside it. Toolchain: Debian's
# Emscripten 3.1.6 through emcc-compat.sh; the Node build gets node_esm_fix.py. Outputs:
#   sqlite3.mjs (browsers and workers), sqlite3-node.mjs (Node), sqlite3.wasm (the one module both
#   load: the two link steps write byte-identical files, checked), sqlite3-opfs-async-proxy.js,
#   sqlite3-worker1.mjs, sqlite3-worker1-promiser.mjs, build-info.json.
# KERNEL simd128 (default) compiles vec_graph with -msimd128; scalar without, and builds only the Node
# files (the benchmark's baseline). The result is cached under the user cache dir (cache-dir.sh),
# keyed by the sha256 of every input, so a second run or clone copies it in a second.
# usage: build.sh OUT_DIR [simd128|scalar]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:?usage: build.sh OUT_DIR [simd128|scalar]}
kernel=${2:-simd128}
case $kernel in
  simd128) simd=-msimd128 ;;
  scalar) simd= ;;
  *) echo "build.sh: KERNEL must be simd128 or scalar, not '$kernel'" >&2; exit 2 ;;
esac
die() { echo "wasm-build: $*" >&2; exit 1; }
command -v emcc >/dev/null || die "emcc not found: run packaging/wasm/deps.sh"
emcc=$here/emcc-compat.sh

list=$root/sqlite-versions/local-sources.tsv
read -r sqlite_version archive archive_sha subdir sqlite_c_sha < <(awk -F'\t' \
  '!/^#/ && $4 == "source-tree" { print $1, $2, $3, $5, $8 }' "$list" | sort -V | tail -n 1)
[[ -n ${sqlite_version:-} ]] || die "no source-tree release in $list"
version=$(cat "$root/VERSION")
toolchain="$("$emcc" --version | head -n 1); $(clang-14 --version | head -n 1); $(wasm-strip --version)"

# The cache key: everything that decides the output.
key=$( {
  echo "$kernel $sqlite_version $archive_sha $version $toolchain"
  cd "$root" && sha256sum packaging/wasm/build.sh packaging/wasm/emcc-compat.sh packaging/wasm/node_esm_fix.py \
    packaging/wasm/vec_graph_extra_init.c Sources/vec_graph/*.c Sources/vec_graph/*.h Sources/vec_graph/include/*.h
} | sha256sum | cut -c1-16)
cache_root=$(bash "$root/sqlite-versions/cache-dir.sh")/wasm
cached=$cache_root/$kernel-$key
mkdir -p "$out"
if [[ -f $cached/build-info.json ]]; then
  cp "$cached"/* "$out/"
  echo "wasm-build: $kernel build $key from the cache ($cached)"
  exit 0
fi

started=$SECONDS
mkdir -p "$cache_root"
work=$(mktemp -d "$cache_root/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT
log=$work/build.log
fail() { tail -n 40 "$log" >&2; die "$1 (log above)"; }

# 1. The SQLite tree, verified; its own configure and `make sqlite3.c` (as compat-matrix prepares it).
mirror=${VG_SQLITE_MIRROR:-$(bash "$root/sqlite-versions/cache-dir.sh" mirror)}
[[ -f $mirror/$archive ]] || bash "$root/sqlite-versions/provision-mirror.sh" "$mirror"
got=$(sha256sum "$mirror/$archive" | cut -d' ' -f1)
[[ $got == "$archive_sha" ]] || die "$mirror/$archive has sha256 $got, pinned $archive_sha"
tar -xJf "$mirror/$archive" -C "$work"
tree=$work/$subdir
(cd "$tree" && ./configure && make sqlite3.c) >>"$log" 2>&1 || fail "configure / make sqlite3.c failed"
got=$(sha256sum "$tree/sqlite3.c" | cut -d' ' -f1)
[[ $got == "$sqlite_c_sha" ]] || die "sqlite3.c has sha256 $got, pinned $sqlite_c_sha"
echo "wasm-build: SQLite $sqlite_version tree ready ($((SECONDS - started)) s)"

# 2. vec_graph as a static library, compiled in (SQLITE_CORE) and single-threaded like that SQLite.
vg_cflags="-std=c11 -O2 $simd -DSQLITE_CORE -DSQLITE_THREADSAFE=0"
vg_flags=($vg_cflags -Wall -Wextra -Wpedantic "-DVEC_GRAPH_VERSION=\"$version\"" -I"$tree" -I"$root/Sources/vec_graph/include")
mkdir -p "$work/vg"
export emcc
printf '%s\n' "$root"/Sources/vec_graph/*.c | xargs -P 2 -I{} sh -c \
  '"$emcc" "$@" -c "{}" -o "'"$work"'/vg/$(basename "{}" .c).o"' emcc "${vg_flags[@]}" >>"$log" 2>&1 \
  || fail "compiling vec_graph failed"
/usr/bin/emar rcs "$work/libvec_graph.a" "$work"/vg/*.o
echo "wasm-build: vec_graph compiled ($((SECONDS - started)) s)"

# 3. ext/wasm's own build. config.make is what its configure writes when it finds an emsdk (it looks
# only for emsdk_env.sh, which Debian's package has not). `-o jswasm/sqlite3.wasm`: the Node build
# lists the plain-script build's .wasm as a prerequisite only to order the steps; it is not built.
wasm=$tree/ext/wasm
printf 'bin.bash = %s\nbin.emcc = %s\nbin.wasm-strip = %s\nbin.wasm-opt = %s\nSHELL = $(bin.bash)\n' \
  "$(command -v bash)" "$emcc" "$(command -v wasm-strip)" "$(command -v wasm-opt)" >"$wasm/config.make"
targets=(jswasm/node/sqlite3-node.mjs)
[[ $kernel == simd128 ]] && targets+=(jswasm/esm/sqlite3.mjs jswasm/sqlite3-opfs-async-proxy.js
                                      jswasm/sqlite3-worker1.mjs jswasm/sqlite3-worker1-promiser.mjs)
make -C "$wasm" -j2 -o jswasm/sqlite3.wasm emcc_opt=-O2 \
  "sqlite3_wasm_extra_init.c=$here/vec_graph_extra_init.c $work/libvec_graph.a" "${targets[@]}" >>"$log" 2>&1 \
  || fail "SQLite's ext/wasm build failed"
echo "wasm-build: ext/wasm built ($((SECONDS - started)) s)"

# 4. The package's files.
dest=$work/out
mkdir -p "$dest"
cp "$wasm/jswasm/node/sqlite3-node.wasm" "$dest/sqlite3.wasm"
/usr/bin/python3 "$here/node_esm_fix.py" "$wasm/jswasm/node/sqlite3-node.mjs" "$dest/sqlite3-node.mjs" sqlite3.wasm
if [[ $kernel == simd128 ]]; then
  cmp -s "$wasm/jswasm/esm/sqlite3.wasm" "$dest/sqlite3.wasm" \
    || die "the browser and Node builds wrote different .wasm files; the package ships one"
  cp "$wasm/jswasm/esm/sqlite3.mjs" "$wasm/jswasm/sqlite3-opfs-async-proxy.js" "$wasm/jswasm/sqlite3-worker1.mjs" \
     "$wasm/jswasm/sqlite3-worker1-promiser.mjs" "$dest/"
fi
chmod 644 "$dest"/*  # ext/wasm writes some of them read-only
cat >"$dest/build-info.json" <<JSON
{
  "vec_graph": "$version",
  "kernel": "$kernel",
  "sqlite": "$sqlite_version",
  "sqlite_source": "$archive",
  "sqlite_source_sha256": "$archive_sha",
  "toolchain": "$toolchain",
  "emcc_opt": "-O2",
  "vec_graph_cflags": "$vg_cflags",
  "key": "$key"
}
JSON
# Into the cache by one rename (a half-built folder is never taken for a finished one), then out.
if ! mv -T "$dest" "$cached" 2>/dev/null; then
  [[ -f $cached/build-info.json ]] || die "could not store the build in $cached"
fi
cp "$cached"/* "$out/"
echo "wasm-build: $kernel build $key done in $((SECONDS - started)) s, cached in $cached"
