#!/usr/bin/env bash
# Telegram commands (issue 21) against the lab's Bot API mock: the agent long
# polls getUpdates through a live WAN and answers. An admin's /status is
# answered within 2 s; a stranger's command is ignored, never answered;
# /drain isp1 asks for /confirm CODE and then drains isp1, by the Telegram
# user; the inline button under the question confirms as well; a command sent two minutes ago is refused; an update that cannot be
# read is skipped, not asked for again for ever.
source "$(dirname "$0")/lib.sh"

e2e_begin telegram_commands --isps 2 --clients 1
ADMIN=4242
STRANGER=6666
install -m 600 /dev/null "$E2E_TMP/token"
echo "$LAB_BOT_TOKEN" >"$E2E_TMP/token"
write_config "$E2E_TMP/jalur.yaml" 1 1 -- \
  "notify:" \
  "  telegram:" \
  "    api_base: $LAB_BOT_API" \
  "    token_file: $E2E_TMP/token" \
  "    chats: [$ADMIN]" \
  "    spool: $E2E_TMP/spool" \
  "    timeout: 2s" \
  "    commands: {admins: [$ADMIN], chats: [$ADMIN]}" \
  "  templates:" \
  "    agent_start: 'start'" \
  "    wan_admin: 'admin {wan} {action} by {by}'"
jalur() { lab_exec "$LAB" rtr "$JALUR_BIN" "$@" --config "$E2E_TMP/jalur.yaml"; }

say() { # USER TEXT [AGE]: a message from USER in their private chat
  lab_botapi "$LAB" POST /_updates "{\"updates\": [{\"user\": $1, \"username\": \"u$1\", \"chat\": $1, \"text\": \"$2\", \"age\": ${3:-0}}]}" >/dev/null
}
texts() { # CHAT: what the bot sent there, one message a line
  lab_botapi "$LAB" GET /_messages |
    python3 -c 'import json,sys; [print(m["text"].replace("\n", " ")) for m in json.load(sys.stdin) if m["chat_id"] == sys.argv[1]]' "$1"
}
count_in() { texts "$1" | grep -c -- "$2" || true; }
_has() { (($(count_in "$1" "$2") >= ${3:-1})); }
polled() { lab_botapi "$LAB" GET /_polls | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
_polling() { (($(polled) > 0)); }

agent_start "$E2E_TMP/jalur.yaml"
wait_until 10 _has "$ADMIN" start
wait_until 10 _polling
note "the bot polls getUpdates"

# --- an admin's /status, answered within 2 s
t0=$(date +%s.%N)
say $ADMIN /status
wait_until 2 _has "$ADMIN" "isp1"
note "/status answered in $(python3 -c "import time; print(round(time.time() - $t0, 2))") s"

# --- a stranger: ignored, never answered (not even in their chat)
say $STRANGER /status
say $STRANGER "/drain isp1"
say $ADMIN /help # a marker: once it is answered, the stranger's were handled before it
wait_until 3 _has "$ADMIN" "commands:"
assert_eq "$(texts $STRANGER)" "" "nothing sent to a stranger"

# --- /drain needs /confirm CODE; then isp1 is drained by the Telegram user
say $ADMIN "/drain isp1"
wait_until 3 _has "$ADMIN" "send /confirm"
code=$(texts $ADMIN | sed -nE 's/.*send \/confirm ([0-9]+).*/\1/p' | tail -1)
[[ -n "$code" ]] || fail "no confirmation code in: $(texts $ADMIN)"
admin_of() { jalur wan list --json | python3 -c "import json,sys; print({w['name']: w['admin'] for w in json.load(sys.stdin)}['$1'])"; }
assert_eq "$(admin_of isp1)" "enabled" "isp1 before the confirmation"
say $ADMIN "/confirm 000000x" # a wrong code does nothing
wait_until 3 _has "$ADMIN" "No such confirmation"
assert_eq "$(admin_of isp1)" "enabled" "isp1 after a wrong code"
say $ADMIN "/confirm $code"
wait_until 3 _has "$ADMIN" "isp1 drained by telegram user $ADMIN (@u$ADMIN)"
assert_eq "$(admin_of isp1)" "drain" "isp1 after /confirm"
jalur wan list | grep -q "^isp1 .* drain .*telegram user $ADMIN (@u$ADMIN)" || fail "wan list: $(jalur wan list)"
note "drained by the telegram user"

# --- or with the inline button under the question
say $ADMIN "/disable isp2"
wait_until 3 _has "$ADMIN" "To disable isp2"
data=$(lab_botapi "$LAB" GET /_messages | python3 -c '
import json, sys
m = [m for m in json.load(sys.stdin) if "To disable isp2" in m["text"]][-1]
print(m["reply_markup"]["inline_keyboard"][0][0]["callback_data"])')
[[ "$data" == "/confirm "[0-9]* ]] || fail "the button sends '$data'"
lab_botapi "$LAB" POST /_updates "{\"updates\": [{\"user\": $ADMIN, \"username\": \"u$ADMIN\", \"chat\": $ADMIN, \"data\": \"$data\"}]}" >/dev/null
wait_until 3 _has "$ADMIN" "isp2 disabled by telegram user $ADMIN"
assert_eq "$(admin_of isp2)" "disabled" "isp2 after the button"
note "the inline button confirms too" # (at most 10 replies a minute to a chat: this test sends 9)

# --- a command sent two minutes ago is refused, not run
say $ADMIN "/enable isp1" 120
wait_until 3 _has "$ADMIN" "Not run: this command was sent"
assert_eq "$(admin_of isp1)" "drain" "isp1 after a stale /enable"

# --- a garbled update is skipped; the next one is answered
lab_botapi "$LAB" POST /_updates '{"raw": "{\"update_id\": UID, \"message\": {\"text\": [[[["}' >/dev/null
say $ADMIN /wans
wait_until 6 _has "$ADMIN" "INTERFACE" 2
_logged "cannot be read (malformed); skipped" || fail "the garbled update was not logged as skipped"

# --- the counters, in /status
counters() {
  lab_exec "$LAB" rtr curl -s -m 5 http://127.0.0.1:9464/status |
    python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin).get("telegram_commands"), sort_keys=True))'
}
_bad_answer_counted() { counters | grep -q '"bad_answers": [1-9]'; }
wait_until 3 _bad_answer_counted # the board is refreshed once a second
counters=$(counters)
note "counters: $counters"
python3 - "$counters" <<'PY' || fail "counters: $counters"
import json, sys
c = json.loads(sys.argv[1])
assert c["ignored"] == 2, c
assert c["refused"] >= 2, c  # the wrong code, the stale /enable
assert c["bad_answers"] >= 1, c
PY
lab_exec "$LAB" rtr curl -s -m 5 http://127.0.0.1:9464/metrics | grep -q 'jalur_telegram_commands_total{result="ignored"} 2' ||
  fail "metrics lack the ignored count"
# no update handled twice: one /status reply, one drain
assert_eq "$(count_in $ADMIN "^<pre>isp1 drained by")" 1 "the drain reply, once"
# replies never carry the token, nor does the log
if grep -qF "$LAB_BOT_TOKEN" "$E2E_TMP/agent.log" || texts $ADMIN | grep -qF "$LAB_BOT_TOKEN"; then fail "the bot token leaked"; fi
echo "PASS"
