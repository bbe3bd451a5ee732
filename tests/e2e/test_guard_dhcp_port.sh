#!/usr/bin/env bash
# The DHCPv4 guard against a rogue that answers from a source port other than
# 67 (issue 18, finding 2): busybox udhcpc on c1 gets its lease from the
# trusted dnsmasq on the router in 10 of 10 tries in guard mode, while a rogue
# on c3 (tools/lab/clients/rogue_dhcp.py) answers every DISCOVER and REQUEST
# at once from port 1234. The trusted server's OFFER waits a second
# (--dhcp-reply-delay) so the rogue's always comes first: in alert mode
# udhcpc takes the rogue's lease (the test can fail).
source "$(dirname "$0")/lib.sh"

e2e_begin --isps 2 --clients 3
C1=$(lab_ns "$LAB" c1) C3=$(lab_ns "$LAB" c3)
rogue_mac=$(ip -n "$C3" -br link show eth0 | awk '{print $3}')

ip netns exec "$LAB_ROUTER" dnsmasq -k --conf-file=/dev/null --port=0 --no-ping --bind-interfaces \
  --interface=br-lan --dhcp-range=192.0.2.100,192.0.2.149,255.255.255.0,5m --dhcp-reply-delay=1 \
  --dhcp-leasefile="$E2E_TMP/trusted.leases" --pid-file="$E2E_TMP/trusted.pid" \
  --log-facility="$E2E_TMP/trusted.log" --log-dhcp &
wait_until 5 test -s "$E2E_TMP/trusted.pid"
e2e_cleanup 'kill "$(cat "$E2E_TMP/trusted.pid")"'
# bounded: it exits by itself after 120 s
ip netns exec "$C3" python3 "$E2E_SRC/tools/lab/clients/rogue_dhcp.py" eth0 120 --sport 1234 \
  >"$E2E_TMP/rogue.log" 2>&1 &
echo $! >"$E2E_TMP/rogue.pid"
e2e_cleanup 'kill "$(cat "$E2E_TMP/rogue.pid")" 2>/dev/null'

get_lease() { udhcpc_lease "$C1" 3; } # one DISCOVER..ACK from c1: "address server"
from_trusted() { [[ "$1" == "192.0.2.1"[0-4]?" 192.0.2.1" ]]; }
from_rogue() { [[ "$1" == "192.0.2.199 192.0.2.66" ]]; }

# --- alert: the rogue's answers from port 1234 are reported, and win
write_config "$E2E_TMP/j.yaml" 1 1 -- "dhcp_guard: {mode: alert, alert_timeout: 1s}"
agent_start "$E2E_TMP/j.yaml"
wait_until 5 grep -q "rogue DHCP: inspecting lanp3 (alert) by tc" "$E2E_TMP/agent.log"
rogue=0
for i in 1 2 3; do
  lease=$(get_lease)
  from_rogue "$lease" && rogue=$((rogue + 1))
  note "alert, try $i: ${lease:-no lease}"
done
((rogue >= 1)) || fail "alert mode: udhcpc never took the rogue's lease; the test cannot tell guard from no guard"
wait_until 3 _logged "rogue DHCP server $rogue_mac (192.0.2.66) on lanp3: OFFER of 192.0.2.199"

# --- guard: 10 of 10 leases from the trusted server
write_config "$E2E_TMP/j.yaml" 1 1 -- "dhcp_guard: {mode: guard, alert_timeout: 1s}"
lab_exec "$LAB" rtr "$JALUR_BIN" reload --config "$E2E_TMP/j.yaml" >/dev/null
wait_until 5 grep -q "rogue DHCP: inspecting lanp3 (guard)" "$E2E_TMP/agent.log"
answers_before=$(wc -l <"$E2E_TMP/rogue.log")
trusted=0
for i in $(seq 1 10); do
  lease=$(get_lease)
  from_trusted "$lease" && trusted=$((trusted + 1))
  note "guard, try $i: ${lease:-no lease}"
done
answers=$(($(wc -l <"$E2E_TMP/rogue.log") - answers_before))
note "the rogue answered $answers times from port 1234 in guard mode"
((answers >= 10)) || fail "the rogue answered only $answers times: it did not compete"
assert_eq "$trusted" 10 "leases from the trusted server in guard mode"
dropped=$(lab_exec "$LAB" rtr "$JALUR_BIN" status --json --config "$E2E_TMP/j.yaml" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["rogue_dhcp"]["dropped"])')
((dropped >= answers)) || fail "guard mode dropped $dropped rogue messages of $answers"
agent_stop
echo PASS
