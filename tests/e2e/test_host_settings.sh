#!/usr/bin/env bash
# Host settings jalur manages (issue 23), on a router namespace stripped of
# the lab's NAT, forwarding and loose rp_filter: `jalur run` refuses to
# start on it until the config asks for them; with `nat: masquerade` and
# `host: {...}` the LAN reaches the internet through both WANs; a NAT
# table someone deletes comes back; an upgrade (SIGUSR2, then a new agent)
# keeps them throughout; and after stop the nftables ruleset and every
# sysctl are exactly as before. Only the lab's namespaces are touched.
source "$(dirname "$0")/lib.sh"

e2e_begin
rtr() { lab_exec "$LAB" rtr "$@"; }
keys=(net.ipv4.ip_forward net.ipv6.conf.all.forwarding net.ipv4.conf.all.rp_filter
  net.ipv4.conf.wan1.rp_filter net.ipv4.conf.wan2.rp_filter
  net.ipv4.conf.wan1.src_valid_mark net.ipv4.conf.wan2.src_valid_mark)
sysctls() { rtr sysctl "${keys[@]}"; }
connect_all_to() { # SERVER CLIENTS EACH: how many succeeded
  local c total=0
  for ((c = 1; c <= $2; c++)); do total=$((total + $(connect_from "$c" "$3" "$1"))); done
  echo "$total"
}

# --- strip the lab's router of what jalur can manage; a table of someone else's
rtr nft delete table inet jalur_lab
rtr sysctl -q -w net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0 net.ipv4.conf.all.rp_filter=0 \
  net.ipv4.conf.wan1.rp_filter=1 net.ipv4.conf.wan2.rp_filter=1
rtr nft -f - <<'NFT'
table ip other {
  chain input {
    type filter hook input priority 0; policy accept;
    ip protocol 253 accept
  }
}
NFT
before_nft=$(rtr nft list ruleset)
before_sysctls=$(sysctls)
server_reset
assert_eq "$(connect_from 1 3)" 0 "connections without forwarding and NAT"
assert_eq "$(connect_from 1 2 "$LAB_SERVER6")" 0 "IPv6 connections without forwarding and NAT"

# --- without the host settings the agent refuses to start, naming each fatal problem
write_config "$E2E_TMP/plain.yaml" 1 1
if rtr "$JALUR_BIN" run --config "$E2E_TMP/plain.yaml" >"$E2E_TMP/refused.log" 2>&1; then
  fail "jalur run started with forwarding off and strict rp_filter"
fi
grep -q "^forwarding: IPv4 forwarding is off" "$E2E_TMP/refused.log" || fail "no forwarding refusal: $(cat "$E2E_TMP/refused.log")"
grep -q "^rp_filter wan2: strict" "$E2E_TMP/refused.log" || fail "no rp_filter refusal: $(cat "$E2E_TMP/refused.log")"
grep -q "not started, nothing changed" "$E2E_TMP/refused.log" || fail "the refusal does not say nothing changed"
assert_eq "$(sysctls)" "$before_sysctls" "sysctls after a refused start"

# --- with them: NAT and sysctls by jalur, traffic through both WANs
write_config "$E2E_TMP/host.yaml" 1 1 -- "host: {forwarding: on, rp_filter: loose, src_valid_mark: on}"
sed -i 's/weight: 1}/weight: 1, nat: masquerade, nat6: masquerade}/' "$E2E_TMP/host.yaml"
agent_start "$E2E_TMP/host.yaml"
assert_eq "$(rtr sysctl -n net.ipv4.ip_forward)" 1 "ip_forward while running"
assert_eq "$(rtr sysctl -n net.ipv6.conf.all.forwarding)" 1 "IPv6 forwarding while running (the WANs have gateway6)"
assert_eq "$(rtr sysctl -n net.ipv4.conf.wan1.rp_filter)" 2 "wan1 rp_filter while running"
assert_eq "$(rtr sysctl -n net.ipv4.conf.wan2.src_valid_mark)" 1 "wan2 src_valid_mark while running"
table=$(rtr nft list table inet jalur)
for k in 1 2; do
  for fam in ipv4 ipv6; do
    grep -q "oifname \"wan$k\" meta nfproto $fam masquerade" <<<"$table" || fail "no $fam masquerade on wan$k: $table"
  done
done
server_reset
assert_eq "$(connect_all 2 50)" 100 "connections through jalur's NAT"
counts=$(server_counts)
a=$(count_for "$counts" 1) b=$(count_for "$counts" 2)
note "masqueraded by jalur: isp1 $a, isp2 $b"
((a > 0 && b > 0)) || fail "not both WANs: $counts"
# IPv6 too, through nat6 (the internet routes only the WANs' prefixes back)
assert_eq "$(connect_all_to "$LAB_SERVER6" 2 10)" 20 "IPv6 connections through jalur's NAT"
grep -q "table ip other" <(rtr nft list ruleset) || fail "the other table is gone"

# --- someone deletes jalur's table: it is back within the heartbeat
rtr nft delete table inet jalur
wait_until 5 rtr nft list table inet jalur
grep -q "changed by someone else" "$E2E_TMP/agent.log" || fail "the rewrite was not logged"

# --- an upgrade (the package's postinst): SIGUSR2 stops keeping the data
# path, NAT and sysctls; the next agent adopts them, and its stop puts the
# host's own values back, not the ones it found
kill -USR2 "$AGENT_PID"
wait "$AGENT_PID" || fail "the agent stopped by SIGUSR2 exited with $?"
AGENT_PID=
grep -q "stopping, keeping the data path" "$E2E_TMP/agent.log" || fail "SIGUSR2 did not keep the data path"
rtr nft list table inet jalur >/dev/null || fail "the NAT table went with an agent stopped for an upgrade"
assert_eq "$(rtr sysctl -n net.ipv4.ip_forward)" 1 "ip_forward between the two agents"
server_reset
assert_eq "$(connect_all 2 10)" 20 "connections between the two agents (the kept data path)"
agent_start "$E2E_TMP/host.yaml"
grep -q "value(s) from before jalur, kept by the agent before this one" "$E2E_TMP/agent.log" ||
  fail "the second agent did not take the host's own sysctl values"

# --- stop: the ruleset and every sysctl exactly as before
agent_stop
assert_eq "$(rtr nft list ruleset)" "$before_nft" "the nftables ruleset after stop"
assert_eq "$(sysctls)" "$before_sysctls" "the sysctls after stop"
note "NAT and sysctls by jalur; after stop the host is as it was"
