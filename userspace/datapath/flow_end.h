// SPDX-License-Identifier: GPL-2.0-only
// Ending the flows of a WAN in the pinned flow table (issue 19): TCP flows
// are flagged JALUR_FLOW_ENDING, and the data path answers the client's
// next packet on each with a reset (bpf/flow_reset.h); a client that only
// receives is made to send one by datapath/challenge.h. Which flows end
// and when is the control core's decision (control/flow_ends.h).
#pragma once

#include "common/result.h"
#include "datapath/datapath.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace jalur::datapath {

struct FlowSelector {
    uint32_t wan = 0;
    std::optional<uint16_t> policy; // only this policy's flows (failback); else all of the WAN's
    // remove the other protocols' entries so that their next packet is
    // decided afresh: for a WAN that stays live (failback). A dead WAN's
    // are moved by the data path on their next packet anyway.
    bool renew_others = false;
};

struct EndedFlows {
    std::vector<jalur_flow_key> tcp;    // flagged: each is reset when its client sends
    std::vector<jalur_flow_key> others; // UDP, half-open TCP and the rest (removed if renew_others)
};

Result<EndedFlows> end_flows(const Datapath &dp, const FlowSelector &sel);

// Of these flagged flows, the ones whose client has sent nothing since (no
// reset went out): the ones to provoke again. A flow gone from the table
// (the LRU evicted it, or a SYN renewed it) is no longer waited for.
// The same flow seen from the server: addresses and ports swapped.
jalur_flow_key reversed(const jalur_flow_key &flow);

// "tcp 192.0.2.11:40000 -> 198.51.100.10:443", for logs.
std::string describe(const jalur_flow_key &flow);

std::vector<jalur_flow_key> unanswered(const Datapath &dp, std::span<const jalur_flow_key> flows);

} // namespace jalur::datapath
