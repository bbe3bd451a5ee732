#!/usr/bin/env bash
# The .deb: what it holds, lintian's verdict (an error fails), the unit as
# systemd-analyze sees it, and a scratch-root install whose binary runs and
# whose purge leaves nothing behind. Touches nothing outside a temp dir.
set -euo pipefail
build=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

(cd "$build" && cpack -G DEB -B "$tmp/out" >"$tmp/cpack.log" 2>&1) || { cat "$tmp/cpack.log"; fail "cpack"; }
deb=$(ls "$tmp"/out/jalur_*_*.deb)
echo "--- $(basename "$deb")"

# contents: every path the issue names, with its mode
dpkg-deb -c "$deb" | awk '{print $1, $6}' >"$tmp/contents"
for want in "-rwxr-xr-x ./usr/sbin/jalur" \
  "-rw-r--r-- ./lib/systemd/system/jalur.service" \
  "-rw-r--r-- ./etc/jalur/jalur.yaml" \
  "-rw-r--r-- ./usr/share/man/man8/jalur.8.gz" \
  "-rw-r--r-- ./usr/share/man/man5/jalur.yaml.5.gz" \
  "-rw-r--r-- ./usr/share/bash-completion/completions/jalur" \
  "-rw-r--r-- ./usr/share/doc/jalur/copyright" \
  "-rw-r--r-- ./usr/share/doc/jalur/deploy.md.gz"; do
  grep -qxF -- "$want" "$tmp/contents" || { cat "$tmp/contents"; fail "not in the package: $want"; }
done
dpkg-deb -f "$deb" Depends | grep -q "libbpf1" || fail "Depends was not computed by dpkg-shlibdeps"
dpkg-deb -e "$deb" "$tmp/control"
grep -qxF /etc/jalur/jalur.yaml "$tmp/control/conffiles" || fail "jalur.yaml is not a conffile"
# the man pages are real pages, generated from the tree
zcat "$(dpkg-deb -x "$deb" "$tmp/x" && echo "$tmp/x/usr/share/man/man8/jalur.8.gz")" | grep -q '^\.TH "jalur" "8"' ||
  fail "jalur.8 is not a man page"
man -l "$tmp/x/usr/share/man/man5/jalur.yaml.5.gz" 2>/dev/null | grep -q "nat6" || fail "jalur.yaml(5) does not render"
bash -n "$tmp/x/usr/share/bash-completion/completions/jalur" || fail "the completion script does not parse"

# lintian: errors fail, warnings are shown
lintian --tag-display-limit 0 "$deb" >"$tmp/lintian" 2>&1 || true
cat "$tmp/lintian"
if grep -q '^E:' "$tmp/lintian"; then fail "lintian reports errors"; fi

# the unit, against the binary it names (in the extracted tree); man: is
# not checked here (the pages are not installed on this host)
sed "s#/usr/sbin/jalur#$tmp/x/usr/sbin/jalur#g; /^Documentation=/d" "$tmp/x/lib/systemd/system/jalur.service" \
  >"$tmp/jalur.service"
SYSTEMD_LOG_LEVEL=warning systemd-analyze verify "$tmp/jalur.service" >"$tmp/verify" 2>&1 ||
  { cat "$tmp/verify"; fail "systemd-analyze verify"; }
if grep -v "^$" "$tmp/verify" | grep -q .; then cat "$tmp/verify"; fail "systemd-analyze verify complains"; fi

# install into a scratch root: dpkg's database there, maintainer scripts
# told by DPKG_ROOT that the host is not theirs
root=$tmp/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
touch "$root/var/lib/dpkg/status"
dpkg --root="$root" --force-script-chrootless --force-depends --log=/dev/null -i "$deb" >"$tmp/dpkg.log" 2>&1 ||
  { cat "$tmp/dpkg.log"; fail "dpkg -i into a scratch root"; }
"$root/usr/sbin/jalur" version | grep -q "^jalur " || fail "the installed jalur does not run"
# the default config: refused, naming each placeholder with its line
if "$root/usr/sbin/jalur" check --config "$root/etc/jalur/jalur.yaml" 2>"$tmp/check.err"; then
  fail "the default config was accepted with its placeholders"
fi
grep -q "jalur.yaml:[0-9]*:[0-9]*: lan: edit this placeholder" "$tmp/check.err" || { cat "$tmp/check.err"; fail "no placeholder named"; }
dpkg --root="$root" --force-script-chrootless --log=/dev/null -P jalur >"$tmp/dpkg.log" 2>&1 ||
  { cat "$tmp/dpkg.log"; fail "dpkg -P"; }
left=$(find "$root" -mindepth 1 -not -path "$root/var/lib/dpkg*" -not -type d)
[[ -z $left ]] || fail "files left after purge: $left"
echo "package: contents, lintian, unit, install and purge OK"
