#!/usr/bin/env bash
# jalur doctor (issue 23) on the lab's router: passes on the clean lab, and
# flags each seeded problem with a FAIL line, its fix and exit status 1 --
# a wg-quick-style fwmark rule inside jalur's mask, strict rp_filter on a
# WAN, forwarding off, a missing NAT -- each put back before the next.
source "$(dirname "$0")/lib.sh"

e2e_begin
rtr() { lab_exec "$LAB" rtr "$@"; }
write_config "$E2E_TMP/c.yaml" 1 1
doctor() { rtr "$JALUR_BIN" doctor --config "$E2E_TMP/c.yaml" >"$E2E_TMP/doctor.out" 2>&1; }

if ! doctor; then
  cat "$E2E_TMP/doctor.out"
  fail "doctor fails on the clean lab"
fi
grep -q "^FAIL" "$E2E_TMP/doctor.out" && fail "a FAIL line on the clean lab"
grep -q "^pass  nat isp1: a masquerade or snat rule of the ruleset covers wan1" "$E2E_TMP/doctor.out" ||
  fail "the lab's NAT was not seen: $(cat "$E2E_TMP/doctor.out")"
note "clean lab: $(tail -1 "$E2E_TMP/doctor.out")"

# expect_fail WHAT FIX_TEXT: doctor exits 1 with a FAIL line for WHAT whose fix says FIX_TEXT
expect_fail() {
  if doctor; then
    cat "$E2E_TMP/doctor.out"
    fail "doctor passed with $1 seeded"
  fi
  grep -A1 "^FAIL  $1" "$E2E_TMP/doctor.out" | grep -qF "fix: " || fail "no FAIL line with a fix for $1: $(cat "$E2E_TMP/doctor.out")"
  grep -A1 "^FAIL  $1" "$E2E_TMP/doctor.out" | grep -qF "$2" || fail "the fix for $1 does not say '$2'"
  note "flagged: $(grep "^FAIL  $1" "$E2E_TMP/doctor.out")"
}

# wg-quick: `ip rule add not fwmark 0xca6c table 51820`
rtr ip rule add not fwmark 0xca6c table 51820 priority 32765
expect_fail "fwmark" "fwmark_mask"
rtr ip rule del priority 32765

# the kernel uses max(all, wan2): the lab's all=2 would keep it loose
rtr sysctl -q -w net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.wan2.rp_filter=1
expect_fail "rp_filter wan2" "rp_filter: loose"
rtr sysctl -q -w net.ipv4.conf.all.rp_filter=2 net.ipv4.conf.wan2.rp_filter=2

rtr sysctl -q -w net.ipv4.ip_forward=0
expect_fail "forwarding" "forwarding: on"
rtr sysctl -q -w net.ipv4.ip_forward=1

saved=$(rtr nft list table inet jalur_lab)
rtr nft delete table inet jalur_lab
expect_fail "nat isp1" "nat: masquerade"
rtr nft -f - <<<"$saved"

doctor || fail "doctor fails after every problem was put back: $(cat "$E2E_TMP/doctor.out")"
note "each seeded problem flagged, and the lab passes again"
