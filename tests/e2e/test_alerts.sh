#!/usr/bin/env bash
# Alerts to Telegram (a Bot API mock in the lab's internet) that are never
# lost: with every WAN cut (and an all_wans_down alert), alerts wait in the spool, through a SIGKILL and a
# restart, and arrive in order, exactly once, when a WAN is back. A 429's
# retry_after is obeyed; a chat answering 401 does not hold the other one; a
# request that hangs is retried.
source "$(dirname "$0")/lib.sh"

e2e_begin alerts --isps 2 --clients 1
A=-1001 # a group
B=2002  # a private chat
install -m 600 /dev/null "$E2E_TMP/token"
echo "$LAB_BOT_TOKEN" >"$E2E_TMP/token"
SPOOL=$E2E_TMP/spool
# plain templates: what arrived can be compared with what the log says happened
write_config "$E2E_TMP/jalur.yaml" 1 1 -- \
  "health: {interval: 200ms, timeout: 200ms, down: 2, up: 3, targets: [198.51.100.10]}" \
  "notify:" \
  "  telegram:" \
  "    api_base: $LAB_BOT_API" \
  "    token_file: $E2E_TMP/token" \
  "    chats: [$A, {id: $B}]" \
  "    spool: $SPOOL" \
  "    timeout: 2s" \
  "  templates:" \
  "    wan_down: 'down {wan}'" \
  "    wan_up: 'up {wan}'" \
  "    agent_start: 'start'" \
  "    agent_stop: 'stop'" \
  "    all_wans_down: 'all down'"

texts() { # CHAT: the texts the mock accepted for it, one per line
  lab_botapi "$LAB" GET /_messages |
    python3 -c 'import json,sys; [print(m["text"]) for m in json.load(sys.stdin) if m["chat_id"] == sys.argv[1]]' "$1"
}
has_texts() { [[ "$(texts "$1")" == "$2" ]]; }
spooled() { find "$SPOOL" -maxdepth 1 -name '*.alert' | wc -l; }
spooled_is() { (($(spooled) == $1)); }
# what the agent log says happened, as the test templates render it, from line $1 on
expected_since() {
  tail -n +"$1" "$E2E_TMP/agent.log" | sed -nE 's/.*jalur running.*/start/p; s/.* WAN (isp[0-9]) (down|up)\b.*/\2 \1/p; s/.*every WAN is down.*/all down/p'
}

# --- the start alert, to both chats
agent_start "$E2E_TMP/jalur.yaml"
wait_until 10 has_texts "$A" start
wait_until 5 has_texts "$B" start
note "start: delivered to both chats"
lab_botapi "$LAB" POST /_reset >/dev/null
mark=$(($(wc -l <"$E2E_TMP/agent.log") + 1))

# --- every WAN cut: alerts wait on disk
lab_impair "$LAB" 1 blackhole
lab_impair "$LAB" 2 blackhole
wait_until 10 _more_than "WAN isp2 down" 0
wait_until 10 _more_than "WAN isp1 down" 0
wait_until 5 spooled_is 3 # and the all_wans_down alert
assert_eq "$(texts "$A")$(texts "$B")" "" "nothing delivered while every WAN is down"

# --- SIGKILL while they wait; the restarted agent knows what it announced
# (state_dir): the outage going on is not alerted a second time
agent_kill
assert_eq "$(spooled)" 3 "alerts in the spool after SIGKILL"
agent_start "$E2E_TMP/jalur.yaml"
failed_rounds() { grep -c "WAN $1: round [0-9]* failed" "$E2E_TMP/agent.log" || true; }
_judged_after_restart() { (($(failed_rounds isp1) >= $1 && $(failed_rounds isp2) >= $1)); }
before=$(($(failed_rounds isp1) > $(failed_rounds isp2) ? $(failed_rounds isp1) : $(failed_rounds isp2)))
wait_until 10 _judged_after_restart $((before + 4)) # more rounds than `down` needs
assert_eq "$(log_count "WAN isp1 down")$(log_count "WAN isp2 down")" "11" "down alerts after the restart"
wait_until 5 spooled_is 4 # the start alert joins the three
grep -q "3 alert(s) from before are waiting" "$E2E_TMP/agent.log" || fail "the restart did not resume the spool"
assert_eq "$(texts "$A")$(texts "$B")" "" "nothing delivered while every WAN is still down"
note "4 alerts waiting: $(expected_since "$mark" | paste -sd, -)"

