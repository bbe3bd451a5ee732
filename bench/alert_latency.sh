#!/usr/bin/env bash
# Rogue-DHCP alert latency, end to end: a forged DHCPOFFER enters a LAN
# port (client 1's), the bridge-port tc program (a veth port) reports it
# through the ring buffer, the agent raises the alert, the notifier spools
# it and sends it through the best WAN to the lab's Telegram Bot API mock. Timed from the
# frame's send() to the mock accepting the message, N times, each OFFER from
# a new random MAC (only a server's first sighting alerts at once).
#
# One private chat (a positive id: a group is paced to 20 a minute), and
# runs at least 1.1 s apart: the notifier sends a chat one message a second,
# so closer runs would measure that pacing. alert_timeout 1s: all servers
# together get at most 10 alerts per alert_timeout (the fold), far above
# one a run.
#
#   sudo bash bench/alert_latency.sh [N]          (default 100; ~1.2 s a run)
source "$(dirname "$0")/lib.sh"
n=${1:-100}
CHAT=4242

e2e_begin alertlat --isps 2 --clients 1
install -m 600 /dev/null "$E2E_TMP/token"
echo "$LAB_BOT_TOKEN" >"$E2E_TMP/token"
write_config "$E2E_TMP/jalur.yaml" 1 1 -- \
  "dhcp_guard: {mode: alert, alert_timeout: 1s}" \
  "notify:" \
  "  telegram: {api_base: $LAB_BOT_API, token_file: $E2E_TMP/token, chats: [$CHAT], spool: $E2E_TMP/spool}" \
  "  templates: {rogue_dhcp: 'rogue {server_mac} on {port}', agent_start: 'start'}"
agent_start "$E2E_TMP/jalur.yaml"
grep -q "rogue DHCP: inspecting lanp1 (alert)" "$E2E_TMP/agent.log" || fail "lanp1 is not inspected"
# the start alert first: it takes the chat's first pacing slot
has_start() { lab_botapi "$LAB" GET /_messages | has_match '"text": "start"'; }
wait_until 20 has_start
sleep 1.1
messages=$LAB_DIR/log/botapi-messages.jsonl
timeout $((n * 12 + 30)) ip netns exec "$LAB_CLIENT1" "$LAB_PYTHON" "$JALUR_SOURCE_DIR/bench/alert_latency.py" \
  eth0 "$n" "$messages" "$E2E_TMP/agent.log" --spacing 1.1 --timeout 10
