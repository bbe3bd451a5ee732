#!/usr/bin/env bash
# Balancing through the real agent: weights hold over thousands of
# connections, both-addresses keeps a client/server pair together, LAN and
# router traffic is untouched, and stop leaves the host as it was.
source "$(dirname "$0")/lib.sh"

e2e_begin --isps 3 --clients 4
before_rules=$(lab_exec "$LAB" rtr ip rule)
clsacts() { lab_exec "$LAB" rtr tc qdisc show | grep -c clsact || true; }
before_clsacts=$(clsacts)

# --- two WANs 3:1, 3,000 connections from 4 clients
write_config "$E2E_TMP/31.yaml" 3 1
agent_start "$E2E_TMP/31.yaml"
assert_eq "$(connect_all 4 750)" 3000 "connections that succeeded"
counts=$(server_counts)
a=$(count_for "$counts" 1) b=$(count_for "$counts" 2)
note "3:1 -> isp1 $a, isp2 $b"
assert_eq "$((a + b))" 3000 "connections the server saw"
assert_in_range $((a * 1000 / 3000)) 710 790 "isp1 share (per mille) for weight 3 of 4"
assert_in_range $((b * 1000 / 3000)) 210 290 "isp2 share (per mille) for weight 1 of 4"
lab_exec "$LAB" rtr "$JALUR_BIN" status --config "$E2E_TMP/31.yaml"

# --- reload to three WANs 1:1:1 (SIGHUP), 3,000 more
server_reset
write_config "$E2E_TMP/31.yaml" 1 1 1
# an invalid config is refused and the running one stays
cp "$E2E_TMP/31.yaml" "$E2E_TMP/good.yaml"
echo "  - {name: isp9, interface: wan9, weight: heavy}" >>"$E2E_TMP/31.yaml"
if lab_exec "$LAB" rtr "$JALUR_BIN" reload --config "$E2E_TMP/31.yaml" 2>"$E2E_TMP/reload.err"; then
  fail "an invalid config was accepted for reload"
fi
grep -q "31.yaml:[0-9]*:[0-9]*: .*weight" "$E2E_TMP/reload.err" || fail "the reload error does not name file:line:column"
cp "$E2E_TMP/good.yaml" "$E2E_TMP/31.yaml"
lab_exec "$LAB" rtr "$JALUR_BIN" reload --config "$E2E_TMP/31.yaml" >/dev/null
wait_until 5 grep -q "reloaded" "$E2E_TMP/agent.log"
assert_eq "$(connect_all 4 750)" 3000 "connections that succeeded"
counts=$(server_counts)
for k in 1 2 3; do
  n=$(count_for "$counts" "$k")
  note "1:1:1 -> isp$k $n"
  assert_in_range $((n * 1000 / 3000)) 293 373 "isp$k share (per mille) of three equal WANs"
done

# --- both-addresses: every connection of a client/server pair on one WAN
agent_stop
# the reload replaced every tc filter in place; the qdiscs still went with the agent
assert_eq "$(clsacts)" "$before_clsacts" "clsact qdiscs after a reload and stop"
write_config "$E2E_TMP/pair.yaml" 1 1 1 -- "policies:" \
  "  - {name: pairs, classifier: both-addresses, members: [isp1, isp2, isp3]}"
agent_start "$E2E_TMP/pair.yaml"
for c in 1 2 3 4; do
  server_reset
  connect_from "$c" 50 >/dev/null
  counts=$(server_counts)
  used=$(python3 -c 'import json,sys; print(len(json.loads(sys.argv[1])))' "$counts")
  assert_eq "$used" 1 "WANs used by client $c's 50 connections to one server"
done
note "both-addresses keeps each client/server pair on one WAN"

# --- traffic to the router and LAN to LAN is not balanced
lab_exec "$LAB" c1 ping -c 2 -W 1 192.0.2.1 >/dev/null || fail "the router must answer its LAN"
lab_exec "$LAB" c1 ping -c 2 -W 1 192.0.2.12 >/dev/null || fail "LAN to LAN must work"
flows_to_lan=$(lab_exec "$LAB" rtr "$JALUR_BIN" flows --config "$E2E_TMP/pair.yaml" --address 192.0.2.0/24 | awk 'NR>1 && $4 ~ /^192\.0\.2\./' | wc -l)
assert_eq "$flows_to_lan" 0 "flows pinned for LAN destinations"

# --- stop: nothing of jalur remains
agent_stop
assert_eq "$(lab_exec "$LAB" rtr ip rule)" "$before_rules" "ip rules after stop"
assert_eq "$(lab_exec "$LAB" rtr ip route show table 101)" "" "table 101 after stop"
for dev in br-lan lanp1 lanp4; do
  lab_exec "$LAB" rtr ip link show "$dev" | has_match xdp && fail "XDP still attached to $dev after stop"
done
for dev in br-lan lanp1 lanp4; do
  lab_exec "$LAB" rtr tc filter show dev "$dev" ingress | has_match jalur && fail "tc filter still attached to $dev after stop"
done
assert_eq "$(clsacts)" "$before_clsacts" "clsact qdiscs after stop"
[[ -e "$LAB_BPFFS/jalur" ]] && fail "pins left in $LAB_BPFFS/jalur"
echo "PASS"
