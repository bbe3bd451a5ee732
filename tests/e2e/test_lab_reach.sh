#!/usr/bin/env bash
# The lab itself, without the agent: each client reaches the internet
# through the ISP it is routed by (the servers see that WAN's address), over
# IPv4 and IPv6, TCP and UDP; the impairments do what they say; labs of 3
# and 4 ISPs come up and route every client through every ISP.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

# whoami CLIENT URL [TIMEOUT]: the source address the server saw; empty if
# the request failed
whoami() { lab_exec "$LAB" "c$1" curl -s -m "${3:-5}" "$2" || true; }
sees() { [[ "$(whoami "$1" "$2" 2)" == "$3" ]]; } # CLIENT URL ADDRESS
url4=http://198.51.100.10/
url4b=http://203.0.113.10/
url6="http://[2001:db8:ff::10]/"

e2e_begin reach --isps 2 --clients 2

# --- what the agent relies on: its bpffs (seen from inside the router's
# namespace too), loose rp_filter, forwarding, and no routing of its own yet
assert_eq "$(lab_exec "$LAB" rtr stat -f -c %T "$LAB_BPFFS")" bpf_fs "file system at $LAB_BPFFS in the router"
for key in all.rp_filter wan1.rp_filter wan2.rp_filter; do
  assert_eq "$(lab_exec "$LAB" rtr sysctl -n "net.ipv4.conf.$key")" 2 "router's $key"
done
assert_eq "$(lab_exec "$LAB" rtr sysctl -n net.ipv4.ip_forward)" 1 "router's IPv4 forwarding"
assert_eq "$(lab_exec "$LAB" rtr sysctl -n net.ipv6.conf.all.forwarding)" 1 "router's IPv6 forwarding"
assert_eq "$(lab_exec "$LAB" rtr ip rule | wc -l)" 3 "router's ip rules before any routing (local, main, default)"
assert_eq "$(lab_exec "$LAB" rtr bridge link show master br-lan | grep -c lanp)" 2 "bridge ports"
lab_static_routing "$LAB"
lab_route_client_via "$LAB" 1 1
lab_route_client_via "$LAB" 2 2

# --- each client leaves by its own ISP, to every server address
for c in 1 2; do
  assert_eq "$(whoami "$c" "$url4")" "100.64.$c.2" "client $c, IPv4, server 198.51.100.10"
  assert_eq "$(whoami "$c" "$url4b")" "100.64.$c.2" "client $c, IPv4, server 203.0.113.10"
  assert_eq "$(whoami "$c" "$url6")" "2001:db8:10$c::2" "client $c, IPv6"
