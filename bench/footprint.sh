#!/usr/bin/env bash
# The agent's footprint: memory (VmRSS, VmHWM from /proc) and CPU (utime +
# stime over a window, and the threads' exact run time from schedstat) at
# idle with 2 WANs and default probing, and with 8 WANs each probing 4
# targets every 200 ms (issue 5's load: under 1 % of one core, RSS within
# 30 MiB); then the kernel memory of every map at default sizes
# (bytes_memlock of each pinned map, as `bpftool map show` reports it).
#
#   sudo bash bench/footprint.sh [SECONDS]        (default 20 per setup; ~2 min)
source "$(dirname "$0")/lib.sh"
secs=${1:-20}
hz=$(getconf CLK_TCK)

e2e_begin footprint --isps 8 --clients 1

kib() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$AGENT_PID/status"; }
ticks() { awk '{print $14 + $15}' "/proc/$AGENT_PID/stat"; } # utime + stime, every thread's, exited ones too
run_ns() { # on-CPU time of the threads alive now
  local t sum=0
  for t in /proc/"$AGENT_PID"/task/*/schedstat; do sum=$((sum + $(cut -d' ' -f1 "$t" 2>/dev/null || echo 0))); done
  echo "$sum"
}
probes() { # sent answered: every WAN's probes, summed
  lab_exec "$LAB" rtr "$JALUR_BIN" status --json --config "$AGENT_CONFIG" | python3 -c '
import json, sys
w = json.load(sys.stdin)["wans"]
print(sum(x["health"]["probes_sent"] for x in w), sum(x["health"]["probes_answered"] for x in w))'
}
wans_up() { # N: every WAN up in jalur status
  local up
  up=$(lab_exec "$LAB" rtr "$JALUR_BIN" status --json --config "$AGENT_CONFIG" |
    python3 -c 'import json,sys; print(sum(1 for w in json.load(sys.stdin)["wans"] if w["state"] == "up"))')
  ((up == $1))
}

# measure LABEL WANS: the agent running now, after it settles
measure() {
  local label=$1 wans=$2 t0 t1 n0 n1 w0 w1 s0 a0 s1 a1
  wait_until 30 wans_up "$wans"
  sleep 3 # start-up work (routes, first probe rounds) done
  read -r s0 a0 < <(probes)
  t0=$(ticks) n0=$(run_ns) w0=$(date +%s%N)
  sleep "$secs"
  t1=$(ticks) n1=$(run_ns) w1=$(date +%s%N)
  read -r s1 a1 < <(probes)
  python3 - "$label" "$(kib VmRSS)" "$(kib VmHWM)" "$(ls /proc/"$AGENT_PID"/task | wc -l)" \
    $((t1 - t0)) "$hz" $((n1 - n0)) $((w1 - w0)) $((s1 - s0)) $((a1 - a0)) "$E2E_TMP/last" <<'PY'
import sys
label, rss, hwm, threads, ticks, hz, run_ns, wall_ns, sent, answered, last = sys.argv[1:]
wall = int(wall_ns) / 1e9
cpu_ticks = int(ticks) / int(hz)
print(f"| {label} | {int(sent) / wall:.0f} ({answered} of {sent} answered) | {int(rss) / 1024:.1f} | "
      f"{int(hwm) / 1024:.1f} | {threads} | {cpu_ticks:.2f} s ({100 * cpu_ticks / wall:.2f} %) | "
      f"{int(run_ns) / 1e9:.3f} s ({100 * int(run_ns) / 1e9 / wall:.2f} %) |")
with open(last, "w") as f:  # for the targets: RSS MiB, CPU % of one core (the larger of the two ways)
    print(f"{int(rss) / 1024:.1f} {max(100 * cpu_ticks / wall, 100 * int(run_ns) / 1e9 / wall):.2f}", file=f)
PY
}

echo "@@ footprint.process"
echo "| setup | probes/s | VmRSS MiB | VmHWM MiB | threads | CPU over ${secs} s: utime+stime (% of one core) | CPU: threads' run time, schedstat (% of one core) |"
echo "|---|---:|---:|---:|---:|---:|---:|"

# idle: 2 WANs, default probing (a round a second: the gateway and the lab default targets)
write_config "$E2E_TMP/two.yaml" 1 1
agent_start "$E2E_TMP/two.yaml"
measure "2 WANs, default probing (1 s, the gateway and 3 default targets)" 2

# the maps at default sizes, from the pins of this agent
maps=$(for f in "$LAB_BPFFS"/jalur/*; do
  [[ -f "$f" ]] && bpftool map show pinned "$f" -j 2>/dev/null || true
done | python3 -c '
import json, sys
seen, out = set(), []
dec = json.JSONDecoder()
text = sys.stdin.read()
i = 0
while i < len(text):
    while i < len(text) and text[i].isspace():
        i += 1
    if i >= len(text):
        break
    m, i = dec.raw_decode(text, i)
    if m["id"] in seen:
        continue
    seen.add(m["id"])
    out.append(m)
total = sum(m.get("bytes_memlock", 0) for m in out)
out.sort(key=lambda m: -m.get("bytes_memlock", 0))
print("| map | type | max entries | memory (bytes_memlock) |")
print("|---|---|---:|---:|")
for m in out:
    b = m.get("bytes_memlock", 0)
    size = "%.1f MiB" % (b / 2**20) if b >= 2**20 else "%.1f KiB" % (b / 1024)
    print("| %s | %s | %s | %s |" % (m.get("name", "?"), m.get("type", "?"), format(m.get("max_entries", 0), ","), size))
print("| **total** (%d maps) | | | **%.1f MiB** |" % (len(out), total / 2**20))
')
agent_stop

# load: 8 WANs, 4 targets each, a round every 200 ms (160 probes a second)
write_config "$E2E_TMP/eight.yaml" 1 1 1 1 1 1 1 1 -- \
  "health: {interval: 200ms, timeout: 200ms, targets: [gateway, 198.51.100.10, 203.0.113.10, 100.100.1.2]}"
agent_start "$E2E_TMP/eight.yaml"
measure "8 WANs, 4 ICMP targets each, every 200 ms" 8
agent_stop
read -r rss8 cpu8 <"$E2E_TMP/last"

# the same load with one target of each kind: ICMP, a TCP connect, an HTTP
# GET (libcurl) and a DNS query per WAN and round
write_config "$E2E_TMP/mixed.yaml" 1 1 1 1 1 1 1 1 -- \
  "health: {interval: 200ms, timeout: 200ms, targets: [gateway, \"tcp://198.51.100.10:80\", \"http://198.51.100.10/\", \"dns://203.0.113.10/example.com\"]}"
agent_start "$E2E_TMP/mixed.yaml"
measure "8 WANs, ICMP + TCP + HTTP + DNS each, every 200 ms" 8
agent_stop
read -r rss8m cpu8m <"$E2E_TMP/last"

echo
echo "@@ footprint.maps"
echo "$maps"
echo
echo "@@ targets"
rss=$(python3 -c "print(max($rss8, $rss8m))")
echo "| agent RSS with 8 WANs ≤ 30 MiB (the larger setup) | $rss MiB | $(python3 -c "print('yes' if $rss <= 30 else 'no')") |"
echo "| agent CPU, 8 WANs × 4 ICMP targets every 200 ms, < 1 % of one core | $cpu8 % | $(python3 -c "print('yes' if $cpu8 < 1 else 'no')") |"
echo "| agent CPU, 8 WANs × ICMP, TCP, HTTP and DNS every 200 ms, < 1 % of one core | $cpu8m % | $(python3 -c "print('yes' if $cpu8m < 1 else 'no')") |"
echo