# --- WANs back: everything, in order, exactly once, to both chats
lab_impair "$LAB" 1 restore
lab_impair "$LAB" 2 restore
wait_until 15 _more_than "WAN isp1 up" 0
wait_until 15 _more_than "WAN isp2 up" 0
expected=$(expected_since "$mark")
assert_eq "$(echo "$expected" | wc -l)" 6 "events (2 down, all down, start, 2 up)"
wait_until 30 has_texts "$A" "$expected"
wait_until 10 has_texts "$B" "$expected"
wait_until 5 spooled_is 0
note "all 6 delivered in order, once each, to both chats: $(texts "$A" | paste -sd, -)"

# --- 429 with retry_after 2 for the group: its next try waits 2 s; the other chat does not
lab_botapi "$LAB" POST /_reset >/dev/null
lab_botapi "$LAB" POST /_mode "{\"mode\": \"429\", \"chat\": \"$A\", \"times\": 1, \"retry_after\": 2}" >/dev/null
lab_impair "$LAB" 1 blackhole
wait_until 10 has_texts "$A" "down isp1"
wait_until 5 has_texts "$B" "down isp1"
lab_botapi "$LAB" GET /_requests >"$E2E_TMP/requests.json"
python3 - "$E2E_TMP/requests.json" "$A" "$B" <<'PY' || fail "429 handling (see above)"
import json, sys
reqs = json.load(open(sys.argv[1]))
a = [r for r in reqs if r["chat_id"] == sys.argv[2]]
b = [r for r in reqs if r["chat_id"] == sys.argv[3]]
print("    group:", [(r["status"], round(r["time"] - a[0]["time"], 2)) for r in a])
assert [r["status"] for r in a] == [429, 200], a
gap = a[1]["time"] - a[0]["time"]
assert gap >= 2.0, f"retried after {gap:.2f} s, before retry_after"
assert gap < 4.0, f"retried only after {gap:.2f} s"
assert [r["status"] for r in b] == [200] and b[0]["time"] - a[0]["time"] < 1.5, "the other chat was held"
PY
note "429: the group's next try came after retry_after, the other chat was not held"

# --- 401 for the group only: the other chat gets everything; logged once
lab_botapi "$LAB" POST /_reset >/dev/null
lab_botapi "$LAB" POST /_mode "{\"mode\": \"401\", \"chat\": \"$A\"}" >/dev/null
refused=$(log_count "chat $A .* refuses messages")
lab_impair "$LAB" 1 restore
wait_until 15 has_texts "$B" "up isp1"
lab_impair "$LAB" 2 carrier-down
wait_until 10 has_texts "$B" "up isp1
down isp2"
assert_eq "$(texts "$A")" "" "the group answering 401 got nothing"
assert_eq "$(($(log_count "chat $A .* refuses messages") - refused))" 1 "the 401 is logged once"
note "401 for the group: logged once, the private chat got both alerts"

# --- a request that hangs times out and is retried, delivered once
lab_botapi "$LAB" POST /_reset >/dev/null
lab_botapi "$LAB" POST /_mode "{\"mode\": \"hang\", \"chat\": \"$B\", \"times\": 1}" >/dev/null
lab_impair "$LAB" 2 carrier-up
wait_until 20 has_texts "$B" "up isp2"
lab_botapi "$LAB" GET /_requests | python3 -c '
import json, sys
b = [r for r in json.load(sys.stdin) if r["chat_id"] == sys.argv[1]]
assert [r["mode"] for r in b] == ["hang", "ok"], b' "$B" || fail "the hung request was not retried exactly once"
note "a hanging API: timed out, retried, delivered once"

# --- status: the group's alerts still wait (401); the private chat's went out
status=$(lab_exec "$LAB" rtr "$JALUR_BIN" status --config "$E2E_TMP/jalur.yaml" | grep '^alerts:')
note "$status"
[[ "$status" =~ ^alerts:\ [1-9][0-9]*\ waiting\ \(oldest.*last\ sent\ [0-9-]+ ]] || fail "status: $status"

# --- stop: the stop alert goes out; the token is nowhere on disk or in the log
agent_stop
assert_eq "$(texts "$B" | tail -1)" "stop" "the stop alert"
secret=${LAB_BOT_TOKEN#*:}
if grep -rqF "$secret" "$E2E_TMP/agent.log" "$SPOOL"; then fail "the bot token leaked"; fi
if find "$SPOOL" | has_match -F "$secret"; then fail "the bot token is in a spool file name"; fi
echo "PASS"
