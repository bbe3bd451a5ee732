#!/usr/bin/env bash
# Installs every build, test and demo dependency of jalur from Debian's
# packages. Idempotent and non-interactive; nothing is downloaded from
# anywhere else. Run as root on Debian 12.
set -euo pipefail

packages=(
  # build (libclang-rt-14-dev: libFuzzer and the sanitizers for clang, tools/fuzz.sh)
  build-essential cmake pkg-config clang llvm libclang-rt-14-dev libbpf-dev bpftool libelf-dev zlib1g-dev
  libspdlog-dev libcurl4-openssl-dev catch2 libyaml-cpp-dev libcli11-dev libcpp-httplib-dev
  libmnl-dev linux-libc-dev ccache clang-format clang-tidy
  # the service (sd_notify, the journal) and the NAT table (libnftables)
  libsystemd-dev libnftables-dev
  # the Debian package: man pages from packaging/man/*.scd, and its checker
  scdoc lintian
  # the lab, the demo and the e2e tests
  iproute2 iputils-ping nftables dnsmasq-base udhcpc python3 curl socat ncat iperf3 ethtool openssl
  # e2e.no_privileges: capsh starts the agent without its capabilities
  libcap2-bin
  # the metrics e2e test: promtool and a real Prometheus server (run only inside the lab)
  prometheus
  # e2e.dashboard: the dashboard in a real browser, headless
  chromium chromium-driver python3-selenium
)

# Debian's prometheus package starts a server on every interface at install
# and at boot: the tests want only the binaries. policy-rc.d (Debian's way)
# keeps the install from starting it; it is disabled for boot below.
policy_rc=/usr/sbin/policy-rc.d
own_policy_rc=0
if [[ ! -e $policy_rc ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy_rc"
  chmod +x "$policy_rc"
  own_policy_rc=1
fi
trap '((own_policy_rc)) && rm -f "$policy_rc"' EXIT

missing=()
for p in "${packages[@]}"; do
  [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) == "install ok installed" ]] || missing+=("$p")
done
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
  systemctl disable --now prometheus.service >/dev/null 2>&1 || true
fi
echo "jalur dependencies: all installed"
