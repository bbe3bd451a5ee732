// SPDX-License-Identifier: GPL-2.0-only
#include "datapath/publisher.h"

#include "control/write_order.h"
#include "datapath/datapath.h"
#include "datapath/tables.h"

namespace jalur::datapath {

Result<void> Publisher::apply(const control::DatapathState &next)
{
    using Kind = control::Write::Kind;
    const auto order = control::write_order(applied(), next);
    // a first pass that fails part way stays unknown: the next writes all
    control::DatapathState done = known_ ? applied_ : control::DatapathState{};
    for (const auto &w : order) {
        Result<void> r;
        switch (w.kind) {
        case Kind::Wan:
            r = writer_.set_wan(w.id, next.wans.at(w.id));
            if (r)
                done.wans[w.id] = next.wans.at(w.id);
            break;
        case Kind::ClearWan:
            r = writer_.clear_wan(w.id);
            if (r)
                done.wans.erase(w.id);
            break;
        case Kind::Policy:
            r = writer_.set_policy(w.id, next.policies.at(w.id));
            if (r)
                done.policies[w.id] = next.policies.at(w.id);
            break;
        case Kind::Rules:
            r = writer_.set_rules(next.rules);
            if (r)
                done.rules = next.rules;
            break;
        }
        if (!r) {
            if (known_)
                applied_ = std::move(done);
            return r;
        }
    }
    applied_ = next; // also forgets policies no longer configured
    known_ = true;
    return {};
}

Result<void> DatapathWriter::set_wan(uint32_t id, const control::WanEntry &e)
{
    jalur_wan old{};
    bool had = dp_.wans().lookup(&id, &old);
    jalur_wan kw{};
    kw.ifindex = e.ifindex;
    kw.fwmark = e.fwmark;
    kw.state = e.state;
    kw.generation = had ? old.generation + (old.state != kw.state) : 0;
    if (auto r = datapath::set_wan(dp_, id, kw); !r)
        return r;
    if (had && old.ifindex && old.ifindex != e.ifindex) { // the interface went or was recreated
        uint32_t owner = 0;
        if (dp_.wan_ifindex().lookup(&old.ifindex, &owner) && owner == id)
            (void)dp_.wan_ifindex().erase(&old.ifindex);
    }
    return {};
}

Result<void> DatapathWriter::clear_wan(uint32_t id)
{
    jalur_wan old{};
    if (!dp_.wans().lookup(&id, &old))
        return {};
    jalur_wan gone{};
    gone.generation = old.generation + 1; // flows pinned to it move on their next packet
    if (auto r = datapath::set_wan(dp_, id, gone); !r)
        return r;
    uint32_t owner = 0;
    if (old.ifindex && dp_.wan_ifindex().lookup(&old.ifindex, &owner) && owner == id)
        (void)dp_.wan_ifindex().erase(&old.ifindex);
    return {};
}

Result<void> DatapathWriter::set_policy(uint32_t id, const control::PolicyEntry &p)
{
    return publish_policy(dp_, id, p.params, p.slots, p.members);
}

Result<void> DatapathWriter::set_rules(const control::RuleSet &r)
{
    return publish_rules(dp_, r.rules, r.default_action, r.fwmark_mask);
}

} // namespace jalur::datapath
