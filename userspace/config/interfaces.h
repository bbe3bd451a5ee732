// SPDX-License-Identifier: GPL-2.0-only
// The one config check that depends on the host: every interface the config
// names exists here. Kept apart from parse() so a config can be checked on
// another machine (`jalur check --no-interfaces`) and so tests need no
// network devices.
#pragma once

#include "common/result.h"
#include "config/model.h"

namespace jalur::config {

// Only reads (if_nametoindex). Every missing interface is reported at the
// place it is written: "jalur.yaml:9:16: unknown interface 'wan9' (no such
// network device here)", one per line. A WAN's interface may be absent
// (a PPPoE session or an LTE modem not up yet): the WAN is down until it
// appears, so that is an error only when `strict`.
Result<void> check_interfaces(const Config &cfg, bool strict = false);

// The WANs whose interface does not exist here, as warnings at their place.
std::vector<std::string> absent_wan_interfaces(const Config &cfg);

} // namespace jalur::config
