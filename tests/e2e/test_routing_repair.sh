#!/usr/bin/env bash
# Policy routing repairs itself: the agent's fwmark rules (IPv4 and IPv6),
# its suppress rule and a WAN table's route, deleted by hand, are back
# within a second; a rule deleted over and over (a fight with another
# program) costs the agent a bounded number of repairs, log lines and CPU.
source "$(dirname "$0")/lib.sh"

e2e_begin --isps 2 --clients 1
write_config "$E2E_TMP/jalur.yaml" 1 1 -- "health: {interval: 200ms, timeout: 200ms, targets: [198.51.100.10]}"
agent_start "$E2E_TMP/jalur.yaml"

rules() { lab_exec "$LAB" rtr ip "-$1" rule show; }
has_rule() { rules "$1" | grep -q -- "$2"; } # FAMILY PATTERN
has_route() { lab_exec "$LAB" rtr ip "-$1" route show table "$2" | grep -q "^default via $3 "; }

wait_until 5 has_rule 4 "^1001:.*fwmark 0x100/0xff00 lookup 101"
restored_before=$(log_count "routing: restored")
assert_eq "$restored_before" 0 "repairs with nothing removed (the agent's own writes are not drift)"

# repaired: measure from the deletion to the rule back
back_within() { # SECONDS WHAT CHECK... after the deletion already done
  local limit=$1 what=$2 start=$EPOCHREALTIME took
  shift 2
  wait_until "$limit" "$@"
  took=$(python3 -c "print(int(($EPOCHREALTIME - $start) * 1000))")
  note "$what back in <= $took ms"
}

lab_exec "$LAB" rtr ip -4 rule del priority 1001
back_within 1 "IPv4 fwmark rule" has_rule 4 "^1001:.*fwmark 0x100/0xff00 lookup 101"
lab_exec "$LAB" rtr ip -6 rule del priority 1002
back_within 1 "IPv6 fwmark rule" has_rule 6 "^1002:.*fwmark 0x200/0xff00 lookup 102"
lab_exec "$LAB" rtr ip -4 rule del priority 1000
back_within 1 "suppress rule" has_rule 4 "^1000:.*lookup main suppress_prefixlength 0"
lab_exec "$LAB" rtr ip -4 route del default table 101
back_within 1 "table 101's default route" has_route 4 101 100.64.1.1
lab_exec "$LAB" rtr ip -6 route del default table 102
back_within 1 "table 102's IPv6 default route" has_route 6 102 2001:db8:102::1
# replaced by another route (another gateway on the same link): changed back
lab_exec "$LAB" rtr ip -4 route replace default via 100.64.1.99 dev wan1 table 101
back_within 1 "table 101's replaced default route" has_route 4 101 100.64.1.1
grep "routing: restored" "$E2E_TMP/agent.log" | sed 's/^/    /'
grep -q "routing: restored IPv4 rule priority 1001.*removed or changed by pid [0-9]* (ip)" "$E2E_TMP/agent.log" ||
  fail "the log does not name the program that removed the rule"

# a fight: 200 deletions as fast as ip can send them
ticks() { awk '{print $14 + $15}' "/proc/$AGENT_PID/stat"; }
cpu_before=$(ticks)
restored_before=$(log_count "routing: restored")
start=$EPOCHREALTIME
for _ in $(seq 200); do lab_exec "$LAB" rtr ip -4 rule del priority 1001 2>/dev/null || true; done
fight_ms=$(python3 -c "print(int(($EPOCHREALTIME - $start) * 1000))")
wait_until 3 has_rule 4 "^1001:.*fwmark 0x100/0xff00 lookup 101"
restored=$(($(log_count "routing: restored") - restored_before))
cpu=$(($(ticks) - cpu_before))
note "fight of $fight_ms ms: $restored repairs logged, $cpu CPU ticks"
# a burst of 5, then one a second; the last repair after the fight
assert_in_range "$restored" 1 $((6 + fight_ms / 1000 + 1)) "repairs during the fight"
assert_in_range "$cpu" 0 $((fight_ms / 10 / 4 + 20)) "CPU ticks during the fight (under a quarter of one CPU)"
wait_until 2 _logged "keeps being removed or changed, last by pid [0-9]* (ip)"
kill -0 "$AGENT_PID" || fail "the agent died"
echo "PASS"
