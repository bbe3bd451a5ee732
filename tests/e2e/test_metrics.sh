#!/usr/bin/env bash
# The metrics endpoint on a live agent: promtool accepts a scrape; a WAN's
# byte counter matches a 20 MB download through it; a real Prometheus (Debian's) in
# the router's namespace scrapes the endpoint and PromQL over its HTTP API
# returns the WAN states, before and after a failure; the endpoint
# survives 1,000 concurrent requests and garbage while the agent's event
# loop keeps running.
source "$(dirname "$0")/lib.sh"

command -v prometheus >/dev/null && command -v promtool >/dev/null ||
  fail "prometheus and promtool are needed (apt-get install prometheus; tools/install-deps.sh does it)"

e2e_begin metrics --isps 2 --clients 1
# everything to 203.0.113.10 leaves by isp1: the byte test knows its WAN
write_config "$E2E_TMP/jalur.yaml" 1 1 -- \
  "health: {interval: 200ms, timeout: 200ms, down: 2, up: 3, targets: [198.51.100.10]}" \
  "metrics: {listen: \"127.0.0.1:9464\", flow_count_interval: 1s}" \
  "policies:" "  - {name: default, members: [isp1, isp2]}" "  - {name: only1, members: [isp1]}" \
  "rules:" "  - {dst: [203.0.113.10/32], policy: only1}"
agent_start "$E2E_TMP/jalur.yaml"

rtr_curl() { lab_exec "$LAB" rtr curl -sf -m 5 "http://127.0.0.1:9464$1"; }
scrape() { rtr_curl /metrics; }
# metric NAME LABELS: the value of one sample of a fresh scrape
metric() { scrape | awk -v want="$1${2:+{$2\}}" '$1 == want {print $2}'; }
wait_until 5 rtr_curl /healthz

# --- the format: promtool's parser and its lint rules (names, units, HELP)
scrape >"$E2E_TMP/scrape.txt"
promtool check metrics <"$E2E_TMP/scrape.txt" || fail "promtool check metrics rejected the scrape"
for f in jalur_build_info jalur_wan_up jalur_wan_state jalur_wan_tx_bytes_total jalur_wan_rx_bytes_total \
  jalur_probe_rtt_seconds jalur_wan_transitions_total jalur_flows_active jalur_flow_table_capacity \
  jalur_datapath_packets_total; do
  grep -q "^# TYPE $f " "$E2E_TMP/scrape.txt" || fail "family $f missing from the scrape"
done
note "promtool check metrics: OK ($(grep -c '^# TYPE' "$E2E_TMP/scrape.txt") families, $(grep -vc '^#' "$E2E_TMP/scrape.txt") samples)"

# --- bytes: a 20 MB download from 203.0.113.10 through isp1. rx counts
# every frame at WAN ingress with its Ethernet header: the payload, plus
# per packet 14 (Ethernet) + 20 (IPv4) + 32 (TCP with timestamps) = 66 bytes,
# plus the HTTP response head, the handshake and the probes' echo replies
# (98 bytes each, 5 a second). veth passes the sender's TSO segments through
# unsplit, so there may be fewer (larger) packets than MTU-sized ones, never
# more: the bound below allows 66 bytes per 1448-byte segment (4.6%), and
# 1% for the rest.
n=20000000
before=$(metric jalur_wan_rx_bytes_total 'wan="isp1"')
pkts_before=$(metric jalur_wan_rx_packets_total 'wan="isp1"')
lab_exec "$LAB" c1 curl -sf -m 60 -o /dev/null -w '%{size_download}\n' "http://203.0.113.10/bytes?n=$n" >"$E2E_TMP/size"
assert_eq "$(cat "$E2E_TMP/size")" "$n" "bytes downloaded"
after=$(metric jalur_wan_rx_bytes_total 'wan="isp1"')
pkts=$(($(metric jalur_wan_rx_packets_total 'wan="isp1"') - pkts_before))
moved=$((after - before))
assert_in_range "$moved" "$n" $((n + n / 100 + n / 1448 * 66)) "isp1 rx bytes for a $n-byte download"
note "isp1 rx_bytes grew by $moved for $n bytes of payload: +$(((moved - n) * 10000 / n / 100)).$(((moved - n) * 10000 / n % 100))% in $pkts packets (headers: $(((moved - n) / (pkts > 0 ? pkts : 1))) bytes per packet)"

