#!/usr/bin/env bash
# Administrative WAN state through the control socket: `jalur wan drain`
# sends new connections elsewhere while a stream it carries runs to its end;
# the drain is shown (wan list, /status, /metrics, events) with who did it,
# survives an agent restart, and `--for` expires by itself, on the event loop
# and across a restart; `disable` takes the WAN down at once; `enable` puts
# it back; a bad name or duration is refused with the reason, exit 1; a
# user outside root and the socket's group cannot steer.
source "$(dirname "$0")/lib.sh"

e2e_begin --isps 2 --clients 2
write_config "$E2E_TMP/jalur.yaml" 1 1 -- "health: {interval: 200ms, timeout: 200ms, down: 2, up: 2, targets: [198.51.100.10]}"
agent_start "$E2E_TMP/jalur.yaml"
jalur() { lab_exec "$LAB" rtr "$JALUR_BIN" "$@" --config "$E2E_TMP/jalur.yaml"; }

wans_used() { # CLIENT COUNT: the WAN addresses the server saw, sorted
  server_reset
  connect_from "$1" "$2" >/dev/null
  server_counts | python3 -c 'import json,sys; print(" ".join(sorted(json.load(sys.stdin))))'
}
admin_of() { jalur wan list --json | python3 -c "import json,sys; print({w['name']: w['admin'] for w in json.load(sys.stdin)}['$1'])"; }
_admin_is() { [[ "$(admin_of "$1")" == "$2" ]]; }
assert_eq "$(wans_used 1 40)" "100.64.1.2 100.64.2.2" "both WANs used before any drain"

# --- a stream that isp1 carries, opened before the drain (a few tries: the hash picks)
stream_on_isp1() { # sets STREAM (its pid) and STREAM_OUT; each try its own file
  local try
  for try in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
    STREAM_OUT=$E2E_TMP/stream$try
    lab_exec "$LAB" c2 curl -s -N -m 20 "http://198.51.100.10/stream?seconds=4" >"$STREAM_OUT" &
    STREAM=$!
    wait_until 5 test -s "$STREAM_OUT"
    if [[ "$(head -1 "$STREAM_OUT" | awk '{print $2}')" == "100.64.1.2" ]]; then return 0; fi
    kill "$STREAM" 2>/dev/null || true
    wait "$STREAM" 2>/dev/null || true
  done
  fail "no stream went through isp1 in 16 tries"
}
stream_on_isp1

# --- drain: new connections all via isp2, the stream runs on to its end
out=$(jalur wan drain isp1 --reason "modem swap")
assert_eq "$out" "isp1 drained by root (uid 0), until enabled: modem swap" "what drain says"
assert_eq "$(wans_used 1 40)" "100.64.2.2" "new connections while isp1 is drained"
wait "$STREAM" || fail "the stream isp1 carried broke when isp1 was drained"
assert_eq "$(awk '{print $2}' "$STREAM_OUT" | sort -u)" "100.64.1.2" "the stream stayed on isp1"
assert_in_range "$(wc -l <"$STREAM_OUT")" 35 45 "stream lines (10 a second for 4 s)"
assert_eq "$(admin_of isp1) $(admin_of isp2)" "drain enabled" "wan list"
jalur wan list
jalur wan list | grep -q "^isp1 .* drain .*until enabled *root (uid 0): modem swap$" || fail "wan list's text"
assert_eq "$(wan_status isp1 admin.state) $(wan_status isp1 admin.by)" "drain root (uid 0)" "/status"
assert_eq "$(wan_status isp1 admin.reason)" "modem swap" "/status reason"
assert_eq "$(lab_exec "$LAB" rtr curl -sf -m 5 http://127.0.0.1:9464/metrics |
  awk '$1 == "jalur_wan_admin_state{wan=\"isp1\",state=\"drain\"}" {print $2}')" 1 "the admin metric"
