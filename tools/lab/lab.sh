#!/usr/bin/env bash
# The jalur lab: a site in network namespaces, built from one call.
#
#   clients c1..cM ── lanp1..lanpM ─┐
#                                   br-lan 192.0.2.1/24       router (jalur runs here)
#                                   wan1..wanN 100.64.K.2/24 ── ISP K gw 100.64.K.1
#                                                               ISP K uplink 100.100.K.1 ── inet 100.100.K.2
#   inet: servers 198.51.100.10, 203.0.113.10, 2001:db8:ff::10 (HTTP whoami :80, DNS :53)
#
# ISPs do not NAT, so the internet sees the router's WAN address as the
# source: that is how a test tells which WAN carried a connection.
# Every name is prefixed by the lab's NAME, so labs run side by side; veths
# are created inside namespaces, so the root namespace never sees a link.
#
# Use as a library (source it, then lab_up NAME ...; trap 'lab_down NAME' EXIT)
# or as a command: lab.sh up|down|impair|exec|info NAME ...

LAB_DIR_ROOT=${LAB_DIR_ROOT:-/run/jalur-lab}
LAB_SERVERS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/servers

lab_unique_name() { # PREFIX -> PREFIX-<pid><random>, short enough for any name
  printf '%s%s%04x' "${1:-jl}" "$$" "$RANDOM"
}

lab_ns() { printf '%s-%s' "$1" "$2"; }      # NAME NODE -> namespace name
lab_exec() { local n=$1 node=$2; shift 2; ip netns exec "$(lab_ns "$n" "$node")" "$@"; }
lab_dir() { printf '%s/%s' "$LAB_DIR_ROOT" "$1"; }

# wait_port NAME NODE PORT [PROTO]: until something listens (bounded: 5 s)
lab_wait_port() {
  local n=$1 node=$2 port=$3 i
  for ((i = 0; i < 100; i++)); do
    lab_exec "$n" "$node" ss -Hltn "sport = :$port" | grep -q . && return 0
    sleep 0.05
  done
  echo "lab: nothing listens on $node:$port" >&2
  return 1
}

_lab_sysctl() { lab_exec "$1" "$2" sysctl -qw "$3" >/dev/null; }

_lab_client() { # NAME K
  local n=$1 k=$2 c; c=$(lab_ns "$1" "c$2")
  ip netns add "$c"
  ip -n "$c" link set lo up
  ip -n "$(lab_ns "$n" rtr)" link add "lanp$k" type veth peer name eth0 netns "$c"
  ip -n "$(lab_ns "$n" rtr)" link set "lanp$k" master br-lan up
  ip -n "$c" link set eth0 address "02:00:00:00:01:$(printf %02x "$k")" up
  ip -n "$c" addr add "192.0.2.$((10 + k))/24" dev eth0
  ip -n "$c" -6 addr add "2001:db8:1::$((10 + k))/64" dev eth0 nodad
  ip -n "$c" route add default via 192.0.2.1
  ip -n "$c" -6 route add default via 2001:db8:1::1
}

_lab_isp() { # NAME K
  local n=$1 k=$2 isp rtr inet
  isp=$(lab_ns "$n" "isp$k") rtr=$(lab_ns "$n" rtr) inet=$(lab_ns "$n" inet)
  ip netns add "$isp"
  ip -n "$isp" link set lo up
  _lab_sysctl "$n" "isp$k" net.ipv4.ip_forward=1
  _lab_sysctl "$n" "isp$k" net.ipv6.conf.all.forwarding=1
  ip -n "$rtr" link add "wan$k" type veth peer name gw netns "$isp"
  ip -n "$rtr" link set "wan$k" up
  ip -n "$rtr" addr add "100.64.$k.2/24" dev "wan$k"
  ip -n "$rtr" -6 addr add "2001:db8:10$k::2/64" dev "wan$k" nodad
  ip -n "$isp" link set gw up
  ip -n "$isp" addr add "100.64.$k.1/24" dev gw
  ip -n "$isp" -6 addr add "2001:db8:10$k::1/64" dev gw nodad
  ip -n "$isp" link add uplink type veth peer name "isp$k" netns "$inet"
  ip -n "$isp" link set uplink up
  ip -n "$isp" addr add "100.100.$k.1/24" dev uplink
  ip -n "$isp" -6 addr add "2001:db8:20$k::1/64" dev uplink nodad
  ip -n "$isp" route add default via "100.100.$k.2"
  ip -n "$isp" -6 route add default via "2001:db8:20$k::2"
  ip -n "$inet" link set "isp$k" up
  ip -n "$inet" addr add "100.100.$k.2/24" dev "isp$k"
  ip -n "$inet" -6 addr add "2001:db8:20$k::2/64" dev "isp$k" nodad
  ip -n "$inet" route add "100.64.$k.0/24" via "100.100.$k.1"
  ip -n "$inet" -6 route add "2001:db8:10$k::/64" via "2001:db8:20$k::1"
  # impairments live in this table: blackhole and loss rules are added here
  lab_exec "$n" "isp$k" nft -f - <<NFT
table inet lab_impair {
  chain forward { type filter hook forward priority 0; policy accept; }
}
NFT
  lab_exec "$n" rtr nft add rule inet jalur_lab postrouting oifname "wan$k" masquerade
  _lab_sysctl "$n" rtr "net.ipv4.conf.wan$k.rp_filter=2"
}

