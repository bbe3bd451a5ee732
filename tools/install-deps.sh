#!/usr/bin/env bash
# Installs every build, test and demo dependency of jalur from Debian's
# packages. Idempotent and non-interactive; nothing is downloaded from
# anywhere else. Run as root on Debian 12.
set -euo pipefail

packages=(
  # build
  build-essential cmake pkg-config clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev
  libspdlog-dev libcurl4-openssl-dev catch2 libyaml-cpp-dev libcli11-dev libcpp-httplib-dev
  libmnl-dev linux-libc-dev
  # the lab, the demo and the e2e tests
  iproute2 iputils-ping nftables dnsmasq-base udhcpc python3 curl socat ncat iperf3 ethtool
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
echo "jalur dependencies: all installed"
