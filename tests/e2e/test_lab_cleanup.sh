#!/usr/bin/env bash
# However a test ends, its lab leaves nothing behind: a test that fails, one
# killed by SIGTERM while traffic flows, one whose process group is killed
# while the lab is being built (at four points), and a lab whose creator was
# SIGKILLed (lab_gc). Afterwards: no namespace, state directory, bpffs mount
# or process of those labs, and the root namespace is exactly as before.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

# Unique per run, so copies of this test can run side by side; the "_" ends
# the pid, so no other run's tag is a prefix of ours.
tag=c$(printf %x $$)_
tmp=$(mktemp -d)

cleanup() { # a failure of this test must not leave the children's labs
  local rc=$? n
  for n in $(lab_list | grep "^$tag" || true); do lab_down "$n"; done
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Everything outside the labs' namespaces that a lab could touch
root_snapshot() {
  ip -o link show
  ip -o addr show
  ip -4 rule show
  ip -6 rule show
  ip -4 route show table all
  ip -6 route show table all | sed 's/ expires [0-9]*sec//'
  nft list ruleset
  # other labs (and their namespaces) may come and go meanwhile
  mount | grep -v -e " /run/jalur-lab/" -e " /run/netns" || true
}
before=$(root_snapshot)

# --- the children: a test script each (MODE fail | run | build)
cat >"$tmp/child.sh" <<'CHILD'
source "$E2E_SRC/tests/e2e/lib.sh"
# every process in the lab's namespaces, as "pid cmdline"
record() {
  local ns pid
  for ns in $(lab_namespaces "$LAB"); do
    for pid in $(ip netns pids "$ns"); do
      echo "$pid $(tr '\0' ' ' <"/proc/$pid/cmdline" | sed 's/ $//')"
    done
  done >>"$OUT.procs"
}
e2e_begin "$PREFIX" --isps 2 --clients 2
case $MODE in
  fail)
    record
    fail "this child fails on purpose"
    ;;
  run) # live traffic when the signal comes: a stream and pings (bounded)
    lab_static_routing "$LAB"
    lab_route_client_via "$LAB" 1 1
    lab_route_client_via "$LAB" 2 2
    lab_exec "$LAB" c1 curl -s -N -m 30 "http://198.51.100.10/stream?seconds=30" >"$OUT.stream" &
    stream=$!
    lab_exec "$LAB" c2 ping -n -i 0.2 -c 150 198.51.100.10 >/dev/null &
    wait_until 5 test -s "$OUT.stream"
    record
    touch "$OUT.ready"
    wait "$stream" # a trapped signal interrupts the wait
    ;;
  build) lab_wait_until 30 false || true ;; # the signal is meant for lab_up; in case it comes late
esac
CHILD
export E2E_SRC

# no_trace PREFIX: nothing of the labs named PREFIX* is left
no_trace() {
  local p=$1
  [[ -z "$(ip netns list | awk '{print $1}' | grep "^$p" || true)" ]] || fail "namespaces of $p* left: $(ip netns list | grep "^$p")"
  compgen -G "$LAB_RUN_ROOT/$p*" >/dev/null && fail "state directory left: $(echo "$LAB_RUN_ROOT/$p"*)"
  mount -t bpf | has_match " $LAB_RUN_ROOT/$p" && fail "bpffs left mounted: $(mount -t bpf | grep " $LAB_RUN_ROOT/$p")"
  return 0
}

# alive FILE: how many of the recorded processes still run (a pid reused
# by something else does not count)
alive() {
  local pid cmd n=0
  [[ -s "$1" ]] || fail "no processes were recorded in $1"
  while read -r pid cmd; do
    [[ "$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | sed 's/ $//')" == "$cmd" ]] && n=$((n + 1))
  done <"$1"
  echo "$n"
}

# No lab server may run outside a named namespace: that would be one whose
# namespace was deleted under it (labs of other tests being torn down right
# now may show one for a moment, hence the wait).
orphan_servers() {
  local pid
  for pid in $(pgrep -f "$LAB_HOME/servers/" || true); do
    [[ -n "$(ip netns identify "$pid" 2>/dev/null)" ]] || echo "$pid"
  done
}
no_orphan_servers() { [[ -z "$(orphan_servers)" ]]; }

