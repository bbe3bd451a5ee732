#!/usr/bin/env bash
# When a WAN dies its flows end at once, and only its flows (issue 19).
# Client 1's traffic is pinned to ISP1 (ISP2 its backup), client 2's to
# ISP2. Long downloads that only receive (IPv4 and IPv6) on ISP1 end with a
# connection reset right after the WAN-down decision, not at their own
# timeout, and so does a client that keeps sending; a retry takes ISP2; client 2's download on ISP2 completes
# intact; a UDP request/response flow of client 1 is answered through ISP2
# on its next request (its NAT entry was deleted: with SNAT, nothing else
# would). Carrier loss first, then an upstream blackhole.
source "$(dirname "$0")/lib.sh"

e2e_begin --isps 2 --clients 2
c1=$(lab_client_addr 1) c2=$(lab_client_addr 2)
write_config "$E2E_TMP/jalur.yaml" 1 1 -- "policies:" \
  "  - {name: via1, members: [{wan: isp1, tier: 1}, {wan: isp2, tier: 2}]}" \
  "  - {name: via2, members: [{wan: isp2, tier: 1}, {wan: isp1, tier: 2}]}" \
  "rules:" \
  "  - {src: [$c1, '$(lab_client_addr6 1)'], policy: via1}" \
  "  - {src: [$c2, '$(lab_client_addr6 2)'], policy: via2}" \
  "health: {interval: 200ms, timeout: 200ms, down: 2, up: 2, targets: [198.51.100.10]}"
# SNAT to each WAN's address rather than the lab's masquerade: masquerade
# kills an entry whose packets leave by another interface, SNAT keeps
# sending them with the dead WAN's address until the entry is deleted
lab_exec "$LAB" rtr nft -f - <<NFT
flush chain inet jalur_lab postrouting
add rule inet jalur_lab postrouting oifname "wan1" snat ip to $(lab_wan_addr 1)
add rule inet jalur_lab postrouting oifname "wan1" snat ip6 to $(lab_wan_addr6 1)
add rule inet jalur_lab postrouting oifname "wan2" snat ip to $(lab_wan_addr 2)
add rule inet jalur_lab postrouting oifname "wan2" snat ip6 to $(lab_wan_addr6 2)
NFT
agent_start "$E2E_TMP/jalur.yaml"

# download CLIENT NAME SECONDS [URL_HOST]: a stream that only receives, in the
# background; lines to $E2E_TMP/NAME, curl's exit code to NAME.rc (56: reset)
download() {
  local host=${4:-198.51.100.10}
  (
    rc=0
    lab_exec "$LAB" "c$1" curl -s -N -m 30 "http://$host/stream?seconds=$3" >"$E2E_TMP/$2" || rc=$?
    echo "$rc" >"$E2E_TMP/$2.rc"
  ) &
}
ended() { test -s "$E2E_TMP/$1.rc"; }
rc_of() { cat "$E2E_TMP/$1.rc"; }
lines_of() { wc -l <"$E2E_TMP/$1"; }
reset_count() { wan_status "$1" flows_ended.wan_down.connections_reset; }

# wan_cut K HOW: cuts ISP K, waits for the agent's decision; prints nothing
wan_cut() {
  lab_impair "$LAB" "$1" "$2"
  wait_until 5 _wan_status_is "isp$1" health.state down
}

