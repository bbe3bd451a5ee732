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

install -m 600 /dev/null "$E2E_TMP/bot-token"
echo "$LAB_BOT_TOKEN" >"$E2E_TMP/bot-token" # the lab's Bot API mock knows this one
cat >"$E2E_TMP/jalur.yaml" <<YAML
bpffs: $LAB_BPFFS/jalur
state_dir: $E2E_TMP/state
lan: br-lan
wans:
  - {name: isp1, interface: wan1, gateway: 100.64.1.1, weight: 3}
  - {name: isp2, interface: wan2, gateway: 100.64.2.1, weight: 1}
policies:
  - {name: default, classifier: both-addresses-and-ports, members: [isp1, isp2]}
health: {interval: 200ms, timeout: 200ms, down: 2, up: 3, targets: [198.51.100.10]}
dhcp_guard: {mode: alert}
metrics: {listen: "127.0.0.1:9464", flow_count_interval: 1s}
notify:
  telegram: {api_base: $LAB_BOT_API, token_file: $E2E_TMP/bot-token, chats: [-1001234567890], spool: $E2E_TMP/spool}
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
say "metrics: a few live lines of http://127.0.0.1:9464/metrics (in the router's namespace)"
scrape() { lab_exec "$LAB" rtr curl -s -m 5 http://127.0.0.1:9464/metrics; }
flows_counted() { scrape | has_match '^jalur_flows_active [1-9]'; } # counted every second, off the scrape path
wait_until 5 flows_counted
scrape |
  grep -E '^jalur_(wan_up|wan_(tx|rx)_bytes_total|wan_new_flows_total|flows_active|probe_rtt_seconds_count)' | sed 's/^/  /'
say "jalur flows --port 80 (first 5)"
lab_exec "$LAB" rtr "$JALUR_BIN" flows --config "$E2E_TMP/jalur.yaml" --port 80 | sed -n 1,6p

split() { # label: 200 connections from client 1, as the server saw them
  server_reset
  connect_from 1 200 >/dev/null
  counts=$(server_counts)
  echo "  $1: ISP1 $(count_for "$counts" 1), ISP2 $(count_for "$counts" 2)"
}
log_has() { (($(grep -c "$1" "$E2E_TMP/agent.log") > $2)); }

say "failover: ISP1's upstream goes dark (its link and gateway stay up)"
lab_impair "$LAB" 1 blackhole
t0=$(date +%s%N)
wait_until 10 log_has "WAN isp1 down" 0
echo "  detected in $((($(date +%s%N) - t0) / 1000000)) ms: $(grep "WAN isp1 down" "$E2E_TMP/agent.log" | tail -1 | cut -d' ' -f3-)"
split "new connections during the outage"
echo "  metrics: $(scrape |
  grep -E '^jalur_wan_(up|transitions_total\{wan="isp1",to="down"\})' | tr '\n' ' ')"
lab_impair "$LAB" 1 restore
wait_until 10 log_has "WAN isp1 up" 0
echo "  $(grep "WAN isp1 up" "$E2E_TMP/agent.log" | tail -1 | cut -d' ' -f3-)"
split "new connections after ISP1 returned"

say "rogue DHCP: a dnsmasq on client 4's port answers client 1's DHCPDISCOVER"
C4=$(lab_ns "$LAB" c4)
echo "  client 4 ($C4) has MAC $(ip -n "$C4" -br link show eth0 | awk '{print $3}')"
ip netns exec "$C4" dnsmasq -k --conf-file=/dev/null --port=0 --no-ping --bind-interfaces --interface=eth0 \
  --dhcp-range=192.0.2.200,192.0.2.249,255.255.255.0,5m --dhcp-leasefile="$E2E_TMP/rogue.leases" \
  --pid-file="$E2E_TMP/rogue.pid" --log-facility="$E2E_TMP/rogue.log" &
wait_until 5 test -s "$E2E_TMP/rogue.pid"
printf '#!/bin/sh\nexit 0\n' >"$E2E_TMP/noop.sh" && chmod +x "$E2E_TMP/noop.sh"
ip netns exec "$(lab_ns "$LAB" c1)" udhcpc -i eth0 -f -q -n -t 2 -T 1 -s "$E2E_TMP/noop.sh" >/dev/null 2>&1 || true
wait_until 5 log_has "rogue DHCP server" 0
echo "  $(grep -m1 "rogue DHCP server" "$E2E_TMP/agent.log" | cut -d' ' -f3-)"
rogue_counted() { scrape | has_match '^jalur_dhcp_rogue_events_total'; } # the board is refreshed every second
wait_until 5 rogue_counted
scrape | grep -E '^jalur_(dhcp_rogue_events_total|dhcp_server_messages_total)' | sed 's/^/  /'
kill "$(cat "$E2E_TMP/rogue.pid")"

say "the dashboard: http://127.0.0.1:9464/ (in the router's namespace; docs/operations.md shows how to reach it from the LAN)"
echo "  a 20 MB download on client 1 first, paced at 4 MB/s, for the throughput chart"
lab_exec "$LAB" c1 curl -s -m 15 --limit-rate 4M -o /dev/null "http://198.51.100.10/bytes?n=20000000" || true
shots=$PWD/build/artifacts/demo
mkdir -p "$shots"
ip netns exec "$LAB_ROUTER" /usr/bin/python3 tests/e2e/dashboard_browser.py screenshot --url http://127.0.0.1:9464/ \
  --wans isp1,isp2 --shots "$shots" | sed 's/^--- /  /'

say "stop (SIGTERM): everything jalur added is removed"
agent_stop
tail -1 "$E2E_TMP/agent.log"
lab_exec "$LAB" rtr ip rule | sed 's/^/  /'
say "Telegram: what the Bot API mock in the lab's internet received"
lab_botapi "$LAB" GET /_messages | python3 -c '
import json, sys, time
for m in json.load(sys.stdin):
    print(time.strftime("  %H:%M:%S", time.localtime(m["time"])), "chat", m["chat_id"])
    print("    " + m["text"].replace("\n", "\n    "))'
say "demo done"
