// SPDX-License-Identifier: GPL-2.0-only
// The control core's one decision: from the config and the observed world
// to the desired state of the host. Pure: no syscalls, no clock, so every
// rule (absent interfaces, tiers, degraded weights, drains, the last resort)
// is a unit test.
#pragma once

#include "config/model.h"
#include "control/desired.h"
#include "control/world.h"

#include <map>
#include <string>

namespace jalur::control {

struct Ids {
    std::map<std::string, uint32_t> wans;     // data path WAN id by name
    std::map<std::string, uint32_t> policies; // data path policy id by name
};

// The data path state of one WAN before the last resort is considered:
// down while its interface is absent or the admin disabled it, else what
// health says.
uint32_t wan_state(const config::Wan &w, const World &world);

// With every WAN down and `last_resort: keep`: the WAN that carries on (the
// one that went down last, `last_live`, if it is still configured, else the
// best configured one); "" otherwise.
std::string last_resort_wan(const config::Config &cfg, const World &world, const std::string &last_live);

// The WAN the router's own traffic prefers: live (and not drained) first,
// then lowest tier, highest weight, config order. Null with no WAN whose
// interface is present.
const config::Wan *best_wan(const config::Config &cfg, const World &world, bool live_only);

Desired plan(const config::Config &cfg, const World &world, const Ids &ids, const std::string &last_live);

} // namespace jalur::control
