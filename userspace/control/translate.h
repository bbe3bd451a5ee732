// SPDX-License-Identifier: GPL-2.0-only
// From the validated config (and the WANs' live states) to what the data
// path is given. Pure functions: no system access, unit-tested.
#pragma once

#include "balancer/tiers.h"
#include "config/model.h"
#include "control/desired.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace jalur::control {

// Data path ids by name, stable across reloads: flows remember a WAN id
// and a policy id, so a reload that reorders or removes entries must not
// make an id name something else.
class IdMap {
public:
    explicit IdMap(uint32_t capacity) : capacity_(capacity) {}
    // Ids for these names: kept for known names, the lowest free id for new
    // ones; names no longer present are forgotten (their ids free again).
    Result<std::map<std::string, uint32_t>> assign(const std::vector<std::string> &names);
    const std::map<std::string, uint32_t> &ids() const { return ids_; }

private:
    uint32_t capacity_;
    std::map<std::string, uint32_t> ids_;
};

using IfindexOf = std::function<uint32_t(const std::string &)>;

struct RulePlan {
    std::vector<RuleSpec> rules;
    uint32_t default_action = JALUR_ACTION_BYPASS;
};

// Config rules, one data path rule per destination port range, in order.
RulePlan plan_rules(const config::Config &cfg, const std::map<std::string, uint32_t> &policy_ids,
                    const IfindexOf &ifindex_of);

PolicyParams policy_params(const config::Policy &p);

// The policy's members with their live state; `live(wan name)`.
std::vector<balancer::TieredMember> tiered_members(const config::Policy &p,
                                                   const std::map<std::string, uint32_t> &wan_ids,
                                                   const std::function<bool(const std::string &)> &live);

} // namespace jalur::control
