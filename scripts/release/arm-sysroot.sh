#!/usr/bin/env bash
# Makes a minimal sysroot with the C/C++ runtime that the official Node binary needs, from
# Debian's own packages (apt-get download + dpkg-deb -x; nothing is installed for the foreign
# architecture), so that qemu-user can run an arm64 or armv7 release on this machine.
#   scripts/release/arm-sysroot.sh arm64|armhf DIR
set -euo pipefail
arch=$1
dest=$2
if [ -e "$dest/.complete" ]; then exit 0; fi
if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
  dpkg --add-architecture "$arch"
  apt-get update -qq
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pkgs=(libc6 libstdc++6 libgcc-s1)
[ "$arch" = armhf ] && pkgs+=(libatomic1)
(cd "$work" && apt-get download -qq "${pkgs[@]/%/:$arch}")
mkdir -p "$dest"
for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$dest"; done
touch "$dest/.complete"
