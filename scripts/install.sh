#!/bin/sh
# Install or upgrade ip2-agent on a Raspberry Pi that is already running, from a release tarball
# (npm run release -- --arch arm64). The new version goes into the inactive slot, `current` is
# switched atomically, the unit is installed and (re)started; the identity and all state in
# /var/lib/ip2-agent are kept.
#
#   sudo scripts/install.sh ip2-agent-0.1.0-linux-arm64.tar.gz              on the Pi itself
#   scripts/install.sh ip2-agent-0.1.0-linux-arm64.tar.gz --ssh pi@garden   from another machine
#   scripts/install.sh TARBALL --root DIR [--no-systemctl]                   into a directory tree (tests, images)
#   [--provision FILE]  also install /etc/ip2-agent/provision.json (0600)
set -eu

usage() { echo "usage: $0 RELEASE.tar.gz [--ssh USER@HOST] [--root DIR] [--provision FILE] [--no-systemctl]" >&2; exit 2; }
[ $# -ge 1 ] || usage
tarball=$1; shift
ssh_target= root= provision= systemctl=yes
while [ $# -gt 0 ]; do
  case $1 in
    --ssh) ssh_target=${2:?}; shift 2 ;;
    --root) root=${2:?}; shift 2 ;;
    --provision) provision=${2:?}; shift 2 ;;
    --no-systemctl) systemctl=no; shift ;;
    *) usage ;;
  esac
done
[ -f "$tarball" ] || { echo "install: no such file: $tarball" >&2; exit 2; }
case $tarball in *.tar.gz) ;; *) echo "install: $tarball is not a release tarball (.tar.gz)" >&2; exit 2 ;; esac

if [ -n "$ssh_target" ]; then
  # Copy ourselves, the tarball and the provisioning file over, then run there as root.
  remote=/tmp/ip2-install.$$
  ssh "$ssh_target" "mkdir -p $remote"
  scp -q "$0" "$tarball" ${provision:+"$provision"} "$ssh_target:$remote/"
  exec ssh -t "$ssh_target" "sudo sh $remote/install.sh $remote/$(basename "$tarball") ${provision:+--provision $remote/$(basename "$provision")}; rm -rf $remote"
fi

if [ -z "$root" ] && [ "$(id -u)" != 0 ]; then echo "install: run as root (sudo), or give --root DIR" >&2; exit 1; fi
home=$root/opt/ip2-agent
mkdir -p "$home/slots" "$root/etc/systemd/system/multi-user.target.wants" "$root/etc/ip2-agent"

# The inactive slot: b when current points at a, else a.
active=$(readlink "$home/current" 2>/dev/null || true)
case $active in slots/a) slot=b ;; *) slot=a ;; esac
stage=$home/slots/.incoming.$$
rm -rf "$stage"; mkdir -p "$stage"
tar -xzf "$tarball" -C "$stage"
top=$(ls "$stage")
[ -f "$stage/$top/manifest.json" ] && [ -x "$stage/$top/bin/ip2" ] || { rm -rf "$stage"; echo "install: $tarball is not an ip2-agent release" >&2; exit 2; }
# Run the new slot once before switching to it (skipped for --root trees made on another arch).
(cd "$stage/$top" && "$stage/$top/bin/ip2" --help >/dev/null 2>&1 || [ -n "$root" ]) || { rm -rf "$stage"; echo "install: the release does not run on this machine" >&2; exit 1; }
rm -rf "$home/slots/$slot"
mv "$stage/$top" "$home/slots/$slot"
rm -rf "$stage"
ln -sfn "slots/$slot" "$home/current.new" && mv -T "$home/current.new" "$home/current"

install -m 0644 "$home/current/systemd/ip2-agent.service" "$root/etc/systemd/system/ip2-agent.service"
ln -sfn /etc/systemd/system/ip2-agent.service "$root/etc/systemd/system/multi-user.target.wants/ip2-agent.service"
if [ -n "$provision" ]; then install -m 0600 "$provision" "$root/etc/ip2-agent/provision.json"; fi
[ -f "$root/etc/ip2-agent/provision.json" ] || { printf '{ "v": 1 }\n' > "$root/etc/ip2-agent/provision.json"; chmod 600 "$root/etc/ip2-agent/provision.json"; }
sync

echo "install: $(basename "$tarball") in slot $slot (was: ${active:-none})"
if [ "$systemctl" = yes ] && [ -z "$root" ]; then
  systemctl daemon-reload
  systemctl enable ip2-agent.service >/dev/null
  systemctl restart ip2-agent.service
  echo "install: started; follow it with: journalctl -u ip2-agent -f"
fi
