#!/usr/bin/env bash
# The service's capabilities (issue 23): the agent, run as root with only
# the CapabilityBoundingSet of packaging/jalur.service (capsh drops the
# rest, CAP_SYS_ADMIN and CAP_DAC_OVERRIDE included), starts, probes,
# balances, writes its sysctls and NAT table and puts them back; without
# any one of them it fails, so the set is the smallest that works.
source "$(dirname "$0")/lib.sh"

e2e_begin
unit=$E2E_SRC/packaging/jalur.service
read -ra wanted <<<"$(sed -n 's/^CapabilityBoundingSet=//p' "$unit" | tr 'A-Z' 'a-z')"
((${#wanted[@]} > 0)) || fail "no CapabilityBoundingSet in $unit"
note "the unit's set: ${wanted[*]}"
all=$(capsh --print | sed -n 's/^Bounding set =//p' | tr ',' ' ')
write_config "$E2E_TMP/c.yaml" 1 1 -- "host: {forwarding: on, rp_filter: loose, src_valid_mark: on}" \
  "metrics: {listen: '127.0.0.1:9464'}"
sed -i 's/weight: 1}/weight: 1, nat: masquerade}/' "$E2E_TMP/c.yaml"
sed -i "s/^health: {default_targets: \(.*\)}$/health: {default_targets: \1, interval: 200ms, timeout: 200ms, down: 2}/" "$E2E_TMP/c.yaml"

# run_with CAP...: the agent as root with only these capabilities
run_with() {
  local keep=" $* " drop="" c
  for c in $all; do [[ $keep == *" $c "* ]] || drop+="${drop:+,}$c"; done
  : >"$E2E_TMP/agent.log"
  ip netns exec "$LAB_ROUTER" capsh --drop="$drop" -- -c "exec '$JALUR_BIN' run --config '$E2E_TMP/c.yaml'" \
    >>"$E2E_TMP/agent.log" 2>&1 &
  AGENT_PID=$!
}
started() { grep -q "jalur running" "$E2E_TMP/agent.log"; }
exited() { ! kill -0 "$AGENT_PID" 2>/dev/null; }
started_or_exited() { started || exited; }
# both WANs answered their probes (a mean RTT each)
probed() {
  lab_exec "$LAB" rtr curl -sf -m 2 http://127.0.0.1:9464/status |
    python3 -c 'import json,sys; w=json.load(sys.stdin)["wans"]; sys.exit(0 if len(w)==2 and all(x["health"].get("mean_rtt_ms") is not None for x in w) else 1)'
}
sysctls() { lab_exec "$LAB" rtr sysctl net.ipv4.ip_forward net.ipv4.conf.wan1.rp_filter net.ipv4.conf.wan1.src_valid_mark; }

before=$(sysctls)
run_with "${wanted[@]}"
wait_until 20 started_or_exited
started || fail "the agent did not start with the unit's capabilities"
wait_until 10 probed
server_reset
assert_eq "$(connect_all 2 20)" 40 "connections with the unit's capabilities"
lab_exec "$LAB" rtr nft list table inet jalur >/dev/null || fail "no NAT table"
agent_stop
assert_eq "$(sysctls)" "$before" "sysctls after stop"
lab_exec "$LAB" rtr nft list table inet jalur >/dev/null 2>&1 && fail "the NAT table outlived the agent"
note "the unit's set is enough: started, probed, balanced, restored"

# each one missing breaks the agent: it refuses to start, or its probes fail
for c in "${wanted[@]}"; do
  rest=()
  for o in "${wanted[@]}"; do [[ $o == "$c" ]] || rest+=("$o"); done
  run_with "${rest[@]}"
  wait_until 20 started_or_exited
  if started; then
    wait_until 10 grep -q "WAN isp1 down" "$E2E_TMP/agent.log"
    why="started, but WAN isp1 went down: $(grep -m1 "WAN isp1 down" "$E2E_TMP/agent.log" | cut -d' ' -f3-)"
  else
    why="refused: $(awk '$2 == "error" { $1 = $2 = ""; print substr($0, 3); exit }' "$E2E_TMP/agent.log" | cut -c1-110)"
  fi
  agent_stop
  note "without $c: $why"
done
assert_eq "$(sysctls)" "$before" "sysctls after every run"