jalur status | grep -q "^admin: isp1 drained by root (uid 0) .* ago, until enabled: modem swap$" || fail "jalur status"
jalur events | grep -q "  admin  isp1  drained by root (uid 0), until enabled: modem swap$" || fail "events: $(jalur events)"

# --- the drain survives a restart
agent_stop
agent_start "$E2E_TMP/jalur.yaml"
assert_eq "$(admin_of isp1)" "drain" "isp1 after a restart"
assert_eq "$(wans_used 1 40)" "100.64.2.2" "new connections after the restart"

# --- disable: down at once in the data path; enable: used again
jalur wan disable isp1 --reason "line test" >/dev/null
assert_eq "$(wan_status isp1 state)" "down" "the data path's state of a disabled isp1"
assert_eq "$(wans_used 2 40)" "100.64.2.2" "new connections while isp1 is disabled"
assert_eq "$(jalur wan enable isp1)" "isp1 enabled by root (uid 0)" "what enable says"
assert_eq "$(wan_status isp1 state) $(wan_status isp1 admin.state)" "up enabled" "isp1 enabled"
assert_eq "$(wans_used 1 40)" "100.64.1.2 100.64.2.2" "both WANs used after enable"
assert_eq "$(jalur wan enable isp1)" "isp1 is already enabled: health decides" "enable twice"

# --- --for expires on the event loop, on time
start=$(date +%s.%N)
jalur wan drain isp2 --for 2s >/dev/null
assert_eq "$(admin_of isp2)" "drain" "isp2 drained for 2s"
wait_until 5 _admin_is isp2 enabled
took=$(python3 -c "import sys; print(int((float(sys.argv[2]) - float(sys.argv[1])) * 10))" "$start" "$(date +%s.%N)")
assert_in_range "$took" 18 40 "tenths of a second until the 2s drain ended"
jalur events --since 1m | grep -q "  admin  isp2  enabled by expiry of the drain set by root (uid 0)" ||
  fail "no expiry event: $(jalur events)"

# --- and across a restart: a drain that ended while the agent was stopped is gone at start
jalur wan drain isp2 --for 1s >/dev/null
agent_stop
wait_until 3 grep -q "isp2" "$E2E_TMP/state/wan-admin"
until_s=$(awk -F'\t' '$1 == "isp2" {print $4}' "$E2E_TMP/state/wan-admin")
_past() { (($(date +%s) > until_s)); }
wait_until 3 _past
agent_start "$E2E_TMP/jalur.yaml"
assert_eq "$(admin_of isp2)" "enabled" "isp2 after its drain expired while the agent was stopped"
jalur events | grep -q "  admin  isp2  enabled: the drain set by root (uid 0) expired while the agent was stopped" ||
  fail "no event for the expiry while stopped"

# --- refusals: the reason on stderr, exit 1
if jalur wan drain nosuch 2>"$E2E_TMP/err"; then fail "a drain of an unknown WAN succeeded"; fi
assert_eq "$(cat "$E2E_TMP/err")" "jalur wan drain: refused by the agent: no WAN named 'nosuch'; configured: isp1, isp2" \
  "unknown WAN"
if jalur wan drain isp1 --for 10w 2>"$E2E_TMP/err"; then fail "--for 10w accepted"; fi
assert_eq "$(cat "$E2E_TMP/err")" \
  "jalur wan drain: refused by the agent: --for: expected a duration like 90s, 30m, 2h or 1d (at most 30d), got '10w'" \
  "bad --for"
sock="/run/jalur/$(tr / _ <<<"$LAB_BPFFS/jalur").sock"
if setpriv --reuid=nobody --regid=nogroup --clear-groups "$JALUR_BIN" wan drain isp1 --socket "$sock" \
  2>"$E2E_TMP/err"; then
  fail "nobody drained a WAN"
fi
assert_eq "$(cat "$E2E_TMP/err")" "jalur wan drain: permission denied on $sock: run as root" "nobody's error"
assert_eq "$(admin_of isp1)" "enabled" "isp1 after the refusals"
echo "PASS"
