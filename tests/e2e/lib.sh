#!/usr/bin/env bash
# Shared by every e2e test: the lab, a trap that always tears it down,
# waiting on conditions (never fixed sleeps), assertions, and the agent.
#
#   source "$(dirname "$0")/lib.sh"
#   e2e_begin [PREFIX] [--isps N] [--clients M]   # $LAB, $E2E_TMP, LAB_* (lab_info)
set -euo pipefail

# ctest sets both; standalone (bash tests/e2e/x.sh) they come from here
E2E_SRC=${JALUR_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
JALUR_BIN=${JALUR_BIN:-$E2E_SRC/build/userspace/jalur}
# shellcheck source-path=SCRIPTDIR/../.. source=tools/lab/lab.sh
source "$E2E_SRC/tools/lab/lab.sh"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

note() { echo "--- $*"; }

# wait_until SECONDS CMD...: polls CMD (every 50 ms) until it succeeds;
# fails the test after SECONDS
wait_until() {
  local limit=$1
  shift
  lab_wait_until "$limit" "$@" || fail "timed out after ${limit}s waiting for: $*"
}

assert_eq() { [[ "$1" == "$2" ]] || fail "${3:-values differ}: expected '$2', got '$1'"; }

# assert_in_range VALUE LO HI MESSAGE (integers)
assert_in_range() {
  [[ "$1" =~ ^-?[0-9]+$ ]] || fail "$4: '$1' is not an integer"
  (($1 >= $2 && $1 <= $3)) || fail "$4: $1 not in [$2, $3]"
}

# assert_fails MESSAGE CMD...: CMD must fail (its output is discarded)
assert_fails() {
  local msg=$1
  shift
  if "$@" >/dev/null 2>&1; then fail "$msg: succeeded: $*"; fi
}

E2E_LABS=()
E2E_CLEANUPS=()

# e2e_cleanup CMD: runs CMD (with eval) at exit, before the labs go down;
# for what a test starts itself (a Prometheus server, a capture)
e2e_cleanup() { E2E_CLEANUPS+=("$1"); }

# e2e_begin [PREFIX] [lab_up options]: a lab with a unique name ($LAB, its
# variables loaded, see lab_info) and a temp dir ($E2E_TMP), both removed on
# any exit: pass, failure or signal.
e2e_begin() {
  local prefix=e2e
  if (($#)) && [[ "$1" != --* ]]; then
    prefix=$1
    shift
  fi
  E2E_TMP=$(mktemp -d)
  trap 'e2e_end' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  lab_gc # labs left by tests that were SIGKILLed
  e2e_new_lab "$prefix" "$@"
  LAB=$E2E_LAST_LAB
  lab_load "$LAB"
}

# e2e_new_lab PREFIX [lab_up options]: one more lab ($E2E_LAST_LAB), torn
# down with the others at exit
e2e_new_lab() {
  local prefix=$1
  shift
  E2E_LAST_LAB=$(lab_unique_name "$prefix")
  E2E_LABS+=("$E2E_LAST_LAB")
  lab_up "$E2E_LAST_LAB" "$@"
}

e2e_end() {
  local rc=$? lab cmd
  for cmd in "${E2E_CLEANUPS[@]}"; do eval "$cmd" || true; done
  agent_stop 2>/dev/null || true
  if ((rc != 0)) && [[ -n "${E2E_TMP:-}" && -f "$E2E_TMP/agent.log" ]]; then
    echo "--- agent log (last 30 lines)" >&2
    tail -30 "$E2E_TMP/agent.log" >&2
  fi
  for lab in "${E2E_LABS[@]}"; do lab_down "$lab"; done
  rm -rf "${E2E_TMP:-/nonexistent}"
  exit "$rc"
}

# health.default_targets for every lab config: the built-in ones are public
# resolvers, and no test may send a packet to a public address
LAB_DEFAULT_TARGETS="[$LAB_SERVER, $LAB_SERVER_ALT, '$LAB_SERVER6']"

# write_config FILE WEIGHT... [-- extra yaml]: one WAN per weight, balanced;
# a top-level `health: {...}` among the extras gets the lab's default targets
write_config() {
  local file=$1 k=1 w extra=0 health=0 rest
  shift
  for w in "$@"; do [[ "$w" != "health:"* ]] || health=1; done
  {
    echo "bpffs: $LAB_BPFFS/jalur"
    echo "state_dir: ${E2E_TMP:-/tmp}/state"
    echo "log_level: debug"
    echo "lan: br-lan"
    # before wans: tests append WANs to the file
    ((health)) || echo "health: {default_targets: $LAB_DEFAULT_TARGETS}"
    echo "wans:"
    for w in "$@"; do
      if [[ "$w" == "--" ]]; then break; fi
      echo "  - {name: isp$k, interface: wan$k, gateway: 100.64.$k.1, gateway6: '2001:db8:10$k::1', weight: $w}"
      k=$((k + 1))
    done
    # extra YAML after "--"
    for w in "$@"; do
      if ((extra)); then
        if [[ "$w" == "health: {"* ]]; then
          rest=${w#health: \{}
          w="health: {default_targets: $LAB_DEFAULT_TARGETS$([[ $rest == "}" ]] || echo ,) $rest"
        elif [[ "$w" == "health:"* ]]; then # block style would miss them
          echo "write_config: write health as {...}" >&2
          return 1
        fi
        echo "$w"
      fi
      if [[ "$w" == "--" ]]; then extra=1; fi
    done
  } >"$file"
}

# agent_start CONFIG [RUN_OPTION...]: jalur run in the router namespace, until it is ready
agent_start() {
  AGENT_CONFIG=$1
  shift
  local runs
  runs=$(grep -c "jalur running" "$E2E_TMP/agent.log" 2>/dev/null || true)
  # ip netns exec execs the agent: $! is the agent itself, for signals
  ip netns exec "$LAB_ROUTER" "$JALUR_BIN" run --config "$AGENT_CONFIG" "$@" >>"$E2E_TMP/agent.log" 2>&1 &
  AGENT_PID=$!
  wait_until 10 _agent_started_more_than "${runs:-0}"
}

_agent_started_more_than() { (($(grep -c "jalur running" "$E2E_TMP/agent.log") > $1)); }

agent_stop() { # SIGTERM; waits for it to finish its teardown
  [[ -n "${AGENT_PID:-}" ]] || return 0
  kill -TERM "$AGENT_PID" 2>/dev/null || true
  wait "$AGENT_PID" 2>/dev/null || true
  AGENT_PID=
}

agent_kill() { # SIGKILL: no teardown at all
  kill -KILL "$AGENT_PID"
  wait "$AGENT_PID" 2>/dev/null || true
  AGENT_PID=
}

# router_state: what an agent may change on the router, for comparisons:
# rules, routes, links (with their XDP programs), qdiscs, the tc filters of
# every interface, what the bpffs holds (inode and mtime of each entry: a pin made anew
# has another inode), mounts on it and the agent's pid file
router_state() {
  local dev dir
  lab_exec "$LAB" rtr ip -4 rule show
  lab_exec "$LAB" rtr ip -6 rule show
  lab_exec "$LAB" rtr ip -4 route show table all
  lab_exec "$LAB" rtr ip -6 route show table all | sed 's/ expires [0-9]*sec//'
  lab_exec "$LAB" rtr ip -o link show
  lab_exec "$LAB" rtr tc qdisc show
  for dev in $(lab_exec "$LAB" rtr ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1); do
    for dir in ingress egress; do
      echo "filters $dev $dir:"
      lab_exec "$LAB" rtr tc filter show dev "$dev" "$dir" 2>&1 || true
    done
  done
  find "$LAB_BPFFS" -mindepth 1 -printf '%i %p %T@\n' | sort -k2
  grep " $LAB_BPFFS" /proc/self/mounts || true
  cat "/run/jalur/$(tr / _ <<<"$LAB_BPFFS/jalur").pid" 2>&1 || true
}

# assert_same_state BEFORE AFTER MESSAGE: two router_state outputs
assert_same_state() {
  [[ "$1" == "$2" ]] && return 0
  diff <(echo "$1") <(echo "$2") >&2 || true
  fail "$3 (diff above)"
}

# connect_from CLIENT COUNT [SERVER]: COUNT short connections; prints how many succeeded
connect_from() {
  lab_exec "$LAB" "c$1" "$LAB_PYTHON" "$E2E_SRC/tools/lab/clients/connect.py" "${3:-198.51.100.10}" "$2"
}

# connect_all CLIENTS EACH: EACH connections from each of clients 1..CLIENTS
# at once; prints how many succeeded in all
connect_all() {
  local c pids=() total=0
  for ((c = 1; c <= $1; c++)); do
    connect_from "$c" "$2" >"$E2E_TMP/ok$c" &
    pids+=($!)
  done
  wait "${pids[@]}" # not a bare wait: the agent runs in the background too
  for ((c = 1; c <= $1; c++)); do total=$((total + $(cat "$E2E_TMP/ok$c"))); done
  echo "$total"
}

# the agent's log: lines matching a pattern (grep -E not implied)
log_count() { grep -c -- "$1" "$E2E_TMP/agent.log" || true; }
_logged() { (($(log_count "$1") > 0)); }
_more_than() { (($(log_count "$1") > $2)); } # PATTERN N

# wan_metric FAMILY WAN: the agent's per-WAN sample from /metrics (its default listen)
wan_metric() {
  lab_exec "$LAB" rtr curl -sf -m 5 http://127.0.0.1:9464/metrics |
    awk -v series="$1{wan=\"$2\"}" '$1 == series { print $2 }'
}

# wan_status WAN KEY: a field of the WAN's entry in the agent's /status
# JSON ("state", "fwmark", "health.state", "health.last_failure"); "absent"
# when the WAN is not listed, "-" when it has no such field (a transition
# count before the first transition)
wan_status() {
  lab_exec "$LAB" rtr curl -sf -m 5 http://127.0.0.1:9464/status |
    "$LAB_PYTHON" -c '
import json, sys
wan, key = sys.argv[1], sys.argv[2]
for w in json.load(sys.stdin)["wans"]:
    if w["name"] == wan:
        for part in key.split("."):
            w = w.get(part, "-") if isinstance(w, dict) else "-"
        print(w)
        break
else:
    print("absent")' "$1" "$2"
}
_wan_status_is() { [[ "$(wan_status "$1" "$2")" == "$3" ]]; } # WAN KEY VALUE

# udhcpc_lease NETNS [TIMEOUT]: one DISCOVER..ACK by busybox udhcpc on the
# namespace's eth0, TIMEOUT seconds per try (default 1); prints "address
# server", or nothing without a lease
udhcpc_lease() {
  local script=$E2E_TMP/udhcpc-lease.sh out=$E2E_TMP/udhcpc-lease
  [[ -x "$script" ]] || {
    printf '#!/bin/sh\n[ "$1" = bound ] && echo "$ip $serverid" >>"$LEASES"\nexit 0\n' >"$script"
    chmod +x "$script"
  }
  : >"$out"
  LEASES="$out" ip netns exec "$1" udhcpc -i eth0 -f -q -n -t 3 -T "${2:-1}" -A 1 -s "$script" >/dev/null 2>&1 || true
  cat "$out"
}

# the internet server's connection counts per source address (JSON)
server_counts() { lab_exec "$LAB" inet curl -s -m 5 http://198.51.100.10/stats; }
server_reset() { lab_exec "$LAB" inet curl -s -m 5 http://198.51.100.10/reset >/dev/null; }
count_for() { # COUNTS_JSON ISP_INDEX
  python3 -c 'import json,sys; print(json.loads(sys.argv[1]).get(sys.argv[2], 0))' "$1" "100.64.$2.2"
}
