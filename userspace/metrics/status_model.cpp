// SPDX-License-Identifier: GPL-2.0-only
#include "metrics/status_model.h"

#include "metrics/flow_count.h"

#include <net/if.h>

#include <algorithm>

namespace jalur::metrics {

const char *wan_state_name(uint32_t state)
{
    switch (state) {
    case JALUR_WAN_UP:
        return "up";
    case JALUR_WAN_DEGRADED:
        return "degraded";
    case JALUR_WAN_LAST_RESORT:
        return "last_resort";
    default:
        return "down";
    }
}

const char *reason_name(uint32_t reason)
{
    static const char *const names[JALUR_R_MAX] = {
        "marked",        "not_ip",       "bcast_mcast",      "local",    "bypass",   "no_policy",
        "no_live_wan",   "drop_no_live_wan", "parse_l2",     "parse_l3", "parse_l4", "frag_no_flow",
        "tc_decided",    "wan_rx",       "flow_reset",       "flow_ending_drop",
    };
    return reason < JALUR_R_MAX ? names[reason] : "unknown";
}

Status collect(const datapath::PinnedMaps &maps, const std::vector<WanConfig> &wans, const Board *board,
               FlowCounting counting)
{
    Status s;
    s.flow_capacity = maps.flow_capacity();
    auto add = [&](uint32_t id, const jalur_wan &w, const WanConfig *c) {
        WanStatus v;
        v.id = id;
        v.wan = w;
        char ifname[IF_NAMESIZE] = "";
        if (w.ifindex)
            if_indextoname(w.ifindex, ifname);
        v.name = v.interface = ifname;
        if (c) {
            v.name = c->name;
            v.interface = c->interface;
            v.tier = c->tier;
            v.weight = c->weight;
        }
        v.stats = maps.wan_stats(id);
        if (board)
            for (const auto &a : board->wans)
                if (a.name == v.name)
                    v.agent = a;
        s.wans.push_back(std::move(v));
    };
    bool by_id = !wans.empty() && std::all_of(wans.begin(), wans.end(), [](const WanConfig &c) { return c.id; });
    if (by_id) {
        // the running agent's WANs, each by its id: one whose interface is
        // absent is listed (down), one a reload removed is not
        for (const auto &c : wans) {
            jalur_wan w{};
            if (*c.id < JALUR_MAX_WANS)
                maps.wan(*c.id, w);
            add(*c.id, w, &c);
        }
    } else {
        // without the agent: by interface (ids are the agent's; interfaces are not)
        for (uint32_t id = 0; id < JALUR_MAX_WANS; id++) {
            jalur_wan w{};
            if (!maps.wan(id, w) || w.ifindex == 0)
                continue;
            char ifname[IF_NAMESIZE] = "?";
            if_indextoname(w.ifindex, ifname);
            const WanConfig *match = nullptr;
            for (const auto &c : wans)
                if (c.interface == ifname)
                    match = &c;
            add(id, w, match);
        }
    }
    for (uint32_t r = 0; r < JALUR_R_MAX; r++)
        s.reasons[r] = maps.reason(r);
    s.dhcp = maps.dhcp_stats();

    std::optional<FlowCount> count;
    if (counting == FlowCounting::Walk)
        count = count_flows(maps);
    else if (board)
        count = board->flows;
    if (count) {
        s.active_flows = count->total;
        for (auto &w : s.wans) {
            auto it = count->by_wan_id.find(w.id);
            w.active_flows = it == count->by_wan_id.end() ? 0 : it->second;
        }
        s.counted = std::move(count);
    }
    if (board)
        s.agent = *board;
    return s;
}

} // namespace jalur::metrics
