#!/usr/bin/env bash
# An agent started without CAP_BPF, CAP_NET_ADMIN and CAP_SYS_ADMIN (capsh
# --drop) says what it needs and exits non-zero, with no exception, and the
# pins it found are untouched: those of a running agent and those of a
# kept data path, which a privileged start then adopts. (Before: a
# permission error while pins existed was taken for a layout change and
# every pin was deleted, or the agent aborted on a filesystem_error.)
source "$(dirname "$0")/lib.sh"

e2e_begin --isps 2 --clients 1
write_config "$E2E_TMP/jalur.yaml" 1 1 -- "policies:" "  - {name: default, members: [isp1, isp2]}"

# run_unprivileged LOG: jalur run without the capabilities; its exit status
run_unprivileged() {
  local rc=0
  timeout 10 ip netns exec "$LAB_ROUTER" capsh --drop=cap_bpf,cap_net_admin,cap_sys_admin,cap_perfmon -- \
    -c 'exec "$0" run --config "$1"' "$JALUR_BIN" "$E2E_TMP/jalur.yaml" >"$1" 2>&1 || rc=$?
  ((rc != 124)) || fail "the unprivileged agent did not exit: $(cat "$1")"
  has_match -e "terminate called" -e "filesystem_error" <"$1" && fail "an exception escaped: $(cat "$1")"
  return "$rc"
}

# --- beside a running agent
agent_start "$E2E_TMP/jalur.yaml"
before=$(router_state)
run_unprivileged "$E2E_TMP/running.log" && fail "an unprivileged agent started beside a running one"
assert_same_state "$before" "$(router_state)" "the unprivileged agent changed the running agent's host state"
kill -0 "$AGENT_PID" || fail "the running agent is gone"
note "beside a running agent: $(tail -1 "$E2E_TMP/running.log")"

# --- with a kept data path
agent_stop
agent_start "$E2E_TMP/jalur.yaml" --keep-datapath
agent_stop
before=$(router_state)
[[ -e "$LAB_BPFFS/jalur/flows" ]] || fail "no kept pins to test with"
run_unprivileged "$E2E_TMP/kept.log" && fail "an unprivileged agent started"
has_match "needs CAP_BPF and CAP_NET_ADMIN (run as root)" <"$E2E_TMP/kept.log" ||
  fail "no clear permission error: $(cat "$E2E_TMP/kept.log")"
assert_same_state "$before" "$(router_state)" "the unprivileged agent changed the kept data path"
note "with a kept data path: $(tail -1 "$E2E_TMP/kept.log")"

adopted=$(log_count "adopted the pinned data path")
agent_start "$E2E_TMP/jalur.yaml"
wait_until 5 _more_than "adopted the pinned data path" "$adopted"
assert_eq "$(log_count 'recreated empty')" 0 "maps recreated after the permission error"
assert_eq "$(connect_from 1 5)" 5 "connections after adopting the kept pins"
note "a privileged start adopts the kept pins"
echo "PASS"
