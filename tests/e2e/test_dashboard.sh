#!/usr/bin/env bash
# The dashboard in a real browser (issue 22): Debian's headless chromium,
# driven by python3-selenium (dashboard_browser.py), inside the router's
# namespace against the agent's endpoint. Both WANs' cards with no console
# error; a transfer moves the chart; an upstream blackhole on isp1 turns its
# card down within 2 s of the agent's transition, with the cause, and the
# timeline gains it; a rogue DHCP server appears in its list; with basic
# authentication on, a request without it gets 401. Screenshots are kept in
# the build directory (artifacts/dashboard/) as the run's artifacts.
source "$(dirname "$0")/lib.sh"

for tool in /usr/bin/chromium /usr/bin/chromedriver; do
  [[ -x $tool ]] || fail "$tool missing: run tools/install-deps.sh"
done
/usr/bin/python3 -c 'import selenium' 2>/dev/null || fail "python3-selenium missing: run tools/install-deps.sh"

SHOTS=${E2E_ARTIFACTS:-$(dirname "$JALUR_BIN")/../artifacts}/dashboard
mkdir -p "$SHOTS"
SHOTS=$(cd "$SHOTS" && pwd)
rm -f "$SHOTS"/*.png

e2e_begin --isps 2 --clients 3
C1=$(lab_ns "$LAB" c1) C3=$(lab_ns "$LAB" c3)
rogue_mac=$(ip -n "$C3" -br link show eth0 | awk '{print $3}')
browser() { ip netns exec "$LAB_ROUTER" /usr/bin/python3 "$E2E_SRC/tests/e2e/dashboard_browser.py" "$@"; }

# a rogue dnsmasq on c3: it answers only when c1 asks (the --rogue step)
ip netns exec "$C3" dnsmasq -k --conf-file=/dev/null --port=0 --no-ping --bind-interfaces --interface=eth0 \
  --dhcp-range=192.0.2.200,192.0.2.249,255.255.255.0,5m --dhcp-leasefile="$E2E_TMP/rogue.leases" \
  --pid-file="$E2E_TMP/rogue.pid" --log-facility="$E2E_TMP/rogue.log" &
wait_until 5 test -s "$E2E_TMP/rogue.pid"
e2e_cleanup 'kill "$(cat "$E2E_TMP/rogue.pid")" 2>/dev/null'
printf '#!/bin/sh\nexit 0\n' >"$E2E_TMP/noop.sh" && chmod +x "$E2E_TMP/noop.sh"

# --- the page, live
write_config "$E2E_TMP/jalur.yaml" 1 1 -- "dhcp_guard: {mode: alert}" "metrics: {listen: \"127.0.0.1:9464\", flow_count_interval: 1s}"
agent_start "$E2E_TMP/jalur.yaml"
# a download paced at 2 MB/s for about 6 s (the server's /bytes), through whichever WAN c1's flow gets;
# c1's small receive buffer (its own namespace's sysctl) makes curl's pacing reach the wire, not a burst
ip netns exec "$C1" sysctl -qw net.ipv4.tcp_rmem="4096 32768 65536"
transfer="ip netns exec $C1 curl -sf -m 20 --limit-rate 2M -o /dev/null http://$LAB_SERVER/bytes?n=12000000"
browser lab --url http://127.0.0.1:9464/ --wans isp1,isp2 --shots "$SHOTS" --agent-log "$E2E_TMP/agent.log" \
  --transfer "$transfer" \
  --blackhole "bash $E2E_SRC/tools/lab/lab.sh impair $LAB 1 blackhole" --blackhole-wan isp1 \
  --cause "upstream (the gateway answers): $LAB_SERVER: no answer" \
  --restore "bash $E2E_SRC/tools/lab/lab.sh impair $LAB 1 restore" \
  --rogue "ip netns exec $C1 udhcpc -i eth0 -f -q -n -t 2 -T 1 -s $E2E_TMP/noop.sh >/dev/null 2>&1 || true" \
  --rogue-mac "$rogue_mac" || fail "the dashboard in the browser"
agent_stop

# --- basic authentication from a password file
install -m 600 /dev/null "$E2E_TMP/dashboard.passwd"
echo "admin:lab-$RANDOM-secret" >"$E2E_TMP/dashboard.passwd"
password=$(cut -d: -f2- "$E2E_TMP/dashboard.passwd")
write_config "$E2E_TMP/auth.yaml" 1 1 -- \
  "metrics: {listen: \"127.0.0.1:9464\", auth_file: $E2E_TMP/dashboard.passwd}"
grep -q "$password" "$E2E_TMP/auth.yaml" && fail "the password is in the config"
agent_start "$E2E_TMP/auth.yaml"
assert_eq "$(lab_exec "$LAB" rtr curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:9464/healthz)" 200 \
  "/healthz without credentials"
assert_eq "$(lab_exec "$LAB" rtr curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:9464/metrics)" 401 \
  "/metrics without credentials"
# jalur status reads the same file (root) and still gets the agent's own view
lab_exec "$LAB" rtr "$JALUR_BIN" status --json --config "$E2E_TMP/auth.yaml" | has_match '"source":"agent"' ||
  fail "jalur status did not get the agent's view with basic authentication on"
browser auth --url http://127.0.0.1:9464/ --wans isp1,isp2 --shots "$SHOTS" --user admin --password "$password" ||
  fail "basic authentication in the browser"
agent_stop
note "screenshots: $(ls "$SHOTS" | tr '\n' ' ')"
echo PASS
