#!/usr/bin/env bash
# One agent per pin directory: a second `jalur run` on the pins of a running
# agent exits at once, non-zero, naming the running agent's pid, and changes
# nothing: rules, routes, links, qdiscs, tc filters, pins and the pid file
# are as they were, and the first agent still runs and is found by reload.
# (Before: the second run adopted the pins, failed on the taken metrics
# port, and its cleanup removed the first one's rules, routes, filters, pins
# and pid file.)
source "$(dirname "$0")/lib.sh"

e2e_begin --isps 2 --clients 1
write_config "$E2E_TMP/jalur.yaml" 1 1 -- "policies:" "  - {name: default, members: [isp1, isp2]}"
agent_start "$E2E_TMP/jalur.yaml"
before=$(router_state)

rc=0
timeout 10 ip netns exec "$LAB_ROUTER" "$JALUR_BIN" run --config "$E2E_TMP/jalur.yaml" >"$E2E_TMP/second.log" 2>&1 || rc=$?
((rc != 0)) || fail "a second agent on the same pins started"
((rc != 124)) || fail "the second agent did not exit at once: $(cat "$E2E_TMP/second.log")"
has_match "pid $AGENT_PID" <"$E2E_TMP/second.log" || fail "the refusal does not name pid $AGENT_PID: $(cat "$E2E_TMP/second.log")"
note "refused: $(tail -1 "$E2E_TMP/second.log")"

assert_same_state "$before" "$(router_state)" "the refused agent changed the host"
kill -0 "$AGENT_PID" || fail "the first agent is gone"
assert_eq "$(log_count 'stopp')" 0 "stop messages in the first agent's log"
lab_exec "$LAB" rtr "$JALUR_BIN" reload --config "$E2E_TMP/jalur.yaml" >/dev/null || fail "reload no longer finds the first agent"
wait_until 5 _logged "reloaded"
assert_eq "$(connect_from 1 10)" 10 "connections through the first agent"
note "the first agent runs on, unchanged"
echo "PASS"