# lab_up NAME [--isps N] [--clients M]
lab_up() {
  local n=$1 isps=2 clients=2 k
  shift
  while (($#)); do
    case $1 in
      --isps) isps=$2; shift 2 ;;
      --clients) clients=$2; shift 2 ;;
      *) echo "lab_up: unknown option $1" >&2; return 2 ;;
    esac
  done
  ((isps >= 1 && isps <= 4 && clients >= 1 && clients <= 8)) || { echo "lab_up: 1-4 ISPs, 1-8 clients" >&2; return 2; }
  mkdir -p "$(lab_dir "$n")/bpffs"
  mount -t bpf bpf "$(lab_dir "$n")/bpffs"
  echo "$isps $clients" >"$(lab_dir "$n")/shape"

  local rtr inet
  rtr=$(lab_ns "$n" rtr) inet=$(lab_ns "$n" inet)
  ip netns add "$rtr"
  ip netns add "$inet"
  for ns in "$rtr" "$inet"; do ip -n "$ns" link set lo up; done
  _lab_sysctl "$n" rtr net.ipv4.ip_forward=1
  _lab_sysctl "$n" rtr net.ipv6.conf.all.forwarding=1
  _lab_sysctl "$n" rtr net.ipv4.conf.all.rp_filter=2
  ip -n "$rtr" link add br-lan type bridge
  ip -n "$rtr" link set br-lan address 02:00:00:00:00:01 up
  ip -n "$rtr" addr add 192.0.2.1/24 dev br-lan
  ip -n "$rtr" -6 addr add 2001:db8:1::1/64 dev br-lan nodad
  lab_exec "$n" rtr nft -f - <<'NFT'
table inet jalur_lab {
  chain postrouting { type nat hook postrouting priority srcnat; policy accept; }
}
NFT
  # on lo: this kernel has no dummy driver
  ip -n "$inet" addr add 198.51.100.10/32 dev lo
  ip -n "$inet" addr add 203.0.113.10/32 dev lo
  ip -n "$inet" -6 addr add 2001:db8:ff::10/128 dev lo nodad

  for ((k = 1; k <= isps; k++)); do _lab_isp "$n" "$k"; done
  for ((k = 1; k <= clients; k++)); do _lab_client "$n" "$k"; done

  lab_exec "$n" inet python3 "$LAB_SERVERS/whoami.py" :: 80 >/dev/null 2>&1 &
  lab_exec "$n" inet python3 "$LAB_SERVERS/dns.py" 53 >/dev/null 2>&1 &
  lab_wait_port "$n" inet 80
}

# lab_static_routing NAME: per-WAN tables and fwmark rules, as the agent
# would install them (for tests that run without the agent)
lab_static_routing() {
  local n=$1 isps k
  read -r isps _ <"$(lab_dir "$n")/shape"
  for ((k = 1; k <= isps; k++)); do
    lab_exec "$n" rtr ip route add default via "100.64.$k.1" dev "wan$k" table "$((100 + k))"
    lab_exec "$n" rtr ip -6 route add default via "2001:db8:10$k::1" dev "wan$k" table "$((100 + k))"
    lab_exec "$n" rtr ip rule add fwmark "$((k << 8))/0xff00" lookup "$((100 + k))" priority "$((1000 + k))"
  done
}

# lab_route_client_via NAME CLIENT ISP: that client's traffic leaves by that ISP
lab_route_client_via() {
  local n=$1 c=$2 k=$3
  lab_exec "$n" rtr ip rule del from "192.0.2.$((10 + c))" priority "$((500 + c))" 2>/dev/null || true
  lab_exec "$n" rtr ip rule add from "192.0.2.$((10 + c))" lookup "$((100 + k))" priority "$((500 + c))"
}

# lab_impair NAME ISP carrier-down|carrier-up|blackhole|loss PCT|restore
lab_impair() {
  local n=$1 k=$2 what=$3
  case $what in
    carrier-down) ip -n "$(lab_ns "$n" "isp$k")" link set gw down ;;
    carrier-up) ip -n "$(lab_ns "$n" "isp$k")" link set gw up ;;
    blackhole) lab_exec "$n" "isp$k" nft add rule inet lab_impair forward drop ;;
    loss) lab_exec "$n" "isp$k" nft add rule inet lab_impair forward numgen random mod 100 \< "$4" drop ;;
    restore) lab_exec "$n" "isp$k" nft flush chain inet lab_impair forward ;;
    *) echo "lab_impair: unknown impairment $what" >&2; return 2 ;;
  esac
}

# lab_down NAME: idempotent; never fails
lab_down() {
  local n=$1 ns pid
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^${n}-(rtr|inet|isp[0-9]+|c[0-9]+)$"); do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -TERM "$pid" 2>/dev/null || true; done
  done
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^${n}-(rtr|inet|isp[0-9]+|c[0-9]+)$"); do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
  if [ -d "$(lab_dir "$n")" ]; then
    umount -l "$(lab_dir "$n")/bpffs" 2>/dev/null || true
    rm -rf "$(lab_dir "$n")"
  fi
  return 0
}

lab_info() {
  local n=$1
  cat <<INFO
LAB_ROUTER=$(lab_ns "$n" rtr)
LAB_INET=$(lab_ns "$n" inet)
LAB_BPFFS=$(lab_dir "$n")/bpffs
LAB_SERVER=198.51.100.10
LAB_SERVER6=2001:db8:ff::10
INFO
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  cmd=${1:-}; shift || true
  case $cmd in
    up) lab_up "$@" ;;
    down) lab_down "$@" ;;
    impair) lab_impair "$@" ;;
    exec) lab_exec "$@" ;;
    info) lab_info "$@" ;;
    *) echo "usage: lab.sh up NAME [--isps N] [--clients M] | down NAME | impair NAME ISP WHAT [PCT] | exec NAME NODE CMD... | info NAME" >&2; exit 2 ;;
  esac
fi
