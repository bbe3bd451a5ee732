#!/usr/bin/env bash
# Failback per policy (issue 19): ISP2 is the backup (tier 2) of both
# policies. While ISP1 is down both clients' downloads run over ISP2; when
# ISP1 returns, client 1's policy (`failback: reset`) ends its download on
# the backup at once and its next connection takes ISP1, client 3's
# (`drain` with a 3 s grace) runs on for the grace and is reset then, while
# client 2's (`keep`, the default) runs on over ISP2 to its end.
source "$(dirname "$0")/lib.sh"

e2e_begin --isps 2 --clients 3
write_config "$E2E_TMP/jalur.yaml" 1 1 -- "policies:" \
  "  - {name: resets, members: [{wan: isp1, tier: 1}, {wan: isp2, tier: 2}], failback: reset}" \
  "  - {name: keeps, members: [{wan: isp1, tier: 1}, {wan: isp2, tier: 2}]}" \
  "  - {name: drains, members: [{wan: isp1, tier: 1}, {wan: isp2, tier: 2}], failback: {mode: drain, grace: 3s}}" \
  "rules:" \
  "  - {src: [$(lab_client_addr 1)], policy: resets}" \
  "  - {src: [$(lab_client_addr 2)], policy: keeps}" \
  "  - {src: [$(lab_client_addr 3)], policy: drains}" \
  "health: {interval: 200ms, timeout: 200ms, down: 2, up: 2, targets: [198.51.100.10]}"
agent_start "$E2E_TMP/jalur.yaml"

download() { # CLIENT NAME SECONDS: as in test_flow_reset.sh
  (
    rc=0
    lab_exec "$LAB" "c$1" curl -s -N -m 30 "http://198.51.100.10/stream?seconds=$3" >"$E2E_TMP/$2" || rc=$?
    echo "$rc" >"$E2E_TMP/$2.rc"
  ) &
}
ended() { test -s "$E2E_TMP/$1.rc"; }

lab_impair "$LAB" 1 carrier-down
wait_until 3 _wan_status_is isp1 health.state down
download 1 resets 20
download 2 keeps 10
download 3 drains 20
wait_until 5 test -s "$E2E_TMP/resets"
wait_until 5 test -s "$E2E_TMP/keeps"
wait_until 5 test -s "$E2E_TMP/drains"
assert_eq "$(awk '{print $2}' "$E2E_TMP/resets" "$E2E_TMP/keeps" "$E2E_TMP/drains" | sort -u)" "100.64.2.2" \
  "all on the backup"

lab_impair "$LAB" 1 carrier-up
wait_until 10 _wan_status_is isp1 health.state up
up_at=$(_lab_now_us)
wait_until 1 ended resets
assert_eq "$(cat "$E2E_TMP/resets.rc")" 56 "failback reset: the backup's download reset"
assert_eq "$(lab_exec "$LAB" c1 curl -s -m 5 http://198.51.100.10/)" "100.64.1.2" "the retry takes ISP1"
assert_eq "$(wan_status isp2 flows_ended.failback.connections_reset)" 1 "counted as failback on ISP2"
ended drains && fail "the drained download ended before its grace"

wait_until 6 ended drains
waited=$((($(_lab_now_us) - up_at) / 1000))
assert_eq "$(cat "$E2E_TMP/drains.rc")" 56 "failback drain: the backup's download reset after the grace"
assert_in_range "$waited" 2500 4500 "ms from ISP1's return to the drained download's end (grace 3 s)"
assert_eq "$(wan_status isp2 flows_ended.failback.connections_reset)" 2 "the drained one counted too"

wait_until 10 ended keeps
assert_eq "$(cat "$E2E_TMP/keeps.rc")" 0 "failback keep: the download ran to its end"
assert_in_range "$(wc -l <"$E2E_TMP/keeps")" 95 105 "its lines (10 a second for 10 s)"
assert_eq "$(awk '{print $2}' "$E2E_TMP/keeps" | sort -u)" "100.64.2.2" "on the backup throughout"
echo "PASS"
