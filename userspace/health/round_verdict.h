// SPDX-License-Identifier: GPL-2.0-only
// A probe round's verdict from what each target did (issue 24). Targets
// beyond the gateway decide when there are any: a gateway answering alone
// does not keep a WAN up. Where only the gateway answered (or nothing is
// probed beyond it), the passive signal's evidence may fail the round.
// Pure, for tests.
#pragma once

#include "health/wan_health.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace jalur::health {

struct TargetResult {
    std::string name;
    bool beyond = true; // beyond the gateway
    std::optional<Clock::duration> rtt; // answered
    std::string failure;                // when not
};

// `evidence`: the passive signal's cause against this WAN, or nullopt.
Round round_verdict(const std::vector<TargetResult> &targets, uint32_t reliability,
                    const std::function<std::optional<std::string>()> &evidence);

} // namespace jalur::health
