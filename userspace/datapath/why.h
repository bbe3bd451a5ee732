// SPDX-License-Identifier: GPL-2.0-only
// `jalur why`: the data path's own decision for a connection, asked of the
// loaded object. A frame is built for the connection's first packet and the
// program jalur_why runs on it (BPF_PROG_TEST_RUN) against the live maps:
// the code of decide.h, as a dry run that pins no flow, writes no affinity
// and counts nothing (include/jalur/why.h).
#pragma once

#include "common/prefix.h"
#include "common/result.h"
#include "datapath/datapath.h"
#include "jalur/why.h"

#include <cstdint>
#include <string>
#include <vector>

namespace jalur::datapath {

struct WhyPacket {
    Prefix src, dst;      // host addresses of one family
    uint8_t proto = 6;    // IPPROTO_TCP, _UDP, _ICMP/_ICMPV6 (an echo request; sport is its id)
    uint16_t sport = 0, dport = 0;
    uint32_t ifindex = 0; // the LAN interface it arrives on (rules with `in:`)
};

// "tcp", "udp", "icmp" (icmpv6 for an IPv6 pair) or a protocol number.
Result<uint8_t> parse_proto(const std::string &text, int family);

// [struct jalur_why][Ethernet][IPv4|IPv6][TCP SYN|UDP|ICMP echo]
std::vector<uint8_t> why_input(const WhyPacket &p);

// The decision for the packet, by the program `prog_fd` (Datapath::why_fd()).
Result<jalur_why> explain(int prog_fd, const WhyPacket &p);

} // namespace jalur::datapath
