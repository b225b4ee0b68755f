#!/bin/sh
# Runs the agent of this slot with the Node.js runtime shipped beside it.
here=$(dirname "$(readlink -f "$0")")
exec "$here/../node/bin/node" "$here/../lib/ip2.js" "$@"
