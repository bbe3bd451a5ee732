#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test: the unit and bpf tests
# built with AddressSanitizer and UndefinedBehaviorSanitizer (build-san: any
# report fails the test), each fuzzer for a short while (tools/fuzz.sh),
# then every test (unit, bpf, e2e) of the normal build, last, so the run
# ends with its summary. JALUR_SKIP_HARDENING=1 skips the sanitizer and
# fuzz passes (a quick local run).
# Must run as root: bpf and e2e tests load programs and create namespaces.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/install-deps.sh
# ccache (where installed) shares objects between clones: paths under the
# tree are hashed relative to it
export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"

if [[ ${JALUR_SKIP_HARDENING:-0} != 1 ]]; then
  # sanitizers: only what the unit and bpf labels run is built
  cmake -S . -B build-san -DCMAKE_BUILD_TYPE=None -DJALUR_SANITIZE=ON >/dev/null
  cmake --build build-san -j"$(nproc)" --target unit_tests bpf_tests
  (cd build-san &&
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      ctest --output-on-failure --timeout 600 -j"$(nproc)" -L 'unit|bpf')
  bash tools/fuzz.sh 15
fi

cd build
ctest --output-on-failure --timeout 600 -j"$(nproc)" "$@"
