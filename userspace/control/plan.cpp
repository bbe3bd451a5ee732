// SPDX-License-Identifier: GPL-2.0-only
#include "control/plan.h"

#include "balancer/tiers.h"
#include "control/capacity.h"
#include "control/quota_plan.h"
#include "control/translate.h"

#include <algorithm>

namespace jalur::control {

namespace {

bool live(uint32_t state) { return state != JALUR_WAN_DOWN; }

bool any_live(const config::Config &cfg, const World &world)
{
    return std::any_of(cfg.wans.begin(), cfg.wans.end(),
                       [&](const config::Wan &w) { return live(wan_state(w, world)); });
}

// A drained WAN takes new connections only when no other member of the
// policy can: it is ranked behind every tier.
constexpr uint32_t kDrainTier = 0xffffffffu;

DatapathState plan_datapath(const config::Config &cfg, const World &world, const Ids &ids, const std::string &resort)
{
    DatapathState d;
    auto state_of = [&](const config::Wan &w) {
        return w.name == resort ? uint32_t{JALUR_WAN_LAST_RESORT} : wan_state(w, world);
    };
    for (const auto &w : cfg.wans) {
        auto id = ids.wans.find(w.name);
        if (id == ids.wans.end())
            continue;
        const auto &link = world.interface(w.interface);
        d.wans[id->second] = WanEntry{link.present ? link.ifindex : 0, w.fwmark, state_of(w)};
    }
    bool all_down = !any_live(cfg, world);
    for (const auto &[policy, pid, critical] : policies_to_plan(cfg, ids.policies)) {
        const auto &p = *policy;
        auto tiered = tiered_members(p, ids.wans, [&](const std::string &name) {
            const auto *w = cfg.wan(name);
            return w && live(state_of(*w));
        });
        apply_auto_weights(cfg, p, world, tiered);
        for (auto &m : tiered) {
            const auto *w = cfg.wan(m.member.name);
            if (!w)
                continue;
            if (state_of(*w) == JALUR_WAN_DEGRADED) // it keeps carrying traffic, less of it
                m.member.weight = std::max<uint32_t>(1, m.member.weight * w->health.degraded_weight / 100);
            if (!critical) // a critical rule's twin ignores quotas
                apply_quota(m, *w, world);
            if (world.wan(w->name).admin == Admin::Drain)
                m.tier = kDrainTier;
        }
        auto members = balancer::active_members(tiered);
        PolicyEntry e;
        e.params = policy_params(p);
        if (all_down) // the last resort, not each policy's fallback (main and unreachable pass it unmarked)
            e.params.fallback = JALUR_FALLBACK_MAIN;
        e.slots = p.mode == config::Mode::Nth ? balancer::build_nth_slots(members) : balancer::build_hash_slots(members);
        e.members = ranked_members(p, members);
        d.policies[pid] = std::move(e);
    }
    auto rules = plan_rules(cfg, ids.policies, [&](const std::string &ifname) {
        const auto &f = world.interface(ifname);
        return f.present ? f.ifindex : 0u;
    });
    d.rules = RuleSet{std::move(rules.rules), rules.default_action, cfg.fwmark_mask};
    return d;
}

RoutingState plan_routing(const config::Config &cfg, const World &world)
{
    RoutingState r;
    r.fwmark_mask = cfg.fwmark_mask;
    // With every WAN down the default stays on the best configured one: loose
    // rp_filter drops replies from any source the main table cannot route
    // back, and those include the probe replies that would bring a WAN back.
    const config::Wan *best = best_wan(cfg, world, true);
    if (!best)
        best = best_wan(cfg, world, false);
    for (const auto &w : cfg.wans) {
        const auto &link = world.interface(w.interface);
        if (!link.present)
            continue; // nothing to route through; its rule and table come back with it
        const auto &facts = world.wan(w.name);
        r.wans.push_back(WanRoute{w.name, static_cast<int>(link.ifindex), w.table, w.fwmark, facts.gateway4,
                                  facts.gateway6, best == &w});
    }
    if (cfg.last_resort == config::LastResort::Unreachable && !any_live(cfg, world))
        for (const auto &lan : cfg.lans)
            if (world.interface(lan.interface).present)
                r.unreachable_from.push_back(lan.interface);
    return r;
}

std::vector<Attachment> plan_attachments(const config::Config &cfg, const World &world)
{
    std::vector<Attachment> out;
    for (const auto &lan : cfg.lans) {
        const auto &link = world.interface(lan.interface);
        if (!link.present)
            continue;
        // A bridge has only generic XDP, which costs more than tc deciding
        // alone, and the kernel refuses XDP on its ports (for DHCP
        // inspection) while the bridge has a program: tc decides there.
        bool bridge_auto = lan.xdp == config::XdpMode::Auto && link.bridge;
        if (lan.xdp != config::XdpMode::Off && !bridge_auto)
            out.push_back({lan.interface, link.ifindex, Hook::XdpLan,
                           lan.xdp == config::XdpMode::Native    ? XdpMode::Native
                           : lan.xdp == config::XdpMode::Generic ? XdpMode::Generic
                                                                 : XdpMode::Auto});
        out.push_back({lan.interface, link.ifindex, Hook::TcLan, XdpMode::Auto});
    }
    for (const auto &w : cfg.wans) {
        const auto &link = world.interface(w.interface);
        if (link.present)
            out.push_back({w.interface, link.ifindex, Hook::TcWan, XdpMode::Auto});
    }
    return out;
}

} // namespace

uint32_t wan_state(const config::Wan &w, const World &world)
{
    if (!world.interface(w.interface).present)
        return JALUR_WAN_DOWN;
    const auto &f = world.wan(w.name);
    if (f.admin == Admin::Disabled)
        return JALUR_WAN_DOWN;
    switch (f.health) {
    case Health::Up:
        return JALUR_WAN_UP;
    case Health::Degraded:
        return JALUR_WAN_DEGRADED;
    case Health::Down:
        break;
    }
    return JALUR_WAN_DOWN;
}

const config::Wan *best_wan(const config::Config &cfg, const World &world, bool live_only)
{
    const config::Wan *best = nullptr;
    auto rank = [&](const config::Wan &w) {
        // a drained WAN is the router's own choice only when nothing else is live
        bool drained = world.wan(w.name).admin == Admin::Drain;
        return std::make_tuple(drained, over_quota_backup(w, world), w.tier, ~w.weight);
    };
    for (const auto &w : cfg.wans) {
        if (!world.interface(w.interface).present)
            continue;
        if (live_only && !live(wan_state(w, world)))
            continue;
        if (!best || rank(w) < rank(*best))
            best = &w;
    }
    return best;
}

std::string last_resort_wan(const config::Config &cfg, const World &world, const std::string &last_live)
{
    if (cfg.last_resort != config::LastResort::Keep || any_live(cfg, world))
        return "";
    if (const auto *w = cfg.wan(last_live); w && world.interface(w->interface).present)
        return last_live;
    const auto *best = best_wan(cfg, world, false);
    return best ? best->name : "";
}

Desired plan(const config::Config &cfg, const World &world, const Ids &ids, const std::string &last_live)
{
    Desired d;
    d.last_resort_wan = last_resort_wan(cfg, world, last_live);
    d.datapath = plan_datapath(cfg, world, ids, d.last_resort_wan);
    d.routing = plan_routing(cfg, world);
    d.attachments = plan_attachments(cfg, world);
    const auto *best = best_wan(cfg, world, true);
    d.alert_fwmark = best ? best->fwmark : 0;
    return d;
}

} // namespace jalur::control
