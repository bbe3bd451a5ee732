#!/usr/bin/env bash
# Every probe kind through the real agent, each bound to its WAN: TCP
# connect, HTTP GET with an expected status, DNS query, ICMPv6 echo. Each
# kind's failure takes the WAN down with a cause that names it. Then the
# last resort with every WAN down: `keep` carries on through the WAN that
# went last; `unreachable` (after a reload) answers the LAN at once. Last,
# HTTPS: a certificate from the lab's CA passes with that CA as ca_file,
# and fails with the system's CAs alone.
source "$(dirname "$0")/lib.sh"

e2e_begin --isps 2 --clients 1
S=$LAB_SERVER S6=$LAB_SERVER6
config() { # ISP2_TARGETS LAST_RESORT
  cat <<YAML
bpffs: $LAB_BPFFS/jalur
state_dir: $E2E_TMP/state
log_level: debug
lan: br-lan
health: {interval: 200ms, timeout: 200ms, down: 2, up: 2, last_resort: $2, default_targets: $LAB_DEFAULT_TARGETS}
wans:
  - name: isp1
    interface: wan1
    gateway: 100.64.1.1
    gateway6: '2001:db8:101::1'
    health:
      targets: ["tcp://$S:80", "http://$S/health", "dns://$S/example.com", "$S6"]
      reliability: 4
  - name: isp2
    interface: wan2
    gateway: 100.64.2.1
    health: {targets: $1}
YAML
}
config "[$LAB_SERVER_ALT]" keep >"$E2E_TMP/jalur.yaml"
agent_start "$E2E_TMP/jalur.yaml"

_answered_at_least() { (($(wan_metric jalur_probes_answered_total isp1) >= $1)); }
impair() { # K NFT_RULE: one rule in ISP K's forward chain (empty: none)
  { echo "flush chain inet lab_impair forward"; [[ -z "$2" ]] || echo "add rule inet lab_impair forward $2"; } |
    ip netns exec "$LAB-isp$1" nft -f -
}
wans_used() { # the WAN addresses the server saw for 20 connections
  server_reset
  connect_from 1 20 >/dev/null
  server_counts | python3 -c 'import json,sys; print(" ".join(sorted(json.load(sys.stdin))))'
}

# --- every kind answers: 4 targets, all must answer
wait_until 10 _answered_at_least 40
sent=$(wan_metric jalur_probes_sent_total isp1) answered=$(wan_metric jalur_probes_answered_total isp1)
assert_in_range "$answered" $((sent - 4)) "$sent" "isp1 probes answered of $sent sent (the round in flight aside)"
assert_eq "$(log_count 'WAN isp1 down')" 0 "isp1 never down while all four kinds answer"
note "TCP, HTTP, DNS and ICMPv6 probes answered: $answered of $sent"

# --- each kind's failure is seen, and named in the cause
down_for() { # K NFT_RULE CAUSE: ISP1 impaired -> down with CAUSE; restored -> up
  local cause="WAN isp1 down: 2 failed probe rounds: .*$2" before_down before_up
  before_down=$(log_count "$cause") before_up=$(log_count "WAN isp1 up")
  impair 1 "$1"
  wait_until 5 _more_than "$cause" "$before_down"
  impair 1 ""
  wait_until 5 _more_than "WAN isp1 up" "$before_up"
  note "isp1 down on '$1': $(grep -o "WAN isp1 down: .*$2[^;]*" "$E2E_TMP/agent.log" | tail -1 | sed 's/.*rounds: //')"
}
down_for "tcp dport 80 reject with tcp reset" "tcp://$S:80: Connection refused"
down_for "tcp dport 80 drop" "http://$S/health: no answer"
down_for "udp dport 53 drop" "dns://$S/example.com: no answer"
down_for "meta l4proto ipv6-icmp drop" "$S6: no answer"

# --- every WAN down, last resort keep: the one that went last carries on
assert_eq "$(wans_used)" "100.64.1.2 100.64.2.2" "both WANs in use"
impair 2 "meta l4proto icmp drop" # isp2's probes fail, its traffic still flows
wait_until 5 _more_than "WAN isp2 down" 0
impair 1 "udp dport 53 drop" # the same for isp1: down last
wait_until 5 _more_than "every WAN is down; last resort keep: isp1 keeps carrying traffic" 0
assert_eq "$(wans_used)" "100.64.1.2" "new connections with every WAN down (keep)"
assert_eq "$(wan_metric jalur_wan_up isp1)" 0 "the kept WAN's jalur_wan_up"
pins=$(lab_exec "$LAB" rtr "$JALUR_BIN" status --config "$E2E_TMP/jalur.yaml" --pins)
assert_eq "$(awk '$1 == "isp1" || $1 == "isp2" {print $1, $3}' <<<"$pins" | tr '\n' ' ')" \
  "isp1 last_resort isp2 down " "the data path's states in status --pins"

