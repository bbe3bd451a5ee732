#!/usr/bin/env bash
# RA guard against a router advertisement hidden behind about 1 KB of
# extension headers (issue 18, finding 1): a client whose kernel takes RAs
# (accept_ra=2, autoconf) gets no rogue default route and no address from the
# rogue prefix in guard mode; in alert mode the same RA installs both (the
# test can fail). The rogue sends from an untrusted bridge port (c2, lanp2,
# inspected by jalur_tc_port).
source "$(dirname "$0")/lib.sh"

e2e_begin --isps 2 --clients 2
C1=$(lab_ns "$LAB" c1) C2=$(lab_ns "$LAB" c2)
rogue_mac=$(ip -n "$C2" -br link show eth0 | awk '{print $3}')
for s in accept_ra=2 autoconf=1 accept_ra_defrtr=1 accept_ra_pinfo=1; do
  ip netns exec "$C1" sysctl -qw "net.ipv6.conf.eth0.$s"
done

send_ra() { # [--plain]: one rogue RA from c2
  ip netns exec "$C2" python3 "$E2E_SRC/tools/lab/clients/rogue_ra.py" eth0 2001:db8:bad:: "$@" >/dev/null
}
rogue_route() { ip -n "$C1" -6 route show default proto ra | has_match "via fe80::66"; }
rogue_address() { ip -n "$C1" -6 addr show dev eth0 | has_match "inet6 2001:db8:bad:"; }
dropped() {
  lab_exec "$LAB" rtr "$JALUR_BIN" status --json --config "$E2E_TMP/j.yaml" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["rogue_dhcp"]["dropped"])'
}
ra_reported() { # N: the agent has logged N reports of the rogue's RA
  (($(log_count "rogue DHCP server $rogue_mac (fe80::66) on lanp2: router advertisement") >= $1))
}

# --- guard: the RA behind 1 KB of destination options is dropped and reported
write_config "$E2E_TMP/j.yaml" 1 1 -- "dhcp_guard: {mode: guard, alert_timeout: 1s}"
agent_start "$E2E_TMP/j.yaml"
wait_until 5 grep -q "rogue DHCP: inspecting lanp2 (guard) by tc" "$E2E_TMP/agent.log"
for i in 1 2 3; do
  send_ra
  wait_until 5 ra_reported "$i"
done
grep -m1 "router advertisement" "$E2E_TMP/agent.log"
n=$(log_count "router advertisement; dropped")
((n >= 3)) || fail "only $n of 3 reports say dropped"
n=$(dropped)
((n >= 3)) || fail "the data path dropped $n rogue messages, not 3"
# the drop happens before the report; a passed RA is processed by the
# client's kernel long before the agent has logged it
rogue_route && fail "guard mode: c1 took a default route from the hidden RA"
rogue_address && fail "guard mode: c1 took an address from the hidden RA's prefix"
note "guard: 3 hidden RAs dropped; c1 has no rogue route or address"

# --- alert: the same RA passes and c1 installs the rogue router and prefix
write_config "$E2E_TMP/j.yaml" 1 1 -- "dhcp_guard: {mode: alert, alert_timeout: 1s}"
lab_exec "$LAB" rtr "$JALUR_BIN" reload --config "$E2E_TMP/j.yaml" >/dev/null
wait_until 5 grep -q "rogue DHCP: inspecting lanp2 (alert)" "$E2E_TMP/agent.log"
send_ra
wait_until 5 rogue_route
wait_until 5 rogue_address
wait_until 5 ra_reported 4
note "alert: $(ip -n "$C1" -6 route show default proto ra | head -1); $(ip -n "$C1" -6 -br addr show dev eth0)"
agent_stop
echo PASS
