#!/usr/bin/env bash
# The passive signal: with probes every 5 s (a blackhole would take 10-15 s
# to find), handshakes that stop completing on ISP1 while ISP2's complete
# start a probe burst, and the probes confirm the failure in well under
# a second of real traffic noticing it.
source "$(dirname "$0")/lib.sh"

e2e_begin --isps 2 --clients 1
write_config "$E2E_TMP/jalur.yaml" 1 1 -- \
  "health: {interval: 5s, timeout: 1s, down: 3, up: 2, targets: [$LAB_SERVER]}"
agent_start "$E2E_TMP/jalur.yaml"

burst() { # N: N connects at once from c1, 6 s at most (two SYN retries); prints how many connected
  lab_exec "$LAB" c1 "$LAB_PYTHON" "$E2E_SRC/tools/lab/clients/parallel_connect.py" "$LAB_SERVER" "$1" 6
}
ms_since() { python3 -c "print(int(($EPOCHREALTIME - $1) * 1000))"; }

assert_eq "$(burst 20)" 20 "20 connects with both WANs up"
# healthy traffic never starts a burst
assert_eq "$(log_count 'TCP handshakes unanswered')" 0 "no burst while handshakes complete"

lab_impair "$LAB" 1 blackhole
start=$EPOCHREALTIME
burst 20 >"$E2E_TMP/connected" & # about half take ISP1 and hang
traffic=$!
wait_until 3 _more_than "WAN isp1 down" 0
took=$(ms_since "$start")
wait "$traffic"
grep -E "TCP handshakes unanswered|WAN isp1 down" "$E2E_TMP/agent.log" | sed 's/^/    /'
assert_eq "$(log_count 'isp1: .* TCP handshakes unanswered')" 1 "one burst on isp1"
# the SYN retries of flows moved off ISP1 are not handshakes of ISP2's
# (masquerade drops the first retry on the new WAN), so ISP2 is not burst
assert_eq "$(log_count 'isp2: .* TCP handshakes unanswered')" 0 "no burst on isp2"
assert_eq "$(log_count 'WAN isp2 down')" 0 "isp2 never down"
# ...and in the counters: each moved flow's answer counts, none of its SYNs
syns=$(wan_metric jalur_wan_tcp_syn_sent_total isp2)
synacks=$(wan_metric jalur_wan_tcp_synack_received_total isp2)
moved=$(wan_metric jalur_wan_moved_flows_total isp2)
note "isp2: $syns SYNs, $synacks SYN-ACKs, $moved flows moved in"
((moved > 0)) || fail "no flow moved to isp2"
((synacks >= syns)) || fail "isp2 shows $((syns - synacks)) handshakes unanswered after the failover"
assert_in_range "$took" 0 1500 "ms from the blackhole to isp1 down (probes alone: 10-15 s)"
# the SYNs stuck on ISP1 are retried (after 1 s, then 3 s) onto ISP2
assert_eq "$(cat "$E2E_TMP/connected")" 20 "connects during the blackhole, the stuck ones moved by their retry"
assert_eq "$(burst 20)" 20 "20 connects after isp1 is down: all through ISP2"
note "blackhole confirmed $took ms after it began, traffic on"
echo "PASS"
