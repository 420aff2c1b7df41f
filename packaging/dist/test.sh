#!/usr/bin/env bash
# Role: the release-binary suite of make test: cross-build and verify all five binaries
# (build-all.sh), then run tests/ on verify.py itself, JUnit to RESULTS_DIR/dist.xml.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
results=$(mkdir -p "${1:?usage: test.sh RESULTS_DIR}" && cd "$1" && pwd)
python=$(bash "$here/venv.sh")
export VG_DIST_BIN=$root/build/dist/bin
bash "$here/build-all.sh" "$VG_DIST_BIN"
cd "$here/tests" && "$python" -m pytest -q -p no:cacheprovider --junitxml="$results/dist.xml" -o junit_suite_name=dist .
