// SPDX-License-Identifier: GPL-2.0-only
#include "health/thrift.h"

namespace jalur::health {

namespace {
// What arrives on an idle link besides the probes' answers (ARP, neighbour
// discovery, a DHCP renewal) is no proof of the upstream: more than a
// full-sized packet beyond them is.
constexpr uint64_t kNoise = 1514;
} // namespace

ProbeBytes probe_bytes(const config::ProbeTarget &t, int family)
{
    const uint32_t l2 = 14, ip = family == 6 ? 40 : 20;
    const uint32_t syn = l2 + ip + 40, ack = l2 + ip + 32; // TCP with options
    switch (t.kind) {
    case config::ProbeTarget::Kind::Icmp:
        return {l2 + ip + 8, l2 + ip + 8}; // an echo without payload, and its reply
    case config::ProbeTarget::Kind::Tcp:
        return {syn + 2 * ack, syn + ack}; // SYN, ACK, FIN; SYN-ACK, FIN-ACK
    case config::ProbeTarget::Kind::Dns: {
        uint32_t query = l2 + ip + 8 + 12 + static_cast<uint32_t>(t.qname.size()) + 2 + 4;
        return {query, query + 16}; // one A record back
    }
    case config::ProbeTarget::Kind::Http:
        break;
    }
    bool tls = t.url.rfind("https://", 0) == 0; // a handshake with certificates
    return {syn + 2 * ack + (tls ? 800u : 200u), syn + ack + (tls ? 5000u : 600u)};
}

bool Thrift::skip(const std::string &wan, const PassiveCounters &now, bool stalled)
{
    Seen &s = wans_[wan];
    // counters that went backwards were made anew: no evidence either way
    bool fresh = !s.known || now.rx_bytes < s.last.rx_bytes || now.synack_in < s.last.synack_in ||
                 now.probe_rx < s.last.probe_rx;
    uint64_t rx = fresh ? 0 : now.rx_bytes - s.last.rx_bytes;
    uint64_t probes = fresh ? 0 : now.probe_rx - s.last.probe_rx;
    bool handshakes = !fresh && now.synack_in > s.last.synack_in;
    // SYNs going out with none answered look bad, whatever else arrives
    stalled = stalled || (!fresh && !handshakes && now.syn_out >= s.last.syn_out + 3);
    s.last = now;
    s.known = true;
    bool proven = !fresh && !stalled && (handshakes || rx > probes + kNoise);
    if (!proven || s.skipped >= max_skipped_) {
        s.skipped = 0;
        return false;
    }
    s.skipped++;
    return true;
}

} // namespace jalur::health
