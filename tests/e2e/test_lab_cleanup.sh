#!/usr/bin/env bash
# A test that fails, and one killed midway, leave nothing behind.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

snapshot() {
  ip -o link show | awk -F': ' '{print $2}'
  nft list tables 2>/dev/null || true
  mount -t bpf | awk '{print $3}'
}
before=$(snapshot)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/failing.sh" <<CHILD
source "$here/lib.sh"
e2e_begin --isps 2 --clients 1
echo "\$LAB" >"$tmp/name1"
false
CHILD
cat >"$tmp/killed.sh" <<CHILD
source "$here/lib.sh"
e2e_begin --isps 2 --clients 1
echo "\$LAB" >"$tmp/name2"
sleep 60 & wait \$!
CHILD

if bash "$tmp/failing.sh" >/dev/null 2>&1; then echo "FAIL: the failing child passed"; exit 1; fi
bash "$tmp/killed.sh" >/dev/null 2>&1 &
child=$!
deadline=$((SECONDS + 30))
until [[ -s "$tmp/name2" ]]; do
  ((SECONDS < deadline)) || { echo "FAIL: the second lab never came up"; exit 1; }
  sleep 0.05
done
kill -TERM "$child"
wait "$child" || true

for f in name1 name2; do
  name=$(cat "$tmp/$f")
  if ip netns list | grep -q "^$name-"; then echo "FAIL: namespaces of $name left behind"; exit 1; fi
  if [[ -e /run/jalur-lab/$name ]]; then echo "FAIL: lab directory of $name left behind"; exit 1; fi
  if pgrep -f "$name" >/dev/null; then echo "FAIL: processes of $name left behind"; exit 1; fi
done
after=$(snapshot)
if [[ "$before" != "$after" ]]; then
  echo "FAIL: the root namespace changed:"; diff <(echo "$before") <(echo "$after"); exit 1
fi
echo "PASS: a failing and a killed test left nothing behind"
