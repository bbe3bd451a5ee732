#!/usr/bin/env bash
# Refuses an #include that runs up the layers of userspace/ (see
# userspace/CMakeLists.txt): each folder may include only itself and the
# folders listed for it here. Run as the unit test `layers`.
set -euo pipefail
cd "$(dirname "$0")/../userspace"

declare -A allowed=(
  [common]=""
  [balancer]="common"
  [alerts]="common"
  [config]="common balancer alerts"
  [control]="common balancer config"
  [datapath]="common balancer control"
  [routing]="common control"
  [health]="common config"
  [dhcp]="common config datapath"
  [notify]="common config alerts"
  [metrics]="common config datapath"
  [ctl]="common config"
  [host]="common config control"
  [agent]="common balancer alerts config control datapath routing health dhcp notify metrics ctl host"
  [cli]="common balancer alerts config control datapath routing health dhcp notify metrics ctl host agent"
)

bad=0
for dir in */; do
  dir=${dir%/}
  if [[ -z ${allowed[$dir]+x} ]]; then
    echo "userspace/$dir: a folder with no layer; add it to tools/check_layers.sh and userspace/CMakeLists.txt"
    bad=1
    continue
  fi
  while IFS=: read -r file line inc; do
    target=$(sed -E 's/.*#include "([a-z_]+)\/.*/\1/' <<<"$inc")
    [[ $target == "$dir" || $target == jalur ]] && continue
    if [[ " ${allowed[$dir]} " != *" $target "* ]]; then
      echo "userspace/$file:$line: $dir may not include $target/ (it is not below $dir)"
      bad=1
    fi
  done < <(grep -rnE '^#include "[a-z_]+/' "$dir" || true)
done
((bad == 0)) && echo "layers: every include runs down"
exit "$bad"
