// SPDX-License-Identifier: GPL-2.0-only
// Which WANs' flows end, and when (issue 19). A WAN that goes from carrying
// traffic to down, whatever the cause (carrier, probes, an absent
// interface, an administrative disable), has every flow ended at once; a
// degraded WAN keeps its flows. Per policy, failback: when a better tier is
// live again, `reset` ends the policy's flows on the worse tiers at once
// and `drain` after its grace period, if the better tier is still live
// then. Pure: the agent hands in its monotonic clock and the data path
// state it just planned, and carries the ends out (agent/flow_ending.cpp).
#pragma once

#include "config/model.h"
#include "control/desired.h"
#include "control/plan.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace jalur::control {

enum class EndCause { WanDown, Failback };
const char *end_cause_name(EndCause c); // "wan_down", "failback": metric labels

struct FlowEnd {
    std::string wan;
    uint32_t wan_id = 0;
    std::optional<uint32_t> policy; // failback: only this policy's flows on the WAN
    EndCause cause = EndCause::WanDown;
    bool operator==(const FlowEnd &) const = default;
};

using Millis = std::chrono::milliseconds; // a monotonic clock's reading

class FlowEnds {
public:
    // After every change, with the data path state just planned: the flows
    // to end now. The first call only learns where things stand (flows the
    // data path held before the agent started are not ended).
    std::vector<FlowEnd> update(const config::Config &cfg, const Ids &ids, const DatapathState &planned, Millis now);
    // When a drain falls due: call update() again then.
    std::optional<Millis> next_due() const;

private:
    struct Drain {
        uint32_t tier = 0; // the better tier that came back
        Millis due{0};
    };
    bool seen_ = false;
    std::map<std::string, uint32_t> states_;    // WAN -> its planned data path state
    std::map<std::string, uint32_t> best_tier_; // policy -> its best live tier (0: none live)
    std::map<std::string, Drain> drains_;       // policy -> a drain that waits
};

} // namespace jalur::control
