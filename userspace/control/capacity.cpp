// SPDX-License-Identifier: GPL-2.0-only
#include "control/capacity.h"

#include <algorithm>

namespace jalur::control {

Capacity capacity_of(const config::Wan &w, const World &world)
{
    if (!w.bandwidth)
        return {};
    if (!w.bandwidth->learn)
        return {w.bandwidth->down_kbit, w.bandwidth->up_kbit};
    const auto &f = world.wan(w.name);
    return {f.learned_down_kbit, f.learned_up_kbit};
}

void apply_auto_weights(const config::Config &cfg, const config::Policy &p, const World &world,
                        std::vector<balancer::TieredMember> &members)
{
    std::vector<std::pair<balancer::TieredMember *, uint64_t>> autos;
    for (auto &m : members)
        for (const auto &cm : p.members)
            if (cm.wan == m.member.name && cm.weight_auto)
                if (const auto *w = cfg.wan(cm.wan))
                    autos.emplace_back(&m, capacity_of(*w, world).down_kbit);
    uint64_t top = 0;
    for (const auto &[m, cap] : autos) {
        if (cap == 0)
            return; // not known yet: the configured (equal) weights stand
        top = std::max(top, cap);
    }
    for (auto &[m, cap] : autos)
        m->member.weight = static_cast<uint32_t>(std::max<uint64_t>(1, (cap * 255 + top / 2) / top));
}

std::vector<MemberSpec> ranked_members(const config::Policy &p, const std::vector<balancer::Member> &active)
{
    std::vector<MemberSpec> out;
    const uint32_t threshold = static_cast<uint32_t>(uint64_t{JALUR_LOAD_ONE} * p.overflow_at / 100);
    for (const auto &m : active)
        out.push_back({m.wan, m.weight, threshold});
    return out;
}

} // namespace jalur::control
