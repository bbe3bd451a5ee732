// SPDX-License-Identifier: GPL-2.0-only
#include "control/flow_ends.h"

#include <algorithm>

namespace jalur::control {

namespace {

bool live(uint32_t state) { return state != JALUR_WAN_DOWN; }

std::map<std::string, uint32_t> states_of(const config::Config &cfg, const Ids &ids, const DatapathState &planned)
{
    std::map<std::string, uint32_t> out;
    for (const auto &w : cfg.wans) {
        auto id = ids.wans.find(w.name);
        if (id == ids.wans.end())
            continue;
        auto e = planned.wans.find(id->second);
        out[w.name] = e == planned.wans.end() ? uint32_t{JALUR_WAN_DOWN} : e->second.state;
    }
    return out;
}

// The lowest tier among the policy's live members; 0 when none is live.
uint32_t best_tier(const config::Policy &p, const std::map<std::string, uint32_t> &states)
{
    uint32_t best = 0;
    for (const auto &m : p.members) {
        auto s = states.find(m.wan);
        if (s != states.end() && live(s->second) && (best == 0 || m.tier < best))
            best = m.tier;
    }
    return best;
}

// The policy's live members on a tier worse than `tier`.
void end_worse(const config::Policy &p, uint32_t tier, const Ids &ids, const std::map<std::string, uint32_t> &states,
               std::vector<FlowEnd> &out)
{
    auto pid = ids.policies.find(p.name);
    if (pid == ids.policies.end())
        return;
    for (const auto &m : p.members) {
        auto s = states.find(m.wan);
        auto id = ids.wans.find(m.wan);
        if (m.tier > tier && s != states.end() && live(s->second) && id != ids.wans.end())
            out.push_back(FlowEnd{m.wan, id->second, pid->second, EndCause::Failback});
    }
}

} // namespace

const char *end_cause_name(EndCause c) { return c == EndCause::WanDown ? "wan_down" : "failback"; }

std::vector<FlowEnd> FlowEnds::update(const config::Config &cfg, const Ids &ids, const DatapathState &planned,
                                      Millis now)
{
    auto states = states_of(cfg, ids, planned);
    std::vector<FlowEnd> out;
    if (seen_)
        for (const auto &[wan, state] : states) {
            auto was = states_.find(wan);
            if (was != states_.end() && live(was->second) && !live(state))
                out.push_back(FlowEnd{wan, ids.wans.at(wan), std::nullopt, EndCause::WanDown});
        }

    std::map<std::string, uint32_t> best;
    std::map<std::string, Drain> drains;
    for (const auto &p : cfg.policies) {
        uint32_t tier = best[p.name] = best_tier(p, states);
        auto was = best_tier_.find(p.name);
        bool better_back = seen_ && was != best_tier_.end() && was->second != 0 && tier != 0 && tier < was->second;
        if (auto d = drains_.find(p.name); d != drains_.end() && tier != 0 && tier <= d->second.tier) {
            if (now < d->second.due)
                drains[p.name] = d->second; // still waiting; dropped if the better tier went again
            else
                end_worse(p, tier, ids, states, out);
        }
        if (!better_back)
            continue;
        if (p.failback.mode == config::FailbackMode::Reset)
            end_worse(p, tier, ids, states, out);
        else if (p.failback.mode == config::FailbackMode::Drain)
            drains[p.name] = Drain{tier, now + std::chrono::duration_cast<Millis>(p.failback.grace)};
    }
    states_ = std::move(states);
    best_tier_ = std::move(best);
    drains_ = std::move(drains);
    seen_ = true;
    return out;
}

std::optional<Millis> FlowEnds::next_due() const
{
    std::optional<Millis> due;
    for (const auto &[policy, d] : drains_)
        if (!due || d.due < *due)
            due = d.due;
    return due;
}

} // namespace jalur::control
