#!/usr/bin/env bash
# A two-tier policy: ISP1 and ISP2 share the primary tier, ISP3 is the
# backup. The backup carries new connections only while the whole primary
# tier is down, and the primary takes them back when one member returns.
source "$(dirname "$0")/lib.sh"

e2e_begin --isps 3 --clients 1
write_config "$E2E_TMP/jalur.yaml" 1 1 1 -- "policies:" \
  "  - {name: default, members: [{wan: isp1, tier: 1}, {wan: isp2, tier: 1}, {wan: isp3, tier: 2}]}" \
  "health: {interval: 200ms, timeout: 200ms, down: 2, up: 2, targets: [198.51.100.10]}"
agent_start "$E2E_TMP/jalur.yaml"

wans_used() {
  server_reset
  connect_from 1 60 >/dev/null
  server_counts | python3 -c 'import json,sys; print(" ".join(sorted(json.load(sys.stdin))))'
}

assert_eq "$(wans_used)" "100.64.1.2 100.64.2.2" "the primary tier only"
lab_impair "$LAB" 1 carrier-down
wait_until 3 _wan_status_is isp1 health.state down
assert_eq "$(wans_used)" "100.64.2.2" "one primary left: still the primary tier"
lab_impair "$LAB" 2 blackhole
wait_until 5 _wan_status_is isp2 health.state down
assert_eq "$(wans_used)" "100.64.3.2" "the whole primary tier down: the backup"
lab_impair "$LAB" 2 restore
wait_until 5 _wan_status_is isp2 health.state up
assert_eq "$(wans_used)" "100.64.2.2" "a primary member returned: back to the primary tier"
# the router's own traffic followed too: main's default route is on a live primary
assert_eq "$(lab_exec "$LAB" rtr ip route show default | awk '{print $5}')" "wan2" "the router's default route"
echo "PASS"
