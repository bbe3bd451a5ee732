// SPDX-License-Identifier: GPL-2.0-only
// Which members of a policy take new connections: the best (lowest) tier
// that has a live member, and of that tier only the live members.
#pragma once

#include "balancer/slot_table.h"

#include <cstdint>
#include <string>
#include <vector>

namespace jalur::balancer {

struct TieredMember {
    Member member;
    uint32_t tier = 1; // lower is preferred
    bool live = true;  // up or degraded
};

std::vector<Member> active_members(const std::vector<TieredMember> &members);

} // namespace jalur::balancer
