#!/usr/bin/env bash
# 20% loss on ISP1 (each way) makes it degraded, not down: it keeps a
# quarter of its weight, so new connections lean to ISP2; once the loss
# ends it is up again with its full weight.
source "$(dirname "$0")/lib.sh"

e2e_begin --isps 2 --clients 1
write_config "$E2E_TMP/jalur.yaml" 4 4 -- \
  "health: {interval: 200ms, timeout: 200ms, down: 5, up: 3, window: 10, degraded_loss: 15, degraded_weight: 25, targets: [198.51.100.10, 203.0.113.10]}"
agent_start "$E2E_TMP/jalur.yaml"

isp1_share() { # per mille of 200 new connections that went by ISP1
  server_reset
  connect_from 1 200 >/dev/null
  local counts a b
  counts=$(server_counts)
  a=$(count_for "$counts" 1) b=$(count_for "$counts" 2)
  echo $((a * 1000 / (a + b)))
}
state_of() { lab_exec "$LAB" rtr "$JALUR_BIN" status --config "$E2E_TMP/jalur.yaml" --json | python3 -c 'import json,sys; print({w["name"]: w["state"] for w in json.load(sys.stdin)["wans"]}[sys.argv[1]])' "$1"; }

assert_in_range "$(isp1_share)" 380 620 "ISP1's share at 4:4"

lab_impair "$LAB" 1 loss 20
wait_until 15 _wan_status_is isp1 health.state degraded
assert_eq "$(state_of isp1)" "degraded" "ISP1's state in the data path"
lab_impair "$LAB" 1 restore # measure the split, not TCP under loss
share=$(isp1_share)
note "degraded: ISP1 carries ${share} per mille of new connections (weight 1 of 5 expected: 200)"
assert_in_range "$share" 100 330 "ISP1's share while degraded"

wait_until 15 _wan_status_is isp1 health.state up
assert_eq "$(state_of isp1)" "up" "ISP1's state after the loss ended"
assert_in_range "$(isp1_share)" 380 620 "ISP1's share after recovery"
assert_eq "$(wan_status isp1 health.transitions.down)" "-" "20% loss must degrade ISP1, never take it down"
grep -E "WAN isp1" "$E2E_TMP/agent.log" | sed 's/^/    /'
echo "PASS"
