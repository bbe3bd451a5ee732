#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test (unit, bpf, e2e); then
# the unit and bpf tests again built with AddressSanitizer and
# UndefinedBehaviorSanitizer (build-san: any report fails the test), and
# each fuzzer for a short while (tools/fuzz.sh). JALUR_SKIP_HARDENING=1
# skips those two passes (a quick local run).
# Must run as root: bpf and e2e tests load programs and create namespaces.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
(cd build && ctest --output-on-failure --timeout 600 -j"$(nproc)" "$@")

[[ ${JALUR_SKIP_HARDENING:-0} == 1 ]] && exit 0

# sanitizers: only what the unit and bpf labels run is built
cmake -S . -B build-san -DCMAKE_BUILD_TYPE=RelWithDebInfo -DJALUR_SANITIZE=ON >/dev/null
cmake --build build-san -j"$(nproc)" --target unit_tests bpf_tests
(cd build-san &&
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --output-on-failure --timeout 600 -j"$(nproc)" -L 'unit|bpf')

bash tools/fuzz.sh 20
