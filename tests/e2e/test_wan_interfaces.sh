#!/usr/bin/env bash
# WAN interfaces that come and go, as PPPoE re-dials and USB modems do: the
# agent starts with one WAN's interface absent and carries traffic on the
# other; the late interface is used within 2 s of its appearance; a WAN
# interface deleted and recreated (a new ifindex) is used again within 2 s
# of its address returning, without a restart. A reload that removes a WAN
# leaves no trace of it, and the other WAN keeps its fwmark and table.
source "$(dirname "$0")/lib.sh"

e2e_begin --isps 2 --clients 2
health="health: {interval: 200ms, timeout: 200ms, down: 2, up: 2, targets: [198.51.100.10]}"
write_config "$E2E_TMP/jalur.yaml" 1 1 -- "$health"

wans_used() { # CLIENT COUNT: the WAN addresses the server saw, sorted
  server_reset
  connect_from "$1" "$2" >/dev/null
  server_counts | "$LAB_PYTHON" -c 'import json,sys; print(" ".join(sorted(json.load(sys.stdin))))'
}
ms() { date +%s%3N; }

# --- absent at start: a warning, not a refusal; the WAN is down with its cause
lab_impair "$LAB" 2 delete
ip netns exec "$LAB_ROUTER" "$JALUR_BIN" check --config "$E2E_TMP/jalur.yaml" >"$E2E_TMP/check" 2>&1 ||
  fail "check refused a config whose WAN interface is absent: $(cat "$E2E_TMP/check")"
has_match "interface 'wan2' does not exist here (yet)" <"$E2E_TMP/check" || fail "check did not warn: $(cat "$E2E_TMP/check")"
assert_fails "check --strict accepted an absent WAN interface" \
  ip netns exec "$LAB_ROUTER" "$JALUR_BIN" check --strict --config "$E2E_TMP/jalur.yaml"
agent_start "$E2E_TMP/jalur.yaml"
wait_until 5 _wan_status_is isp2 health.state down
assert_eq "$(wan_status isp2 health.last_failure)" "no interface wan2" "isp2's cause"
assert_eq "$(wan_status isp2 state)" "down" "isp2's data path state"
assert_eq "$(wans_used 1 20)" "100.64.1.2" "new connections with wan2 absent"

# --- it appears: attached, routed, probed, used
t0=$(ms)
lab_impair "$LAB" 2 recreate
wait_until 2 _wan_status_is isp2 state up
note "the late wan2 was up $(($(ms) - t0)) ms after it appeared"
assert_eq "$(wans_used 1 40)" "100.64.1.2 100.64.2.2" "both WANs used once wan2 is here"
has_match "jalur" < <(lab_exec "$LAB" rtr tc filter show dev wan2 ingress) || fail "no jalur filter on the late wan2"

# --- a PPPoE re-dial: wan1 deleted, then recreated with a new ifindex
old_index=$(lab_exec "$LAB" rtr cat /sys/class/net/wan1/ifindex)
lab_impair "$LAB" 1 delete
wait_until 2 _wan_status_is isp1 state down
assert_eq "$(wans_used 2 20)" "100.64.2.2" "new connections while wan1 is gone"
t0=$(ms)
lab_impair "$LAB" 1 recreate # its address returns with it
new_index=$(lab_exec "$LAB" rtr cat /sys/class/net/wan1/ifindex)
[[ "$new_index" != "$old_index" ]] || fail "wan1 kept its ifindex ($old_index): not a recreation"
wait_until 2 _wan_status_is isp1 state up
note "the recreated wan1 (ifindex $old_index -> $new_index) was up $(($(ms) - t0)) ms after it returned"
assert_eq "$(wans_used 2 40)" "100.64.1.2 100.64.2.2" "wan1 used again after its re-creation, without a restart"
has_match "jalur" < <(lab_exec "$LAB" rtr tc filter show dev wan1 ingress) || fail "no jalur filter on the new wan1"
assert_eq "$(lab_exec "$LAB" rtr ip route show table 101 | awk '{print $1, $2, $3}')" "default via 100.64.1.1" \
  "table 101's default route on the new wan1"

# --- a reload that removes isp1: gone from status, metrics and maps; isp2
# keeps fwmark 0x200 and table 102 (derived from its position, which moved)
mark=$(wan_status isp2 fwmark)
assert_eq "$mark" "512" "isp2's fwmark before the reload"
cat >"$E2E_TMP/one.yaml" <<YAML
bpffs: $LAB_BPFFS/jalur
state_dir: $E2E_TMP/state
log_level: debug
lan: br-lan
wans:
  - {name: isp2, interface: wan2, gateway: 100.64.2.1, gateway6: '2001:db8:102::1'}
$health
YAML
cp "$E2E_TMP/one.yaml" "$E2E_TMP/jalur.yaml"
reloads=$(log_count "reloaded")
kill -HUP "$AGENT_PID"
wait_until 5 _more_than "reloaded" "$reloads"
assert_eq "$(wan_status isp1 name)" "absent" "isp1 in /status after the reload"
assert_eq "$(wan_status isp2 fwmark)" "512" "isp2's fwmark after the reload"
metrics=$(lab_exec "$LAB" rtr curl -sf -m 5 http://127.0.0.1:9464/metrics)
has_match 'wan="isp1"' <<<"$metrics" && fail "isp1 still in /metrics"
has_match 'wan="wan1"' <<<"$metrics" && fail "a ghost WAN named after wan1 in /metrics"
rules=$(lab_exec "$LAB" rtr ip rule)
has_match "fwmark 0x200/0xff00 lookup 102" <<<"$rules" || fail "isp2's rule moved: $rules"
has_match "lookup 101" <<<"$rules" && fail "isp1's rule stayed: $rules"
bpftool map dump pinned "$LAB_BPFFS/jalur/wans" -j >"$E2E_TMP/wans.json"
"$LAB_PYTHON" -c '
import json, sys
live = [e for e in json.load(open(sys.argv[1])) if e["formatted"]["value"]["ifindex"] != 0]
marks = sorted(e["formatted"]["value"]["fwmark"] for e in live)
assert marks == [0x200], f"wans map entries with an interface: {live}"
' "$E2E_TMP/wans.json" || fail "the wans map still holds isp1: $(cat "$E2E_TMP/wans.json")"
assert_eq "$(wans_used 1 20)" "100.64.2.2" "new connections after the reload"
echo "PASS"
