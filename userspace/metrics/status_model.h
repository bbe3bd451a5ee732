// SPDX-License-Identifier: GPL-2.0-only
// One picture of the running system, from the pinned maps and (when the
// agent is there) its state board: what /metrics, /status and `jalur
// status` render. Collected per request; rendering never reads a map.
#pragma once

#include "datapath/pinned.h"
#include "metrics/state_board.h"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace jalur::metrics {

// A WAN as configured: how a map slot (by interface) gets its name.
struct WanConfig {
    std::string name, interface;
    uint32_t tier = 1, weight = 1;
    std::optional<uint32_t> id; // known to the running agent; unset: matched by interface
};

struct WanStatus {
    uint32_t id = 0;
    std::string name, interface;
    uint32_t tier = 0, weight = 0; // 0: not in the config (a slot left by a reload)
    jalur_wan wan{};
    jalur_wan_stats stats{};
    std::optional<uint64_t> active_flows;
    std::optional<WanView> agent; // with the agent only
};

enum class FlowCounting {
    Kept, // the agent's last count (FlowCount), cheap: what a scrape uses
    Walk, // walk the table now: exact, costs a pass over it
};

struct Status {
    std::vector<WanStatus> wans;
    uint32_t flow_capacity = 0;
    std::optional<uint64_t> active_flows;
    std::optional<FlowCount> counted; // when and how long the count took
    std::array<uint64_t, JALUR_R_MAX> reasons{};
    jalur_dhcp_stats dhcp{}; // rogue DHCP inspection, summed over CPUs
    std::optional<Board> agent; // absent: read from the pins alone
};

// From the pins alone (board null: no agent), or pins and the agent's board.
Status collect(const datapath::PinnedMaps &maps, const std::vector<WanConfig> &wans, const Board *board,
               FlowCounting counting);

// The names of the reasons map's slots, as metric labels ("parse_l3").
const char *reason_name(uint32_t reason);
const char *wan_state_name(uint32_t state); // enum jalur_wan_state -> "up"

} // namespace jalur::metrics
