// SPDX-License-Identifier: GPL-2.0-only
// The balancing measurements in the agent's loop (agent/balancing.h).
#include "agent/agent.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace jalur::agent {

namespace {

// Whether anything reads the measurements: a WAN's bandwidth (status,
// auto weights) or a policy that ranks members by load or latency.
bool measured(const config::Config &cfg)
{
    return std::any_of(cfg.wans.begin(), cfg.wans.end(), [](const config::Wan &w) { return w.bandwidth.has_value(); }) ||
           std::any_of(cfg.policies.begin(), cfg.policies.end(),
                       [](const config::Policy &p) { return ranks_members(p.mode); });
}

} // namespace

void Agent::measure_balancing()
{
    if (!dp_ || !measured(core_.config()))
        return;
    bool changed = false;
    for (const auto &l : balancing_.tick(Balancing::Clock::now(), *dp_, core_.config(), core_.ids(), core_.world()))
        changed = core_.set_learned_capacity(l.wan, l.down_kbit, l.up_kbit) || changed;
    if (changed) // weight: auto follows a learned capacity
        if (auto r = reconcile(); !r)
            spdlog::warn("{}", r.error().message);
}

void Agent::publish_balancing()
{
    if (!measured(core_.config())) {
        board_.remove_section("balancing");
        return;
    }
    board_.set_section("balancing", balancing_.section(core_.config(), core_.ids(),
                                                       publisher_ ? publisher_->applied() : nullptr));
}

} // namespace jalur::agent
