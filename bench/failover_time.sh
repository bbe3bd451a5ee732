#!/usr/bin/env bash
# Failover time, measured in the lab: from the moment ISP1 fails to the
# first new connection that succeeds through ISP2, and from ISP1's return to
# the first new connection through ISP1 again. A primary/backup policy, so
# every new connection takes ISP1 while it is up.
#
#   sudo bash bench/failover_time.sh [RUNS] [CASE...]    (default 20 runs, every case)
#
# CASE: fast-carrier fast-blackhole default-carrier default-blackhole
#       probes-only-blackhole passive smallest-blackhole smallest-passive
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export JALUR_SOURCE_DIR=${JALUR_SOURCE_DIR:-$(dirname "$here")}
source "$JALUR_SOURCE_DIR/tests/e2e/lib.sh"
runs=${1:-20}
shift || true
cases=${*:-fast-carrier fast-blackhole default-carrier default-blackhole probes-only-blackhole passive smallest-blackhole smallest-passive}
want() { [[ " $cases " == *" $1 "* ]]; }

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# Every attempt from its own source port, never used before in the run: the
# flow table keeps a connection's WAN after the connection ends, so a new
# connection that reuses a 5-tuple (the kernel picks ephemeral ports again
# within seconds) follows the old one's WAN, not the current decision, and
# would make a failover or a return look instant.
NEXT_PORT=1024

# first_success_via ADDR: sets TOOK to the ms until a new connection from
# client 1 is seen from ADDR (each attempt bounded by a 200 ms connect
# timeout)
first_success_via() {
  local want=$1 start got
  start=$(now_ms)
  while true; do
    ((NEXT_PORT <= 32767)) || { echo "out of source ports (1024..32767): fewer RUNS" >&2; exit 1; }
    got=$(lab_exec "$LAB" c1 curl -s --local-port "$NEXT_PORT" --connect-timeout 0.2 -m 1 http://198.51.100.10/ ||
      true)
    NEXT_PORT=$((NEXT_PORT + 1))
    [[ "$got" == "$want" ]] && break
    (($(now_ms) - start < 60000)) || { echo "no connection via $want within 60 s" >&2; exit 1; }
  done
  TOOK=$(($(now_ms) - start))
}

stats() { # values... -> "median M ms, worst W ms"
  printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {printf "median %d ms, worst %d ms", v[int((NR+1)/2)], v[NR]}'
}

# A failure at a random point of the probe round: the return is seen at a
# round's end, so a failure right after it would always land at the same
# phase and measure the slowest case every time.
random_phase() { # INTERVAL_MS
  sleep "$(awk -v r="$RANDOM" -v i="$1" 'BEGIN {printf "%.3f", r % i / 1000}')"
}

measure() { # PROFILE_YAML FAILURE (carrier|blackhole) LABEL INTERVAL_MS
  local profile=$1 failure=$2 label=$3 interval=$4 down=() back=() i
  write_config "$E2E_TMP/jalur.yaml" 1 1 -- "policies:" \
    "  - {name: default, members: [{wan: isp1, tier: 1}, {wan: isp2, tier: 2}]}" "health: $profile"
  agent_start "$E2E_TMP/jalur.yaml"
  first_success_via 100.64.1.2
  for ((i = 0; i < runs; i++)); do
    random_phase "$interval"
    if [[ $failure == carrier ]]; then lab_impair "$LAB" 1 carrier-down; else lab_impair "$LAB" 1 blackhole; fi
    first_success_via 100.64.2.2
    down+=("$TOOK")
    if [[ $failure == carrier ]]; then lab_impair "$LAB" 1 carrier-up; else lab_impair "$LAB" 1 restore; fi
    first_success_via 100.64.1.2
    back+=("$TOOK")
  done
  agent_stop
  echo "| $label | $failure | $(stats "${down[@]}") | $(stats "${back[@]}") |"
  WORST[$label,$failure]=$(printf '%s\n' "${down[@]}" | sort -n | tail -1)
}
declare -A WORST

# The passive signal under traffic: both WANs balanced 1:1 and a client
# opening 10 connections at a time all along; ms from the blackhole to the
# agent's "WAN isp1 down" (its log's timestamp).
log_ms() { # the epoch ms of the agent log's last line matching $1
  date -d "$(grep -- "$1" "$E2E_TMP/agent.log" | tail -1 | cut -d' ' -f1)" +%s%3N
}
_log_more_than() { (($(grep -c -- "$1" "$E2E_TMP/agent.log" || true) > $2)); }
measure_passive() { # PROFILE_YAML LABEL
  local profile=$1 label=$2 took=() i n t0
  write_config "$E2E_TMP/jalur.yaml" 1 1 -- "health: $profile"
  agent_start "$E2E_TMP/jalur.yaml"
  for ((i = 0; i < runs; i++)); do
    n=$(grep -c "WAN isp1 down" "$E2E_TMP/agent.log" || true)
    random_phase 1000
    lab_impair "$LAB" 1 blackhole
    t0=$(now_ms)
    while ! _log_more_than "WAN isp1 down" "$n" && (($(now_ms) - t0 < 30000)); do
      lab_exec "$LAB" c1 "$LAB_PYTHON" "$JALUR_SOURCE_DIR/tools/lab/clients/parallel_connect.py" \
        198.51.100.10 10 0.3 >/dev/null
    done
    took+=($(($(log_ms "WAN isp1 down") - t0)))
    n=$(grep -c "WAN isp1 up" "$E2E_TMP/agent.log" || true)
    lab_impair "$LAB" 1 restore
    wait_until 30 _log_more_than "WAN isp1 up" "$n"
  done
  agent_stop
  echo "| $label | blackhole, under traffic | $(stats "${took[@]}") | — |"
}

e2e_begin --isps 2 --clients 1
echo "@@ failover"
echo "| profile | failure | to the backup | back to the primary |"
echo "|---|---|---|---|"
fast="{interval: 200ms, timeout: 200ms, down: 2, up: 3, targets: [198.51.100.10]}"
default="{targets: [198.51.100.10]}"
probes_only="{targets: [198.51.100.10], passive: off}"
want fast-carrier && measure "$fast" carrier "fast (200ms, down 2, up 3)" 200
want fast-blackhole && measure "$fast" blackhole "fast (200ms, down 2, up 3)" 200
want default-carrier && measure "$default" carrier "default (1s, down 3, up 3)" 1000
# the primary/backup loop's own connections (through ISP2 while ISP1 was
# down) are the handshakes completing elsewhere: the passive signal plays
want default-blackhole && measure "$default" blackhole "default (1s, down 3, up 3)" 1000
want probes-only-blackhole && measure "$probes_only" blackhole "default, passive off (probes alone)" 1000
want passive && measure_passive "$default" "default, passive signal (1:1 balancing)"
# the smallest config (no health section): the gateway and the default
# targets (here the lab's, by write_config), every setting its default
smallest="{}"
want smallest-blackhole && measure "$smallest" blackhole "smallest config (gateway + default targets)" 1000
want smallest-passive && measure_passive "$smallest" "smallest config, under traffic (1:1 balancing)"
echo
echo "@@ targets"
target() { # LABEL FAILURE LIMIT_MS TEXT
  local w=${WORST[$1,$2]:-}
  [[ -n $w ]] || return 0
  echo "| failover, $4 ≤ $3 ms (worst of $runs) | $w ms | $( ((w <= $3)) && echo yes || echo no) |"
}
target "fast (200ms, down 2, up 3)" carrier 50 "carrier loss: to the backup"
target "fast (200ms, down 2, up 3)" blackhole 1000 "upstream blackhole, fast profile: to the backup"
echo
