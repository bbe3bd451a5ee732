#!/usr/bin/env bash
# The control socket and `jalur reload` through it: a reload the agent
# refuses exits non-zero with the agent's reason; `reload --config OTHER`
# applies OTHER, which is from then on the agent's file (SIGHUP re-reads
# it); a user outside root and the socket's group cannot connect and is told
# so; a malformed, an oversized and a silent request each get an error reply
# and the agent keeps running; the socket goes with the agent.
source "$(dirname "$0")/lib.sh"

e2e_begin --isps 3 --clients 1
write_config "$E2E_TMP/jalur.yaml" 1 1
agent_start "$E2E_TMP/jalur.yaml"
jalur() { lab_exec "$LAB" rtr "$JALUR_BIN" "$@"; }
status_field() { # PYTHON-EXPRESSION over the status JSON as s
  jalur status --config "$E2E_TMP/jalur.yaml" --json | python3 -c "import json,sys; s=json.load(sys.stdin); print($1)"
}

sock="/run/jalur/$(tr / _ <<<"$LAB_BPFFS/jalur").sock"
[[ -S "$sock" ]] || fail "no control socket at $sock"
assert_eq "$(stat -c '%a %U %G' "$sock")" "660 root root" "the socket's mode and owners"

# --- its own file: applied, exit 0, says what
out=$(jalur reload --config "$E2E_TMP/jalur.yaml") || fail "reload of the agent's own file failed"
grep -q "^reloaded $E2E_TMP/jalur.yaml: 2 WAN(s)" <<<"$out" || fail "reload said: $out"

# --- refused by the agent: a changed bpffs (the same socket named, so the CLI reaches this agent)
write_config "$E2E_TMP/bpffs.yaml" 1 1 -- "control: {socket: $sock}"
sed -i "s|^bpffs: .*|bpffs: $LAB_BPFFS/other|" "$E2E_TMP/bpffs.yaml"
if jalur reload --config "$E2E_TMP/bpffs.yaml" >/dev/null 2>"$E2E_TMP/err"; then fail "a bpffs change was accepted"; fi
cat "$E2E_TMP/err"
grep -q "refused by the agent: .*bpffs.yaml: bpffs changed; that takes effect only on restart" "$E2E_TMP/err" ||
  fail "the refusal does not say why"

# --- refused by the agent: an unknown policy (--socket: no check in the CLI, the agent's own)
write_config "$E2E_TMP/policy.yaml" 1 1 -- "default_policy: nosuch"
if jalur reload --socket "$sock" --config "$E2E_TMP/policy.yaml" >/dev/null 2>"$E2E_TMP/err"; then
  fail "a config naming an unknown policy was accepted"
fi
cat "$E2E_TMP/err"
grep -q "refused by the agent: .*policy.yaml:[0-9]*:[0-9]*: .*nosuch" "$E2E_TMP/err" || fail "the refusal does not say why"
assert_eq "$(status_field 's["agent"]["wans"]')" 2 "WANs after two refused reloads"

# --- another file: applied, and from then on the agent's file
write_config "$E2E_TMP/other.yaml" 1 1 1
jalur reload --config "$E2E_TMP/other.yaml"
assert_eq "$(status_field 's["agent"]["config"], s["agent"]["wans"]')" "$E2E_TMP/other.yaml 3" \
  "the agent's config file and WANs after reload --config OTHER"
write_config "$E2E_TMP/other.yaml" 1 1 -- "metrics: {listen: \"127.0.0.1:9464\"}"
runs=$(log_count "reloaded $E2E_TMP/other.yaml")
kill -HUP "$AGENT_PID"
wait_until 5 _more_than "reloaded $E2E_TMP/other.yaml" "$runs"
assert_eq "$(status_field 's["agent"]["wans"]')" 2 "WANs after SIGHUP re-read OTHER"

# --- a user outside root and the group: refused by the socket's mode, and told so
if setpriv --reuid=nobody --regid=nogroup --clear-groups "$JALUR_BIN" reload --socket "$sock" >/dev/null \
  2>"$E2E_TMP/err"; then
  fail "nobody reloaded the agent"
fi
cat "$E2E_TMP/err"
assert_eq "$(cat "$E2E_TMP/err")" "jalur reload: permission denied on $sock: run as root" "nobody's error"

# --- hostile clients: each gets an error reply, the agent keeps going
python3 - "$sock" >"$E2E_TMP/replies" <<'EOF'
import socket, sys, time
def ask(payload, wait_reply=5):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(wait_reply)
    s.connect(sys.argv[1])
    if payload:
        try:
            s.sendall(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass
    data = b""
    while not data.endswith(b"\n"):
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    s.close()
    return data.decode().strip()
print(ask(b"reload please\n"))
print(ask(b'{"command": "reboot"}\n'))
print(ask(b'{"command": "reload", "config": "relative.yaml"}\n'))
print(ask(b"{" + b'"x": "' + b"a" * 100000))  # no newline, past the bound
start = time.monotonic()
print(ask(b'{"command": '))  # then silence
print("silent client answered after %.1f s" % (time.monotonic() - start))
EOF
cat "$E2E_TMP/replies"
sed -n 1p "$E2E_TMP/replies" | grep -q '^{"ok":false,"error":"malformed request at byte 0: expected a JSON object' ||
  fail "garbage got no error reply"
sed -n 2p "$E2E_TMP/replies" | grep -q '"ok":false,"error":"unknown command .reboot.; known: events, quota, reload, wan, why"' ||
  fail "an unknown command got no error reply"
sed -n 3p "$E2E_TMP/replies" | grep -q '"ok":false,"error":"reload: \\"config\\" must be an absolute path' ||
  fail "a relative path got no error reply"
sed -n 4p "$E2E_TMP/replies" | grep -q '"ok":false,"error":"request too long: more than 16384 bytes' ||
  fail "an oversized request got no error reply"
sed -n 5p "$E2E_TMP/replies" | grep -q '"ok":false,"error":"no complete request within 2000 ms"' ||
  fail "a silent client got no error reply"
kill -0 "$AGENT_PID" || fail "the agent died"
jalur reload --config "$E2E_TMP/other.yaml" >/dev/null || fail "reload after the hostile clients"

# --- a member of the socket's group may; the socket goes with the agent
agent_stop
[[ ! -e "$sock" ]] || fail "the socket outlived the agent"
write_config "$E2E_TMP/group.yaml" 1 1 -- "control: {group: nogroup}"
agent_start "$E2E_TMP/group.yaml"
assert_eq "$(stat -c '%a %U %G' "$sock")" "660 root nogroup" "the socket's owners with a group"
setpriv --reuid=nobody --regid=nogroup --clear-groups "$JALUR_BIN" reload --socket "$sock" ||
  fail "a member of the group could not reload"
echo "PASS"