# --- a real Prometheus, in the router's namespace, storage in the test's dir
cat >"$E2E_TMP/prometheus.yml" <<YAML
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: jalur
    static_configs: [{targets: ['127.0.0.1:9464']}]
YAML
promtool check config "$E2E_TMP/prometheus.yml" >/dev/null || fail "prometheus.yml rejected"
lab_exec "$LAB" rtr prometheus --config.file="$E2E_TMP/prometheus.yml" --storage.tsdb.path="$E2E_TMP/prom-data" \
  --web.listen-address=127.0.0.1:9090 >"$E2E_TMP/prometheus.log" 2>&1 &
PROM_PID=$!
e2e_cleanup 'kill "$PROM_PID" 2>/dev/null; wait "$PROM_PID" 2>/dev/null'
# promql QUERY: "wan=value" per result, sorted
promql() {
  lab_exec "$LAB" rtr curl -sf -m 5 --data-urlencode "query=$1" http://127.0.0.1:9090/api/v1/query |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(" ".join(sorted(x["metric"].get("wan","")+"="+x["value"][1] for x in r)))'
}
_promql_is() { [[ "$(promql "$1")" == "$2" ]]; }
wait_until 30 _promql_is 'jalur_wan_state{state="up"}' "isp1=1 isp2=1"
assert_eq "$(promql 'up{job="jalur"}')" "=1" "Prometheus's own view of the target"
note "PromQL: $(promql 'jalur_wan_state{state="up"}')"

lab_impair "$LAB" 1 blackhole
wait_until 15 _promql_is 'jalur_wan_state{state="down"} == 1' "isp1=1"
wait_until 15 _promql_is 'jalur_wan_transitions_total{to="down"}' "isp1=1 isp2=0"
note "after the blackhole, PromQL: down: $(promql 'jalur_wan_state{state="down"} == 1')"
lab_impair "$LAB" 1 restore
wait_until 15 _promql_is 'jalur_wan_up' "isp1=1 isp2=1"

# --- `jalur status` asks the agent: health columns and the exact flow count
lab_exec "$LAB" rtr "$JALUR_BIN" status --config "$E2E_TMP/jalur.yaml" >"$E2E_TMP/status.txt"
grep -q "^isp1 .* up .*ms" "$E2E_TMP/status.txt" || fail "status without the agent's health: $(cat "$E2E_TMP/status.txt")"
grep -q "LAST FAILURE" "$E2E_TMP/status.txt" || fail "status has no health table"
lab_exec "$LAB" rtr "$JALUR_BIN" status --config "$E2E_TMP/jalur.yaml" --pins | has_match "not reachable" ||
  fail "status --pins did not read the pins alone"
src=$(lab_exec "$LAB" rtr "$JALUR_BIN" status --config "$E2E_TMP/jalur.yaml" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["source"])')
assert_eq "$src" agent "status --json source"

# --- 1,000 concurrent requests, garbage and silent clients; meanwhile the
# event loop must keep probing (its probe counter grows) and beating
probes_before=$(metric jalur_probes_sent_total 'wan="isp2"')
result=$(lab_exec "$LAB" rtr "$LAB_PYTHON" "$E2E_SRC/tests/e2e/http_storm.py" 127.0.0.1 9464 1000 60)
note "storm: $result"
ok=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["ok"])' "$result")
assert_eq "$ok" 1000 "concurrent requests answered 200"
kill -0 "$AGENT_PID" || fail "the agent died in the storm"
rtr_curl /healthz >/dev/null || fail "/healthz after the storm"
probes_after=$(metric jalur_probes_sent_total 'wan="isp2"')
((probes_after > probes_before)) || fail "no probes sent during the storm: the event loop was blocked"
beat=$(metric jalur_agent_heartbeat_timestamp_seconds '' | cut -d. -f1)
assert_in_range "$(($(date +%s) - beat))" -1 3 "seconds since the event loop's heartbeat"
promtool check metrics < <(scrape) || fail "promtool after the storm"
echo "PASS"
