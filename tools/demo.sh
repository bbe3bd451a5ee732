#!/usr/bin/env bash
# The demo: installs, builds, then runs jalur on a lab of network
# namespaces (a router, two ISPs, four LAN clients, an internet server) and
# shows what it does. Leaves nothing behind. Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target jalur >/dev/null
JALUR_BIN=$PWD/build/userspace/jalur
JALUR_SOURCE_DIR=$PWD
export JALUR_BIN JALUR_SOURCE_DIR
source tests/e2e/lib.sh

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

e2e_begin --isps 2 --clients 4
say "lab $LAB: router $LAB_ROUTER, ISPs 100.64.1.1 and 100.64.2.1, server 198.51.100.10"

cat >"$E2E_TMP/jalur.yaml" <<YAML
bpffs: $LAB_BPFFS/jalur
lan: br-lan
wans:
  - {name: isp1, interface: wan1, gateway: 100.64.1.1, weight: 3}
  - {name: isp2, interface: wan2, gateway: 100.64.2.1, weight: 1}
policies:
  - {name: default, classifier: both-addresses-and-ports, members: [isp1, isp2]}
YAML
say "config (ISP1 weighted 3, ISP2 weighted 1)"
cat "$E2E_TMP/jalur.yaml"
"$JALUR_BIN" check --config "$E2E_TMP/jalur.yaml" --no-interfaces

say "jalur run (in the router namespace)"
agent_start "$E2E_TMP/jalur.yaml"
grep -E "attached|running" "$E2E_TMP/agent.log"
lab_exec "$LAB" rtr ip rule | sed 's/^/  /'

say "traffic: 4 clients open 400 connections each to the internet server"
ok=$(connect_all 4 400)
counts=$(server_counts)
a=$(count_for "$counts" 1) b=$(count_for "$counts" 2)
echo "  $ok of 1600 connections succeeded"
echo "  the server saw ISP1's address $a times ($((a * 100 / (a + b)))%), ISP2's $b times ($((b * 100 / (a + b)))%)"

say "jalur status"
lab_exec "$LAB" rtr "$JALUR_BIN" status --config "$E2E_TMP/jalur.yaml"
say "jalur flows --port 80 (first 5)"
lab_exec "$LAB" rtr "$JALUR_BIN" flows --config "$E2E_TMP/jalur.yaml" --port 80 | sed -n 1,6p

say "stop (SIGTERM): everything jalur added is removed"
agent_stop
tail -1 "$E2E_TMP/agent.log"
lab_exec "$LAB" rtr ip rule | sed 's/^/  /'
say "demo done"
