// SPDX-License-Identifier: GPL-2.0-only
#include "control/quota_plan.h"

#include <algorithm>

namespace jalur::control {

std::string critical_twin(const std::string &policy) { return "critical:" + policy; }

std::vector<std::string> critical_policies(const config::Config &cfg)
{
    std::vector<std::string> out;
    for (const auto &r : cfg.rules)
        if (r.critical && r.policy != config::kBypass && std::find(out.begin(), out.end(), r.policy) == out.end())
            out.push_back(r.policy);
    return out;
}

bool over_quota_backup(const config::Wan &w, const World &world)
{
    return w.quota && w.quota->when_exceeded == config::WhenExceeded::BackupOnly && world.wan(w.name).over_quota;
}

void apply_quota(balancer::TieredMember &m, const config::Wan &w, const World &world)
{
    if (!w.quota || !world.wan(w.name).over_quota)
        return;
    switch (w.quota->when_exceeded) {
    case config::WhenExceeded::BackupOnly:
        m.tier = std::max(m.tier, kOverQuotaTier);
        break;
    case config::WhenExceeded::Block:
        m.live = false;
        break;
    case config::WhenExceeded::Keep:
        break;
    }
}

std::vector<PolicyToPlan> policies_to_plan(const config::Config &cfg, const std::map<std::string, uint32_t> &ids)
{
    std::vector<PolicyToPlan> out;
    for (const auto &p : cfg.policies) {
        if (auto id = ids.find(p.name); id != ids.end())
            out.push_back({&p, id->second, false});
        if (auto twin = ids.find(critical_twin(p.name)); twin != ids.end())
            out.push_back({&p, twin->second, true});
    }
    return out;
}

} // namespace jalur::control
