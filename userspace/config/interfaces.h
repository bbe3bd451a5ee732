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
// network device here)", one per line.
Result<void> check_interfaces(const Config &cfg);

} // namespace jalur::config