# --- carrier loss
download 1 c1v4 25
download 1 c1v6 25 "[2001:db8:ff::10]"
download 2 c2v4 6
lab_exec "$LAB" c1 "$LAB_PYTHON" "$E2E_SRC/tools/lab/clients/udp_ping.py" 198.51.100.10 60 0.2 >"$E2E_TMP/udp" &
( # a client that keeps sending: its own next segment draws the reset
  rc=0
  lab_exec "$LAB" c1 "$LAB_PYTHON" "$E2E_SRC/tools/lab/clients/tcp_talk.py" 198.51.100.10 25 >"$E2E_TMP/talk" || rc=$?
  echo "$rc" >"$E2E_TMP/talk.rc"
) &
wait_until 5 test -s "$E2E_TMP/c1v4"
wait_until 5 test -s "$E2E_TMP/c1v6"
wait_until 5 test -s "$E2E_TMP/c2v4"
wait_until 5 test -s "$E2E_TMP/talk"
_udp_answered_after() { awk -v n="$1" 'NR > n && $2 == "ok"' "$E2E_TMP/udp" | has_match ok; }
wait_until 5 _udp_answered_after 0
assert_eq "$(awk '{print $2}' "$E2E_TMP/c1v4" | sort -u)" "100.64.1.2" "client 1 streams through ISP1"
assert_eq "$(awk '{print $2}' "$E2E_TMP/c2v4" | sort -u)" "100.64.2.2" "client 2 streams through ISP2"

wan_cut 1 carrier-down
decided_at=$(_lab_now_us)
udp_at_cut=$(wc -l <"$E2E_TMP/udp")
# the decision is seen here within 50 ms; the resets follow it within 1 s
wait_until 1 ended c1v4
wait_until 1 ended c1v6
note "both downloads ended $((($(_lab_now_us) - decided_at) / 1000)) ms after the decision was seen"
assert_eq "$(rc_of c1v4)" 56 "the IPv4 download ended with a reset (curl: recv failure)"
assert_eq "$(rc_of c1v6)" 56 "the IPv6 download ended with a reset"
wait_until 1 ended talk
assert_eq "$(rc_of talk) $(tail -1 "$E2E_TMP/talk")" "3 reset" "the sending client's connection was reset"
note "receiving-only downloads and a sending client reset after the WAN-down decision"
assert_eq "$(lab_exec "$LAB" c1 curl -s -m 5 http://198.51.100.10/)" "100.64.2.2" "client 1's retry takes ISP2"

wait_until 3 _udp_answered_after "$udp_at_cut"
note "the UDP flow answered again through ISP2 (after $(($(wc -l <"$E2E_TMP/udp") - udp_at_cut)) requests)"

wait_until 10 ended c2v4
assert_eq "$(rc_of c2v4)" 0 "client 2's download on ISP2 completed"
assert_in_range "$(lines_of c2v4)" 55 65 "client 2's stream lines (10 a second for 6 s)"
assert_eq "$(awk '{print $2}' "$E2E_TMP/c2v4" | sort -u)" "100.64.2.2" "client 2's stream stayed on ISP2"

assert_eq "$(reset_count isp1)" 3 "connections reset on ISP1"
assert_eq "$(reset_count isp2)" 0 "none on ISP2"
(($(wan_status isp1 flows_ended.wan_down.conntrack_deleted) >= 3)) ||
  fail "conntrack entries deleted: $(wan_status isp1 flows_ended.wan_down.conntrack_deleted)"
assert_eq "$(lab_exec "$LAB" rtr curl -sf -m 5 http://127.0.0.1:9464/metrics |
  awk '$1 == "jalur_wan_connections_reset_total{wan=\"isp1\",cause=\"wan_down\"}" {print $2}')" 3 "the metric"

# --- upstream blackhole: the link stays, the probes find it
lab_impair "$LAB" 1 carrier-up
wait_until 10 _wan_status_is isp1 health.state up
download 1 c1bh 25
wait_until 5 test -s "$E2E_TMP/c1bh"
assert_eq "$(awk '{print $2}' "$E2E_TMP/c1bh" | sort -u)" "100.64.1.2" "client 1 back on ISP1"
wan_cut 1 blackhole
wait_until 1 ended c1bh
assert_eq "$(rc_of c1bh)" 56 "the download ended with a reset after the blackhole's decision"
assert_eq "$(reset_count isp1)" 4 "connections reset on ISP1 in all"
grep -E "TCP connection\(s\) reset" "$E2E_TMP/agent.log" | sed 's/^/    /'
echo "PASS"