# --- reload to unreachable: the LAN is told at once
config "[$LAB_SERVER_ALT]" unreachable >"$E2E_TMP/jalur.yaml"
kill -HUP "$AGENT_PID"
wait_until 5 _more_than "reloaded" 0
rule=$(lab_exec "$LAB" rtr ip rule show | grep -c "iif br-lan unreachable" || true)
assert_eq "$rule" 1 "the unreachable rule for the LAN"
start=$EPOCHREALTIME
out=$(lab_exec "$LAB" c1 curl -s -m 5 -o /dev/null -w '%{http_code}' "http://$S/" 2>&1; echo " rc=$?")
took=$(python3 -c "print(int(($EPOCHREALTIME - $start) * 1000))")
assert_eq "${out##* }" "rc=7" "curl with every WAN down (unreachable): couldn't connect"
assert_in_range "$took" 0 1000 "ms until the client was told (a timeout would be 5000)"
note "unreachable: the client failed in $took ms"

# --- both back: the rule goes, both WANs used again
impair 1 ""
impair 2 ""
wait_until 5 _more_than "WAN isp2 up" 0
wait_until 5 _more_than "WAN isp1 up" 4
assert_eq "$(lab_exec "$LAB" rtr ip rule show | grep -c unreachable || true)" 0 "the unreachable rule removed"
assert_eq "$(wans_used)" "100.64.1.2 100.64.2.2" "both WANs in use again"

# --- an HTTP status other than the one expected; a reload rebuilds the probes
isp1_downs=$(log_count 'WAN isp1 ')
config "[{target: 'http://$LAB_SERVER_ALT/', expect: 204}]" unreachable >"$E2E_TMP/jalur.yaml"
kill -HUP "$AGENT_PID"
wait_until 5 _more_than "WAN isp2 down: 2 failed probe rounds: http://$LAB_SERVER_ALT/: status 200" 0
assert_eq "$(log_count 'WAN isp1 ')" "$isp1_downs" "isp1 kept its state across the reload (no transition)"
note "expect 204, got 200: $(grep -o 'WAN isp2 down: .*status 200' "$E2E_TMP/agent.log" | tail -1)"

# --- HTTPS: the server's certificate is verified, by ca_file's CAs or the system's
tls=$E2E_TMP/tls
mkdir -p "$tls"
ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
openssl req -x509 "${ec[@]}" -days 2 -subj /CN=jalur-lab-ca -keyout "$tls/ca.key" -out "$tls/ca.pem" 2>/dev/null
openssl req "${ec[@]}" -subj /CN=probe.lab -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial -days 2 \
  -extfile <(echo "subjectAltName=DNS:probe.lab") -out "$tls/server.pem" 2>/dev/null
lab_exec "$LAB" inet "$LAB_PYTHON" "$E2E_SRC/tools/lab/servers/whoami.py" :: 443 "$tls/server.pem" "$tls/server.key" \
  </dev/null >"$E2E_TMP/https.log" 2>&1 &
lab_wait_port "$LAB" inet 443
https="target: 'https://probe.lab/health', address: $LAB_SERVER_ALT"
reload() { # ISP2_TARGETS: reloaded with them, isp2's next transition awaited
  local transitions
  transitions=$(log_count 'WAN isp2 ')
  config "$1" unreachable >"$E2E_TMP/jalur.yaml"
  kill -HUP "$AGENT_PID"
  wait_until 5 _more_than 'WAN isp2 ' "$transitions"
}
reload "[{$https, ca_file: $tls/ca.pem}]"
assert_eq "$(log_count 'WAN isp2 up')" 2 "isp2 up by HTTPS, the lab's CA given"
reload "[{$https}]"
assert_eq "$(log_count "WAN isp2 down: 2 failed probe rounds: https://probe.lab/health: SSL peer certificate")" 1 \
  "isp2 down by HTTPS, the lab's certificate refused with the system's CAs alone"
note "$(grep -o 'WAN isp2 down: .*https://probe.lab[^;]*' "$E2E_TMP/agent.log" | tail -1)"
echo "PASS"
