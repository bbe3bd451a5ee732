// SPDX-License-Identifier: GPL-2.0-only
// The parser against truncated and malformed frames, extension headers,
// options, fragments, and traffic that must pass untouched.
#include "support/bpf_fixture.h"

#include <catch2/catch.hpp>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <netinet/in.h>

#include <numeric>

using namespace jalur;
using namespace jalur::test;

namespace {

BpfFixture balanced()
{
    BpfFixture fx;
    fx.add_wan(0);
    fx.add_wan(1);
    fx.set_policy(0, {{0, 1, "isp1"}, {1, 1, "isp2"}});
    fx.set_default_policy(0);
    return fx;
}

uint64_t parse_errors(BpfFixture &fx)
{
    return fx.dp().reason_sum(JALUR_R_PARSE_L2) + fx.dp().reason_sum(JALUR_R_PARSE_L3) +
           fx.dp().reason_sum(JALUR_R_PARSE_L4);
}

struct Sample {
    const char *name;
    Bytes frame;
    size_t headers_end;   // every byte before this is a header the parser needs
    size_t ip_header_end; // end of the fixed IPv4/IPv6 header
};

std::vector<Sample> samples()
{
    std::vector<Sample> s;
    s.push_back({"v4 TCP", PacketBuilder().eth().ipv4("192.0.2.10", "198.51.100.1").tcp(1000, 80).build(), 14 + 20 + 20, 14 + 20});
    s.push_back({"v4 options UDP", PacketBuilder().eth().ipv4("192.0.2.10", "198.51.100.1").ipv4_options({0x94, 4, 0, 0, 1, 1, 1, 0}).udp(1000, 53).payload(Bytes(20, 0xab)).build(), 14 + 28 + 8, 14 + 20});
    s.push_back({"QinQ v4 UDP", PacketBuilder().eth().vlan(10, 0x88a8).vlan(20).ipv4("192.0.2.10", "198.51.100.1").udp(1000, 53).build(), 14 + 8 + 20 + 8, 14 + 8 + 20});
    s.push_back({"v6 ext TCP", PacketBuilder().eth().ipv6("2001:db8:1::10", "2001:db8:ff::1").ipv6_ext({IPPROTO_HOPOPTS, {}}).ipv6_ext({IPPROTO_DSTOPTS, Bytes(10, 0)}).tcp(1000, 443).build(), 14 + 40 + 8 + 16 + 20, 14 + 40});
    s.push_back({"v6 ICMP echo", PacketBuilder().eth().ipv6("2001:db8:1::10", "2001:db8:ff::1").icmp_echo(77).payload(Bytes(8, 1)).build(), 14 + 40 + 8, 14 + 40});
    return s;
}

} // namespace

TEST_CASE("a frame truncated at any offset inside its headers passes unmarked and is counted")
{
    for (const auto &s : samples()) {
        INFO(s.name);
        auto fx = balanced();
        // the whole frame is marked: the truncations below are what fails
        REQUIRE(fx.wan_for(s.frame).has_value());
        uint64_t runs = 0;
        for (size_t len = 14; len < s.headers_end; len++) {
            INFO("truncated to " << len);
            Bytes cut(s.frame.begin(), s.frame.begin() + len);
            // the kernel's test run refuses skbs shorter than the IP header
            // it expects; XDP below still covers those lengths
            if (auto tc = fx.try_run_tc_lan(cut)) {
                CHECK(tc->action == TC_ACT_OK);
                CHECK(tc->mark == 0);
                runs++;
            } else {
                CHECK(len < s.ip_header_end);
            }
            auto xdp = fx.run_xdp(cut);
            CHECK(xdp.action == XDP_PASS);
            REQUIRE(xdp.meta.has_value());
            CHECK(xdp.meta->mark == 0);
            runs++;
        }
        CHECK(parse_errors(fx) == runs);
    }
}

TEST_CASE("malformed headers pass unmarked and are counted by layer")
{
    auto fx = balanced();
    auto base = PacketBuilder().eth().ipv4("192.0.2.10", "198.51.100.1").tcp(1000, 80).build();
    auto with = [&](size_t off, uint8_t value) {
        Bytes b = base;
        b[off] = value;
        return b;
    };
    CHECK(fx.run_tc_lan(with(14, 0x44)).mark == 0); // IHL 4
    CHECK(fx.run_tc_lan(with(14, 0x55)).mark == 0); // version 5
    CHECK(fx.run_tc_lan(with(16, 0xff)).mark == 0); // total length past the frame
    CHECK(fx.run_tc_lan(with(17, 0x05)).mark == 0); // total length below the header
    CHECK(fx.dp().reason_sum(JALUR_R_PARSE_L3) == 4);
    CHECK(fx.run_tc_lan(with(14 + 20 + 12, 0x40)).mark == 0); // TCP data offset 4
    CHECK(fx.dp().reason_sum(JALUR_R_PARSE_L4) == 1);

    // more extension headers than the bounded walk takes: refused, not guessed
    PacketBuilder deep;
    deep.eth().ipv6("2001:db8:1::10", "2001:db8:ff::1");
    for (int i = 0; i < 7; i++)
        deep.ipv6_ext({IPPROTO_DSTOPTS, {}});
    CHECK(fx.run_tc_lan(deep.tcp(1000, 80).build()).mark == 0);
    CHECK(fx.dp().reason_sum(JALUR_R_PARSE_L3) == 5);
    CHECK(fx.flow_count() == 0);
}

