// SPDX-License-Identifier: GPL-2.0-only
// Crafts frames for BPF_PROG_TEST_RUN: Ethernet, 802.1Q/802.1ad tags,
// IPv4 (with options and fragments), IPv6 (with extension headers), TCP, UDP,
// ICMP/ICMPv6 echo and DHCPv4 payloads. Lengths and checksums are filled in;
// anything can be overridden afterwards by editing the bytes.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace jalur::test {

using Mac = std::array<uint8_t, 6>;
using Bytes = std::vector<uint8_t>;

Mac mac(const std::string &text);             // "02:00:00:00:00:01"
std::array<uint8_t, 4> ipv4(const std::string &text);
std::array<uint8_t, 16> ipv6(const std::string &text);

struct Ipv6Ext {
    uint8_t type;  // IPPROTO_HOPOPTS, IPPROTO_DSTOPTS, IPPROTO_ROUTING, IPPROTO_FRAGMENT
    Bytes body;    // after next-header; for FRAGMENT: 6 bytes (offset/flags, id)
};

class PacketBuilder {
public:
    PacketBuilder &eth(const std::string &src = "02:00:00:00:00:0a", const std::string &dst = "02:00:00:00:00:01");
    PacketBuilder &vlan(uint16_t id, uint16_t tpid = 0x8100);
    PacketBuilder &ipv4(const std::string &src, const std::string &dst);
    PacketBuilder &ipv4_options(Bytes options); // padded to 4 bytes
    PacketBuilder &ipv4_fragment(uint16_t offset_bytes, bool more_fragments, uint16_t id = 1);
    PacketBuilder &ipv6(const std::string &src, const std::string &dst);
    PacketBuilder &ipv6_ext(Ipv6Ext ext);
    PacketBuilder &ipv6_fragment(uint16_t offset_bytes, bool more_fragments, uint32_t id = 1);
    PacketBuilder &tcp(uint16_t sport, uint16_t dport, uint8_t flags = 0x02);
    PacketBuilder &tcp_seq(uint32_t seq, uint32_t ack); // default 1000, and 2000 with ACK (else 0)
    PacketBuilder &udp(uint16_t sport, uint16_t dport);
    PacketBuilder &icmp_echo(uint16_t id, uint16_t seq = 1);
    PacketBuilder &proto(uint8_t ip_proto); // an L4 protocol the builder has no header for
    PacketBuilder &payload(Bytes data);

    Bytes build() const;

private:
    Mac src_mac_{}, dst_mac_{};
    std::vector<std::pair<uint16_t, uint16_t>> tags_; // tpid, id
    int family_ = 0;
    std::array<uint8_t, 16> src_{}, dst_{};
    Bytes ip4_options_;
    uint16_t frag_offset_ = 0, ip_id_ = 1;
    bool more_frags_ = false, fragmented_ = false;
    uint32_t frag6_id_ = 0;
    std::vector<Ipv6Ext> exts_;
    uint8_t l4_ = 0;
    uint16_t sport_ = 0, dport_ = 0, icmp_seq_ = 0;
    uint8_t tcp_flags_ = 0;
    std::optional<std::pair<uint32_t, uint32_t>> tcp_seq_;
    Bytes payload_;
};

// DHCPv4 (RFC 2131) message, for UDP 67 -> 68 payloads.
struct DhcpMessage {
    uint8_t op = 2; // BOOTREPLY
    uint32_t xid = 0x12345678;
    std::array<uint8_t, 4> ciaddr{}, yiaddr{}, siaddr{}, giaddr{};
    Mac chaddr{};
    std::array<uint8_t, 64> sname{};
    std::array<uint8_t, 128> file{};
    Bytes options; // after the magic cookie, raw (code, len, value ...)
    bool cookie = true;

    Bytes build() const;
};

// Option helpers: code, length, value.
Bytes dhcp_option(uint8_t code, Bytes value);

} // namespace jalur::test
