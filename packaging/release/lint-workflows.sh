#!/usr/bin/env bash
# Role: make lint-workflows. Runs actionlint (from PyPI, pinned in lint-requirements.txt, in
# build/lint-venv made from Debian's /usr/bin/python3; with Debian's shellcheck, installed when
# missing, for the run: scripts) on each file in .github/workflows/, one check per file, and leaves
# RESULTS_DIR/lint-workflows.log ending "N passed, N failed".
# usage: lint-workflows.sh RESULTS_DIR
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
results=$(mkdir -p "${1:?usage: lint-workflows.sh RESULTS_DIR}" && cd "$1" && pwd)
venv=$root/build/lint-venv
reqs=$here/lint-requirements.txt
if [[ ! -f $venv/.installed || $reqs -nt $venv/.installed ]]; then
  { [[ -x $venv/bin/python ]] || /usr/bin/python3 -m venv "$venv"; } &&
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$reqs" && touch "$venv/.installed" ||
    { echo "lint-workflows: 0 passed, 1 failed (could not install actionlint)" | tee "$results/lint-workflows.log"; exit 1; }
fi

if ! command -v shellcheck >/dev/null; then
  sudo=$([[ $(id -u) -eq 0 ]] || echo sudo)
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends shellcheck
fi

passed=0 failed=0
{
  "$venv/bin/actionlint" --version | head -n 1
  cd "$root" || exit 1
  for workflow in .github/workflows/*.yml; do
    if "$venv/bin/actionlint" -no-color "$workflow"; then
      echo "  ok   $workflow"
      passed=$((passed + 1))
    else
      echo "  FAIL $workflow"
      failed=$((failed + 1))
    fi
  done
  echo "lint-workflows: $passed passed, $failed failed"
  [[ $failed -eq 0 ]]
} 2>&1 | tee "$results/lint-workflows.log"
exit "${PIPESTATUS[0]}"
