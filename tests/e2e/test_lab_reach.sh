#!/usr/bin/env bash
# The lab itself: each client reaches the internet server through the ISP
# it is routed by (the server sees that WAN's address), and the
# impairments do what they say.
source "$(dirname "$0")/lib.sh"

e2e_begin --isps 4 --clients 4
lab_static_routing "$LAB"

for k in 1 2 3 4; do
  lab_route_client_via "$LAB" "$k" "$k"
  got=$(lab_exec "$LAB" "c$k" curl -s -m 5 http://198.51.100.10/)
  assert_eq "$got" "100.64.$k.2" "client $k through ISP $k"
done
note "every client reaches the server through its ISP"

# blackhole: the gateway still answers, nothing passes beyond it
lab_impair "$LAB" 1 blackhole
lab_exec "$LAB" rtr ping -c 1 -W 2 100.64.1.1 >/dev/null || fail "ISP1's gateway must answer during a blackhole"
if lab_exec "$LAB" c1 curl -s -m 2 http://198.51.100.10/ >/dev/null; then fail "blackhole let traffic through"; fi
lab_impair "$LAB" 1 restore
assert_eq "$(lab_exec "$LAB" c1 curl -s -m 5 http://198.51.100.10/)" "100.64.1.2" "after restore"
note "blackhole and restore"

# carrier: the router's wan2 loses its carrier
lab_impair "$LAB" 2 carrier-down
wait_until 5 bash -c "ip -n $LAB_ROUTER link show wan2 | grep -q NO-CARRIER"
lab_impair "$LAB" 2 carrier-up
wait_until 5 bash -c "ip -n $LAB_ROUTER link show wan2 | grep -q LOWER_UP"
assert_eq "$(lab_exec "$LAB" c2 curl -s -m 5 http://198.51.100.10/)" "100.64.2.2" "after carrier returns"
note "carrier down and up"

# loss: about the asked share of pings dies (bounded: 200 pings, 10 ms apart)
lab_impair "$LAB" 3 loss 50
lost=$(lab_exec "$LAB" c3 ping -q -c 200 -i 0.01 -W 1 198.51.100.10 | sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p')
lab_impair "$LAB" 3 restore
# both directions drop 50%: a ping survives with 25% chance, so ~75% lost
assert_in_range "${lost%.*}" 55 92 "loss 50% each way"
note "loss ${lost}%"
echo "PASS"
