#!/usr/bin/env bash
# The jalur lab: a small site in network namespaces, built by one call.
#
#   NAME-ck                 NAME-rtr (jalur runs here)       NAME-ispK              NAME-inet
#   eth0 192.0.2.(10+k) ── lanpk ─ br-lan 192.0.2.1
#                                  wanK 100.64.K.2 ──────────── gw 100.64.K.1
#                                                               up 100.100.K.1 ─────── ispK 100.100.K.2
#                                                                                      lo 198.51.100.10, 203.0.113.10,
#                                                                                         2001:db8:ff::10 (servers;
#                                                                                         Bot API mock on :8081)
# IPv6 alongside: LAN 2001:db8:1::/64, WAN K 2001:db8:10K::/64, uplink K
# 2001:db8:20K::/64. The router masquerades on every WAN; the ISPs do not
# NAT, so the internet sees the router's WAN address as the source: that is
# how a test tells which WAN carried a connection. See README.md.
#
# As a library:   source tools/lab/lab.sh
#                 name=$(lab_unique_name t); trap 'lab_down "$name"' EXIT
#                 lab_up "$name" --isps 2 --clients 2; lab_load "$name"
# As a command:   lab.sh up|down|impair|exec|info|static-routing|route-client|list|gc ...
#
# Everything that changes the system runs in a child bash under
# `set -euo pipefail`, whatever the caller's options, so a failure anywhere
# fails the call; a lab that fails to build is torn down before lab_up
# returns. Veths are created inside namespaces (never in the root one), and
# nothing here touches the root namespace's links, routes, rules or nftables.

LAB_RUN_ROOT=${LAB_RUN_ROOT:-/run/jalur-lab}
LAB_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
_LAB_SCRIPT=$LAB_HOME/lab.sh
# Debian's interpreter: stdlib only, and it starts faster than a pyenv shim
LAB_PYTHON=${LAB_PYTHON:-$(command -v /usr/bin/python3 || command -v python3)}
# The agent's default: fwmark_mask 0xff00, WAN i (from 1) marked i << 8, table 100 + i
LAB_FWMARK_MASK=0xff00
LAB_SERVER=198.51.100.10
LAB_SERVER_ALT=203.0.113.10
LAB_SERVER6=2001:db8:ff::10
# The Telegram Bot API mock (servers/botapi.py) on the internet's server
# address; the token is the lab's own, not a secret
LAB_BOT_API=http://198.51.100.10:8081
LAB_BOT_TOKEN=123456789:LAB-jalur-lab-token-not-a-secret

# ---------------------------------------------------------------- names

