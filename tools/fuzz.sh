#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang in build-fuzz and runs each
# for SECONDS (default 20), starting from its committed seed corpus; fails
# on the first crash, hang, leak or sanitizer report. What the fuzzers find
# new is kept in build-fuzz/corpus/NAME (not in the tree); a crash leaves its
# input in build-fuzz/artifacts/.
#
#   tools/fuzz.sh [SECONDS] [NAME...]      e.g. tools/fuzz.sh 3600 config
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-20}
shift || true
names=("$@")
((${#names[@]})) || names=(config api_reply text spool dns_message)

CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=None -DJALUR_FUZZ=ON >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz

mkdir -p build-fuzz/artifacts
for name in "${names[@]}"; do
  mkdir -p "build-fuzz/corpus/$name"
  dict=()
  [[ -f fuzz/$name.dict ]] && dict=(-dict="fuzz/$name.dict")
  echo "fuzz $name: ${seconds}s"
  # new inputs go to the first directory; the committed seeds are only read
  build-fuzz/fuzz/fuzz_"$name" -max_total_time="$seconds" -rss_limit_mb=1024 -timeout=10 -max_len=8192 \
    -print_final_stats=1 -artifact_prefix="build-fuzz/artifacts/$name-" "${dict[@]}" \
    "build-fuzz/corpus/$name" "fuzz/corpus/$name" 2>&1 | grep -E "^(stat::number_of_executed_units|==|SUMMARY|.*ERROR|.*Test unit written)" || true
  # grep hides the progress lines; the fuzzer's own status decides
  [[ ${PIPESTATUS[0]} -eq 0 ]] || { echo "fuzz $name: FAILED (input in build-fuzz/artifacts/)" >&2; exit 1; }
done
