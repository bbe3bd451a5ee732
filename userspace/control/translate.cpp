// SPDX-License-Identifier: GPL-2.0-only
#include "control/translate.h"

#include "control/quota_plan.h"

#include <set>

namespace jalur::control {

Result<std::map<std::string, uint32_t>> IdMap::assign(const std::vector<std::string> &names)
{
    std::map<std::string, uint32_t> next;
    std::set<uint32_t> used;
    for (const auto &n : names)
        if (auto it = ids_.find(n); it != ids_.end()) {
            next[n] = it->second;
            used.insert(it->second);
        }
    uint32_t free_id = 0;
    for (const auto &n : names) {
        if (next.count(n))
            continue;
        while (used.count(free_id))
            free_id++;
        if (free_id >= capacity_)
            return errorf("more than " + std::to_string(capacity_) + " entries");
        next[n] = free_id;
        used.insert(free_id);
    }
    ids_ = next;
    return next;
}

RulePlan plan_rules(const config::Config &cfg, const std::map<std::string, uint32_t> &policy_ids,
                    const IfindexOf &ifindex_of)
{
    auto action_of = [&](const std::string &policy) {
        if (policy == "bypass")
            return uint32_t{JALUR_ACTION_BYPASS};
        auto it = policy_ids.find(policy);
        return it == policy_ids.end() ? uint32_t{JALUR_ACTION_BYPASS} : it->second;
    };

    RulePlan plan;
    plan.default_action = action_of(cfg.default_policy);
    for (const auto &r : cfg.rules) {
        RuleSpec spec;
        spec.action = action_of(r.critical && policy_ids.count(critical_twin(r.policy)) ? critical_twin(r.policy)
                                                                                        : r.policy);
        spec.ifindex = r.in_interface.empty() ? 0 : ifindex_of(r.in_interface);
        spec.proto = r.proto;
        spec.family = r.family;
        spec.src = r.src;
        spec.dst = r.dst;
        if (r.dst_ports.empty()) {
            plan.rules.push_back(spec);
            continue;
        }
        for (const auto &range : r.dst_ports) {
            spec.dport_lo = range.lo;
            spec.dport_hi = range.hi;
            plan.rules.push_back(spec);
        }
    }
    return plan;
}

PolicyParams policy_params(const config::Policy &p)
{
    PolicyParams params;
    params.fields = p.fields;
    switch (p.mode) {
    case config::Mode::Hash:
        params.mode = JALUR_MODE_HASH;
        break;
    case config::Mode::Nth:
        params.mode = JALUR_MODE_NTH;
        break;
    case config::Mode::LeastLoaded:
        params.mode = JALUR_MODE_LEAST_LOADED;
        break;
    case config::Mode::Overflow:
        params.mode = JALUR_MODE_OVERFLOW;
        break;
    case config::Mode::LowestLatency:
        params.mode = JALUR_MODE_LOWEST_LATENCY;
        break;
    }
    params.fallback = p.fallback == config::Fallback::Drop ? JALUR_FALLBACK_DROP : JALUR_FALLBACK_MAIN;
    params.affinity = p.affinity == config::Affinity::SrcAddress      ? JALUR_AFFINITY_SRC
                      : p.affinity == config::Affinity::BothAddresses ? JALUR_AFFINITY_SRC_DST
                                                                       : JALUR_AFFINITY_NONE;
    params.affinity_timeout_ns = static_cast<uint64_t>(p.affinity_timeout.count()) * 1000000000ull;
    return params;
}

std::vector<balancer::TieredMember> tiered_members(const config::Policy &p,
                                                   const std::map<std::string, uint32_t> &wan_ids,
                                                   const std::function<bool(const std::string &)> &live)
{
    std::vector<balancer::TieredMember> out;
    for (const auto &m : p.members) {
        auto it = wan_ids.find(m.wan);
        if (it == wan_ids.end())
            continue;
        out.push_back({{it->second, m.weight, m.wan}, m.tier, live(m.wan)});
    }
    return out;
}

} // namespace jalur::control
