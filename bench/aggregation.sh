#!/usr/bin/env bash
# Aggregation, the seeds' own test: every ISP link shaped to the same rate
# with tbf (both directions), then a 16-stream download and upload from one
# LAN client through jalur balancing 2, 3 and 4 WANs, against plain routing
# through one WAN. The seed's two-ISP MikroTik PCC site reached 19.18 Mbit/s
# down and 18.47 up combined on its links; the ratio combined/single is what
# compares.
#
#   sudo bash bench/aggregation.sh [RATE_MBIT]        (default 20; ~1.5 min)
source "$(dirname "$0")/lib.sh"
rate=${1:-20}
secs=5

declare -A ratio
bench_begin --isps 4 --clients 1
for k in 1 2 3 4; do
  # upload leaves the router by wanK, download leaves the ISP by gw
  ip netns exec "$RTR" tc qdisc add dev "wan$k" root tbf rate "${rate}mbit" burst 32kbit latency 50ms
  ip netns exec "$(lab_ns "$LAB" "isp$k")" tc qdisc add dev gw root tbf rate "${rate}mbit" burst 32kbit latency 50ms
done

mbps() { # iperf3 options...
  lab_exec "$LAB" c1 iperf3 -c 198.51.100.10 -t "$secs" -P 16 -J "$@" |
    python3 -c 'import json,sys; print("%.1f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e6))'
}

ip -n "$RTR" route replace default via 100.64.1.1 dev wan1 metric 50
single_down=$(mbps -R) single_up=$(mbps)
ip -n "$RTR" route del default via 100.64.1.1 dev wan1 metric 50
echo "@@ aggregation"
echo "| WANs | download Mbit/s | upload Mbit/s | download / one WAN | upload / one WAN |"
echo "|---|---|---|---|---|"
echo "| 1 (plain routing) | $single_down | $single_up | 1.00 | 1.00 |"
for n in 2 3 4; do
  weights=()
  for ((k = 1; k <= n; k++)); do weights+=(1); done
  write_config "$E2E_TMP/jalur.yaml" "${weights[@]}"
  agent_start "$E2E_TMP/jalur.yaml"
  down=$(mbps -R) up=$(mbps)
  agent_stop
  rd=$(python3 -c "print('%.2f' % ($down / $single_down))") ru=$(python3 -c "print('%.2f' % ($up / $single_up))")
  echo "| $n | $down | $up | $rd | $ru |"
  ratio[$n]="$rd $ru"
done
echo
# targets: 2 links give >= 1.9x one, 4 give >= 3.7x (both directions)
echo "@@ targets"
for t in 2:1.9 4:3.7; do
  n=${t%%:*} want=${t#*:}
  read -r rd ru <<<"${ratio[$n]}"
  ok=$(python3 -c "print('yes' if min($rd, $ru) >= $want else 'no')")
  echo "| aggregation: $n WANs ≥ ${want} × one (download, upload) | $rd, $ru | $ok |"
done
echo
