#!/usr/bin/env bash
# Installs the Debian packages vec_graph's build and tests need, only when one is missing
# (so a warm machine does not touch the network). Run as root, as on CI.
set -euo pipefail

packages=(
  build-essential   # gcc, make
  libsqlite3-dev    # sqlite3.h/sqlite3ext.h and libsqlite3 for the default build and swift test
  sqlite3           # the shell, for the README's commands and smoke tests
  tcl               # tclsh: `make sqlite3.c` in SQLite source trees
  libcurl4-openssl-dev  # FoundationNetworking (URLSession) in the compat-matrix downloader
  python3-venv      # a virtual environment from Debian's python3, which can load extensions
  xz-utils          # Debian orig tarballs are .tar.xz
  dpkg-dev          # apt-get source
  ca-certificates
  valgrind          # callgrind: the instruction counters (bench/regress, make test's counter gate)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all Debian packages present"
  exit 0
fi
echo "deps: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
