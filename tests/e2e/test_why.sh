#!/usr/bin/env bash
# `jalur why` against where connections actually go: for a rule-matched, a
# hashed, an affinity and an already-pinned connection, the WAN it names is
# the one the server then sees the connection come from (the same tuple,
# opened with curl --local-port); asking pins nothing.
source "$(dirname "$0")/lib.sh"

e2e_begin --isps 2 --clients 2
write_config "$E2E_TMP/jalur.yaml" 1 1 -- \
  "policies:" "  - {name: default, members: [isp1, isp2]}" "  - {name: only2, members: [isp2]}" \
  "  - {name: sticky, members: [isp1, isp2], affinity: src-address}" \
  "rules:" "  - {name: to-alt, dst: [203.0.113.10/32], policy: only2}" \
  "  - {name: sticky-c2, src: [192.0.2.12/32], policy: sticky}"
agent_start "$E2E_TMP/jalur.yaml"
jalur() { lab_exec "$LAB" rtr "$JALUR_BIN" "$@" --config "$E2E_TMP/jalur.yaml"; }
why_field() { # FIELD SRC DST PROTO SPORT DPORT: a field of `jalur why --json`
  local field=$1
  shift
  jalur why "$@" --json | python3 -c "import json,sys; print(json.load(sys.stdin).get('$field'))"
}
# went CLIENT DST SPORT: the WAN (isp1/isp2) the server saw a connection from this port come by
went() {
  local src
  src=$(lab_exec "$LAB" "c$1" curl -s -m 5 --local-port "$3" "http://$2/")
  case "$src" in
    *100.64.1.2) echo isp1 ;;
    *100.64.2.2) echo isp2 ;;
    *) echo "unknown: $src" ;;
  esac
}
flows() { jalur flows | awk 'NR > 1' | wc -l; }

# --- a rule: to-alt sends 203.0.113.10 by isp2 only
out=$(jalur why 192.0.2.11 203.0.113.10 tcp 45000 80)
echo "$out"
grep -q "^rules: rule 1 'to-alt' (.*jalur.yaml:[0-9]*:[0-9]*) matched: only2$" <<<"$out" || fail "the rule is not named"
grep -q "^decision: leaves by isp2 (mark 0x" <<<"$out" || fail "the decision"
assert_eq "$(flows)" 0 "flows pinned by asking"
assert_eq "$(went 1 203.0.113.10 45000)" isp2 "where the rule-matched connection went"

# --- hashed: each answer is where the connection goes
declare -A seen=()
for port in 45101 45102 45103 45104 45105 45106 45107 45108; do
  wan=$(why_field wan 192.0.2.11 198.51.100.10 tcp "$port" 80)
  assert_eq "$(why_field pick 192.0.2.11 198.51.100.10 tcp "$port" 80)" hash "how port $port is decided"
  assert_eq "$(went 1 198.51.100.10 "$port")" "$wan" "where the hashed connection from port $port went"
  seen[$wan]=1
done
note "hashed: ${!seen[*]} used, each as jalur why said"
jalur why 192.0.2.11 198.51.100.10 tcp 45199 80 | grep -q "^hash: 0x[0-9a-f]* of the classifier.s fields -> slot [0-9]* of 65536 -> isp[12]$" ||
  fail "the hash line"

# --- already pinned: the flow of port 45101 (the server closed it; the pin stays until it idles out)
out=$(jalur why 192.0.2.11 198.51.100.10 tcp 45101 80)
echo "$out"
first=$(why_field wan 192.0.2.11 198.51.100.10 tcp 45101 80)
grep -q "^pinned flow: to $first, pinned [0-9.]* s ago, last packet [0-9.]* s ago, flags -$" <<<"$out" || fail "the pin"
assert_eq "$(why_field step 192.0.2.11 198.51.100.10 tcp 45101 80)" pinned-flow "the step for a pinned connection"

# --- affinity: c2's first connection decides where its later ones go
wan=$(why_field wan 192.0.2.12 198.51.100.10 tcp 46000 80)
assert_eq "$(went 2 198.51.100.10 46000)" "$wan" "c2's first connection"
for port in 46001 46002 46003 46004; do
  assert_eq "$(why_field pick 192.0.2.12 198.51.100.10 tcp "$port" 80)" affinity "c2's port $port decided by"
  assert_eq "$(went 2 198.51.100.10 "$port")" "$wan" "c2's connection from port $port"
done
jalur why 192.0.2.12 198.51.100.10 tcp 46100 80 | grep -q "^affinity: the client's entry names $wan, used .* s ago (timeout 600 s): it decides$" ||
  fail "the affinity line"

# --- refusals
if jalur why 192.0.2.11 2001:db8::1 2>"$E2E_TMP/err"; then fail "mixed families accepted"; fi
assert_eq "$(cat "$E2E_TMP/err")" "jalur why: refused by the agent: why: 192.0.2.11 and 2001:db8::1 are of different families" \
  "mixed families"
if jalur why 192.0.2.11 198.51.100.10 tcp 1 2>"$E2E_TMP/err"; then fail "four words accepted"; fi
grep -q "expected SRC DST, or SRC DST PROTO SPORT DPORT" "$E2E_TMP/err" || fail "four words: $(cat "$E2E_TMP/err")"
echo "PASS"
