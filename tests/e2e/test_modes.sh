#!/usr/bin/env bash
# Balancing by capacity, load and latency (issue 25) on two links shaped
# 4:1 with tbf (8 and 2 Mbit/s each way):
#   least-loaded   5 simultaneous downloads split 4/1, in every trial of 10
#   overflow       new connections stay on the first link until a download
#                  fills it past overflow_at, then spill to the second
#   lowest-latency new connections leave a link whose queue a bulk download
#                  filled (its handshakes got slow), one link then the other
source "$(dirname "$0")/lib.sh"

e2e_begin --isps 2 --clients 1
shape() { # K MBIT: both directions of ISP K's link; a queue of up to 400 ms
  ip netns exec "$LAB_ROUTER" tc qdisc replace dev "wan$1" root tbf rate "${2}mbit" burst 32kbit latency 400ms
  ip netns exec "$(lab_ns "$LAB" "isp$1")" tc qdisc replace dev gw root tbf rate "${2}mbit" burst 32kbit latency 400ms
}
shape 1 8
shape 2 2
# write_config puts a WAN's "weight" last in its {...}: the bandwidth rides along
bw() { echo "1, bandwidth: {down: ${1}mbit, up: ${1}mbit}"; }

# balancing EXPR: a Python expression over b, /status's "balancing" section
balancing() {
  lab_exec "$LAB" rtr curl -sf -m 5 http://127.0.0.1:9464/status |
    "$LAB_PYTHON" -c "import json, sys; b = json.load(sys.stdin)['balancing']; print($1)"
}
# nothing measured and nothing just assigned on either link
_quiet() {
  [[ "$(balancing "all(w['utilisation_percent'] < 3 and w['just_assigned'] == 0 for w in b['wans'])")" == True ]]
}
utilisation() { balancing "[w['utilisation_percent'] for w in b['wans'] if w['wan'] == '$1'][0]"; }
_filled() { (($(utilisation "$1") >= $2)); } # WAN PERCENT

downloads() { # N BYTES [SERVER]: N at once; the JSON of downloads.py
  lab_exec "$LAB" c1 "$LAB_PYTHON" "$E2E_SRC/tools/lab/clients/downloads.py" "${3:-198.51.100.10}" "$1" "$2" 60
}

# --- least-loaded: a burst of 5 downloads splits as the capacities do
write_config "$E2E_TMP/ll.yaml" "$(bw 8)" "$(bw 2)" -- "policies:" \
  "  - {name: p, mode: least-loaded, members: [isp1, isp2]}"
agent_start "$E2E_TMP/ll.yaml"
wait_until 10 balancing "b['wans']" # measured from the first tick on
for trial in $(seq 1 10); do
  wait_until 20 _quiet
  server_reset
  out=$(downloads 5 500000)
  counts=$(server_counts)
  a=$(count_for "$counts" 1) b=$(count_for "$counts" 2)
  note "least-loaded, trial $trial: isp1 $a, isp2 $b: $out"
  assert_eq "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["ok"])' "$out")" 5 "downloads completed"
  assert_eq "$a/$b" "4/1" "downloads on isp1/isp2 in trial $trial"
done
agent_stop

# --- overflow: isp1 until it is half full, then isp2
write_config "$E2E_TMP/of.yaml" "$(bw 8)" "$(bw 2)" -- "policies:" \
  "  - {name: p, mode: overflow, overflow_at: 50%, members: [isp1, isp2]}"
agent_start "$E2E_TMP/of.yaml"
wait_until 10 balancing "b['wans']"
wait_until 20 _quiet
server_reset
assert_eq "$(connect_from 1 20)" 20 "connections that succeeded"
counts=$(server_counts)
assert_eq "$(count_for "$counts" 1)/$(count_for "$counts" 2)" "20/0" "short connections on isp1/isp2 below the threshold"
downloads 1 12000000 >"$E2E_TMP/bulk.json" & # 12 s at 8 Mbit/s
bulk=$!
wait_until 10 _filled isp1 50
server_reset
assert_eq "$(connect_from 1 10)" 10 "connections that succeeded"
counts=$(server_counts)
assert_eq "$(count_for "$counts" 1)/$(count_for "$counts" 2)" "0/10" "new connections on isp1/isp2 past the threshold"
note "overflow: spilled to isp2 at $(utilisation isp1)% of isp1"
wait "$bulk"
agent_stop

# --- lowest-latency: new connections leave a link whose queue a bulk
# download filled (its handshakes and probes got slow), both ways round.
# The bulk downloads go to the server's other addresses, pinned to a link.
write_config "$E2E_TMP/lat.yaml" "$(bw 8)" "$(bw 2)" -- "policies:" \
  "  - {name: p, mode: lowest-latency, members: [isp1, isp2]}" \
  "  - {name: pin1, members: [isp1]}" \
  "  - {name: pin2, members: [isp2]}" \
  "rules:" "  - {dst: ['$LAB_SERVER6/128'], policy: pin1}" "  - {dst: [$LAB_SERVER_ALT/32], policy: pin2}" \
  "default_policy: p"
agent_start "$E2E_TMP/lat.yaml"
# new connections measure the queue on whichever link they take; a link
# without them is measured by its probes
_chooses() { # WAN
  connect_from 1 2 >/dev/null
  [[ "$(balancing "b['choices']['p']")" == "$1" ]]
}
rtts() { balancing "[w['handshake_rtt_ms'] for w in b['wans']]"; }
for way in "isp2 $LAB_SERVER_ALT isp1 3000000" "isp1 $LAB_SERVER6 isp2 12000000"; do
  read -r slow server fast bytes <<<"$way"
  downloads 1 "$bytes" "$server" >"$E2E_TMP/bulk.json" & # 12 s either way
  bulk=$!
  wait_until 10 _filled "$slow" 80
  wait_until 20 _chooses "$fast"
  note "lowest-latency: $slow filled, RTT isp1, isp2: $(rtts) ms"
  server_reset
  assert_eq "$(connect_from 1 10)" 10 "connections that succeeded"
  counts=$(server_counts)
  want=$([[ $fast == isp1 ]] && echo "10/0" || echo "0/10")
  assert_eq "$(count_for "$counts" 1)/$(count_for "$counts" 2)" "$want" "new connections on isp1/isp2 while $slow's queue is full"
  wait "$bulk"
done
agent_stop
echo "PASS"
