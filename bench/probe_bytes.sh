#!/usr/bin/env bash
# Probe bytes per day on a metered WAN (issue 20): the default profile
# (a round a second) and the fast one (every 200 ms), each with thrifty
# probing off and on, idle and under steady traffic (a rate-limited
# download through the WAN). The cost is jalur's own count of its probes'
# bytes on the wire (/status quota.probe_bytes: exact for ICMP echo, which
# the lab's targets are), over a measured interval, extrapolated to a day.
#
#   sudo bash bench/probe_bytes.sh [SECONDS]      (default 20 per measurement; ~4 min)
source "$(dirname "$0")/lib.sh"
secs=${1:-20}

e2e_begin probebytes --isps 2 --clients 1

cost() { # bytes sent + received by isp2's probes, and rounds skipped
  lab_exec "$LAB" rtr curl -sf -m 5 http://127.0.0.1:9464/status |
    python3 -c 'import json,sys; p = json.load(sys.stdin)["quota"]["probe_bytes"]["isp2"]; print(p["sent"] + p["received"], p["rounds_skipped"])'
}
_isp2_up() { [[ "$(wan_status isp2 health.state)" == up ]]; }
_probes_counted() { lab_exec "$LAB" rtr curl -sf -m 5 http://127.0.0.1:9464/status | grep -q '"probe_bytes":{"isp1"'; }

# measure LABEL TRAFFIC(0|1): prints a table row
measure() {
  local b0 k0 b1 k1 pid=
  if (($2)); then # a download through isp2 at 1 MB/s for the whole interval
    lab_exec "$LAB" c1 "$LAB_PYTHON" "$E2E_SRC/tools/lab/clients/paced_get.py" 203.0.113.10 1000000000 1000000 $((secs + 3)) >/dev/null &
    pid=$!
    sleep 2 # the download is under way
  fi
  read -r b0 k0 < <(cost)
  sleep "$secs"
  read -r b1 k1 < <(cost)
  [[ -z "$pid" ]] || wait "$pid" || true
  awk -v l="$1" -v b=$((b1 - b0)) -v k=$((k1 - k0)) -v s="$secs" \
    'BEGIN { printf "| %s | %.0f | %.1f MB | %d |\n", l, b / s, b / s * 86400 / 1e6, k }'
}

echo "| isp2 (ICMP echo to its gateway and the lab's default targets), over ${secs} s | bytes/s | per day | rounds skipped |"
echo "|---|---:|---:|---:|"
for profile in default fast; do
  for metered in off on; do
    timing=""
    [[ $profile == fast ]] && timing="interval: 200ms, timeout: 200ms, down: 2, up: 3, "
    write_config "$E2E_TMP/jalur.yaml" 1 1 -- \
      "policies:" "  - {name: sim, members: [{wan: isp2, tier: 1}, {wan: isp1, tier: 2}]}" "default_policy: sim"
    sed -i "s/\(name: isp2, .*\)}\$/\1, quota: {limit: 30GB}, health: {${timing}metered: $metered}}/" "$E2E_TMP/jalur.yaml"
    agent_start "$E2E_TMP/jalur.yaml"
    wait_until 20 _isp2_up
    wait_until 5 _probes_counted
    measure "$profile profile, thrifty $metered, idle" 0
    measure "$profile profile, thrifty $metered, 1 MB/s download" 1
    agent_stop
  done
done
