// SPDX-License-Identifier: GPL-2.0-only
#include "balancer/tiers.h"

#include <limits>

namespace jalur::balancer {

std::vector<Member> active_members(const std::vector<TieredMember> &members)
{
    uint32_t best = std::numeric_limits<uint32_t>::max();
    for (const auto &m : members)
        if (m.live && m.member.weight > 0 && m.tier < best)
            best = m.tier;

    std::vector<Member> out;
    for (const auto &m : members)
        if (m.live && m.member.weight > 0 && m.tier == best)
            out.push_back(m.member);
    return out;
}

} // namespace jalur::balancer
