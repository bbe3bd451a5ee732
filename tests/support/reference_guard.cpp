// SPDX-License-Identifier: GPL-2.0-only
#include "support/reference_guard.h"

#include <netinet/in.h>

namespace jalur::test
{

namespace
{

constexpr size_t kMaxTags = 2;               // 802.1ad outer + 802.1Q inner
constexpr size_t kMaxExtHeaders = 6;         // the walk's depth
constexpr size_t kMaxL4Offset = 0xffff - 16; // the upper-layer header's start, from the frame's

struct Reader {
    const Bytes &f;
    size_t n() const { return f.size(); }
    uint16_t be16(size_t at) const { return static_cast<uint16_t>(f[at] << 8 | f[at + 1]); }
};

struct Kind {
    bool indeterminate = false;
    uint8_t kind = 0;
    uint32_t chain = 0;
    std::string why;
};

Kind none(std::string why)
{
    return {false, 0, 0, std::move(why)};
}
Kind indeterminate(std::string why)
{
    return {true, 0, 0, std::move(why)};
}

// RFC 2131 4.1, RFC 1542 4.1: a client listens on 68 and takes what comes
// there; a relay agent on 67 passes a BOOTREPLY on to the client.
Kind ipv4(const Reader &r, size_t l3)
{
    if (l3 + 20 > r.n())
        return none("IPv4 header cut");
    size_t ihl = (r.f[l3] & 15u) * 4u, total = r.be16(l3 + 2);
    if (r.f[l3] >> 4 != 4 || ihl < 20 || total < ihl || l3 + total > r.n())
        return none("not a valid IPv4 header");
    if (r.be16(l3 + 6) & 0x1fff)
        return none("a later IPv4 fragment: its first decides");
    if (r.f[l3 + 9] != IPPROTO_UDP)
        return none("not UDP");
    size_t l4 = l3 + ihl, end = l3 + total;
    if (l4 + 8 > end)
        return l4 + 8 > r.n() ? none("UDP header cut") : indeterminate("UDP header past the IP length");
    uint16_t dport = r.be16(l4 + 2);
    if (dport == 68)
        return {false, JALUR_DHCP_V4, 0, "UDP to 68"};
    // the op may be in a later fragment: then it may be a reply
    if (dport == 67 && (l4 + 8 >= end || r.f[l4 + 8] == 2))
        return {false, JALUR_DHCP_V4, 0, "BOOTREPLY to 67"};
    return none("UDP to neither 67 nor 68");
}

bool is_extension(uint8_t nh)
{
    return nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING || nh == IPPROTO_FRAGMENT || nh == IPPROTO_DSTOPTS ||
           nh == IPPROTO_AH;
}

bool dhcp6_from_server(uint8_t type)
{
    return type == 2 || type == 7 || type == 10 || type == 13;
}

// RFC 8200 4: the chain, header by header, each within the packet; RFC 7113
// 3: a chain the guard cannot finish leaves the IPv6 header to judge by.
Kind ipv6(const Reader &r, size_t l3)
{
    if (l3 + 40 > r.n())
        return none("IPv6 header cut");
    if (r.f[l3] >> 4 != 6)
        return none("not version 6");
    size_t end = l3 + 40 + r.be16(l3 + 4);
    // RFC 4861 6.1.2: only a link-local source with hop limit 255 can send an RA
    bool router = r.f[l3 + 7] == 255 && r.f[l3 + 8] == 0xfe && (r.f[l3 + 9] & 0xc0) == 0x80;
    bool has_ext = is_extension(r.f[l3 + 6]);
    auto unwalked = [&](uint32_t chain, std::string why) -> Kind {
        if (router)
            return {false, JALUR_DHCP_RA_UNPARSED, chain, why + ", from a possible router"};
        if (has_ext)
            return {false, JALUR_DHCP_V6_UNPARSED, chain, why + ", behind extension headers"};
        return none(why + ", nothing to hide behind");
    };
    if (end > r.n())
        return unwalked(JALUR_DHCP_EV_CHAIN_TRUNCATED, "payload length past the frame");
    // past the IP length, the frame holds bytes that are not the packet's
    auto cut = [&](size_t upto, const std::string &what) {
        return upto > r.n() || end == r.n() ? unwalked(JALUR_DHCP_EV_CHAIN_TRUNCATED, what + " cut")
                                            : indeterminate(what + " past the IP length");
    };

    uint8_t nh = r.f[l3 + 6];
    size_t at = l3 + 40, count = 0;
    while (is_extension(nh)) {
        if (count == kMaxExtHeaders)
            return unwalked(JALUR_DHCP_EV_CHAIN_DEPTH, "more than 6 extension headers");
        if (at + 8 > end)
            return cut(at + 8, "extension header");
        size_t len = nh == IPPROTO_FRAGMENT ? 8 : nh == IPPROTO_AH ? (r.f[at + 1] + 2u) * 4 : (r.f[at + 1] + 1u) * 8;
        if (at + len > end)
            return cut(at + len, "extension header");
        if (nh == IPPROTO_FRAGMENT && (r.be16(at + 2) & 0xfff8))
            return none("a later IPv6 fragment: its first decides");
        nh = r.f[at];
        at += len;
        count++;
    }
    if (at > kMaxL4Offset)
        return unwalked(JALUR_DHCP_EV_CHAIN_LENGTH, "upper-layer header past 64 KiB");
    if (nh == IPPROTO_NONE)
        return none("no next header");
    // the upper-layer header: what the guard reads of it must be there
    size_t need = nh == IPPROTO_TCP ? 20 : nh == IPPROTO_UDP || nh == IPPROTO_ICMPV6 ? 8 : 0;
    if (at + need > end)
        return cut(at + need, "upper-layer header");
    if (nh == IPPROTO_TCP && (r.f[at + 12] >> 4) < 5)
        return unwalked(JALUR_DHCP_EV_CHAIN_TRUNCATED, "TCP header shorter than 20 bytes");
    if (nh == IPPROTO_ICMPV6)
        return r.f[at] == 134 ? Kind{false, JALUR_DHCP_RA, 0, "router advertisement"} : none("other ICMPv6");
    if (nh != IPPROTO_UDP)
        return none("neither UDP nor ICMPv6");
    uint16_t dport = r.be16(at + 2);
    if (dport == 546)
        return {false, JALUR_DHCP_V6, 0, "UDP to 546"};
    if (dport == 547 && (at + 8 >= end || dhcp6_from_server(r.f[at + 8])))
        return {false, JALUR_DHCP_V6, 0, "a server's message to 547"};
    return none("UDP to neither 546 nor 547");
}

Kind classify(const Bytes &f)
{
    Reader r{f};
    if (f.size() < 14)
        return none("Ethernet header cut");
    uint16_t type = r.be16(12);
    size_t at = 14;
    for (size_t tags = 0; type == 0x8100 || type == 0x88a8; tags++) {
        if (tags == kMaxTags)
            return none("a third VLAN tag");
        if (at + 4 > f.size())
            return none("VLAN tag cut");
        type = r.be16(at + 2);
        at += 4;
    }
    if (type == 0x0800)
        return ipv4(r, at);
    if (type == 0x86dd)
        return ipv6(r, at);
    return none("not IP");
}

} // namespace

GuardExpectation reference_guard(const Bytes &frame, uint32_t mode, bool trusted)
{
    Kind k = classify(frame);
    GuardExpectation e;
    e.indeterminate = k.indeterminate;
    e.kind = k.kind;
    e.chain = k.chain;
    e.why = k.why;
    if (!k.kind)
        return e;
    auto &c = e.counters;
    c.inspected = 1;
    if (trusted) {
        c.trusted = 1;
    } else {
        c.events = 1;
        e.drop = mode == JALUR_DHCP_GUARD;
        c.dropped = e.drop;
    }
    c.chain_depth = k.chain == JALUR_DHCP_EV_CHAIN_DEPTH;
    c.chain_length = k.chain == JALUR_DHCP_EV_CHAIN_LENGTH;
    c.chain_truncated = k.chain == JALUR_DHCP_EV_CHAIN_TRUNCATED;
    return e;
}

} // namespace jalur::test
