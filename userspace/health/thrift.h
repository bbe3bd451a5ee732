// SPDX-License-Identifier: GPL-2.0-only
// Thrifty probing on a metered WAN (issue 20): an active round is skipped
// while passive evidence proves the link since the last round (handshakes
// completing through it, or bytes arriving beyond the probes' own answers)
// and nothing looks bad (no stalled handshakes). An idle link, or one whose
// handshakes stall, is probed as any other (and the monitor skips no round
// after a failed one); and at least every
// `max_skipped + 1`th round is probed, so RTT and loss stay measured.
// Pure: the counters come from the caller.
#pragma once

#include "config/model.h"

#include <cstdint>
#include <map>
#include <string>

namespace jalur::health {

// Bytes one probe of a target costs on the wire, L2 included (Ethernet):
// exact for an ICMP echo, an estimate for the others (a TCP handshake and
// its close, a DNS query and answer, an HTTP(S) request and response).
struct ProbeBytes {
    uint32_t sent = 0, received = 0;
};
ProbeBytes probe_bytes(const config::ProbeTarget &t, int family);

struct PassiveCounters {
    uint64_t rx_bytes = 0;    // everything that arrived on the WAN
    uint64_t syn_out = 0;     // handshakes started through it
    uint64_t synack_in = 0;   // ... and answered
    uint64_t probe_rx = 0;    // of rx_bytes, the probes' own answers
};

class Thrift {
public:
    explicit Thrift(uint32_t max_skipped = 29) : max_skipped_(max_skipped) {}
    // Whether to skip the round about to start. `stalled`: the passive
    // signal sees the WAN's handshakes go unanswered.
    bool skip(const std::string &wan, const PassiveCounters &now, bool stalled);

private:
    struct Seen {
        PassiveCounters last;
        uint32_t skipped = 0; // in a row
        bool known = false;
    };
    uint32_t max_skipped_;
    std::map<std::string, Seen> wans_;
};

} // namespace jalur::health
