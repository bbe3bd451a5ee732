#!/usr/bin/env bash
# Every benchmark, one after the other, with repeat counts that keep the
# whole run under 15 minutes on a 2-core VM; then docs/BENCHMARKS.md is
# rewritten from bench/BENCHMARKS.md.in with this run's tables (the prose
# lives in the template: edit that, not the doc).
#
#   sudo bash bench/run_all.sh [RESULTS_DIR]
#
# Each benchmark's stdout, stderr, command and exit code/time go to
# RESULTS_DIR (default: a new /tmp/jalur-bench.XXXXXX, kept). A benchmark
# that fails or runs past its time limit leaves a note in the doc instead
# of numbers; the others still run. Builds bench/ and the agent first
# (Release, in build/).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
((EUID == 0)) || { echo "run_all: run as root (sudo bash bench/run_all.sh)" >&2; exit 2; }
out=${1:-$(mktemp -d /tmp/jalur-bench.XXXXXX)}
mkdir -p "$out"
build=$src/build

echo "run_all: building (Release) in $build" >&2
[[ -f $build/CMakeCache.txt ]] || cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release >"$out/build.log" 2>&1
cmake --build "$build" -j"$(nproc)" --target jalur bpf_cost metrics_scrape transition_cost >>"$out/build.log" 2>&1 ||
  { echo "run_all: build failed, see $out/build.log" >&2; exit 1; }

# machine facts for the doc
python3 - "$out/meta.json" "$src" <<'PY'
import json, os, platform, subprocess, sys, time
def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
mem = next((int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0)
virt = sh("systemd-detect-virt") or "none detected"
commit = sh("git", "-C", sys.argv[2], "rev-parse", "--short", "HEAD")
if sh("git", "-C", sys.argv[2], "status", "--porcelain", "--untracked-files=no"):
    commit += " (with uncommitted changes)"
meta = {
    "machine": f"{cpu}, {os.cpu_count()} cores, {mem / 2**20:.0f} GiB, virtualization: {virt}",
    "kernel": platform.release(),
    "clang": (sh("clang", "--version").splitlines() or ["?"])[0],
    "libbpf": sh("pkg-config", "--modversion", "libbpf") or "?",
    "date": time.strftime("%Y-%m-%d"),
    "commit": commit or "?",
}
json.dump(meta, open(sys.argv[1], "w"), indent=1)
PY

# bench NAME LIMIT_SECONDS CMD...: one benchmark, bounded in time
bench() {
  local name=$1 limit=$2 t0 rc
  shift 2
  echo "sudo $*" | sed "s|$src/||g" >"$out/$name.cmd"
  echo "run_all: $name: $(cat "$out/$name.cmd") (at most ${limit} s)" >&2
  t0=$(date +%s.%N)
  rc=0
  (cd "$src" && timeout --kill-after=30 "$limit" "$@") >"$out/$name.out" 2>"$out/$name.err" || rc=$?
  echo "$rc $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')" >"$out/$name.status"
  cat "$out/$name.out"
  ((rc == 0)) || echo "run_all: $name failed (exit $rc); the last lines of its stderr:" >&2
  ((rc == 0)) || tail -5 "$out/$name.err" >&2
}

t_start=$(date +%s)
bench bpf_cost 240 "$build/bench/bpf_cost" 1000000
bench metrics_scrape 120 "$build/bench/metrics_scrape" 1000000
bench transition_cost 120 "$build/bench/transition_cost" 40
bench forwarding 300 bash "$src/bench/forwarding.sh" 3
bench aggregation 180 bash "$src/bench/aggregation.sh" 20
bench modes 900 bash "$src/bench/modes.sh" 20
bench failover_time 480 bash "$src/bench/failover_time.sh" 20 \
  fast-carrier fast-blackhole default-carrier probes-only-blackhole passive
bench run_time_stats 120 bash "$src/bench/run_time_stats.sh" 500
bench alert_latency 200 bash "$src/bench/alert_latency.sh" 100
bench footprint 150 bash "$src/bench/footprint.sh" 20
echo "run_all: every benchmark ran in $(($(date +%s) - t_start)) s" >&2

python3 "$src/bench/render_doc.py" "$src/bench/BENCHMARKS.md.in" "$out" "$src/docs/BENCHMARKS.md"
echo "run_all: docs/BENCHMARKS.md rewritten; raw outputs in $out" >&2
