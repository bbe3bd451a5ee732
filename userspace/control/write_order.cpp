// SPDX-License-Identifier: GPL-2.0-only
#include "control/write_order.h"

namespace jalur::control {

std::vector<Write> write_order(const DatapathState *applied, const DatapathState &next)
{
    std::vector<Write> out;
    auto changed_wan = [&](uint32_t id, const WanEntry &e) {
        if (!applied)
            return true;
        auto it = applied->wans.find(id);
        return it == applied->wans.end() || !(it->second == e);
    };
    for (const auto &[id, e] : next.wans)
        if (e.state != JALUR_WAN_DOWN && changed_wan(id, e))
            out.push_back({Write::Kind::Wan, id});
    for (const auto &[id, p] : next.policies) {
        auto it = applied ? applied->policies.find(id) : next.policies.end();
        if (!applied || it == applied->policies.end() || !(it->second == p))
            out.push_back({Write::Kind::Policy, id});
    }
    if (!applied || !(applied->rules == next.rules))
        out.push_back({Write::Kind::Rules, 0});
    for (const auto &[id, e] : next.wans)
        if (e.state == JALUR_WAN_DOWN && changed_wan(id, e))
            out.push_back({Write::Kind::Wan, id});
    if (applied)
        for (const auto &[id, _] : applied->wans)
            if (!next.wans.count(id))
                out.push_back({Write::Kind::ClearWan, id});
    return out;
}

} // namespace jalur::control
