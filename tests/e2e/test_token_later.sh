#!/usr/bin/env bash
# A token file that cannot be used costs the alerts, not the balancing: the
# agent starts, balances, and says so; once the file holds a token, a reload
# brings the alerts back (the start alert waited in nothing: it was never
# raised, the next ones are delivered).
source "$(dirname "$0")/lib.sh"

e2e_begin token --isps 2 --clients 1
install -m 600 /dev/null "$E2E_TMP/token"
echo "not a token" >"$E2E_TMP/token"
write_config "$E2E_TMP/jalur.yaml" 1 1 -- \
  "health: {interval: 200ms, timeout: 200ms, down: 2, up: 2, targets: [198.51.100.10]}" \
  "notify:" \
  "  telegram:" \
  "    api_base: $LAB_BOT_API" \
  "    token_file: $E2E_TMP/token" \
  "    chats: [-1001]" \
  "    spool: $E2E_TMP/spool" \
  "  templates:" \
  "    wan_down: 'down {wan}'"

assert_fails "check accepted a token file without a token" \
  ip netns exec "$LAB_ROUTER" "$JALUR_BIN" check --config "$E2E_TMP/jalur.yaml"
agent_start "$E2E_TMP/jalur.yaml"
has_match "the agent runs WITHOUT alerts" <"$E2E_TMP/agent.log" || fail "the agent did not say it runs without alerts"
has_match "$E2E_TMP/token" <"$E2E_TMP/agent.log" || fail "the error does not name the token file"
assert_eq "$(connect_from 1 10)" 10 "connections balanced without alerts"

echo "$LAB_BOT_TOKEN" >"$E2E_TMP/token"
ip netns exec "$LAB_ROUTER" "$JALUR_BIN" reload --config "$E2E_TMP/jalur.yaml" >/dev/null ||
  fail "reload refused"
lab_impair "$LAB" 1 carrier-down
texts() {
  lab_botapi "$LAB" GET /_messages | "$LAB_PYTHON" -c 'import json,sys; [print(m["text"]) for m in json.load(sys.stdin)]'
}
_delivered() { has_match "^down isp1$" < <(texts); }
wait_until 10 _delivered
echo "PASS"
