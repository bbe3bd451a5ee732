#!/usr/bin/env bash
# A metered WAN (issue 20): isp2 has a 10 MB quota. Transfers through it
# cross 75 %, 95 % and 100 %, each alerted once at the Bot API mock; then
# new connections avoid it while isp1 is up and use it while isp1 is down;
# a critical rule still uses it; a SIGKILL and a restart keep the count (no
# alert repeated); `jalur quota reset` gives it back.
source "$(dirname "$0")/lib.sh"

e2e_begin quota --isps 2 --clients 1
install -m 600 /dev/null "$E2E_TMP/token"
echo "$LAB_BOT_TOKEN" >"$E2E_TMP/token"
LIMIT=10000000
# transfers (203.0.113.10) prefer the metered isp2; 198.51.100.10 is critical
write_config "$E2E_TMP/jalur.yaml" 1 1 -- \
  "health: {interval: 200ms, timeout: 200ms, down: 2, up: 2, targets: [198.51.100.10]}" \
  "policies:" \
  "  - {name: simfirst, members: [{wan: isp2, tier: 1}, {wan: isp1, tier: 2}]}" \
  "rules:" \
  "  - {dst: 203.0.113.10/32, policy: simfirst}" \
  "  - {dst: 198.51.100.10/32, policy: simfirst, critical: true}" \
  "default_policy: simfirst" \
  "notify:" \
  "  telegram:" \
  "    api_base: $LAB_BOT_API" \
  "    token_file: $E2E_TMP/token" \
  "    chats: [-1001]" \
  "    spool: $E2E_TMP/spool" \
  "  templates:" \
  "    quota_warning: 'warn {wan} {percent}'" \
  "    quota_exceeded: 'over {wan}'" \
  "    quota_reset: 'reset {wan}'"
sed -i "s/\(name: isp2, .*\)}\$/\1, quota: {limit: ${LIMIT}B, when_exceeded: backup-only}}/" "$E2E_TMP/jalur.yaml"
grep -q "quota: {limit" "$E2E_TMP/jalur.yaml" || fail "the quota did not make it into the config"

