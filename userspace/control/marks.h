// SPDX-License-Identifier: GPL-2.0-only
// A WAN that stays keeps its fwmark and table across reloads. Marks and
// tables the file leaves unset are derived from a WAN's position, so
// removing the first WAN would renumber the others under live traffic
// (their rules, tables and pinned flows). The running agent keeps what it
// had instead.
#pragma once

#include "config/model.h"

namespace jalur::control {

// Gives each WAN of `next` whose fwmark or table is derived the value the
// same WAN has in `running`, where no WAN of `next` sets that value itself;
// a new WAN whose derived value is taken gets the lowest free one. Values
// the file sets are never changed.
void keep_marks(const config::Config &running, config::Config &next);

} // namespace jalur::control
