#!/usr/bin/env bash
# Role: vec-graph-sqlite's suite of make test. Builds the wheels (build.sh); checks each with twine check
# --strict, auditwheel show (manylinux_2_17) and tests/smoke.py installed under the Python it was built
# for (RESULTS_DIR/python-sqlite-wheels.log); then runs tests/ against the wheel installed under pyenv's
# python3, which cannot load extensions (RESULTS_DIR/python-sqlite.xml).
# usage: test.sh RESULTS_DIR
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
results=$(mkdir -p "${1:?usage: test.sh RESULTS_DIR}" && cd "$1" && pwd)
work=$root/build/python-sqlite-test
rm -rf "$work"
mkdir -p "$work"
export PIP_DISABLE_PIP_VERSION_CHECK=1
log=$results/python-sqlite-wheels.log

listing=$work/wheels.tsv
if ! bash "$here/build.sh" "$work/wheels" >"$listing"; then
  echo "python-sqlite-wheels: 0 passed, 1 failed (build.sh failed)" | tee "$log"
  exit 1
fi
python=$(bash "$root/packaging/dist/venv.sh")

passed=0 failed=0
check() { # check WHAT COMMAND...: one counted check, its output in the log
  if out=$("${@:2}" 2>&1); then
    echo "  ok   $1"; passed=$((passed + 1))
  else
    printf '  FAIL %s\n%s\n' "$1" "$out"; failed=$((failed + 1))
  fi
}
manylinux_2_17() { "$python" -m auditwheel show "$1" | tr -d '\n' | grep -q 'consistent with the following platform tag: *"manylinux_2_17_'; }
smoke() { # smoke WHEEL PYTHON: a fresh venv of PYTHON with the wheel, tests/smoke.py run from outside the tree
  local venv
  venv=$work/venv-$(basename "$1" .whl)
  "$2" -m venv "$venv" && "$venv/bin/python" -m pip install -q "$1" && (cd "$work" && "$venv/bin/python" "$here/tests/smoke.py")
}
{
  while IFS=$'\t' read -r wheel interpreter; do
    name=$(basename "$wheel")
    check "twine check --strict $name" "$python" -m twine check --strict "$wheel"
    check "auditwheel show $name: manylinux_2_17" manylinux_2_17 "$wheel"
    check "smoke $name under $interpreter" smoke "$wheel" "$interpreter"
  done <"$listing"
  [[ -s $listing ]] || { echo "  FAIL no wheel built"; failed=$((failed + 1)); }
  echo "python-sqlite-wheels: $passed passed, $failed failed"
} | tee "$log"
status=0
tail -n 1 "$log" | grep -q ' 0 failed$' || status=1

# pyenv's interpreter: python3 on PATH when that is not Debian's, else the first pyenv version; where
# there is none (CI's containers), Debian's, and the test that the interpreter cannot load is skipped.
noext=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null || true)
if [[ -z $noext || $noext == /usr/bin/* ]]; then
  noext=$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1*/bin/python3 2>/dev/null | head -n 1 || true)
fi
if [[ -n $noext ]]; then
  export VG_EXPECT_NO_EXTENSION_LOADING=1
else
  noext=/usr/bin/python3
  echo "test.sh: no pyenv python3; the suite runs under $noext" >&2
fi
tag=$("$noext" -c 'import sys; print("cp%d%d" % sys.version_info[:2])')
wheel=$(cut -f1 "$listing" | grep -- "-$tag-" | head -n 1)
if [[ -z $wheel ]]; then
  echo "test.sh: no $tag wheel for $noext; the suite did not run" >&2
  exit 1
fi
VG_EXPECTED_VERSION=$(cat "$root/VERSION")
# The newest release in the manifest, which the wheel must bundle.
VG_EXPECTED_SQLITE=$("$python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["releases"][-1]["version"])' "$root/sqlite-versions/manifest.json")
export VG_EXPECTED_VERSION VG_EXPECTED_SQLITE
"$noext" -m venv "$work/suite-venv"
"$work/suite-venv/bin/python" -m pip install -q "$wheel" pytest=="$(sed -n 's/^pytest==//p' "$root/packaging/python/requirements-test.txt")" || exit 1
cp -r "$here/tests" "$work/suite"
(cd "$work/suite" && "$work/suite-venv/bin/python" -m pytest -q -p no:cacheprovider \
  --junitxml="$results/python-sqlite.xml" -o junit_suite_name=python-sqlite .) || status=1
exit $status
