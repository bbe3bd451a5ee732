#!/usr/bin/env bash
# The balancing modes side by side (issue 25), on two links shaped with tbf
# (both directions; the second at 10 Mbit/s, the first at RATIO times that):
#   few large flows  5 simultaneous downloads of 1 MB per 10 Mbit/s of the
#                    links' combined capacity; the batch's completion time
#                    against the ideal (total bytes over the combined
#                    capacity measured alone, link by link), mean and worst
#                    over TRIALS, for hash (weights = the speed ratio) and
#                    least-loaded, at ratios 4:1 and 10:1
#   short requests   40 sequential short requests while a bulk download
#                    fills the first link's queue: p50 and p95 completion
#                    time, for hash and lowest-latency
# A measurement that fails is recorded as failed and the run goes on; the
# tables say how many failed. The established flow's per-packet cost is
# bench/bpf_cost's (run_all.sh runs both).
#
#   sudo bash bench/modes.sh [TRIALS]        (default 20; ~10 minutes)
source "$(dirname "$0")/lib.sh"
trials=${1:-20}
requests=40

bench_begin --isps 2 --clients 1
shape() { # K MBIT
  ip netns exec "$RTR" tc qdisc replace dev "wan$1" root tbf rate "${2}mbit" burst 32kbit latency 400ms
  ip netns exec "$(lab_ns "$LAB" "isp$1")" tc qdisc replace dev gw root tbf rate "${2}mbit" burst 32kbit latency 400ms
}
client_py() { lab_exec "$LAB" c1 "$LAB_PYTHON" "$E2E_SRC/tools/lab/clients/$1" "${@:2}"; }
balancing() {
  lab_exec "$LAB" rtr curl -sf -m 5 http://127.0.0.1:9464/status |
    python3 -c "import json, sys; b = json.load(sys.stdin)['balancing']; print($1)"
}
_filled() { (($(balancing "[w['utilisation_percent'] for w in b['wans'] if w['wan'] == 'isp1'][0]" 2>/dev/null || echo 0) >= 80)); }
_quiet() { [[ "$(balancing "all(w['utilisation_percent'] < 3 and w['just_assigned'] == 0 for w in b['wans'])" 2>/dev/null)" == True ]]; }
# seconds a batch took, or "failed"
batch_seconds() { # N BYTES
  client_py downloads.py 198.51.100.10 "$1" "$2" 120 |
    python3 -c 'import json, sys; r = json.load(sys.stdin); print(r["seconds"] if r["ok"] == int(sys.argv[1]) else "failed")' "$1" ||
    echo failed
}
# a link's capacity alone (bytes/s), by plain routing through it
link_rate() { # K
  local s
  ip -n "$RTR" route replace default via "100.64.$1.1" dev "wan$1" metric 50
  s=$(batch_seconds 4 2000000)
  ip -n "$RTR" route del default via "100.64.$1.1" dev "wan$1" metric 50
  [[ $s == failed ]] && echo failed || python3 -c "print(8000000 / $s)"
}
stats() { # VALUES... ("failed" among them): "mean worst (k failed)"
  python3 -c '
import sys
v = [float(x) for x in sys.argv[1:] if x != "failed"]
f = len(sys.argv) - 1 - len(v)
note = " (%d of %d failed)" % (f, len(sys.argv) - 1) if f else ""
print(("%.3f | %.3f" % (sum(v) / len(v), min(v)) if v else "failed | failed") + note)' "$@"
}

echo "@@ modes.large"
echo "| links | mode | batch / ideal, mean | worst | trials |"
echo "|---|---|---|---|---|"
declare -A RES
for ratio in 4 10; do
  shape 1 $((10 * ratio))
  shape 2 10
  cap1=$(link_rate 1) cap2=$(link_rate 2)
  echo "links ${ratio}:1: measured $cap1 and $cap2 bytes/s" >&2
  bytes=$((1000000 * (ratio + 1) / 5)) # each of 5
  for mode in hash least-loaded; do
    weights=("$ratio, bandwidth: {down: $((10 * ratio))mbit, up: $((10 * ratio))mbit}" "1, bandwidth: {down: 10mbit, up: 10mbit}")
    write_config "$E2E_TMP/m.yaml" "${weights[@]}" -- "policies:" "  - {name: p, mode: $mode, members: [isp1, isp2]}"
    agent_start "$E2E_TMP/m.yaml"
    vals=()
    for ((t = 1; t <= trials; t++)); do
      lab_wait_until 20 _quiet || true
      s=$(batch_seconds 5 "$bytes")
      if [[ $s == failed || $cap1 == failed || $cap2 == failed ]]; then
        vals+=(failed)
      else
        vals+=("$(python3 -c "print((5 * $bytes / ($cap1 + $cap2)) / $s)")")
      fi
      echo "${ratio}:1 $mode trial $t: ${vals[-1]}" >&2
    done
    agent_stop
    RES[$ratio,$mode]=$(stats "${vals[@]}")
    echo "| ${ratio}:1 | $mode | ${RES[$ratio,$mode]} | $trials |"
  done
done
echo

# short requests while a bulk download fills isp1's queue (links 4:1)
shape 1 40
shape 2 10
echo "@@ modes.latency"
echo "| mode | p50 ms | p95 ms | failed of $requests |"
echo "|---|---|---|---|"
declare -A P50
for mode in hash lowest-latency; do
  write_config "$E2E_TMP/l.yaml" "4, bandwidth: {down: 40mbit, up: 40mbit}" "1, bandwidth: {down: 10mbit, up: 10mbit}" -- \
    "policies:" "  - {name: p, mode: $mode, members: [isp1, isp2]}" "  - {name: pin1, members: [isp1]}" \
    "rules:" "  - {dst: [$LAB_SERVER_ALT/32], policy: pin1}" "default_policy: p"
  agent_start "$E2E_TMP/l.yaml"
  client_py downloads.py "$LAB_SERVER_ALT" 4 25000000 60 >/dev/null & # ~20 s at 40 Mbit/s
  bulk=$!
  lab_wait_until 10 _filled || echo "isp1 not filled by the bulk download" >&2
  client_py timed_requests.py 198.51.100.10 10 >/dev/null || true # warm the latency measurement
  read -r p50 p95 failed < <(client_py timed_requests.py 198.51.100.10 "$requests" | python3 -c '
import json, sys
t = json.load(sys.stdin)
ok = sorted(x * 1000 for x in t if x is not None)
pick = lambda q: "%.1f" % ok[min(len(ok) - 1, int(q * len(ok)))] if ok else "failed"
print(pick(0.5), pick(0.95), len(t) - len(ok))' || echo "failed failed $requests")
  wait "$bulk" || true
  agent_stop
  P50[$mode]=$p50
  echo "| $mode | $p50 | $p95 | $failed |"
done
echo

echo "@@ targets"
for ratio in 4 10; do
  read -r mean worst _ <<<"${RES[$ratio,least-loaded]//|/ }"
  ok=$(python3 -c "print('yes' if '$mean' != 'failed' and float('$mean') >= 0.95 and float('$worst') >= 0.85 else 'no')")
  echo "| modes: least-loaded at ${ratio}:1, batch ≥ 0.95 of ideal (mean), ≥ 0.85 (worst) | $mean, $worst | $ok |"
done
ok=$(python3 -c "
a, b = '${P50[lowest-latency]}', '${P50[hash]}'
print('yes' if 'failed' not in (a, b) and float(a) <= float(b) / 2 else 'no')")
echo "| modes: lowest-latency p50 ≤ half of hash's with one link saturated | ${P50[lowest-latency]} vs ${P50[hash]} ms | $ok |"
echo