done
stats=$(lab_exec "$LAB" inet curl -s -m 5 http://198.51.100.10/stats)
assert_eq "$stats" '{"100.64.1.2": 2, "100.64.2.2": 2, "2001:db8:101::2": 1, "2001:db8:102::2": 1}' "server's counts"
note "clients 1 and 2 leave by ISPs 1 and 2 (IPv4 and IPv6)"

# --- UDP and TCP services through the NAT
dns=$(lab_exec "$LAB" c1 timeout 5 busybox nslookup -type=A example.com 198.51.100.10)
grep -qx "Address: 198.51.100.10" <<<"$dns" || fail "DNS A answer missing: $dns"
dns=$(lab_exec "$LAB" c2 timeout 5 busybox nslookup -type=AAAA example.com 2001:db8:ff::10)
grep -qx "Address: 2001:db8:ff::10" <<<"$dns" || fail "DNS AAAA answer missing: $dns"
assert_eq "$(echo lab-echo | lab_exec "$LAB" c1 socat -T 3 - TCP:198.51.100.10:7)" lab-echo "TCP echo"
assert_eq "$(echo lab-echo6 | lab_exec "$LAB" c2 socat -t 1 -T 3 - 'UDP6:[2001:db8:ff::10]:7')" lab-echo6 "UDP echo over IPv6"
note "DNS (A, AAAA) and echo (TCP, UDP)"

# --- the routing the lab installed: marks pick a WAN's table; connected
# routes win over it (the suppress rule); LAN to LAN stays on the bridge
route=$(lab_exec "$LAB" rtr ip route get 198.51.100.10 mark 0x200)
[[ "$route" == *"via 100.64.2.1 dev wan2"* ]] || fail "mark 0x200 is not routed by wan2: $route"
route=$(lab_exec "$LAB" rtr ip -6 route get 2001:db8:ff::10 mark 0x100)
[[ "$route" == *"via 2001:db8:101::1 dev wan1"* ]] || fail "mark 0x100 is not routed by wan1 (IPv6): $route"
route=$(lab_exec "$LAB" rtr ip route get 192.0.2.12 mark 0x100)
[[ "$route" == *"dev br-lan"* ]] || fail "a marked packet to the LAN left the LAN: $route"
assert_fails "the main table must have no default route" lab_exec "$LAB" rtr ip route get 198.51.100.10
lab_exec "$LAB" c1 ping -c 1 -W 2 192.0.2.12 >/dev/null || fail "client 1 cannot reach client 2"
note "fwmark rules, suppress rule, LAN to LAN"

# --- blackhole: the gateway still answers, nothing passes beyond it
lab_impair "$LAB" 1 blackhole
lab_exec "$LAB" rtr ping -c 1 -W 2 100.64.1.1 >/dev/null || fail "ISP1's gateway must answer ping during a blackhole"
lab_exec "$LAB" rtr ping -c 1 -W 2 2001:db8:101::1 >/dev/null || fail "ISP1's gateway must answer ping6 during a blackhole"
assert_eq "$(whoami 1 "$url4" 2)" "" "client 1 through a blackholed ISP"
assert_eq "$(whoami 1 "$url6" 2)" "" "client 1 through a blackholed ISP (IPv6)"
assert_eq "$(whoami 2 "$url4")" "100.64.2.2" "client 2 while ISP1 is blackholed"
lab_impair "$LAB" 1 restore
assert_eq "$(whoami 1 "$url4")" "100.64.1.2" "client 1 after restore"
note "blackhole and restore"

# --- carrier: the router's wan1 loses its carrier, and gets it back
lab_impair "$LAB" 1 carrier-down
link=$(lab_exec "$LAB" rtr ip link show wan1)
[[ "$link" == *NO-CARRIER* ]] || fail "wan1 still has carrier: $link"
assert_eq "$(whoami 1 "$url4" 2)" "" "client 1 while wan1 has no carrier"
assert_eq "$(whoami 2 "$url4")" "100.64.2.2" "client 2 while wan1 has no carrier"
lab_impair "$LAB" 1 carrier-up
link=$(lab_exec "$LAB" rtr ip link show wan1)
[[ "$link" == *LOWER_UP* && "$link" != *NO-CARRIER* ]] || fail "wan1 has no carrier after carrier-up: $link"
# Not at once: the router's ARP entry for the gateway may still be resolving
# from the attempt made without carrier; when that attempt fails (up to 3 s)
# its queued packets get "host unreachable". The agent sees this too.
wait_until 10 sees 1 "$url4" 100.64.1.2
wait_until 10 sees 1 "$url6" 2001:db8:101::2 # the ISP kept its IPv6 addresses
note "carrier down and up"

# --- loss: 40% dropped each way, so a ping survives 0.6^2 = 36% of the
# time; 200 pings put the loss within 64 +- 14 (4 sigma). Bounded: 200
# pings 5 ms apart, 1 s for the last reply.
lab_impair "$LAB" 2 loss 40
lost=$(lab_exec "$LAB" c2 ping -q -n -c 200 -i 0.005 -W 1 198.51.100.10 | sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p' || true)
assert_in_range "${lost%.*}" 50 78 "percent of pings lost, loss 40 each way"
lab_impair "$LAB" 2 restore
lost_after=$(lab_exec "$LAB" c2 ping -q -n -c 20 -i 0.005 -W 1 198.51.100.10 | sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p' || true)
assert_eq "$lost_after" 0 "percent of pings lost after restore"
note "loss 40 each way: ${lost}% of pings lost; none after restore"

lab_down "$LAB"

# --- 3 and 4 ISPs (4 x 8 is the largest lab): every client through every ISP
for shape in "3 3" "4 8"; do
  read -r isps clients <<<"$shape"
  e2e_new_lab reach --isps "$isps" --clients "$clients"
  LAB=$E2E_LAST_LAB
  for ((k = 1; k <= isps; k++)); do
    for ((c = 1; c <= clients; c++)); do lab_route_client_via "$LAB" "$c" "$k"; done
    for ((c = 1; c <= clients; c++)); do
      assert_eq "$(whoami "$c" "$url4")" "100.64.$k.2" "$isps ISPs: client $c through ISP $k"
    done
    assert_eq "$(whoami "$clients" "$url6")" "2001:db8:10$k::2" "$isps ISPs: client $clients through ISP $k (IPv6)"
  done
  lab_down "$LAB"
  note "$isps ISPs x $clients clients: every client through every ISP"
done
echo "PASS"