# --- 1. a test that fails
rc=0
OUT=$tmp/fail PREFIX=${tag}f MODE=fail bash "$tmp/child.sh" >"$tmp/fail.log" 2>&1 || rc=$?
assert_eq "$rc" 1 "exit status of the failing child"
grep -q "fails on purpose" "$tmp/fail.log" || fail "the failing child did not get to its failure: $(cat "$tmp/fail.log")"
no_trace "${tag}f"
assert_eq "$(alive "$tmp/fail.procs")" 0 "processes of the failing child's lab still running"
note "a failing test left nothing"

# --- 2. SIGTERM to a test while its traffic flows
OUT=$tmp/run PREFIX=${tag}r MODE=run bash "$tmp/child.sh" >"$tmp/run.log" 2>&1 &
child=$!
wait_until 30 test -e "$tmp/run.ready"
grep -q curl "$tmp/run.procs" || fail "the stream was not running when the signal came"
assert_eq "$(alive "$tmp/run.procs")" "$(wc -l <"$tmp/run.procs")" "recorded processes alive before the signal"
kill -TERM "$child"
rc=0
wait "$child" || rc=$?
assert_eq "$rc" 143 "exit status of the child killed by SIGTERM"
no_trace "${tag}r"
assert_eq "$(alive "$tmp/run.procs")" 0 "processes of the killed child's lab still running"
note "a test killed by SIGTERM mid-traffic left nothing"

# --- 3. SIGTERM to the whole process group (as ^C or a runner's timeout
# does) while lab_up is building: the builder and the test both get it
stage_reached() { # STAGE: that part of the lab exists
  case $1 in
    router) ip netns list | has_match "^${tag}b.*-rtr" ;;
    isp2) ip netns list | has_match "^${tag}b.*-isp2" ;;
    client2) ip netns list | has_match "^${tag}b.*-c2" ;;
    servers) compgen -G "$LAB_RUN_ROOT/${tag}b*/run/whoami.pid" >/dev/null ;;
  esac
}
for stage in router isp2 client2 servers; do
  # setsid: a process group of its own, led by the child's pid
  OUT=$tmp/build PREFIX=${tag}b MODE=build setsid bash "$tmp/child.sh" >"$tmp/build.log" 2>&1 &
  child=$!
  assert_eq "$(ps -o pgid= -p "$child" | tr -d ' ')" "$child" "process group of the build child"
  wait_until 30 stage_reached "$stage"
  kill -TERM -- "-$child" 2>/dev/null || true # the group may have finished already
  wait "$child" || true
  no_trace "${tag}b"
done
note "SIGTERM during lab_up (router, isp2, client2, servers) left nothing"

# --- 4. a lab whose creator was SIGKILLed: no trap ran; lab_gc removes it,
# and leaves alone a lab made by `lab.sh up` (no owner) and labs whose owner lives
gc_name=$(lab_unique_name "${tag}k")
# exec: the sleep keeps the pid that lab_up recorded as the owner
bash -c 'source "$1"; lab_up "$2" --isps 2 --clients 1; exec sleep 60' _ "$LAB_HOME/lab.sh" "$gc_name" &
owner=$!
wait_until 30 lab_listening "$gc_name" inet 80
cli_name=$(lab_unique_name "${tag}m")
bash "$LAB_HOME/lab.sh" up "$cli_name" --isps 2 --clients 1 >/dev/null
lab_gc 2>/dev/null
[[ -n "$(lab_namespaces "$gc_name")" ]] || fail "lab_gc removed a lab whose owner is alive"
{ kill -KILL "$owner" && wait "$owner"; } 2>/dev/null || true # quiet: no "Killed" notice
lab_gc 2>/dev/null
no_trace "$gc_name"
[[ -n "$(lab_namespaces "$cli_name")" ]] || fail "lab_gc removed a lab made by lab.sh up"
bash "$LAB_HOME/lab.sh" down "$cli_name"
bash "$LAB_HOME/lab.sh" down "$cli_name" || fail "a second down failed"
lab_down "no_such_lab" || fail "down of an unknown lab failed"
lab_down "../../etc" || fail "down of an invalid name failed"
no_trace "$cli_name"
note "lab_gc removes a lab whose creator was SIGKILLed; down is idempotent"

# --- nothing anywhere
no_trace "$tag"
wait_until 10 no_orphan_servers
after=$(root_snapshot)
if [[ "$before" != "$after" ]]; then
  diff <(echo "$before") <(echo "$after") >&2 || true
  fail "the root namespace changed (diff above)"
fi
echo "PASS"
