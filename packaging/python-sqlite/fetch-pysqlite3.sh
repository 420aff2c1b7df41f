#!/usr/bin/env bash
# Role: put the pysqlite3 sdist pinned in pysqlite3.txt into DIR (pip download, digest checked by pip),
# unless DIR already holds it; prints its path. PYTHON (default python3) runs pip.
# usage: fetch-pysqlite3.sh DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:?usage: fetch-pysqlite3.sh DIR}
spec=$(sed -n 's/^\(pysqlite3==[^ ]*\) .*/\1/p' "$here/pysqlite3.txt")
sdist=$dir/pysqlite3-${spec#pysqlite3==}.tar.gz
if [[ ! -f $sdist ]]; then
  mkdir -p "$dir"
  "${PYTHON:-python3}" -m pip download -q --disable-pip-version-check --no-deps --no-binary :all: \
    --require-hashes -r "$here/pysqlite3.txt" -d "$dir" >&2
fi
echo "$sdist"
