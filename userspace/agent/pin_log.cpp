// SPDX-License-Identifier: GPL-2.0-only
#include "agent/pin_log.h"

#include <spdlog/spdlog.h>

namespace jalur::agent {

void log_pins(const datapath::PinReport &report, const std::string &dir)
{
    for (const auto &c : report.replaced) {
        if (c.copied)
            spdlog::warn("pinned map {}: {}; migrated to a new map, {} entr{} copied", c.map, c.why, c.entries,
                         c.entries == 1 ? "y" : "ies");
        else
            spdlog::warn("pinned map {}: {}; recreated empty (a map of another layout is never reused)", c.map, c.why);
    }
    if (!report.adopted.empty())
        spdlog::info("adopted the pinned data path in {}: existing flows keep their WAN ({} of its maps as they were)",
                     dir, report.adopted.size());
}

} // namespace jalur::agent
