#!/usr/bin/env bash
# Role: install the Debian packages the cross tests need, only those missing (a warm machine never
# touches the network): qemu-user-static (runs aarch64 code), libc6-arm64-cross (the aarch64 glibc
# that qemu loads programs against) and wine64 (runs Windows x64 code). Compilers come from zig.
set -euo pipefail

packages=(qemu-user-static libc6-arm64-cross wine64)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "cross-deps: all Debian packages present"
  exit 0
fi
echo "cross-deps: installing ${missing[*]}"
sudo=$([[ $(id -u) -eq 0 ]] || echo sudo)
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
