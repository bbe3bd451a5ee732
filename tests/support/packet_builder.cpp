// SPDX-License-Identifier: GPL-2.0-only
#include "support/packet_builder.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace jalur::test {

namespace {

void put16(Bytes &b, uint16_t v)
{
    b.push_back(v >> 8);
    b.push_back(v & 0xff);
}

void put32(Bytes &b, uint32_t v)
{
    put16(b, v >> 16);
    put16(b, v & 0xffff);
}

uint16_t checksum(const uint8_t *p, size_t n, uint32_t sum = 0)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += (p[i] << 8) | p[i + 1];
    if (n & 1)
        sum += p[n - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(~sum);
}

} // namespace

Mac mac(const std::string &text)
{
    Mac m{};
    unsigned v[6];
    if (std::sscanf(text.c_str(), "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
        throw std::invalid_argument("bad MAC " + text);
    for (int i = 0; i < 6; i++)
        m[i] = static_cast<uint8_t>(v[i]);
    return m;
}

std::array<uint8_t, 4> ipv4(const std::string &text)
{
    std::array<uint8_t, 4> a{};
    if (inet_pton(AF_INET, text.c_str(), a.data()) != 1)
        throw std::invalid_argument("bad IPv4 " + text);
    return a;
}

std::array<uint8_t, 16> ipv6(const std::string &text)
{
    std::array<uint8_t, 16> a{};
    if (inet_pton(AF_INET6, text.c_str(), a.data()) != 1)
        throw std::invalid_argument("bad IPv6 " + text);
    return a;
}

PacketBuilder &PacketBuilder::eth(const std::string &src, const std::string &dst)
{
    src_mac_ = mac(src);
    dst_mac_ = mac(dst);
    return *this;
}

PacketBuilder &PacketBuilder::vlan(uint16_t id, uint16_t tpid)
{
    tags_.emplace_back(tpid, id);
    return *this;
}

PacketBuilder &PacketBuilder::ipv4(const std::string &src, const std::string &dst)
{
    family_ = 4;
    auto s = jalur::test::ipv4(src), d = jalur::test::ipv4(dst);
    std::memcpy(src_.data(), s.data(), 4);
    std::memcpy(dst_.data(), d.data(), 4);
    return *this;
}

PacketBuilder &PacketBuilder::ipv4_options(Bytes options)
{
    while (options.size() % 4)
        options.push_back(0);
    ip4_options_ = std::move(options);
    return *this;
}

PacketBuilder &PacketBuilder::ipv4_fragment(uint16_t offset_bytes, bool more_fragments, uint16_t id)
{
    frag_offset_ = offset_bytes;
    more_frags_ = more_fragments;
    ip_id_ = id;
    fragmented_ = true;
    return *this;
}

PacketBuilder &PacketBuilder::ipv6(const std::string &src, const std::string &dst)
{
    family_ = 6;
    src_ = jalur::test::ipv6(src);
    dst_ = jalur::test::ipv6(dst);
    return *this;
}

PacketBuilder &PacketBuilder::ipv6_ext(Ipv6Ext ext)
{
    exts_.push_back(std::move(ext));
    return *this;
}

PacketBuilder &PacketBuilder::ipv6_fragment(uint16_t offset_bytes, bool more_fragments, uint32_t id)
{
    Bytes body;
    put16(body, static_cast<uint16_t>((offset_bytes & ~7u) | (more_fragments ? 1 : 0)));
    put32(body, id);
    exts_.push_back({IPPROTO_FRAGMENT, body});
    return *this;
}

PacketBuilder &PacketBuilder::tcp(uint16_t sport, uint16_t dport, uint8_t flags)
{
    l4_ = IPPROTO_TCP;
    sport_ = sport;
    dport_ = dport;
    tcp_flags_ = flags;
    return *this;
}

PacketBuilder &PacketBuilder::tcp_seq(uint32_t seq, uint32_t ack)
{
    tcp_seq_ = {seq, ack};
    return *this;
}

PacketBuilder &PacketBuilder::udp(uint16_t sport, uint16_t dport)
{
    l4_ = IPPROTO_UDP;
    sport_ = sport;
    dport_ = dport;
    return *this;
}

PacketBuilder &PacketBuilder::icmp_echo(uint16_t id, uint16_t seq)
{
    l4_ = family_ == 6 ? uint8_t{IPPROTO_ICMPV6} : uint8_t{IPPROTO_ICMP};
    sport_ = id;
    icmp_seq_ = seq;
    return *this;
}

PacketBuilder &PacketBuilder::proto(uint8_t ip_proto)
{
    l4_ = ip_proto;
    return *this;
}

PacketBuilder &PacketBuilder::payload(Bytes data)
{
    payload_ = std::move(data);
    return *this;
}

Bytes PacketBuilder::build() const
{
    // L4 first: IP lengths depend on it.
    Bytes l4;
    if (l4_ == IPPROTO_TCP) {
        put16(l4, sport_);
        put16(l4, dport_);
        put32(l4, tcp_seq_ ? tcp_seq_->first : 1000);
        put32(l4, tcp_seq_ ? tcp_seq_->second : (tcp_flags_ & 0x10) ? 2000 : 0);
        l4.push_back(5 << 4);
        l4.push_back(tcp_flags_);
        put16(l4, 65535);
        put16(l4, 0); // checksum: BPF never checks it
        put16(l4, 0);
    } else if (l4_ == IPPROTO_UDP) {
        put16(l4, sport_);
        put16(l4, dport_);
        put16(l4, static_cast<uint16_t>(8 + payload_.size()));
        put16(l4, 0);
    } else if (l4_ == IPPROTO_ICMP || l4_ == IPPROTO_ICMPV6) {
        l4.push_back(l4_ == IPPROTO_ICMP ? 8 : 128);
        l4.push_back(0);
        put16(l4, 0);
        put16(l4, sport_);
        put16(l4, icmp_seq_);
    }
    l4.insert(l4.end(), payload_.begin(), payload_.end());

    Bytes l3;
    uint16_t ethertype;
    if (family_ == 4) {
        ethertype = 0x0800;
        size_t hlen = 20 + ip4_options_.size();
        l3.push_back(static_cast<uint8_t>(0x40 | (hlen / 4)));
        l3.push_back(0);
        put16(l3, static_cast<uint16_t>(hlen + l4.size()));
        put16(l3, ip_id_);
        put16(l3, static_cast<uint16_t>((more_frags_ ? 0x2000 : 0) | (frag_offset_ / 8)));
        l3.push_back(64);
        l3.push_back(l4_);
        put16(l3, 0);
        l3.insert(l3.end(), src_.begin(), src_.begin() + 4);
        l3.insert(l3.end(), dst_.begin(), dst_.begin() + 4);
        l3.insert(l3.end(), ip4_options_.begin(), ip4_options_.end());
        uint16_t c = checksum(l3.data(), l3.size());
        l3[10] = c >> 8;
        l3[11] = c & 0xff;
    } else if (family_ == 6) {
        ethertype = 0x86dd;
        Bytes ext;
        for (size_t i = 0; i < exts_.size(); i++) {
            uint8_t next = i + 1 < exts_.size() ? exts_[i + 1].type : l4_;
            ext.push_back(next);
            if (exts_[i].type == IPPROTO_FRAGMENT) {
                ext.push_back(0);
                ext.insert(ext.end(), exts_[i].body.begin(), exts_[i].body.end());
            } else {
                Bytes body = exts_[i].body;
                while ((body.size() + 2) % 8)
                    body.push_back(0); // PadN-free padding: Pad1 options
                ext.push_back(static_cast<uint8_t>((body.size() + 2) / 8 - 1));
                ext.insert(ext.end(), body.begin(), body.end());
            }
        }
        put32(l3, 0x60000000);
        put16(l3, static_cast<uint16_t>(ext.size() + l4.size()));
        l3.push_back(exts_.empty() ? l4_ : exts_[0].type);
        l3.push_back(64);
        l3.insert(l3.end(), src_.begin(), src_.end());
        l3.insert(l3.end(), dst_.begin(), dst_.end());
        l3.insert(l3.end(), ext.begin(), ext.end());
    } else {
        ethertype = 0x0806;
    }

    Bytes frame(dst_mac_.begin(), dst_mac_.end());
    frame.insert(frame.end(), src_mac_.begin(), src_mac_.end());
    for (auto [tpid, id] : tags_) {
        put16(frame, tpid);
        put16(frame, id);
    }
    put16(frame, ethertype);
    frame.insert(frame.end(), l3.begin(), l3.end());
    frame.insert(frame.end(), l4.begin(), l4.end());
    while (frame.size() < 60)
        frame.push_back(0); // Ethernet minimum; IP lengths exclude this padding
    return frame;
}

Bytes dhcp_option(uint8_t code, Bytes value)
{
    Bytes b{code, static_cast<uint8_t>(value.size())};
    b.insert(b.end(), value.begin(), value.end());
    return b;
}

Bytes DhcpMessage::build() const
{
    Bytes b;
    b.push_back(op);
    b.push_back(1); // htype Ethernet
    b.push_back(6); // hlen
    b.push_back(0); // hops
    put32(b, xid);
    put16(b, 0); // secs
    put16(b, 0); // flags
    for (auto *a : {&ciaddr, &yiaddr, &siaddr, &giaddr})
        b.insert(b.end(), a->begin(), a->end());
    b.insert(b.end(), chaddr.begin(), chaddr.end());
    b.insert(b.end(), 10, 0); // chaddr is 16 bytes
    b.insert(b.end(), sname.begin(), sname.end());
    b.insert(b.end(), file.begin(), file.end());
    if (cookie)
        put32(b, 0x63825363);
    b.insert(b.end(), options.begin(), options.end());
    return b;
}

} // namespace jalur::test
