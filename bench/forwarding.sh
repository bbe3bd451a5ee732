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
# A measurement that fails (iperf3 refused, timed out or printed no result)
# is recorded as failed: the other measurements and rounds go on, the
# figures use the rounds that worked, and the table says how many failed.
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

# measure CMD...: its number, or "failed" (its stderr kept in the temp dir)
measure() {
  local v
  if v=$("$@" 2>>"$E2E_TMP/measure.err") && [[ $v =~ ^[0-9]+$ ]]; then
    echo "$v"
  else
    echo "round $r $way: $1 failed: $(tail -1 "$E2E_TMP/measure.err" 2>/dev/null)" >&2
    echo failed
  fi
}

declare -A R
for ((r = 1; r <= rounds; r++)); do
  for way in jalur nft plain jalur-no-dhcp; do
    setup "$way"
    R[$way,tcp,$r]=$(measure tcp_mbps)
    R[$way,udp,$r]=$(measure udp_pps)
    R[$way,conn,$r]=$(measure conns_per_s)
    teardown "$way"
    echo "round $r $way: tcp ${R[$way,tcp,$r]} Mbit/s, udp ${R[$way,udp,$r]} pkt/s, ${R[$way,conn,$r]} conn/s" >&2
  done
done

# "" or " (N of M failed)"
failures() { # COUNT
  (($1 == 0)) || echo " ($1 of $rounds failed)"
}
# min/median/max of jalur/OTHER over the rounds where both worked (each
# round side by side)
ratios() { # METRIC OTHER [WAY]
  local r vals=() way=${3:-jalur} failed=0
  for ((r = 1; r <= rounds; r++)); do
    if [[ ${R[$way,$1,$r]} == failed || ${R[$2,$1,$r]} == failed ]]; then
      failed=$((failed + 1))
      continue
    fi
    vals+=("$(python3 -c "print(${R[$way,$1,$r]} / max(1, ${R[$2,$1,$r]}))")")
  done
  if ((${#vals[@]} == 0)); then
    echo "failed$(failures $failed)"
    return
  fi
  printf '%s\n' "${vals[@]}" | sort -g | awk '{v[NR]=$1} END {printf "%.2f / %.2f / %.2f", v[1], v[int((NR+1)/2)], v[NR]}'
  failures $failed
}
medians() { # METRIC WAY
  local r failed=0 vals=()
  for ((r = 1; r <= rounds; r++)); do
    if [[ ${R[$2,$1,$r]} == failed ]]; then failed=$((failed + 1)); else vals+=("${R[$2,$1,$r]}"); fi
  done
  if ((${#vals[@]} == 0)); then
    echo "failed$(failures $failed)"
    return
  fi
  printf '%s\n' "${vals[@]}" | sort -n | awk '{v[NR]=$1} END {printf "%s", v[int((NR+1)/2)]}'
  failures $failed
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
median_ratio() { ratios "$@" | awk -F' / ' '/^failed/ {print "failed"; next} {print $2}'; }
met() {
  [[ $1 == failed ]] && { echo "no (not measured)"; return; }
  python3 -c "import sys; print('yes' if float(sys.argv[1]) >= float(sys.argv[2]) else 'no')" "$1" "$2"
}
echo "@@ targets"
for m in tcp:TCP udp:UDP; do
  k=${m%%:*} label=${m#*:}
  r=$(median_ratio "$k" nft)
  echo "| forwarding, $label: jalur ≥ 1.0 × the nftables way (median of rounds) | $r | $(met "$r" 1.0) |"
  r=$(median_ratio "$k" plain)
  echo "| forwarding, $label: jalur ≥ 0.95 × plain routing (median of rounds) | $r | $(met "$r" 0.95) |"
done
echo
