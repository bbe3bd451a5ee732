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

say "jalur why: the decision for one connection, computed by the data path's own code on its live maps"
lab_exec "$LAB" rtr "$JALUR_BIN" why "$(lab_client_addr 2)" 198.51.100.10 tcp 40001 80 --config "$E2E_TMP/jalur.yaml" |
  sed 's/^/  /'

say "failover: ISP1's upstream goes dark (its link and gateway stay up)"
echo "  first, client 2 starts 4 long downloads that only receive"
server_reset
for i in 1 2 3 4; do
  (rc=0; lab_exec "$LAB" c2 curl -s -N -m 30 "http://198.51.100.10/stream?seconds=20" >/dev/null || rc=$?
   echo "$rc" >"$E2E_TMP/stream$i.rc") &
done
streams_open() { counts=$(server_counts); (($(count_for "$counts" 1) + $(count_for "$counts" 2) >= 4)); }
wait_until 5 streams_open
lab_impair "$LAB" 1 blackhole
t0=$(date +%s%N)
wait_until 10 log_has "WAN isp1 down" 0
echo "  detected in $((($(date +%s%N) - t0) / 1000000)) ms: $(grep "WAN isp1 down" "$E2E_TMP/agent.log" | tail -1 | cut -d' ' -f3-)"
isp1_resets() { wan_status isp1 flows_ended.wan_down.connections_reset; }
resets_counted() { [[ "$(isp1_resets)" != 0 ]]; }
streams_ended() { (($(ls "$E2E_TMP"/stream*.rc 2>/dev/null | wc -l) >= $(isp1_resets))); }
lab_wait_until 5 resets_counted || true # none if all four hashed to ISP2
lab_wait_until 3 streams_ended || true
for i in 1 2 3 4; do
  if [[ -s $E2E_TMP/stream$i.rc ]]; then
    echo "  download $i: ended at once (curl exit $(cat "$E2E_TMP/stream$i.rc"): connection reset), so the client retries on ISP2"
  else
    echo "  download $i: runs on (it was on ISP2)"
  fi
done
echo "  jalur ended the $(isp1_resets) flow(s) pinned to ISP1 (the short connections above still in its flow table among them), no other WAN's"
split "new connections during the outage"
echo "  metrics: $(scrape |
  grep -E '^jalur_wan_(up|transitions_total\{wan="isp1",to="down"\})' | tr '\n' ' ')"
lab_impair "$LAB" 1 restore
wait_until 10 log_has "WAN isp1 up" 0
echo "  $(grep "WAN isp1 up" "$E2E_TMP/agent.log" | tail -1 | cut -d' ' -f3-)"
split "new connections after ISP1 returned"

say "jalur wan drain: ISP2 out for maintenance (new connections avoid it; running ones finish)"
jalur_ctl() { lab_exec "$LAB" rtr "$JALUR_BIN" "$@" --config "$E2E_TMP/jalur.yaml"; }
jalur_ctl wan drain isp2 --for 10m --reason "demo: modem firmware" | sed 's/^/  /'
jalur_ctl wan list | sed 's/^/  /'
split "new connections while ISP2 is drained"
jalur_ctl wan enable isp2 | sed 's/^/  /'
say "jalur events (what happened, from the agent's event log)"
jalur_ctl events --since 10m | tail -12 | sed 's/^/  /'

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
