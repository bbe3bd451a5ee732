#!/usr/bin/env bash
# XDP + tc per-packet cost on real traffic in the lab, from the kernel's own
# BPF run-time statistics (kernel.bpf_stats_enabled, turned on only for the
# measurement and restored after). Prints run_time_ns / run_cnt of each
# program attached in the lab's router, as a Markdown table.
#
#   sudo bash bench/run_time_stats.sh [CONNECTIONS_PER_CLIENT]   (default 500)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export JALUR_SOURCE_DIR=${JALUR_SOURCE_DIR:-$(dirname "$here")}
source "$JALUR_SOURCE_DIR/tests/e2e/lib.sh"

was=$(sysctl -n kernel.bpf_stats_enabled)
e2e_begin --isps 2 --clients 4
trap 'sysctl -qw kernel.bpf_stats_enabled=$was; e2e_end' EXIT
write_config "$E2E_TMP/jalur.yaml" 1 1
agent_start "$E2E_TMP/jalur.yaml"
sysctl -qw kernel.bpf_stats_enabled=1
connect_all 4 "${1:-500}" >/dev/null
# long-lived flows too: the established path dominates a real site
for c in 1 2 3 4; do lab_exec "$LAB" "c$c" curl -s -m 10 -o /dev/null "http://198.51.100.10/bytes?n=20000000" & done
wait_until 30 bash -c '! pgrep -f "bytes?n=20000000" >/dev/null'
sysctl -qw kernel.bpf_stats_enabled="$was"
echo "@@ run_time_stats"
echo "| program | runs | ns/run |"
echo "|---|---:|---:|"
# bpftool prog show lists every program on the machine (other agents'
# too): only the ones attached in this lab's router count
ids=$(lab_exec "$LAB" rtr bpftool net show -j | python3 -c '
import json, sys
print(" ".join(sorted({str(a["id"]) for ns in json.load(sys.stdin) for kind in ("xdp", "tc") for a in ns.get(kind, [])})))')
bpftool prog show -j | python3 -c '
import json, sys
ids = set(int(i) for i in sys.argv[1].split())
for p in json.load(sys.stdin):
    if p["id"] in ids and p.get("run_cnt"):
        print("| %s | %s | %.0f |" % (p["name"], format(p["run_cnt"], ","), p["run_time_ns"] / p["run_cnt"]))
' "$ids"
echo
