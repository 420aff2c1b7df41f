#!/usr/bin/env bash
# Creates .venv from Debian's /usr/bin/python3 (the interpreter here whose sqlite3 module can
# load extensions; pyenv's cannot) and installs the test oracles into it.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  /usr/bin/python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -r scripts/requirements-test.txt
touch .venv/.installed
