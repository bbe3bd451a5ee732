#!/usr/bin/env bash
# Rogue DHCP: a trusted dnsmasq on the router, a rogue dnsmasq on a LAN
# client, a real DHCP client (busybox udhcpc) on another. Alert mode reports
# the rogue's MAC within a second; guard mode keeps every lease with the
# trusted server; a flood of forged OFFERs yields a bounded number of events
# and an exact count of what was suppressed.
source "$(dirname "$0")/lib.sh"

e2e_begin --isps 2 --clients 3
C1=$(lab_ns "$LAB" c1) C2=$(lab_ns "$LAB" c2) C3=$(lab_ns "$LAB" c3)
rogue_mac=$(ip -n "$C3" -br link show eth0 | awk '{print $3}')

# dnsmasq: DHCP only (port=0), no ping check so an OFFER goes out at once
start_dnsmasq() { # NS LABEL RANGE_FROM RANGE_TO
  ip netns exec "$1" dnsmasq -k --conf-file=/dev/null --port=0 --no-ping --bind-interfaces \
    --interface="$([[ $2 == trusted ]] && echo br-lan || echo eth0)" \
    --dhcp-range="$3,$4,255.255.255.0,5m" --dhcp-leasefile="$E2E_TMP/$2.leases" \
    --pid-file="$E2E_TMP/$2.pid" --log-facility="$E2E_TMP/$2.log" --log-dhcp &
  wait_until 5 test -s "$E2E_TMP/$2.pid"
}
start_dnsmasq "$LAB_ROUTER" trusted 192.0.2.100 192.0.2.149
start_dnsmasq "$C3" rogue 192.0.2.200 192.0.2.249

# udhcpc's script only records the lease; the client's address stays as it is
get_lease() { udhcpc_lease "$C1" 1; } # one DISCOVER..ACK from c1: "address server"

# --- alert mode: the rogue's MAC is reported within a second, in the log and
# to Telegram (the lab's Bot API mock)
install -m 600 /dev/null "$E2E_TMP/token"
echo "$LAB_BOT_TOKEN" >"$E2E_TMP/token"
notify=("notify:" "  telegram: {api_base: $LAB_BOT_API, token_file: $E2E_TMP/token, chats: [-1001], spool: $E2E_TMP/spool}"
  "  templates: {rogue_dhcp: 'rogue {server_mac} {server_ip} {offered} {port} {message}'}")
