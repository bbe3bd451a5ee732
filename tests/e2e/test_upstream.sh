#!/usr/bin/env bash
# Failover out of the box (issue 24). The smallest config (two WANs, no
# health section) with the lab's addresses as health.default_targets: an
# upstream blackhole on isp1 (its link and gateway stay up) takes it down
# within the default profile's time, and new connections leave by isp2.
# With gateway-only probing, the passive signal alone takes isp1 down under
# traffic. A DHCP-style default route (metric 0) on wan1 does not capture
# the router's own traffic while isp1 is down.
source "$(dirname "$0")/lib.sh"

e2e_begin --isps 2 --clients 1
ms_since() { python3 -c "print(int(($EPOCHREALTIME - $1) * 1000))"; }
router_seen_as() { # the source address the server sees for the router's own request (empty: none got through)
  lab_exec "$LAB" rtr curl -s -m 2 "http://$LAB_SERVER/" || true
}
connects() { # N: N connects at once from c1, 2 s at most; prints how many connected
  lab_exec "$LAB" c1 "$LAB_PYTHON" "$E2E_SRC/tools/lab/clients/parallel_connect.py" "$LAB_SERVER" "$1" 2
}

# --- the smallest config: default probing, beyond the gateway -------------
write_config "$E2E_TMP/jalur.yaml" 1 1
grep -qE "[{ ,]targets:" "$E2E_TMP/jalur.yaml" && fail "the smallest config names targets"
agent_start "$E2E_TMP/jalur.yaml"
assert_eq "$(log_count 'probes only its gateway')" 0 "no gateway-only warning with default targets"
assert_eq "$(connects 20)" 20 "20 connects with both WANs up"
lab_impair "$LAB" 1 blackhole
start=$EPOCHREALTIME
wait_until 6 _logged "WAN isp1 down"
took=$(ms_since "$start")
grep "WAN isp1 down" "$E2E_TMP/agent.log" | sed 's/^/    /'
# 3 rounds of 1 s, and up to one more for the round in flight (4 s), and slack
assert_in_range "$took" 0 5000 "ms from the blackhole to isp1 down with the default profile"
_logged "WAN isp1 down: 3 failed probe rounds: upstream (the gateway answers): $LAB_SERVER: no answer" ||
  fail "the cause does not say upstream"
assert_eq "$(connects 20)" 20 "20 connects during the blackhole: all through isp2"
note "upstream blackhole found by the default targets in $took ms"
agent_stop
lab_impair "$LAB" 1 restore
rm -rf "$E2E_TMP/state" # the next agent starts afresh, not from isp1's announced outage

# --- gateway-only probing: the passive signal decides ----------------------
# probes every 5 s that only see the gateway: they never fail here
write_config "$E2E_TMP/gw.yaml" 1 1 -- "health: {interval: 5s, timeout: 1s, targets: [gateway]}"
agent_start "$E2E_TMP/gw.yaml"
wait_until 5 _logged "WAN isp1: probes only its gateway"
downs=$(log_count "WAN isp1 down")
assert_eq "$(connects 20)" 20 "20 connects with both WANs up, gateway-only probing"
lab_impair "$LAB" 1 blackhole
start=$EPOCHREALTIME
for ((i = 0; i < 8; i++)); do # traffic, 2 s a burst at most, until isp1 is down
  connects 10 >/dev/null
  _more_than "WAN isp1 down" "$downs" && break
done
wait_until 3 _more_than "WAN isp1 down" "$downs"
took=$(ms_since "$start")
grep -E "TCP handshakes unanswered|WAN isp1 down" "$E2E_TMP/agent.log" | tail -3 | sed 's/^/    /'
_logged "WAN isp1 down: upstream: [0-9]* handshakes unanswered while WAN isp2 completes" ||
  fail "isp1 not down by the passive signal"
assert_eq "$(log_count 'WAN isp2 down')" 0 "isp2 never down"
assert_eq "$(connects 20)" 20 "20 connects after isp1 is down: all through isp2"
note "passive signal alone took isp1 down $took ms after the blackhole began"
agent_stop
lab_impair "$LAB" 1 restore
rm -rf "$E2E_TMP/state" # the next agent starts afresh, not from isp1's announced outage

# --- the router's own traffic and a DHCP client's default route -----------
agent_start "$E2E_TMP/jalur.yaml"
downs=$(log_count "WAN isp1 down")
lab_exec "$LAB" rtr ip route add default via 100.64.1.1 dev wan1 metric 0 # as a DHCP client on wan1 would
assert_eq "$(router_seen_as)" "100.64.1.2" "the router's own traffic with both WANs up: the best WAN"
lab_impair "$LAB" 1 blackhole
wait_until 6 _more_than "WAN isp1 down" "$downs"
assert_eq "$(router_seen_as)" "100.64.2.2" "the router's own traffic during isp1's outage, despite the metric 0 route"
agent_stop
lab_exec "$LAB" rtr ip route show default | has_match "^default via 100.64.1.1 dev wan1 *$" ||
  fail "the DHCP client's route was not left alone: $(lab_exec "$LAB" rtr ip route show default)"
assert_eq "$(lab_exec "$LAB" rtr ip rule | grep -c 'iif lo' || true)" 0 "the router's own rule removed on stop"
echo "PASS"
