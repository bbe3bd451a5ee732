#!/usr/bin/env bash
# IPv6 is balanced and routed like IPv4, and a WAN whose gateway is "auto"
# follows the default route its DHCP client keeps in the main table: its
# table and its probes. Before the client has a route, the WAN is down.
source "$(dirname "$0")/lib.sh"

e2e_begin --isps 2 --clients 2
cat >"$E2E_TMP/jalur.yaml" <<YAML
bpffs: $LAB_BPFFS/jalur
state_dir: $E2E_TMP/state
lan: br-lan
# IPv4 only beyond the gateway: with an IPv6 one answering, isp2 would be up
# (it carries IPv6) before its IPv4 gateway is known, which this test is about
health: {interval: 200ms, timeout: 200ms, down: 2, up: 2, default_targets: [$LAB_SERVER]}
wans:
  - {name: isp1, interface: wan1, gateway: 100.64.1.1, gateway6: '2001:db8:101::1'}
  - {name: isp2, interface: wan2, gateway: auto, gateway6: '2001:db8:102::1'}
YAML
answered() { wan_metric jalur_probes_answered_total isp2; } # isp2's probe rounds answered so far
_answered_more_than() { (($(answered) > $1)); }

# no DHCP lease on WAN 2 yet: its gateway probe has nowhere to go
agent_start "$E2E_TMP/jalur.yaml"
wait_until 5 _logged "WAN isp2 down: .*gateway: no IPv4 gateway known"

# WAN 2 as a DHCP client then leaves it: a default route in main, metric 100
lab_exec "$LAB" rtr ip route add default via 100.64.2.1 dev wan2 metric 100
wait_until 5 _logged "WAN isp2 up after"
wait_until 5 bash -c "ip -n $LAB_ROUTER route show table 102 | grep -q 'default via 100.64.2.1 dev wan2'"
assert_eq "$(lab_exec "$LAB" rtr ip -6 route show table 101 | awk '{print $1, $2, $3}')" "default via 2001:db8:101::1" "IPv6 table 101"
lab_exec "$LAB" rtr ip -6 rule | has_match "fwmark 0x100/0xff00 lookup 101" || fail "no IPv6 fwmark rule"

# IPv6 connections from both clients spread over both WANs
seen=$(for c in 1 2; do for i in $(seq 1 20); do
  lab_exec "$LAB" "c$c" curl -s -m 3 "http://[2001:db8:ff::10]/"
done; done | sort | uniq -c | awk '{print $2}' | tr '\n' ' ')
assert_eq "$seen" "2001:db8:101::2 2001:db8:102::2 " "IPv6 sources the server saw"

# the DHCP client moves WAN 2's gateway, and the old one goes away: jalur's
# table follows, and so do its probes (at the old address they would fail)
lab_exec "$LAB" isp2 sysctl -qw net.ipv4.conf.gw.promote_secondaries=1 # .254 outlives .1
lab_exec "$LAB" isp2 ip addr add 100.64.2.254/24 dev gw
lab_exec "$LAB" rtr ip route replace default via 100.64.2.254 dev wan2 metric 100
wait_until 5 bash -c "ip -n $LAB_ROUTER route show table 102 | grep -q 'via 100.64.2.254'"
wait_until 5 _logged "WAN isp2: gateway probes now go to 100.64.2.254"
lab_exec "$LAB" isp2 ip addr del 100.64.2.1/24 dev gw
before=$(answered)
wait_until 5 _answered_more_than $((before + 10))
assert_eq "$(log_count "WAN isp2 down")" 1 "isp2 downs (only the one before its lease)"
note "gateway auto followed the main table to 100.64.2.254: table and probes"

agent_stop
assert_eq "$(lab_exec "$LAB" rtr ip -6 rule | grep -c lookup\ 10)" 0 "IPv6 rules after stop"
assert_eq "$(lab_exec "$LAB" rtr ip route show default)" "default via 100.64.2.254 dev wan2 metric 100 " "the DHCP client's route is left alone"
echo "PASS"
