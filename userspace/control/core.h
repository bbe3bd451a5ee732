// SPDX-License-Identifier: GPL-2.0-only
// The control core: the config, the observed world and the ids the data
// path knows WANs and policies by, and the one decision made from them
// (plan.h). Observers report facts here; the agent hands desired() to the
// effectors. Pure: no syscalls, no clock.
#pragma once

#include "common/result.h"
#include "config/model.h"
#include "control/plan.h"
#include "control/translate.h"
#include "control/world.h"

#include <optional>
#include <string>

namespace jalur::control {

class Core {
public:
    Core() = default;

    // Takes a config (the first, or a reload): ids and derived marks and
    // tables are kept for WANs and policies that stay; what a removed WAN
    // was is forgotten. An error (more ids than the data path holds) leaves
    // the core as it was.
    Result<void> configure(config::Config next);
    const config::Config &config() const { return cfg_; }
    const Ids &ids() const { return ids_; }
    const World &world() const { return world_; }

    // Facts from the observers; each returns whether anything changed.
    bool set_interface(const std::string &ifname, const InterfaceFacts &facts);
    bool set_health(const std::string &wan, Health health, const std::string &cause);
    bool set_admin(const std::string &wan, Admin admin);
    bool set_over_quota(const std::string &wan, bool over);
    bool set_gateways(const std::string &wan, const std::optional<Prefix> &gateway4,
                      const std::optional<Prefix> &gateway6);
    // `bandwidth: auto`: what the WAN was learned to carry (weight: auto follows it).
    bool set_learned_capacity(const std::string &wan, uint64_t down_kbit, uint64_t up_kbit);

    bool any_live() const;
    Desired desired() const { return plan(cfg_, world_, ids_, last_live_); }

private:
    // Runs a change of the world, remembering which WAN was live last when
    // the change leaves none live (the last resort keeps it).
    template <typename Change>
    bool change(const std::string &wan, Change c);

    config::Config cfg_;
    bool configured_ = false;
    World world_;
    IdMap wan_ids_{JALUR_MAX_WANS};
    IdMap policy_ids_{JALUR_MAX_POLICIES};
    Ids ids_;
    std::string last_live_;
};

} // namespace jalur::control
