#!/usr/bin/env bash
# Type=notify (issue 23): the agent, given a NOTIFY_SOCKET this test owns,
# sends READY=1 once the data path and routing are in place (traffic is
# balanced by then), STATUS= with its WANs, WATCHDOG=1 every half of
# WATCHDOG_USEC from its event loop -- none while the loop is stalled (a
# test hook) -- and STOPPING=1 on SIGTERM.
source "$(dirname "$0")/lib.sh"

e2e_begin
sock=$E2E_TMP/notify.sock
msgs=$E2E_TMP/notify.log
touch "$msgs"
python3 "$E2E_SRC/tests/e2e/notify_listener.py" "$sock" "$msgs" 120 &
listener=$!
e2e_cleanup "kill $listener"
wait_until 5 test -S "$sock"

write_config "$E2E_TMP/c.yaml" 1 1
NOTIFY_SOCKET=$sock WATCHDOG_USEC=1000000 JALUR_TEST_HOOKS=1 JALUR_TEST_STALL_MS=3000 agent_start "$E2E_TMP/c.yaml"
wait_until 5 grep -q " READY=1" "$msgs"
# READY is the agent's first word, sent after its start line
assert_eq "$(head -1 "$msgs" | cut -d' ' -f2)" "READY=1" "the first notification"
grep -q "STATUS=2/2 WANs up: isp1 up, isp2 up" "$msgs" || fail "no STATUS with the WANs: $(cat "$msgs")"
# traffic is balanced when READY is out: both WANs carry connections
server_reset
assert_eq "$(connect_all 2 40)" 80 "connections right after READY"
counts=$(server_counts)
(($(count_for "$counts" 1) > 0 && $(count_for "$counts" 2) > 0)) || fail "not balanced after READY: $counts"

# WATCHDOG_USEC 1 s: a ping every 500 ms
pings() { grep -c " WATCHDOG=1" "$msgs" || true; }
pings_at_least() { (($(pings) >= $1)); }
wait_until 5 pings_at_least 6
gaps() { # the gaps between consecutive pings, in ms
  grep " WATCHDOG=1" "$msgs" | awk 'NR > 1 { printf "%d\n", ($1 - prev) * 1000 } { prev = $1 }'
}
max_gap=$(gaps | sort -n | tail -1)
min_gap=$(gaps | sort -n | head -1)
note "watchdog gaps: $min_gap..$max_gap ms"
assert_in_range "$max_gap" 400 800 "largest gap between watchdog pings (ms)"
assert_in_range "$min_gap" 200 600 "smallest gap between watchdog pings (ms)"

# a stalled event loop sends no pings for as long as it stalls (3 s), then resumes
before=$(pings)
kill -USR1 "$AGENT_PID"
wait_until 5 grep -q "test hook: the event loop stalls" "$E2E_TMP/agent.log"
wait_until 10 pings_at_least $((before + 3))
max_gap=$(gaps | sort -n | tail -1)
note "largest gap with a 3 s stall: $max_gap ms"
assert_in_range "$max_gap" 2500 4000 "the gap a stalled loop leaves (ms)"

agent_stop
grep -q " STOPPING=1" "$msgs" || fail "no STOPPING=1 on SIGTERM"
# STOPPING comes after every READY and STATUS of the run
assert_eq "$(grep -v WATCHDOG "$msgs" | tail -2 | head -1 | cut -d' ' -f2)" "STOPPING=1" "the last notification but one"
note "READY, STATUS, WATCHDOG (and its stall), STOPPING as systemd expects"
