#!/usr/bin/env bash
# The agent dies (SIGKILL) during a long TCP stream: the data path keeps
# working without it, a new agent adopts the pinned flows, and the stream
# survives on its WAN. A port forward reached through WAN 2 answers
# through WAN 2, though the balancer would send everything to WAN 1.
source "$(dirname "$0")/lib.sh"

e2e_begin --isps 2 --clients 2
write_config "$E2E_TMP/jalur.yaml" 1 1 -- "policies:" "  - {name: default, members: [isp1, isp2]}"
agent_start "$E2E_TMP/jalur.yaml"

# --- a 6-second stream, then SIGKILL mid-stream
lab_exec "$LAB" c1 curl -s -N -m 20 "http://198.51.100.10/stream?seconds=6" >"$E2E_TMP/stream" 2>&1 &
stream=$!
wait_until 5 test -s "$E2E_TMP/stream"
wan_addr=$(head -1 "$E2E_TMP/stream" | awk '{print $2}')
flows_before=$(lab_exec "$LAB" rtr "$JALUR_BIN" status --config "$E2E_TMP/jalur.yaml" --json | python3 -c 'import json,sys; print(sum(w["active_flows"] for w in json.load(sys.stdin)["wans"]))')
agent_kill
note "agent killed; stream on $wan_addr, $flows_before flows pinned"

# no agent: programs stay attached and new connections are still balanced
lab_exec "$LAB" rtr tc filter show dev br-lan ingress | has_match jalur || fail "tc detached when the agent died"
lab_exec "$LAB" rtr tc filter show dev lanp1 ingress | has_match jalur_tc_port || fail "port tc detached when the agent died"
assert_eq "$(connect_from 2 20)" 20 "connections while no agent runs"

agent_start "$E2E_TMP/jalur.yaml"
grep -q "adopted the pinned data path" "$E2E_TMP/agent.log" || fail "the new agent did not adopt the pins"
wait "$stream" || fail "the stream broke across the restart"
lines=$(wc -l <"$E2E_TMP/stream")
addrs=$(awk '{print $2}' "$E2E_TMP/stream" | sort -u)
assert_eq "$addrs" "$wan_addr" "every line of the stream through one WAN"
assert_in_range "$lines" 50 70 "stream lines (10 a second for 6 s)"
flows_after=$(lab_exec "$LAB" rtr "$JALUR_BIN" status --config "$E2E_TMP/jalur.yaml" --json | python3 -c 'import json,sys; print(sum(w["active_flows"] for w in json.load(sys.stdin)["wans"]))')
((flows_after >= flows_before)) || fail "flows lost across the restart: $flows_before before, $flows_after after"
note "stream survived the restart: $lines lines via $wan_addr; flows $flows_before -> $flows_after"

# --- port forward: WAN 2's port 8080 to client 1's web server, while the
# balancer sends all new connections to WAN 1
agent_stop
write_config "$E2E_TMP/jalur.yaml" 1 1 -- "policies:" "  - {name: default, members: [isp1]}"
agent_start "$E2E_TMP/jalur.yaml"
lab_exec "$LAB" c1 python3 "$E2E_SRC/tools/lab/servers/whoami.py" 0.0.0.0 8000 >/dev/null 2>&1 &
lab_wait_port "$LAB" c1 8000
lab_exec "$LAB" rtr nft add chain inet jalur_lab prerouting '{ type nat hook prerouting priority dstnat; }'
lab_exec "$LAB" rtr nft add rule inet jalur_lab prerouting iifname "wan2" tcp dport 8080 dnat ip to 192.0.2.11:8000
for i in 1 2 3 4 5; do
  got=$(lab_exec "$LAB" inet curl -s -m 3 http://100.64.2.2:8080/) || fail "the port forward through WAN 2 got no answer"
  assert_eq "$got" "100.100.2.2" "the LAN server saw the internet client"
done
inbound=$(lab_exec "$LAB" rtr "$JALUR_BIN" flows --config "$E2E_TMP/jalur.yaml" --port 8000 | grep -c "isp2 .*inbound")
assert_in_range "$inbound" 5 5 "replies pinned to WAN 2 as inbound"
assert_eq "$(lab_exec "$LAB" c2 curl -s -m 3 http://198.51.100.10/)" "100.64.1.2" "outbound still by the policy"
note "a port forward through WAN 2 is answered through WAN 2"
echo "PASS"
