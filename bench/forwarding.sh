#!/usr/bin/env bash
# Forwarding through the lab's router, the same traffic in one run,
# alternating three ways of doing it:
#   jalur  the agent and its XDP/tc data path, two WANs 1:1
#   nft    the same balancing the way mwan3 and Linux ports of RouterOS PCC
#          do it: nftables ct mark from jhash of the 4-tuple on new
#          connections, restored to the packet mark, fwmark rules to tables
#   plain  plain routing through one WAN: the ceiling of this path
#   jalur-no-dhcp  jalur without rogue DHCP inspection on the bridge ports,
#          to show what that inspection costs
# Per round and way: TCP throughput (iperf3, 4 streams), small UDP packets
# per second (iperf3, 64-byte payloads, 8 flows, unlimited rate) and new TCP
# connections per second (2 clients, short HTTP connections). Prints a
# Markdown table with min/median/max of the ratios jalur/nft and jalur/plain.
#
#   sudo bash bench/forwarding.sh [ROUNDS]        (default 3; ~40 s a round)
source "$(dirname "$0")/lib.sh"
rounds=${1:-3}
secs=3

bench_begin --isps 2 --clients 2
write_config "$E2E_TMP/jalur.yaml" 1 1
write_config "$E2E_TMP/nodhcp.yaml" 1 1 -- "dhcp_guard: off"

setup() {
  case $1 in
  jalur) agent_start "$E2E_TMP/jalur.yaml" ;;
  jalur-no-dhcp) agent_start "$E2E_TMP/nodhcp.yaml" ;;
  nft)
    lab_static_routing "$LAB"
    ip -n "$RTR" route replace default via 100.64.1.1 dev wan1 metric 50
    ip netns exec "$RTR" nft -f - <<'NFT'
table ip pcc {
  chain prerouting {
    type filter hook prerouting priority mangle; policy accept;
    iifname "br-lan" ip daddr != 192.0.2.0/24 ct state new ct mark set jhash ip saddr . ip daddr . th sport . th dport mod 2 map { 0 : 0x100, 1 : 0x200 }
    iifname "br-lan" meta mark set ct mark
  }
}
NFT
    ;;
  plain) ip -n "$RTR" route replace default via 100.64.1.1 dev wan1 metric 50 ;;
  esac
}

teardown() {
  case $1 in
  jalur | jalur-no-dhcp) agent_stop ;;
  nft)
    ip netns exec "$RTR" nft delete table ip pcc
    lab_static_routing_clear "$LAB"
    ip -n "$RTR" route del default via 100.64.1.1 dev wan1 metric 50
    ;;
  plain) ip -n "$RTR" route del default via 100.64.1.1 dev wan1 metric 50 ;;
  esac
}

tcp_mbps() {
  lab_exec "$LAB" c1 iperf3 -c 198.51.100.10 -t "$secs" -P 4 -J |
    python3 -c 'import json,sys; print(round(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e6))'
}

udp_pps() { # packets the server received per second
  lab_exec "$LAB" c1 iperf3 -c 198.51.100.10 -t "$secs" -u -l 64 -b 0 -P 8 -J |
    python3 -c '
import json, sys
s = json.load(sys.stdin)["end"]["sum"]
print(round((s["packets"] - s["lost_packets"]) / s["seconds"]))'
}

conns_per_s() {
  local t0 n
  t0=$(date +%s%N)
  n=$(connect_all 2 400)
  echo $((n * 1000000000 / ($(date +%s%N) - t0)))
}

declare -A R
for ((r = 1; r <= rounds; r++)); do
  for way in jalur nft plain jalur-no-dhcp; do
    setup "$way"
    R[$way,tcp,$r]=$(tcp_mbps)
    R[$way,udp,$r]=$(udp_pps)
    R[$way,conn,$r]=$(conns_per_s)
    teardown "$way"
    echo "round $r $way: tcp ${R[$way,tcp,$r]} Mbit/s, udp ${R[$way,udp,$r]} pkt/s, ${R[$way,conn,$r]} conn/s" >&2
  done
done

# min/median/max of jalur/OTHER over the rounds (each round side by side)
ratios() { # METRIC OTHER [WAY]
  local r vals=() way=${3:-jalur}
  for ((r = 1; r <= rounds; r++)); do
    vals+=("$(python3 -c "print(${R[$way,$1,$r]} / max(1, ${R[$2,$1,$r]}))")")
  done
  printf '%s\n' "${vals[@]}" | sort -g | awk '{v[NR]=$1} END {printf "%.2f / %.2f / %.2f", v[1], v[int((NR+1)/2)], v[NR]}'
}
medians() { # METRIC WAY
  local r
  for ((r = 1; r <= rounds; r++)); do echo "${R[$2,$1,$r]}"; done | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'
}

echo "@@ forwarding"
echo "| metric | jalur | nft (mwan3/PCC way) | plain, one WAN | jalur without DHCP inspection | jalur/nft min/med/max | jalur/plain min/med/max | no-inspection/nft |"
echo "|---|---|---|---|---|---|---|---|"
for m in tcp:Mbit/s udp:packets/s conn:connections/s; do
  k=${m%%:*} unit=${m#*:}
  echo "| $k ($unit) | $(medians "$k" jalur) | $(medians "$k" nft) | $(medians "$k" plain) | $(medians "$k" jalur-no-dhcp) | $(ratios "$k" nft) | $(ratios "$k" plain) | $(ratios "$k" nft jalur-no-dhcp) |"
done
echo
# targets: the median ratio of each round's jalur against the other way
median_ratio() { ratios "$@" | awk -F' / ' '{print $2}'; }
met() { python3 -c "import sys; print('yes' if float(sys.argv[1]) >= float(sys.argv[2]) else 'no')" "$1" "$2"; }
echo "@@ targets"
for m in tcp:TCP udp:UDP; do
  k=${m%%:*} label=${m#*:}
  r=$(median_ratio "$k" nft)
  echo "| forwarding, $label: jalur ≥ 1.0 × the nftables way (median of rounds) | $r | $(met "$r" 1.0) |"
  r=$(median_ratio "$k" plain)
  echo "| forwarding, $label: jalur ≥ 0.95 × plain routing (median of rounds) | $r | $(met "$r" 0.95) |"
done
echo
