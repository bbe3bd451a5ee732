#!/usr/bin/env bash
# Shared by the lab benchmarks: the e2e library (lab, agent, waits) and an
# iperf3 server on the internet's address.
set -euo pipefail
export JALUR_SOURCE_DIR=${JALUR_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
source "$JALUR_SOURCE_DIR/tests/e2e/lib.sh"

# bench_begin [lab_up options]: a lab (see e2e_begin) with iperf3 listening
# on 198.51.100.10; $RTR is the router's namespace
bench_begin() {
  e2e_begin bench "$@"
  RTR=$LAB_ROUTER
  ip netns exec "$(lab_ns "$LAB" inet)" iperf3 -s -D -B 198.51.100.10 --pidfile "$E2E_TMP/iperf3.pid"
  wait_until 5 test -s "$E2E_TMP/iperf3.pid"
}
