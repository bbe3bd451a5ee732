// SPDX-License-Identifier: GPL-2.0-only
// Draws a packet from the LAN client of an ending TCP flow that would send
// nothing on its own (a download, a stream: it only receives, and its
// server is gone with the WAN). A SYN, as from the flow's server, to an
// established connection is answered with a challenge ACK (RFC 5961 4.2)
// that carries the client's exact sequence numbers; the data path turns
// that ACK into the reset the client accepts (bpf/flow_reset.h).
#pragma once

#include "common/result.h"
#include "common/unique_fd.h"
#include "jalur/datapath.h"

#include <cstdint>
#include <vector>

namespace jalur::datapath {

// The provoking SYN of a flow (LAN client -> server, as the flow table
// keys it): an IPv4 or IPv6 header and a TCP header, checksums filled in.
std::vector<uint8_t> challenge_syn(const jalur_flow_key &flow, uint32_t seq);

class ChallengeSender {
public:
    // Raw sockets (CAP_NET_RAW): the kernel routes each SYN to the client
    // and resolves its neighbour, so VLANs and bridges need nothing here.
    static Result<ChallengeSender> open();
    Result<void> provoke(const jalur_flow_key &flow) const;

private:
    ChallengeSender(UniqueFd v4, UniqueFd v6) : v4_(std::move(v4)), v6_(std::move(v6)) {}
    UniqueFd v4_, v6_;
};

} // namespace jalur::datapath