TEST_CASE("non-IP, broadcast and multicast pass untouched")
{
    auto fx = balanced();
    CHECK(fx.run_tc_lan(PacketBuilder().eth().build()).mark == 0); // ARP
    CHECK(fx.dp().reason_sum(JALUR_R_NOT_IP) == 1);
    CHECK(fx.run_tc_lan(PacketBuilder().eth("02:00:00:00:00:0a", "ff:ff:ff:ff:ff:ff").ipv4("0.0.0.0", "255.255.255.255").udp(68, 67).build()).mark == 0);
    CHECK(fx.run_tc_lan(PacketBuilder().eth().ipv4("192.0.2.10", "224.0.0.251").udp(5353, 5353).build()).mark == 0);
    CHECK(fx.run_tc_lan(PacketBuilder().eth().ipv6("fe80::1", "ff02::1").udp(546, 547).build()).mark == 0);
    CHECK(fx.dp().reason_sum(JALUR_R_BCAST_MCAST) == 3);
    CHECK(fx.flow_count() == 0);
}

TEST_CASE("headers the parser walks do not change the flow")
{
    auto fx = balanced();
    auto plain = fx.wan_for(PacketBuilder().eth().ipv6("2001:db8:1::10", "2001:db8:ff::1").tcp(1000, 443).build());
    auto ext = fx.wan_for(PacketBuilder().eth().ipv6("2001:db8:1::10", "2001:db8:ff::1").ipv6_ext({IPPROTO_HOPOPTS, {}}).ipv6_ext({IPPROTO_ROUTING, Bytes(14, 0)}).tcp(1000, 443, 0x10).build());
    auto tagged = fx.wan_for(PacketBuilder().eth().vlan(5).ipv6("2001:db8:1::10", "2001:db8:ff::1").tcp(1000, 443, 0x10).build());
    REQUIRE(plain.has_value());
    CHECK(ext == plain);
    CHECK(tagged == plain);
    auto v4 = fx.wan_for(PacketBuilder().eth().ipv4("192.0.2.10", "198.51.100.1").tcp(1000, 80).build());
    auto v4opt = fx.wan_for(PacketBuilder().eth().ipv4("192.0.2.10", "198.51.100.1").ipv4_options({1, 1, 1, 1}).tcp(1000, 80, 0x10).build());
    CHECK(v4opt == v4);
    CHECK(fx.flow_count() == 2);
}

TEST_CASE("fragments after the first follow their flow by addresses")
{
    for (bool v6 : {false, true}) {
        INFO((v6 ? "v6" : "v4"));
        BpfFixture fx;
        for (uint32_t w = 0; w < 4; w++)
            fx.add_wan(w);
        fx.set_policy(0, {{0, 1, "a"}, {1, 1, "b"}, {2, 1, "c"}, {3, 1, "d"}});
        fx.set_default_policy(0);

        // ports chosen so the full 5-tuple and the address pair hash apart
        int checked = 0;
        for (uint16_t port = 1000; port < 1064; port++) {
            PacketBuilder first, rest;
            std::string src = v6 ? "2001:db8:1::" + std::to_string(port) : "192.0.2." + std::to_string(port % 200 + 10);
            std::string dst = v6 ? "2001:db8:ff::1" : "198.51.100.1";
            first.eth();
            rest.eth();
            if (v6) {
                first.ipv6(src, dst).ipv6_fragment(0, true);
                rest.ipv6(src, dst).ipv6_fragment(1232, false);
            } else {
                first.ipv4(src, dst).ipv4_fragment(0, true, port);
                rest.ipv4(src, dst).ipv4_fragment(1480, false, port);
            }
            auto head = fx.wan_for(first.udp(port, 4500).payload(Bytes(32, 1)).build());
            auto tail = fx.wan_for(rest.proto(IPPROTO_UDP).payload(Bytes(32, 2)).build());
            REQUIRE(head.has_value());
            CHECK(tail == head);
            checked++;
        }
        CHECK(checked == 64);
        CHECK(fx.dp().reason_sum(JALUR_R_FRAG_NO_FLOW) == 0);

        // a lone later fragment (its head lost or reordered) still gets a WAN
        PacketBuilder lone;
        lone.eth();
        if (v6)
            lone.ipv6("2001:db8:1::99", "2001:db8:ff::2").ipv6_fragment(1232, false);
        else
            lone.ipv4("192.0.2.99", "198.51.100.2").ipv4_fragment(1480, false);
        CHECK(fx.wan_for(lone.proto(IPPROTO_UDP).payload(Bytes(16, 3)).build()).has_value());
        CHECK(fx.dp().reason_sum(JALUR_R_FRAG_NO_FLOW) == 1);
    }
}

TEST_CASE("pings with different identifiers are different flows")
{
    auto fx = balanced();
    for (uint16_t id = 1; id <= 20; id++)
        REQUIRE(fx.wan_for(PacketBuilder().eth().ipv4("192.0.2.10", "198.51.100.1").icmp_echo(id).build()).has_value());
    CHECK(fx.flow_count() == 20);
    REQUIRE(fx.wan_for(PacketBuilder().eth().ipv4("192.0.2.10", "198.51.100.1").icmp_echo(1, 2).build()).has_value());
    CHECK(fx.flow_count() == 20);
}

TEST_CASE("the mark is written within the configured mask, other bits kept")
{
    auto fx = balanced();
    REQUIRE(datapath::publish_rules(fx.dp(), {}, 0, 0x0000ff00u));
    auto r = fx.run_tc_lan(tcp_syn("192.0.2.10", "198.51.100.1", 1000, 80), 1, 0xabcd00efu);
    CHECK((r.mark & 0xffff00ffu) == 0xabcd00efu);
    CHECK((r.mark & 0x0000ff00u) == (BpfFixture::mark_of(0) & 0xff00u));
}
