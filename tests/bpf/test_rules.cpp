// SPDX-License-Identifier: GPL-2.0-only
// Ordered policy rules, bypass, local destinations and inbound stickiness.
#include "support/bpf_fixture.h"

#include <catch2/catch.hpp>
#include <netinet/in.h>

using namespace jalur;
using namespace jalur::test;

namespace {

// Policy p sends everything to WAN p, so a packet's WAN names its policy.
BpfFixture with_policies(int n)
{
    BpfFixture fx;
    for (int p = 0; p < n; p++) {
        fx.add_wan(p);
        fx.set_policy(p, {{static_cast<uint32_t>(p), 1, "isp" + std::to_string(p)}});
    }
    return fx;
}

Prefix pfx(const std::string &s)
{
    return Prefix::parse(s).value();
}

datapath::RuleSpec rule(uint32_t action)
{
    datapath::RuleSpec r;
    r.action = action;
    return r;
}

Bytes udp(const std::string &src, const std::string &dst, uint16_t dport)
{
    return udp_datagram(src, dst, 5000, dport);
}

} // namespace

TEST_CASE("the first matching rule picks the policy")
{
    auto fx = with_policies(4);
    std::vector<datapath::RuleSpec> rules(4);
    rules[0] = rule(1);
    rules[0].src = {pfx("192.0.2.128/25")};
    rules[0].dst = {pfx("198.51.100.0/24")};
    rules[1] = rule(2);
    rules[1].src = {pfx("192.0.2.0/24")}; // covers rule 0's source: order decides
    rules[2] = rule(3);
    rules[2].proto = IPPROTO_UDP;
    rules[2].dport_lo = 5000;
    rules[2].dport_hi = 5100;
    rules[3] = rule(JALUR_ACTION_BYPASS);
    rules[3].dst = {pfx("203.0.113.0/24")};
    REQUIRE(datapath::publish_rules(fx.dp(), rules, 0, 0xffffffffu));

    CHECK(fx.wan_for(tcp_syn("192.0.2.200", "198.51.100.1", 1000, 80)) == 1u); // rule 0
    CHECK(fx.wan_for(tcp_syn("192.0.2.200", "203.0.113.1", 1001, 80)) == 2u);  // rule 1, not 3
    CHECK(fx.wan_for(tcp_syn("192.0.2.10", "198.51.100.1", 1002, 80)) == 2u);   // rule 1 by source
    CHECK(fx.wan_for(udp("100.64.0.5", "198.51.100.1", 5050)) == 3u);           // rule 2: proto + port
    CHECK(fx.wan_for(udp("100.64.0.5", "198.51.100.1", 5101)) == 0u);           // out of range: default
    CHECK(fx.wan_for(tcp_syn("100.64.0.5", "198.51.100.1", 1003, 5050)) == 0u); // TCP: not rule 2
    CHECK_FALSE(fx.wan_for(tcp_syn("100.64.0.5", "203.0.113.1", 1004, 80)));   // rule 3: bypass
    CHECK(fx.dp().reason_sum(JALUR_R_BYPASS) == 1);
}

TEST_CASE("nested prefixes in different rules: the longest match still finds every rule")
{
    auto fx = with_policies(3);
    std::vector<datapath::RuleSpec> rules(2);
    rules[0] = rule(1);
    rules[0].dst = {pfx("198.51.100.0/24")};
    rules[0].proto = IPPROTO_UDP; // so TCP to the /24 falls through to rule 1
    rules[1] = rule(2);
    rules[1].dst = {pfx("198.0.0.0/8"), pfx("2001:db8::/32")};
    REQUIRE(datapath::publish_rules(fx.dp(), rules, 0, 0xffffffffu));

    CHECK(fx.wan_for(udp("192.0.2.10", "198.51.100.7", 53)) == 1u);
    CHECK(fx.wan_for(tcp_syn("192.0.2.10", "198.51.100.7", 1000, 80)) == 2u); // /8 covers the /24
    CHECK(fx.wan_for(tcp_syn("192.0.2.10", "198.18.0.1", 1001, 80)) == 2u);
    CHECK(fx.wan_for(tcp_syn("2001:db8:1::10", "2001:db8:ff::1", 1002, 80)) == 2u);
    CHECK(fx.wan_for(tcp_syn("192.0.2.10", "203.0.113.1", 1003, 80)) == 0u);
}

