#!/usr/bin/env bash
# Role: the Python suite of make test. Builds the wheel, installs it with pip into a fresh venv made
# from Debian's /usr/bin/python3, runs tests/ against the installed package from a folder outside
# the source tree (RESULTS_DIR/python.xml); then installs it under pyenv's python3, which cannot
# load extensions, and runs tests-noext/ there (RESULTS_DIR/python-noext.xml).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
results=$(mkdir -p "${1:?usage: test.sh RESULTS_DIR}" && cd "$1" && pwd)
work=$root/build/python-test
rm -rf "$work"
mkdir -p "$work"

wheel=$(bash "$here/make-wheel.sh" "$work/wheel" | tail -n 1)
export VG_EXPECTED_VERSION=$(cat "$root/VERSION") PIP_DISABLE_PIP_VERSION_CHECK=1

# run_suite PYTHON TESTS JUNIT PACKAGES...: fresh venv from PYTHON, wheel + PACKAGES installed,
# TESTS copied to a folder of their own and run there.
run_suite() {
  local python=$1 tests=$2 junit=$3 name
  shift 3
  name=$(basename "$junit" .xml)
  "$python" -m venv "$work/$name-venv"
  "$work/$name-venv/bin/python" -m pip install -q "$wheel" "$@"
  cp -r "$tests" "$work/$name-tests"
  (cd "$work/$name-tests" && "$work/$name-venv/bin/python" -m pytest -q -p no:cacheprovider \
    --junitxml="$junit" -o junit_suite_name="$name" .)
}

status=0
run_suite /usr/bin/python3 "$here/tests" "$results/python.xml" -r "$here/requirements-test.txt" || status=1

# pyenv's interpreter: python3 on PATH when that is not Debian's, else the first pyenv version.
noext=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null || true)
if [[ -z $noext || $noext == /usr/bin/* ]]; then
  noext=$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/*/bin/python3 2>/dev/null | head -n 1 || true)
fi
if [[ -n $noext ]]; then
  run_suite "$noext" "$here/tests-noext" "$results/python-noext.xml" pytest=="$(sed -n 's/^pytest==//p' "$here/requirements-test.txt")" || status=1
else
  echo "test.sh: no pyenv python3 found; the no-extension-loading suite did not run"
fi
exit $status