# lab_unique_name [PREFIX]: a fresh lab name: PREFIX (<= 10 chars) + 6 hex digits
lab_unique_name() {
  local prefix=${1:-lab} suffix i
  prefix=${prefix//[^A-Za-z0-9_]/}
  prefix=${prefix:0:10}
  for ((i = 0; i < 20; i++)); do
    suffix=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
    if ! _lab_exists "$prefix$suffix"; then
      echo "$prefix$suffix"
      return 0
    fi
  done
  echo "lab_unique_name: no free name for prefix '$prefix'" >&2
  return 1
}

lab_ns() { printf '%s-%s\n' "$1" "$2"; }      # NAME NODE -> namespace (NODE: rtr inet ispK cK)
lab_dir() { printf '%s/%s\n' "$LAB_RUN_ROOT" "$1"; }
lab_bpffs() { printf '%s/%s/bpffs\n' "$LAB_RUN_ROOT" "$1"; }

# lab_exec NAME NODE CMD...: run CMD inside one of the lab's namespaces
lab_exec() {
  local name=$1 node=$2
  shift 2
  ip netns exec "$name-$node" "$@"
}

# lab_namespaces NAME: the lab's namespaces that exist now, one per line
lab_namespaces() {
  ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^$1-(rtr|inet|isp[0-9]+|c[0-9]+)\$" || true
}

# lab_list: names of the labs that have a state directory
lab_list() {
  local d
  for d in "$LAB_RUN_ROOT"/*/lab.env; do
    [[ -e "$d" ]] && basename "$(dirname "$d")"
  done
  return 0
}

_lab_valid_name() { [[ "${1:-}" =~ ^[A-Za-z0-9_]{1,24}$ ]]; }
_lab_exists() { [[ -e "$(lab_dir "$1")" || -n "$(lab_namespaces "$1")" ]]; }

# ---------------------------------------------------------------- waiting

_lab_now_us() { echo "${EPOCHREALTIME//[!0-9]/}"; } # any locale's decimal mark

# lab_wait_until SECONDS CMD...: 0 as soon as CMD succeeds, 1 once SECONDS
# have passed (polls every 50 ms; CMD's output is discarded)
lab_wait_until() {
  local deadline
  deadline=$(($(_lab_now_us) + $1 * 1000000))
  shift
  until "$@" >/dev/null 2>&1; do
    (($(_lab_now_us) < deadline)) || return 1
    sleep 0.05
  done
}

# `cmd | grep -q` under pipefail fails at random: grep exits at its first
# match, and cmd's next write dies of SIGPIPE. This reads all of it first.
has_match() {
  local all
  all=$(cat)
  grep -q "$@" <<<"$all"
}

# lab_listening NAME NODE PORT [tcp|udp]: something listens on PORT there
lab_listening() {
  local flag=-Hltn
  [[ "${4:-tcp}" == udp ]] && flag=-Hlun
  lab_exec "$1" "$2" ss "$flag" "sport = :$3" | has_match .
}

# lab_wait_port NAME NODE PORT [tcp|udp]: until something listens (5 s)
lab_wait_port() {
  lab_wait_until 5 lab_listening "$@" || {
    echo "lab: nothing listens on $2:$3/${4:-tcp} in lab $1" >&2
    return 1
  }
}

# ---------------------------------------------------------------- state

# lab.env holds the shape; written before anything else exists so that
# lab_down and lab_gc can find a half-built lab
_lab_read_shape() { # NAME: sets _LAB_ISPS _LAB_CLIENTS _LAB_OWNER (or fails)
  local env; env=$(lab_dir "$1")/lab.env
  [[ -r "$env" ]] || { echo "lab: no lab named '$1' (no $env)" >&2; return 1; }
  _LAB_ISPS=$(sed -n 's/^LAB_ISPS=\([0-9]*\)$/\1/p' "$env")
  _LAB_CLIENTS=$(sed -n 's/^LAB_CLIENTS=\([0-9]*\)$/\1/p' "$env")
  _LAB_OWNER=$(sed -n 's/^LAB_OWNER_PID=\([0-9]*\)$/\1/p' "$env")
  [[ -n "$_LAB_ISPS" && -n "$_LAB_CLIENTS" ]]
}

# lab_info NAME: the topology as shell assignments (eval them, or lab_load)
lab_info() {
  local n=$1 k
  _lab_read_shape "$n" || return 1
  _lab_kv LAB_NAME "$n"
  _lab_kv LAB_DIR "$(lab_dir "$n")"
  _lab_kv LAB_BPFFS "$(lab_bpffs "$n")"
  _lab_kv LAB_ROUTER "$n-rtr"
  _lab_kv LAB_INET "$n-inet"
  _lab_kv LAB_ISPS "$_LAB_ISPS"
  _lab_kv LAB_CLIENTS "$_LAB_CLIENTS"
  _lab_kv LAB_LAN_IF br-lan
  _lab_kv LAB_LAN_ADDR 192.0.2.1
  _lab_kv LAB_LAN_ADDR6 2001:db8:1::1
  _lab_kv LAB_LAN_PREFIX 192.0.2.0/24
  _lab_kv LAB_LAN_PREFIX6 2001:db8:1::/64
  _lab_kv LAB_SERVER "$LAB_SERVER"
  _lab_kv LAB_SERVER_ALT "$LAB_SERVER_ALT"
  _lab_kv LAB_SERVER6 "$LAB_SERVER6"
  _lab_kv LAB_FWMARK_MASK "$LAB_FWMARK_MASK"
  _lab_kv LAB_BOT_API "$LAB_BOT_API"
  _lab_kv LAB_BOT_TOKEN "$LAB_BOT_TOKEN"
  for ((k = 1; k <= _LAB_ISPS; k++)); do
    _lab_kv "LAB_ISP$k" "$n-isp$k"
    _lab_kv "LAB_WAN${k}_IF" "wan$k"
    _lab_kv "LAB_WAN${k}_ADDR" "$(lab_wan_addr "$k")"
    _lab_kv "LAB_WAN${k}_GW" "$(lab_wan_gw "$k")"
    _lab_kv "LAB_WAN${k}_ADDR6" "$(lab_wan_addr6 "$k")"
    _lab_kv "LAB_WAN${k}_GW6" "$(lab_wan_gw6 "$k")"
    _lab_kv "LAB_WAN${k}_TABLE" "$((100 + k))"
    _lab_kv "LAB_WAN${k}_FWMARK" "$(printf '0x%x' $((k << 8)))"
  done
  for ((k = 1; k <= _LAB_CLIENTS; k++)); do
    _lab_kv "LAB_CLIENT$k" "$n-c$k"
    _lab_kv "LAB_CLIENT${k}_ADDR" "$(lab_client_addr "$k")"
    _lab_kv "LAB_CLIENT${k}_ADDR6" "$(lab_client_addr6 "$k")"
    _lab_kv "LAB_CLIENT${k}_MAC" "$(lab_client_mac "$k")"
    _lab_kv "LAB_CLIENT${k}_PORT" "lanp$k"
  done
}
_lab_kv() { printf '%s=%q\n' "$1" "$2"; }

# lab_load NAME: lab_info's variables, set and exported in this shell
lab_load() {
  local info
  info=$(lab_info "$1") || return 1
  eval "$info"
  export "${!LAB_@}"
}

# Addresses, by index (k from 1)
lab_client_addr() { echo "192.0.2.$((10 + $1))"; }
lab_client_addr6() { echo "2001:db8:1::$((10 + $1))"; }
lab_client_mac() { printf '02:00:00:01:00:%02x\n' "$1"; }
lab_wan_addr() { echo "100.64.$1.2"; }
lab_wan_gw() { echo "100.64.$1.1"; }
lab_wan_addr6() { echo "2001:db8:10$1::2"; }
lab_wan_gw6() { echo "2001:db8:10$1::1"; }

# ---------------------------------------------------------------- building
# (these run in the child bash, under set -euo pipefail)

_lab_sysctl() { # NS KEY=VALUE...
  local ns=$1
  shift
  ip netns exec "$ns" sysctl -q -w "$@" >/dev/null
}

# A fresh namespace. No DAD: addresses are usable at once, and the lab owns
# every address so nothing can collide. keep_addr_on_down: an interface set
# down and up again (carrier-down on the ISP's side) keeps its IPv6
# addresses, as IPv4 does.
_lab_new_ns() {
  ip netns add "$1"
  ip -n "$1" link set lo up
  _lab_sysctl "$1" net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0 \
    net.ipv6.conf.default.keep_addr_on_down=1 net.ipv6.conf.all.keep_addr_on_down=1
}

_lab_forwarding_on() {
  _lab_sysctl "$1" net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 net.ipv6.conf.default.forwarding=1
}

_lab_build_router() { # NAME
  local rtr=$1-rtr
  _lab_new_ns "$rtr"
  _lab_forwarding_on "$rtr"
  # loose: a reply may come back on a WAN the main table would not choose
  _lab_sysctl "$rtr" net.ipv4.conf.all.rp_filter=2 net.ipv4.conf.default.rp_filter=2
  # This kernel has br_netfilter, on by default in every new namespace: bridged
  # LAN-to-LAN frames would then cross the router's IP hooks (conntrack, the
  # inet forward chain). A router without br_netfilter does not do that.
  ip netns exec "$rtr" sysctl -q -e -w net.bridge.bridge-nf-call-iptables=0 \
    net.bridge.bridge-nf-call-ip6tables=0 net.bridge.bridge-nf-call-arptables=0 >/dev/null
  # no multicast snooping: ND, RA and DHCP tests see plain flooding
  ip -n "$rtr" link add br-lan address 02:00:00:00:00:01 type bridge mcast_snooping 0
  ip -n "$rtr" addr add 192.0.2.1/24 dev br-lan
  ip -n "$rtr" addr add 2001:db8:1::1/64 dev br-lan nodad
  ip -n "$rtr" link set br-lan up
}

_lab_build_inet() { # NAME
  local inet=$1-inet
  _lab_new_ns "$inet"
  # servers on lo: this kernel has no dummy driver
  ip -n "$inet" addr add "$LAB_SERVER/32" dev lo
  ip -n "$inet" addr add "$LAB_SERVER_ALT/32" dev lo
  ip -n "$inet" addr add "$LAB_SERVER6/128" dev lo nodad
}

# The router's wanK and the ISP's gw: built once, and again by `impair
# recreate` (a PPPoE re-dial or a USB modem that re-enumerates: the same
# name and addresses, a new ifindex).
_lab_wan_link() { # NAME K
  local k=$2 isp=$1-isp$2 rtr=$1-rtr
  ip -n "$rtr" link add "wan$k" address "02:00:00:02:0$k:02" type veth \
    peer name gw address "02:00:00:02:0$k:01" netns "$isp"
  _lab_sysctl "$rtr" "net.ipv4.conf.wan$k.rp_filter=2"
  ip -n "$rtr" addr add "$(lab_wan_addr "$k")/24" dev "wan$k"
  ip -n "$rtr" addr add "$(lab_wan_addr6 "$k")/64" dev "wan$k" nodad
  ip -n "$rtr" link set "wan$k" up
  ip -n "$isp" addr add "$(lab_wan_gw "$k")/24" dev gw
  ip -n "$isp" addr add "$(lab_wan_gw6 "$k")/64" dev gw nodad
  ip -n "$isp" link set gw up
}

_lab_build_isp() { # NAME K
  local n=$1 k=$2 isp=$1-isp$2 rtr=$1-rtr inet=$1-inet
  _lab_new_ns "$isp"
  _lab_forwarding_on "$isp"
  _lab_wan_link "$n" "$k"
  # internet side
  # `name` and `dev`: a bare "up" would parse as the keyword
  ip -n "$isp" link add name up type veth peer name "isp$k" netns "$inet"
  ip -n "$isp" addr add "100.100.$k.1/24" dev up
  ip -n "$isp" addr add "2001:db8:20$k::1/64" dev up nodad
  ip -n "$isp" link set dev up up
  ip -n "$isp" -4 route add default via "100.100.$k.2"
  ip -n "$isp" -6 route add default via "2001:db8:20$k::2"
  ip -n "$inet" addr add "100.100.$k.2/24" dev "isp$k"
  ip -n "$inet" addr add "2001:db8:20$k::2/64" dev "isp$k" nodad
  ip -n "$inet" link set "isp$k" up
  ip -n "$inet" -4 route add "100.64.$k.0/24" via "100.100.$k.1"
  ip -n "$inet" -6 route add "2001:db8:10$k::/64" via "2001:db8:20$k::1"
  # impairments are rules in this chain (blackhole, loss); restore flushes it
  ip netns exec "$isp" nft -f - <<'NFT'
table inet lab_impair {
  chain forward { type filter hook forward priority 0; policy accept; }
}
NFT
}

_lab_build_client() { # NAME K
  local k=$2 c=$1-c$2 rtr=$1-rtr
  _lab_new_ns "$c"
  # one bridge port per client, so a port can be marked untrusted on its own
  ip -n "$rtr" link add "lanp$k" type veth peer name eth0 address "$(lab_client_mac "$k")" netns "$c"
  ip -n "$rtr" link set "lanp$k" master br-lan
  ip -n "$rtr" link set "lanp$k" up
  ip -n "$c" addr add "$(lab_client_addr "$k")/24" dev eth0
  ip -n "$c" addr add "$(lab_client_addr6 "$k")/64" dev eth0 nodad
  ip -n "$c" link set eth0 up
  ip -n "$c" -4 route add default via 192.0.2.1
  ip -n "$c" -6 route add default via 2001:db8:1::1
}

_lab_build_nat() { # NAME ISPS: masquerade on every WAN (inet: IPv4 and IPv6)
  local k rules=""
  for ((k = 1; k <= $2; k++)); do rules+="    oifname \"wan$k\" masquerade"$'\n'; done
  ip netns exec "$1-rtr" nft -f - <<NFT
table inet jalur_lab {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
$rules  }
}
NFT
}

# Each server runs in the background in NAME-inet; its pid goes to run/,
# its output to log/; ready once its port listens.
_lab_start_server() { # NAME LABEL SCRIPT ARGS...
  local n=$1 label=$2 script=$3 dir
  shift 3
  dir=$(lab_dir "$n")
  ip netns exec "$n-inet" "$LAB_PYTHON" "$LAB_HOME/servers/$script" "$@" \
    </dev/null >"$dir/log/$label.log" 2>&1 &
  echo $! >"$dir/run/$label.pid"
}

# Polls for the port; gives up at once if the server died, else after 10 s.
_lab_await_server() { # NAME LABEL PORT PROTO
  local n=$1 label=$2 port=$3 proto=$4 pid deadline
  pid=$(cat "$(lab_dir "$n")/run/$label.pid")
  deadline=$(($(_lab_now_us) + 10000000))
  until lab_listening "$n" inet "$port" "$proto"; do
    if ! kill -0 "$pid" 2>/dev/null || (($(_lab_now_us) > deadline)); then
      echo "lab: server $label did not come up on :$port/$proto; its log:" >&2
      cat "$(lab_dir "$n")/log/$label.log" >&2
      return 1
    fi
    sleep 0.05
  done
}

_lab_build_servers() { # NAME
  _lab_start_server "$1" whoami whoami.py :: 80
  _lab_start_server "$1" echo echo.py :: 7
  _lab_start_server "$1" dns dns.py 53
  _lab_start_server "$1" botapi botapi.py :: 8081 "$LAB_BOT_TOKEN" "$(lab_dir "$1")/log/botapi-messages.jsonl"
  _lab_await_server "$1" whoami 80 tcp
  _lab_await_server "$1" echo 7 tcp
  _lab_await_server "$1" dns 53 udp
  _lab_await_server "$1" botapi 8081 tcp
}

# lab_botapi NAME GET|POST PATH [JSON]: talk to the Bot API mock from inside
# the internet (not through the router): /_messages, /_requests, /_mode, /_reset
lab_botapi() {
  local n=$1 method=$2 path=$3 body=${4:-'{}'}
  if [[ $method == POST ]]; then
    lab_exec "$n" inet curl -sf -m 5 -X POST -H 'Content-Type: application/json' -d "$body" "$LAB_BOT_API$path"
  else
    lab_exec "$n" inet curl -sf -m 5 "$LAB_BOT_API$path"
  fi
}

_lab_cmd_up() { # NAME [--isps N] [--clients M]
  local n=${1:-} isps=2 clients=2 k dir
  shift || true
  while (($#)); do
    case $1 in
      --isps) isps=${2:-}; shift 2 ;;
      --clients) clients=${2:-}; shift 2 ;;
      *) echo "lab up: unknown option '$1'" >&2; return 2 ;;
    esac
  done
  _lab_valid_name "$n" || { echo "lab up: NAME must be 1-24 of [A-Za-z0-9_], got '$n'" >&2; return 2; }
  [[ "$isps" =~ ^[2-8]$ ]] || { echo "lab up: --isps must be 2..8, got '$isps'" >&2; return 2; }
  [[ "$clients" =~ ^[1-8]$ ]] || { echo "lab up: --clients must be 1..8, got '$clients'" >&2; return 2; }
  _lab_exists "$n" && { echo "lab up: a lab named '$n' exists already" >&2; return 1; }

  # from here on, any failure or signal tears down what was built
  # shellcheck disable=SC2064 # expanded now on purpose: NAME is known and safe
  trap "lab_down '$n'" EXIT
  dir=$(lab_dir "$n")
  mkdir -p "$dir/bpffs" "$dir/run" "$dir/log"
  printf 'LAB_ISPS=%s\nLAB_CLIENTS=%s\nLAB_OWNER_PID=%s\n' "$isps" "$clients" "${_LAB_OWNER_PID:-0}" >"$dir/lab.env"
  # the agent's pins live here: outside /sys (ip netns exec remounts it) and
  # outside any one process, so they outlive an agent restart
  mount -t bpf bpf "$dir/bpffs"

  _lab_build_router "$n"
  _lab_build_inet "$n"
  for ((k = 1; k <= isps; k++)); do _lab_build_isp "$n" "$k"; done
  for ((k = 1; k <= clients; k++)); do _lab_build_client "$n" "$k"; done
  _lab_build_nat "$n" "$isps"
  _lab_build_servers "$n"
  trap - EXIT
}

# ---------------------------------------------------------------- routing

# Delete every rule at PRIO (there may be several), then add one there.
_lab_rule_set() { # NS FAMILY PRIO SELECTOR...
  local ns=$1 fam=$2 prio=$3 i
  shift 3
  for ((i = 0; i < 16; i++)); do
    ip -n "$ns" "$fam" rule del priority "$prio" 2>/dev/null || break
  done
  ip -n "$ns" "$fam" rule add "$@" priority "$prio"
}

_lab_rule_del() { # NS FAMILY PRIO
  local i
  for ((i = 0; i < 16; i++)); do
    ip -n "$1" "$2" rule del priority "$3" 2>/dev/null || break
  done
}

# Table 100+K: default via ISP K's gateway (both families); the suppress
# rule at 900 lets connected and specific routes win over any default.
_lab_wan_table() { # NAME K
  local rtr=$1-rtr k=$2
  ip -n "$rtr" -4 route replace default via "$(lab_wan_gw "$k")" dev "wan$k" table "$((100 + k))"
  ip -n "$rtr" -6 route replace default via "$(lab_wan_gw6 "$k")" dev "wan$k" table "$((100 + k))"
}
_lab_suppress_rules() { # NAME
  local fam
  for fam in -4 -6; do
    _lab_rule_set "$1-rtr" "$fam" 900 lookup main suppress_prefixlength 0
  done
}

_lab_cmd_static_routing() { # NAME
  local n=$1 k fam
  _lab_read_shape "$n"
  _lab_suppress_rules "$n"
  for ((k = 1; k <= _LAB_ISPS; k++)); do
    _lab_wan_table "$n" "$k"
    for fam in -4 -6; do
      _lab_rule_set "$n-rtr" "$fam" "$((1000 + k))" fwmark "$((k << 8))/$LAB_FWMARK_MASK" lookup "$((100 + k))"
    done
  done
}

# Removes what static-routing and route-client added (rules 900, 951..958,
# 1001..1008 and tables 101..108), e.g. before starting the agent.
_lab_cmd_static_routing_clear() { # NAME
  local n=$1 k fam
  _lab_read_shape "$n"
  for fam in -4 -6; do
    _lab_rule_del "$n-rtr" "$fam" 900
    for ((k = 1; k <= 8; k++)); do _lab_rule_del "$n-rtr" "$fam" "$((950 + k))"; done
    for ((k = 1; k <= 8; k++)); do
      _lab_rule_del "$n-rtr" "$fam" "$((1000 + k))"
      ip -n "$n-rtr" "$fam" route flush table "$((100 + k))" 2>/dev/null || true
    done
  done
}

# Client C's traffic (from its addresses) leaves by ISP K: rules at 950+C,
# after the suppress rule (LAN-to-LAN and the router itself stay direct) and
# before the fwmark rules (an explicit override).
_lab_cmd_route_client() { # NAME C K
  local n=$1 c=$2 k=$3
  _lab_read_shape "$n"
  ((c >= 1 && c <= _LAB_CLIENTS)) || { echo "lab route-client: no client $c" >&2; return 2; }
  ((k >= 1 && k <= _LAB_ISPS)) || { echo "lab route-client: no ISP $k" >&2; return 2; }
  _lab_suppress_rules "$n"
  _lab_wan_table "$n" "$k"
  _lab_rule_set "$n-rtr" -4 "$((950 + c))" from "$(lab_client_addr "$c")" lookup "$((100 + k))"
  _lab_rule_set "$n-rtr" -6 "$((950 + c))" from "$(lab_client_addr6 "$c")" lookup "$((100 + k))"
}

# ---------------------------------------------------------------- impairments

_lab_carrier_is() { # NAME K down|up
  local flags
  flags=$(ip -n "$1-rtr" -o link show "wan$2") || return 1
  if [[ $3 == down ]]; then [[ $flags == *NO-CARRIER* ]]; else [[ $flags == *LOWER_UP* ]]; fi
}

# One nft transaction: the ISP's impairment chain holds at most one of
# blackhole or loss (each replaces the other); carrier is independent.
_lab_impair_chain() { # NAME K RULE...
  local isp=$1-isp$2
  shift 2
  {
    echo "flush chain inet lab_impair forward"
    (($#)) && echo "add rule inet lab_impair forward $*"
    true
  } | ip netns exec "$isp" nft -f -
}

_lab_cmd_impair() { # NAME K carrier-down|carrier-up|blackhole|loss PCT|restore|delete|recreate
  local n=$1 k=$2 what=${3:-} pct=${4:-}
  _lab_read_shape "$n"
  ((k >= 1 && k <= _LAB_ISPS)) || { echo "lab impair: no ISP $k" >&2; return 2; }
  case $what in
    delete) # wanK is gone, its peer with it
      ip -n "$n-rtr" link del "wan$k"
      ;;
    recreate) # wanK back: same name and addresses, a new ifindex
      ip -n "$n-rtr" link show "wan$k" >/dev/null 2>&1 && ip -n "$n-rtr" link del "wan$k"
      _lab_wan_link "$n" "$k"
      ;;
    carrier-down)
      ip -n "$n-isp$k" link set gw down
      lab_wait_until 5 _lab_carrier_is "$n" "$k" down || { echo "lab impair: wan$k kept its carrier" >&2; return 1; }
      ;;
    carrier-up)
      ip -n "$n-isp$k" link set gw up
      lab_wait_until 5 _lab_carrier_is "$n" "$k" up || { echo "lab impair: wan$k has no carrier" >&2; return 1; }
      ;;
    # the ISP's gateway still answers ARP and ping (input, not forward)
    blackhole) _lab_impair_chain "$n" "$k" 'drop comment "blackhole"' ;;
    loss)
      if ! [[ "$pct" =~ ^[0-9]+$ ]] || ((pct > 100)); then
        echo "lab impair: loss needs a percentage 0..100" >&2
        return 2
      fi
      # forward sees both directions, so a round trip survives (1-p)^2 of the time
      _lab_impair_chain "$n" "$k" "numgen random mod 100 < $pct drop comment \"loss $pct\""
      ;;
    restore) _lab_impair_chain "$n" "$k" ;;
    *) echo "lab impair: unknown impairment '$what'" >&2; return 2 ;;
  esac
}

# ---------------------------------------------------------------- teardown

_lab_signal_ns() { # SIGNAL NAMESPACE...: signal every process in them
  local sig=$1 ns pid
  shift
  for ns in "$@"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "-$sig" "$pid" 2>/dev/null || true; done
  done
}
_lab_ns_empty() { # NAMESPACE...
  local ns
  for ns in "$@"; do [[ -z "$(ip netns pids "$ns" 2>/dev/null)" ]] || return 1; done
}

# lab_down NAME: removes everything of the lab. Idempotent; never fails.
lab_down() {
  local n=${1:-} dir pidfile pid ns nss=()
  _lab_valid_name "$n" || return 0
  mapfile -t nss < <(lab_namespaces "$n")
  dir=$(lab_dir "$n")
  # the servers, by pid too: one still starting may not be in its namespace yet
  for pidfile in "$dir"/run/*.pid; do
    [[ -r "$pidfile" ]] || continue
    pid=$(cat "$pidfile" 2>/dev/null) || continue
    if [[ "$pid" =~ ^[0-9]+$ ]]; then kill -TERM "$pid" 2>/dev/null || true; fi
  done
  if ((${#nss[@]})); then
    _lab_signal_ns TERM "${nss[@]}"
    lab_wait_until 3 _lab_ns_empty "${nss[@]}" || {
      _lab_signal_ns KILL "${nss[@]}"
      lab_wait_until 3 _lab_ns_empty "${nss[@]}" || true
    }
    for ns in "${nss[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  fi
  if [[ -d "$dir" ]]; then
    if mountpoint -q "$dir/bpffs" 2>/dev/null; then
      umount "$dir/bpffs" 2>/dev/null || umount -l "$dir/bpffs" 2>/dev/null || true
    fi
    # never descends into a bpffs that is still mounted
    rm -rf --one-file-system "$dir" 2>/dev/null || true
  fi
  return 0
}

# lab_gc: tears down labs whose creator (a test that was SIGKILLed, say) is
# gone. Labs made with `lab.sh up` have no owner and are left alone.
lab_gc() {
  local n
  for n in $(lab_list); do
    _lab_read_shape "$n" 2>/dev/null || continue
    if [[ "${_LAB_OWNER:-0}" != 0 ]] && ! kill -0 "$_LAB_OWNER" 2>/dev/null; then
      echo "lab gc: removing $n (its creator, pid $_LAB_OWNER, is gone)" >&2
      lab_down "$n"
    fi
  done
  return 0
}

# ---------------------------------------------------------------- library API
# Each runs the command in a child bash (see the top of this file).

_lab_child() { "$BASH" "$_LAB_SCRIPT" "$@"; }

# lab_up NAME [--isps N(2..8)] [--clients M(1..8)]: owned by this shell (lab_gc)
lab_up() { _LAB_OWNER_PID=$$ _lab_child up "$@" >/dev/null; }
# lab_impair NAME ISP carrier-down|carrier-up|blackhole|loss PCT|restore|delete|recreate
lab_impair() { _lab_child impair "$@"; }
# lab_static_routing NAME: tables 100+K, fwmark K<<8/0xff00 rules at 1000+K, suppress at 900
lab_static_routing() { _lab_child static-routing "$@"; }
lab_static_routing_clear() { _lab_child static-routing-clear "$@"; }
# lab_route_client_via NAME CLIENT ISP
lab_route_client_via() { _lab_child route-client "$@"; }

# ---------------------------------------------------------------- command line

_lab_usage() {
  cat >&2 <<'USAGE'
usage: lab.sh up NAME [--isps N(2..8)] [--clients M(1..8)]   build; prints lab info
       lab.sh down NAME                                       remove (idempotent)
       lab.sh impair NAME ISP carrier-down|carrier-up|blackhole|loss PCT|restore
       lab.sh exec NAME NODE CMD...                           NODE: rtr inet ispK cK
       lab.sh info NAME                                       topology as shell variables
       lab.sh static-routing NAME | static-routing-clear NAME
       lab.sh route-client NAME CLIENT ISP
       lab.sh list | gc                                       labs; remove orphaned ones
USAGE
  exit 2
}

_lab_main() {
  local cmd=${1:-}
  shift || true
  # a signal ends the command through exit, so the EXIT trap of `up` runs
  trap 'exit 130' INT
  trap 'exit 143' TERM HUP
  case $cmd in
    # not `up && info`: set -e would be off inside an && list
    up)
      _lab_cmd_up "$@"
      lab_info "$1"
      ;;
    down) lab_down "$@" ;;
    impair) (($# >= 3)) || _lab_usage; _lab_cmd_impair "$@" ;;
    exec) (($# >= 3)) || _lab_usage; lab_exec "$@" ;;
    info) lab_info "$@" ;;
    static-routing) _lab_cmd_static_routing "$@" ;;
    static-routing-clear) _lab_cmd_static_routing_clear "$@" ;;
    route-client) (($# == 3)) || _lab_usage; _lab_cmd_route_client "$@" ;;
    list) lab_list ;;
    gc) lab_gc ;;
    *) _lab_usage ;;
  esac
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  _lab_main "$@"
fi
