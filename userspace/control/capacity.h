// SPDX-License-Identifier: GPL-2.0-only
// Capacities in the plan (issue 25): what a WAN can carry each way, as
// configured or learned, the weights `weight: auto` takes from them, and
// the members the load and latency modes rank. Pure.
#pragma once

#include "balancer/tiers.h"
#include "config/model.h"
#include "control/desired.h"
#include "control/world.h"

#include <cstdint>
#include <vector>

namespace jalur::control {

struct Capacity {
    uint64_t down_kbit = 0, up_kbit = 0; // 0: not known
    bool operator==(const Capacity &) const = default;
};

// Configured, or learned (`bandwidth: auto`); zeros when neither.
Capacity capacity_of(const config::Wan &w, const World &world);

// `weight: auto` members take weights in proportion to their download
// capacity (the largest 255, none below 1); while any of them has none
// known yet, they keep equal weights rather than mix units.
void apply_auto_weights(const config::Config &cfg, const config::Policy &p, const World &world,
                        std::vector<balancer::TieredMember> &members);

// The active members as the load and latency modes rank them, in config
// order, with overflow's threshold.
std::vector<MemberSpec> ranked_members(const config::Policy &p, const std::vector<balancer::Member> &active);

} // namespace jalur::control