write_config "$E2E_TMP/j.yaml" 1 1 -- "dhcp_guard: {mode: alert, alert_timeout: 2s}" "${notify[@]}"
agent_start "$E2E_TMP/j.yaml"
grep -q "rogue DHCP: inspecting lanp3 (alert) by tc" "$E2E_TMP/agent.log" || fail "lanp3 is not inspected from tc"
# a veth port: tc, never generic XDP
lab_exec "$LAB" rtr tc filter show dev lanp3 ingress | has_match jalur_tc_port || fail "no tc port program on lanp3"
lab_exec "$LAB" rtr ip link show lanp3 | has_match xdp && fail "XDP attached to lanp3"
udhcpc_lease "$C1" >"$E2E_TMP/lease" &
wait_until 1 grep -q "rogue DHCP server $rogue_mac (192.0.2.13) on lanp3: OFFER of 192.0.2.2" "$E2E_TMP/agent.log"
grep -q "rogue DHCP server 02:00:00:00:00:01" "$E2E_TMP/agent.log" && fail "the router's own server was reported"
grep -m1 "rogue DHCP server" "$E2E_TMP/agent.log"
wait_until 10 test -s "$E2E_TMP/lease"
rogue_texts() { lab_botapi "$LAB" GET /_messages | python3 -c 'import json,sys; [print(m["text"]) for m in json.load(sys.stdin) if m["text"].startswith("rogue")]'; }
telegram_has() { rogue_texts | has_match "$1"; }
wait_until 5 telegram_has "^rogue $rogue_mac 192.0.2.13 192.0.2.2[0-4][0-9] lanp3 OFFER"
note "Telegram: $(rogue_texts | head -1)"
metrics_have() { lab_exec "$LAB" rtr curl -sf -m 5 http://127.0.0.1:9464/metrics | has_match -F "$1"; }
wait_until 3 metrics_have "jalur_dhcp_rogue_events_total{server_mac=\"$rogue_mac\",port=\"lanp3\"}"

# --- guard mode: 10 of 10 leases from the trusted server
write_config "$E2E_TMP/j.yaml" 1 1 -- "dhcp_guard: {mode: guard, alert_timeout: 2s}" "${notify[@]}"
lab_exec "$LAB" rtr "$JALUR_BIN" reload --config "$E2E_TMP/j.yaml" >/dev/null
wait_until 5 grep -q "rogue DHCP: inspecting lanp3 (guard)" "$E2E_TMP/agent.log"
trusted=0
for i in $(seq 1 10); do
  lease=$(get_lease)
  [[ "$lease" == "192.0.2.1"[0-4]?" 192.0.2.1" ]] && trusted=$((trusted + 1))
  note "try $i: ${lease:-no lease}"
done
assert_eq "$trusted" 10 "leases from the trusted server in guard mode"
dropped=$(lab_exec "$LAB" rtr "$JALUR_BIN" status --json --config "$E2E_TMP/j.yaml" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["rogue_dhcp"]["dropped"])')
((dropped >= 10)) || fail "guard mode dropped only $dropped rogue messages"

# --- a flood: 100,000 forged OFFERs from 50 MACs; 10 reports per MAC, 100 in
# all per interval (the defaults), so events are bounded by the flood's length
stats() {
  lab_exec "$LAB" rtr "$JALUR_BIN" status --json --config "$E2E_TMP/j.yaml" |
    python3 -c 'import json,sys; d=json.load(sys.stdin)["rogue_dhcp"]; print(d["inspected"], d["trusted"], d["events"], d["suppressed"], d["ringbuf_full"])'
}
_inspected_at_least() { (($(stats | cut -d" " -f1) >= $1)); }
kill "$(cat "$E2E_TMP/rogue.pid")" # only forged messages from here on
read -r i0 t0 e0 s0 r0 < <(stats)
log_mark=$(($(wc -l <"$E2E_TMP/agent.log") + 1))
start=$(date +%s%N)
sent=$(ip netns exec "$C2" timeout 120 python3 "$E2E_SRC/tools/lab/clients/dhcp_flood.py" eth0 100000 --macs 50)
secs=$(( ($(date +%s%N) - start) / 1000000000 + 1 ))
assert_eq "$sent" 100000 "forged OFFERs sent"
wait_until 10 _inspected_at_least $((i0 + 100000))
read -r i1 t1 e1 s1 r1 < <(stats)
inspected=$((i1 - i0)) events=$((e1 - e0)) suppressed=$((s1 - s0)) lost=$((r1 - r0))
note "flood of $sent in ~${secs}s: inspected $inspected, events $events, suppressed $suppressed, ring buffer full $lost"
assert_eq "$inspected" 100000 "forged OFFERs the data path inspected"
assert_eq "$((events + suppressed + lost))" "$((inspected - (t1 - t0)))" "every untrusted message is reported, suppressed or lost"
assert_in_range "$events" 1 $(((secs + 1) * 100)) "events from the flood (at most 100 a second)"
# 50 new servers at once: at most 10 alerts per alert_timeout, the rest folded
flood_log() { tail -n +"$log_mark" "$E2E_TMP/agent.log"; }
folded() { flood_log | has_match "servers over the alert limit"; }
wait_until 5 folded
firsts=$(flood_log | grep -c " rogue DHCP server 02:" || true)
# the flood may straddle a window boundary (alert_timeout 2s): 10 per window
assert_in_range "$firsts" 1 $((10 * (secs / 2 + 2))) "first-sighting alerts of 50 forged servers"
note "flood alerts: $firsts at once, then: $(flood_log | grep -m1 -o "rogue DHCP: [0-9]* servers over the alert limit, [0-9]* event(s)")"
agent_stop
echo PASS
