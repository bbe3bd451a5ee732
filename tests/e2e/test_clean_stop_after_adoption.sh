#!/usr/bin/env bash
# An agent that adopts a data path it did not set up still leaves the host
# exactly as it was before the first start: after a SIGKILL and an adopting
# restart, and after a --keep-datapath stop and an adopting restart, SIGTERM
# removes the clsact qdiscs and the pin directory the first agent made
# (recorded in the pins' ledger). Rules, routes, links, qdiscs, filters,
# pins and mounts compared. (Before: empty clsact qdiscs and the pin
# directory were left.)
source "$(dirname "$0")/lib.sh"

e2e_begin --isps 2 --clients 1
write_config "$E2E_TMP/jalur.yaml" 1 1 -- "policies:" "  - {name: default, members: [isp1, isp2]}"
before=$(router_state)

# --- SIGKILL, an adopting restart, SIGTERM
agent_start "$E2E_TMP/jalur.yaml"
assert_eq "$(connect_from 1 5)" 5 "connections through the first agent"
agent_kill
agent_start "$E2E_TMP/jalur.yaml"
wait_until 5 _logged "adopted the pinned data path"
agent_stop
assert_same_state "$before" "$(router_state)" "SIGKILL, restart, SIGTERM left the host changed"
note "SIGKILL, adopting restart, SIGTERM: the host is as before"

# --- a kept data path, an adopting restart, SIGTERM
agent_start "$E2E_TMP/jalur.yaml" --keep-datapath
agent_stop
lab_exec "$LAB" rtr tc qdisc show | has_match clsact || fail "the kept data path has no clsact qdisc"
adopted=$(log_count "adopted the pinned data path")
agent_start "$E2E_TMP/jalur.yaml"
wait_until 5 _more_than "adopted the pinned data path" "$adopted"
agent_stop
assert_same_state "$before" "$(router_state)" "keep, restart, SIGTERM left the host changed"
note "kept data path, adopting restart, SIGTERM: the host is as before"
echo "PASS"