quota() { # KEY: a field of isp2's quota in /status
  lab_exec "$LAB" rtr curl -sf -m 5 http://127.0.0.1:9464/status |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["quota"]["wans"]["isp2"][sys.argv[1]])' "$1"
}
used() { quota used_bytes; }
_used_at_least() { (($(used) >= $1)); }
quota_texts() {
  lab_botapi "$LAB" GET /_messages |
    python3 -c 'import json,sys; [print(m["text"]) for m in json.load(sys.stdin) if m["text"].split()[0] in ("warn", "over", "reset")]'
}
_quota_texts_are() { [[ "$(quota_texts)" == "$1" ]]; }
start_alerts() { lab_botapi "$LAB" GET /_messages | python3 -c 'import json,sys; print(sum("started" in m["text"] for m in json.load(sys.stdin)))'; }
_start_alerts_more_than() { (($(start_alerts) > $1)); }
via() { lab_exec "$LAB" c1 curl -sf -m 5 "http://$1/" | tr -d '\r\n' | sed 's/^::ffff://'; }
# TARGET_PERCENT [RATE]: a transfer through isp2 that brings its use
# to about that share (payload only: headers add a few percent, which the
# target allows for)
transfer_to() {
  local used_before n
  used_before=$(used)
  n=$(($1 * LIMIT / 100 - used_before))
  shift
  ((n > 0)) || fail "already past the target"
  if (($#)); then # paced: RATE bytes/s on the wire
    lab_exec "$LAB" c1 "$LAB_PYTHON" "$E2E_SRC/tools/lab/clients/paced_get.py" 203.0.113.10 "$n" "$1" 30 >/dev/null ||
      fail "paced transfer of $n bytes"
  else
    lab_exec "$LAB" c1 curl -sf -m 60 -o /dev/null "http://203.0.113.10/bytes?n=$n" || fail "transfer of $n bytes"
  fi
  wait_until 5 _used_at_least $((n + used_before))
}
share() { echo $(($(used) * 100 / LIMIT)); }

agent_start "$E2E_TMP/jalur.yaml"
assert_eq "$(via 203.0.113.10)" "100.64.2.2" "transfers prefer the metered WAN"
assert_eq "$(quota limit_bytes)" "$LIMIT" "the limit in /status"

probe_status() { # WAN KEY: its probes' cost in /status
  lab_exec "$LAB" rtr curl -sf -m 5 http://127.0.0.1:9464/status |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["quota"]["probe_bytes"][sys.argv[1]][sys.argv[2]])' "$1" "$2"
}
_probes_counted() { (($(probe_status isp2 sent) > 0)); }
wait_until 5 _probes_counted # from the first heartbeat after the start
skipped_before=$(probe_status isp2 rounds_skipped)
transfer_to 80 2000000 # about 4 s at 2 MB/s: 20 rounds of 200 ms
wait_until 10 _quota_texts_are "warn isp2 75"
assert_in_range "$(share)" 75 94 "share after the first transfer"
skipped=$(($(probe_status isp2 rounds_skipped) - skipped_before))
assert_in_range "$skipped" 10 40 "rounds the metered WAN skipped under traffic"
assert_eq "$(probe_status isp1 rounds_skipped)" 0 "rounds the unmetered WAN skipped"
note "thrifty probing: isp2 skipped $skipped rounds under traffic; probes cost isp2 $(probe_status isp2 sent) B sent, isp1 $(probe_status isp1 sent) B"
transfer_to 96
wait_until 10 _quota_texts_are "warn isp2 75
warn isp2 95"
assert_in_range "$(share)" 95 99 "share after the second transfer"
transfer_to 104
wait_until 10 _quota_texts_are "warn isp2 75
warn isp2 95
over isp2"
assert_eq "$(quota exceeded)" "True" "exceeded in /status"
note "alerts: $(quota_texts | paste -sd, -) at $(share) %"
metric=$(lab_exec "$LAB" rtr curl -sf -m 5 http://127.0.0.1:9464/metrics | awk '$1 == "jalur_wan_quota_used_ratio{wan=\"isp2\"}" {print $2}')
[[ -n "$metric" ]] || fail "no jalur_wan_quota_used_ratio metric"
lab_exec "$LAB" rtr "$JALUR_BIN" status --config "$E2E_TMP/jalur.yaml" | grep -E "^isp2 .*exceeded \(backup-only\)" ||
  fail "jalur status shows no exceeded quota"

# --- over quota: new connections avoid it while isp1 is up; critical traffic still uses it
assert_eq "$(via 203.0.113.10)" "100.64.1.2" "over quota: isp1 takes new connections"
assert_eq "$(via 198.51.100.10)" "100.64.2.2" "a critical rule still uses the metered WAN"
lab_impair "$LAB" 1 blackhole
wait_until 5 _wan_status_is isp1 health.state down
assert_eq "$(via 203.0.113.10)" "100.64.2.2" "isp1 down: the WAN over its quota is the backup"
lab_impair "$LAB" 1 restore
wait_until 10 _wan_status_is isp1 health.state up
assert_eq "$(via 203.0.113.10)" "100.64.1.2" "isp1 back: the WAN over its quota is avoided again"

# --- SIGKILL and restart: the count survives, nothing is alerted again
before=$(used)
starts=$(start_alerts)
agent_kill
agent_start "$E2E_TMP/jalur.yaml"
wait_until 5 _used_at_least "$before"
assert_eq "$(quota exceeded)" "True" "still exceeded after the restart"
assert_eq "$(via 203.0.113.10)" "100.64.1.2" "after the restart the WAN over its quota is still avoided"
# a quota alert the restart repeated would be raised before the start alert, and delivered before it
wait_until 10 _start_alerts_more_than "$starts"
assert_eq "$(quota_texts | wc -l)" 3 "no quota alert repeated after the restart"
note "restart: $before bytes before, $(used) after"

# --- a top-up
out=$(lab_exec "$LAB" rtr "$JALUR_BIN" quota reset isp2 --config "$E2E_TMP/jalur.yaml") || fail "quota reset: $out"
note "$out"
assert_eq "$(quota exceeded)" "False" "not exceeded after the reset"
assert_in_range "$(used)" 0 100000 "used after the reset"
assert_eq "$(via 203.0.113.10)" "100.64.2.2" "after the reset transfers use the metered WAN again"
assert_fails "a WAN without a quota" lab_exec "$LAB" rtr "$JALUR_BIN" quota reset isp1 --config "$E2E_TMP/jalur.yaml"

# --- a clean stop writes the count
agent_stop
grep -q "^wan isp2 " "$E2E_TMP/state/quota-usage" || fail "no usage file"
echo "PASS"
