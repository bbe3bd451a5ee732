// SPDX-License-Identifier: GPL-2.0-only
// The order in which a change of the data path's state is written, so that
// no packet is ever classified onto a WAN that is down: WANs that are live
// in the new state first, then the slot tables that changed, then the rule
// set if (and only if) it changed, then WANs that are down, then the
// entries of WANs that are gone. An update costs what changed, not the size
// of the rule set (Katran's lesson).
#pragma once

#include "control/desired.h"

#include <cstdint>
#include <vector>

namespace jalur::control {

struct Write {
    enum class Kind { Wan, ClearWan, Policy, Rules };
    Kind kind = Kind::Wan;
    uint32_t id = 0; // the WAN or policy id; unused for Rules
    bool operator==(const Write &) const = default;
};

// `applied` is what the data path holds (as far as the agent knows); null
// when unknown (a start, adopting pins of unknown content): all is written.
std::vector<Write> write_order(const DatapathState *applied, const DatapathState &next);

} // namespace jalur::control
