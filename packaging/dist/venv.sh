#!/usr/bin/env bash
# Role: create build/dist-venv from Debian's /usr/bin/python3 with the release tools pinned in
# packaging/dist/requirements.txt (zig via ziglang, auditwheel, twine); prints the venv's python.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
venv=$root/build/dist-venv
reqs=$root/packaging/dist/requirements.txt
stamp=$venv/.installed
if [[ ! -f $stamp || $reqs -nt $stamp ]]; then
  [[ -x $venv/bin/python ]] || /usr/bin/python3 -m venv "$venv" >&2
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$reqs" >&2
  touch "$stamp"
fi
echo "$venv/bin/python"
