#!/bin/sh
# scripts/flash.sh: `ip2 flash` from a checkout, from any directory. Example:
#   npm run release -- --arch arm64
#   scripts/flash.sh --release dist/release/ip2-agent-0.1.0-linux-arm64.tar.gz \
#     --provision my-provision.json --image 2025-11-24-raspios-trixie-arm64-lite.img
here=$(cd "$(dirname "$0")/.." && pwd)
exec "$here/node_modules/.bin/tsx" "$here/agent/cli/ip2.ts" flash "$@"
