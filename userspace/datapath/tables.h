// SPDX-License-Identifier: GPL-2.0-only
// Publishing the agent's decisions into the data path's maps. Anything a
// packet reads as a whole (a slot table, a rule set) is written to the idle
// half and then switched on with one map write, so no packet sees a table
// half-written.
#pragma once

#include "balancer/slot_table.h"
#include "common/prefix.h"
#include "common/result.h"
#include "control/desired.h"
#include "datapath/datapath.h"

#include <span>
#include <vector>

namespace jalur::datapath {

using control::PolicyParams;
using control::RuleSpec;

// A table of JALUR_WAN_NONE everywhere (no live member) publishes the policy
// as not live: its fallback applies.
// `members`: what the load and latency modes rank, published into the same
// half as the table.
Result<void> publish_policy(const Datapath &dp, uint32_t id, const PolicyParams &params,
                            const balancer::SlotTable &table, std::span<const control::MemberSpec> members = {});

Result<void> publish_rules(const Datapath &dp, std::span<const RuleSpec> rules, uint32_t default_action,
                           uint32_t fwmark_mask);

Result<void> set_wan(const Datapath &dp, uint32_t id, const jalur_wan &wan);
Result<void> set_wan_state(const Datapath &dp, uint32_t id, jalur_wan_state state);

// Replaces the set of destinations that are never balanced.
Result<void> set_local_nets(const Datapath &dp, std::span<const Prefix> nets);

} // namespace jalur::datapath