TEST_CASE("rules match on ingress interface and family")
{
    auto fx = with_policies(3);
    std::vector<datapath::RuleSpec> rules(2);
    rules[0] = rule(1);
    rules[0].ifindex = 7;
    rules[1] = rule(2);
    rules[1].family = JALUR_FAMILY_V6;
    REQUIRE(datapath::publish_rules(fx.dp(), rules, 0, 0xffffffffu));

    auto v4 = tcp_syn("192.0.2.10", "198.51.100.1", 1000, 80);
    auto v6 = tcp_syn("2001:db8:1::10", "2001:db8:ff::1", 1000, 80);
    CHECK(BpfFixture::wan_of(fx.run_tc_lan(v4, 7).mark) == 1u);
    CHECK(BpfFixture::wan_of(fx.run_tc_lan(tcp_syn("192.0.2.10", "198.51.100.1", 1001, 80), 8).mark) == 0u);
    CHECK(BpfFixture::wan_of(fx.run_tc_lan(v6, 8).mark) == 2u);
}

TEST_CASE("a rule set is replaced as a whole")
{
    auto fx = with_policies(3);
    std::vector<datapath::RuleSpec> first(1, rule(1));
    first[0].dst = {pfx("198.51.100.0/24")};
    REQUIRE(datapath::publish_rules(fx.dp(), first, 0, 0xffffffffu));
    CHECK(fx.wan_for(tcp_syn("192.0.2.10", "198.51.100.1", 1000, 80)) == 1u);

    std::vector<datapath::RuleSpec> second(1, rule(2));
    second[0].dst = {pfx("203.0.113.0/24")};
    REQUIRE(datapath::publish_rules(fx.dp(), second, 0, 0xffffffffu));
    CHECK(fx.wan_for(tcp_syn("192.0.2.10", "198.51.100.1", 1001, 80)) == 0u); // old prefix gone
    CHECK(fx.wan_for(tcp_syn("192.0.2.10", "203.0.113.1", 1002, 80)) == 2u);
}

TEST_CASE("traffic to the router and to connected networks is never balanced")
{
    auto fx = with_policies(1);
    fx.set_default_policy(0);
    std::vector<Prefix> local = {pfx("192.0.2.1/32"), pfx("192.0.2.0/24"), pfx("10.8.0.0/16"), pfx("2001:db8:1::/64")};
    REQUIRE(datapath::set_local_nets(fx.dp(), local));

    CHECK_FALSE(fx.wan_for(tcp_syn("192.0.2.10", "192.0.2.1", 1000, 22)));    // the router
    CHECK_FALSE(fx.wan_for(tcp_syn("192.0.2.10", "192.0.2.20", 1001, 445)));  // LAN to LAN
    CHECK_FALSE(fx.wan_for(tcp_syn("192.0.2.10", "10.8.3.4", 1002, 443)));    // a VPN route
    CHECK_FALSE(fx.wan_for(tcp_syn("2001:db8:1::10", "2001:db8:1::20", 1003, 80)));
    CHECK(fx.wan_for(tcp_syn("192.0.2.10", "198.51.100.1", 1004, 80)) == 0u);
    CHECK(fx.dp().reason_sum(JALUR_R_LOCAL) == 4);

    // replacing the set drops what is gone
    std::vector<Prefix> fewer = {pfx("192.0.2.0/24")};
    REQUIRE(datapath::set_local_nets(fx.dp(), fewer));
    CHECK(fx.wan_for(tcp_syn("192.0.2.10", "10.8.3.4", 1005, 443)) == 0u);
}

TEST_CASE("a connection that came in by a WAN is answered by that WAN")
{
    BpfFixture fx;
    fx.add_wan(0);
    fx.add_wan(1);
    fx.set_policy(0, {{0, 1, "isp1"}}); // the balancer would say WAN 0
    fx.set_default_policy(0);

    // 203.0.113.50:5555 opens a port forward through WAN 1 ...
    auto syn = tcp_syn("203.0.113.50", "100.64.2.2", 5555, 2222);
    fx.run_tc_wan(syn, BpfFixture::ifindex_of(1));
    CHECK(fx.dp().wan_stats_sum(1).rx_packets == 1);

    // ... and the LAN server's SYN-ACK and later packets go back through WAN 1
    PacketBuilder synack;
    synack.eth().ipv4("192.0.2.20", "203.0.113.50").tcp(22, 5555, 0x12);
    CHECK(fx.wan_for(synack.build()) == 1u);
    PacketBuilder ack;
    ack.eth().ipv4("192.0.2.20", "203.0.113.50").tcp(22, 5555, 0x10);
    CHECK(fx.wan_for(ack.build()) == 1u);

    // other traffic to that host is still balanced as usual
    CHECK(fx.wan_for(tcp_syn("192.0.2.20", "203.0.113.50", 40000, 443)) == 0u);

    // a SYN-ACK arriving on a WAN answers an outbound connection: no pin
    PacketBuilder reply;
    reply.eth().ipv4("198.51.100.10", "100.64.1.2").tcp(443, 40001, 0x12);
    fx.run_tc_wan(reply.build(), BpfFixture::ifindex_of(0));
    CHECK(fx.dp().wan_stats_sum(0).synack_in == 1);
    CHECK(fx.wan_for(tcp_syn("192.0.2.21", "198.51.100.10", 40002, 443)) == 0u);
}
