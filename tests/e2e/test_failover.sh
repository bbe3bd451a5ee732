#!/usr/bin/env bash
# Failover through the real agent: carrier loss, an upstream blackhole and
# the loss of its address on ISP1 send new connections to ISP2; when ISP1
# is back it is used again, and a stream opened through ISP2 during the
# outage is not broken.
source "$(dirname "$0")/lib.sh"

e2e_begin --isps 2 --clients 2
write_config "$E2E_TMP/jalur.yaml" 1 1 -- "health: {interval: 200ms, timeout: 200ms, down: 2, up: 3, targets: [198.51.100.10]}"
agent_start "$E2E_TMP/jalur.yaml"

wans_used() { # CLIENT COUNT: the WAN addresses the server saw, sorted
  server_reset
  connect_from "$1" "$2" >/dev/null
  server_counts | python3 -c 'import json,sys; print(" ".join(sorted(json.load(sys.stdin))))'
}

assert_eq "$(wans_used 1 40)" "100.64.1.2 100.64.2.2" "both WANs in use"

# --- carrier loss: down at once
lab_impair "$LAB" 1 carrier-down
wait_until 2 _wan_status_is isp1 health.state down
assert_eq "$(wan_status isp1 health.last_failure)" "carrier lost" "the cause"
assert_eq "$(wans_used 1 40)" "100.64.2.2" "new connections while ISP1 has no carrier"
lab_impair "$LAB" 1 carrier-up
wait_until 10 _wan_status_is isp1 health.state up
assert_eq "$(wans_used 2 40)" "100.64.1.2 100.64.2.2" "ISP1 used again after its carrier returned"
note "carrier loss: down at once, back after 3 good rounds"

# --- upstream blackhole: the link and gateway stay up, probes find it
lab_impair "$LAB" 1 blackhole
wait_until 5 _wan_status_is isp1 health.state down
has_match "^2 failed probe rounds" <<<"$(wan_status isp1 health.last_failure)" || fail "cause: $(wan_status isp1 health.last_failure)"
assert_eq "$(wans_used 1 40)" "100.64.2.2" "new connections during the blackhole"
lab_exec "$LAB" c1 curl -s -N -m 20 "http://198.51.100.10/stream?seconds=4" >"$E2E_TMP/stream" &
stream=$!
wait_until 5 test -s "$E2E_TMP/stream"

lab_impair "$LAB" 1 restore
wait_until 10 _wan_status_is isp1 health.state up
assert_eq "$(wans_used 2 40)" "100.64.1.2 100.64.2.2" "ISP1 used again after the blackhole"
wait "$stream" || fail "the stream opened during the outage broke when ISP1 returned"
assert_eq "$(awk '{print $2}' "$E2E_TMP/stream" | sort -u)" "100.64.2.2" "the stream stayed on ISP2"
assert_in_range "$(wc -l <"$E2E_TMP/stream")" 35 45 "stream lines (10 a second for 4 s)"

# --- the WAN's address removed (a lease that ended): down at once; back with
# it, its table's default route (which the kernel removed) restored
lab_exec "$LAB" rtr ip addr del 100.64.1.2/24 dev wan1
wait_until 2 _wan_status_is isp1 health.state down
assert_eq "$(wan_status isp1 health.last_failure)" "no IPv4 address on wan1" "the cause"
assert_eq "$(wans_used 1 40)" "100.64.2.2" "new connections while wan1 has no address"
lab_exec "$LAB" rtr ip addr add 100.64.1.2/24 dev wan1
wait_until 10 _wan_status_is isp1 health.state up
assert_eq "$(wan_status isp1 health.transitions.down)" 3 "transitions to down"
assert_eq "$(lab_exec "$LAB" rtr ip route show table 101 | awk '{print $1, $2, $3}')" "default via 100.64.1.1" \
  "table 101's default route back"
assert_eq "$(wans_used 2 40)" "100.64.1.2 100.64.2.2" "ISP1 used again with its address back"
grep -E "WAN isp1 (down|up)" "$E2E_TMP/agent.log" | sed 's/^/    /'
echo "PASS"
