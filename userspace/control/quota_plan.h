// SPDX-License-Identifier: GPL-2.0-only
// What an exceeded data cap (issue 20) changes in the plan: a WAN over its
// quota takes new connections of a policy only as its backup (behind every
// tier, like a drained WAN), or none at all (`block`), or as before
// (`keep`). A rule marked `critical` sends its traffic to a twin of its
// policy that ignores quotas, so a payment terminal or VoIP still gets out.
#pragma once

#include "balancer/tiers.h"
#include "config/model.h"
#include "control/world.h"

#include <string>
#include <vector>

namespace jalur::control {

// Behind every tier but a drained WAN's.
inline constexpr uint32_t kOverQuotaTier = 0xfffffffeu;

// The twin of a policy that critical rules use. Not a valid policy name
// (names are [a-z0-9_-]), so it cannot collide with one.
std::string critical_twin(const std::string &policy);

// The policies critical rules name, each once, in config order: each needs
// a twin (a data path policy id of its own).
std::vector<std::string> critical_policies(const config::Config &cfg);

// Whether a WAN is over its quota with when_exceeded backup-only: the
// router's own traffic prefers another WAN too.
bool over_quota_backup(const config::Wan &w, const World &world);

// Ranks or removes a policy member whose WAN is over its quota.
void apply_quota(balancer::TieredMember &m, const config::Wan &w, const World &world);

// The policies to plan: each configured one, and a twin for each that a
// critical rule names (quotas ignored), with their data path ids.
struct PolicyToPlan {
    const config::Policy *policy;
    uint32_t id;
    bool critical;
};
std::vector<PolicyToPlan> policies_to_plan(const config::Config &cfg, const std::map<std::string, uint32_t> &ids);

} // namespace jalur::control
