// SPDX-License-Identifier: GPL-2.0-only
#include "control/core.h"

#include "control/marks.h"
#include "control/quota_plan.h"

#include <algorithm>

namespace jalur::control {

Result<void> Core::configure(config::Config next)
{
    if (configured_)
        keep_marks(cfg_, next);
    std::vector<std::string> wan_names, policy_names;
    for (const auto &w : next.wans)
        wan_names.push_back(w.name);
    for (const auto &p : next.policies)
        policy_names.push_back(p.name);
    for (const auto &p : critical_policies(next)) // quota_plan.h
        policy_names.push_back(critical_twin(p));
    IdMap wan_ids = wan_ids_, policy_ids = policy_ids_;
    auto w = wan_ids.assign(wan_names);
    if (!w)
        return errorf("WANs: " + w.error().message, ErrorKind::Invalid);
    auto p = policy_ids.assign(policy_names);
    if (!p)
        return errorf("policies: " + p.error().message, ErrorKind::Invalid);
    wan_ids_ = std::move(wan_ids);
    policy_ids_ = std::move(policy_ids);
    ids_ = Ids{w.value(), p.value()};
    for (auto it = world_.wans.begin(); it != world_.wans.end();)
        it = next.wan(it->first) ? std::next(it) : world_.wans.erase(it);
    for (const auto &wan : next.wans)
        world_.wans.try_emplace(wan.name);
    if (!next.wan(last_live_))
        last_live_.clear();
    cfg_ = std::move(next);
    configured_ = true;
    return {};
}

bool Core::any_live() const
{
    return std::any_of(cfg_.wans.begin(), cfg_.wans.end(),
                       [&](const config::Wan &w) { return wan_state(w, world_) != JALUR_WAN_DOWN; });
}

template <typename Change>
bool Core::change(const std::string &wan, Change c)
{
    bool was_live = any_live();
    bool changed = c();
    if (changed && was_live && !any_live() && !wan.empty())
        last_live_ = wan;
    return changed;
}

bool Core::set_interface(const std::string &ifname, const InterfaceFacts &facts)
{
    std::string wan; // the WAN on it, if any: the one that went last if its loss leaves none
    for (const auto &w : cfg_.wans)
        if (w.interface == ifname)
            wan = w.name;
    return change(wan, [&] {
        auto &f = world_.interfaces[ifname];
        if (f == facts)
            return false;
        f = facts;
        return true;
    });
}

bool Core::set_health(const std::string &wan, Health health, const std::string &cause)
{
    return change(wan, [&] {
        auto &f = world_.wans[wan];
        if (f.health == health && f.cause == cause)
            return false;
        f.health = health;
        f.cause = cause;
        return true;
    });
}

bool Core::set_admin(const std::string &wan, Admin admin)
{
    return change(wan, [&] {
        auto &f = world_.wans[wan];
        if (f.admin == admin)
            return false;
        f.admin = admin;
        return true;
    });
}

bool Core::set_over_quota(const std::string &wan, bool over)
{
    auto &f = world_.wans[wan];
    bool changed = f.over_quota != over;
    f.over_quota = over;
    return changed;
}

bool Core::set_gateways(const std::string &wan, const std::optional<Prefix> &gateway4,
                        const std::optional<Prefix> &gateway6)
{
    auto &f = world_.wans[wan];
    if (f.gateway4 == gateway4 && f.gateway6 == gateway6)
        return false;
    f.gateway4 = gateway4;
    f.gateway6 = gateway6;
    return true;
}

bool Core::set_learned_capacity(const std::string &wan, uint64_t down_kbit, uint64_t up_kbit)
{
    auto &f = world_.wans[wan];
    if (f.learned_down_kbit == down_kbit && f.learned_up_kbit == up_kbit)
        return false;
    f.learned_down_kbit = down_kbit;
    f.learned_up_kbit = up_kbit;
    return true;
}

} // namespace jalur::control
