#!/usr/bin/env bash
# Role: build this machine's wheel (make wheel): cross-build the Linux binary for glibc 2.17 with
# packaging/dist/build.sh, pack it with build_wheel.py into OUTDIR (default dist/), then prove it
# with twine check and auditwheel show. The last line printed is the wheel's path.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
outdir=${1:-$root/dist}
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) target=linux-x64 ;;
  Linux-aarch64) target=linux-arm64 ;;
  *) echo "make-wheel: this script builds Linux wheels; $(uname -sm) is not one" >&2; exit 2 ;;
esac

python=$(bash "$root/packaging/dist/venv.sh")
bin=$root/build/dist/bin/$target
bash "$root/packaging/dist/build.sh" "$target" "$bin" >&2
wheel=$("$python" "$root/packaging/python/build_wheel.py" "$bin/vec_graph.so" "$target" "$outdir")
"$python" -m twine check --strict "$wheel" >&2

# auditwheel names the oldest manylinux tag the wheel is consistent with; it must not need a newer
# glibc than the 2.17 the wheel's tag promises.
report=$("$python" -m auditwheel show "$wheel" 2>&1)
echo "$report" >&2
glibc=$(echo "$report" | tr -d '\n' | sed -n 's/.*consistent with the following platform tag: *"manylinux_\([0-9]*\)_\([0-9]*\)_[a-z0-9_]*".*/\1 \2/p')
read -r major minor <<<"${glibc:-99 99}"
if (( major > 2 || (major == 2 && minor > 17) )); then
  echo "make-wheel: auditwheel says $wheel needs glibc $major.$minor, newer than its manylinux_2_17 tag" >&2
  exit 1
fi
echo "make-wheel: auditwheel confirms glibc $major.$minor <= 2.17 for $(basename "$wheel")" >&2
echo "$wheel"
