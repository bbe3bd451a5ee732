// SPDX-License-Identifier: GPL-2.0-only
// What the rogue DHCP/RA guard owes a frame, written from the RFCs rather
// than from bpf/: a frame is a server message when a client could take it as
// one (RFC 2131: anything reaching UDP port 68, a BOOTREPLY to a relay's 67;
// RFC 8415: anything reaching 546, a server's message to 547; RFC 4861: an
// ICMPv6 router advertisement), whatever its source port; an IPv6 packet
// whose header chain the guard cannot walk to the end is judged by its IPv6
// header alone (RFC 7113 section 3). The guard's documented limits
// (docs/datapath.md) are parameters here: two VLAN tags, six IPv6 extension
// headers, the upper-layer header within 64 KiB.
#pragma once

#include "jalur/dhcp_guard.h"
#include "support/packet_builder.h"

#include <string>

namespace jalur::test
{

struct GuardExpectation {
    // The IP length ends before a header the frame still holds (Ethernet
    // padding, or a length that lies): a host drops such a packet whatever
    // the guard does, so its verdict is not judged.
    bool indeterminate = false;
    uint8_t kind = 0;   // enum jalur_dhcp_kind; 0: not a server message
    uint32_t chain = 0; // JALUR_DHCP_EV_CHAIN_*: why an *_UNPARSED chain was not walked
    bool drop = false;
    jalur_dhcp_stats counters{}; // what one run adds (no rate limit, no trusted MAC or server)
    std::string why;             // for a failure's message
};

// mode: JALUR_DHCP_ALERT or JALUR_DHCP_GUARD; trusted: the port's trust.
GuardExpectation reference_guard(const Bytes &frame, uint32_t mode, bool trusted);

} // namespace jalur::test
