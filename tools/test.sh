#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test (unit, bpf, e2e).
# Must run as root: bpf and e2e tests load programs and create namespaces.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
cd build
ctest --output-on-failure --timeout 600 -j"$(nproc)" "$@"
