#!/usr/bin/env bash
# Role: install the Debian packages named on the command line that are not installed yet, and only
# then touch the network (apt-get update first); a warm machine runs no apt at all. Root or sudo.
# usage: apt-install-missing.sh LABEL PACKAGE...
set -euo pipefail
label=${1:?usage: apt-install-missing.sh LABEL PACKAGE...}
shift
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "$label: all Debian packages present"
  exit 0
fi
echo "$label: installing ${missing[*]}"
sudo=$([[ $(id -u) -eq 0 ]] || echo sudo)
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
