// SPDX-License-Identifier: GPL-2.0-only
// The modes that balance by load and latency (issue 25): each picks as the
// inputs the agent publishes say (measured load, just-assigned counts,
// latencies), in both families, once per connection; and the passive
// handshake RTT the data path measures for them.
#include "support/bpf_fixture.h"

#include <catch2/catch.hpp>

#include <map>

using namespace jalur;
using namespace jalur::test;

namespace {

constexpr uint64_t kOne = JALUR_LOAD_ONE;

// A SYN of connection i, IPv4 or IPv6.
Bytes syn(int i, int family = 4, uint8_t flags = 0x02)
{
    PacketBuilder b;
    if (family == 4)
        b.eth().ipv4("100.64.0." + std::to_string(i % 200 + 1), "198.51.100.10");
    else
        b.eth().ipv6("2001:db8:1::" + std::to_string(i % 200 + 1), "2001:db8:2::10");
    return b.tcp(static_cast<uint16_t>(20000 + i), 443, flags).build();
}

// Two WANs of capacities 4:1, nothing measured: a new connection costs what
// the smaller one carries (the agent's step: the smallest capacity's share).
struct TwoLinks {
    BpfFixture fx;
    explicit TwoLinks(uint32_t mode, uint32_t threshold = 0)
    {
        fx.add_wan(0);
        fx.add_wan(1);
        fx.set_wan_load(0, {0, kOne / 4, 0, JALUR_RTT_UNKNOWN, 0});
        fx.set_wan_load(1, {0, kOne, 0, JALUR_RTT_UNKNOWN, 0});
        fx.set_ranked_policy(0, mode, {{0, 1, threshold}, {1, 1, threshold}});
        fx.set_default_policy(0);
    }
    std::map<uint32_t, int> burst(int first, int n, int family = 4)
    {
        std::map<uint32_t, int> on;
        for (int i = first; i < first + n; i++)
            on[fx.wan_for(syn(i, family)).value()]++;
        return on;
    }
};

} // namespace

TEST_CASE("least-loaded: a burst of new connections splits in proportion to capacity")
{
    auto family = GENERATE(4, 6);
    TwoLinks t(JALUR_MODE_LEAST_LOADED);
    auto five = t.burst(0, 5, family);
    CHECK(five[0] == 4);
    CHECK(five[1] == 1);
    auto fifty = t.burst(5, 45, family);
    CHECK(fifty[0] == 36);
    CHECK(fifty[1] == 9);
    CHECK(t.fx.dp().wan_assigned_count(0) == 40);
    CHECK(t.fx.dp().wan_assigned_count(1) == 10);
}

TEST_CASE("least-loaded: measured load counts, and what the agent discounted no longer does")
{
    TwoLinks t(JALUR_MODE_LEAST_LOADED);
    // the big link nearly full: the next connections go to the small one
    t.fx.set_wan_load(0, {kOne * 9 / 10, kOne / 4, 0, JALUR_RTT_UNKNOWN, 0});
    auto next = t.burst(0, 1);
    CHECK(next[1] == 1);
    // 0.9 + 1/4 = 1.15 beats 1 + 1 = 2 for the small one with one pending
    CHECK(t.burst(1, 1)[0] == 1);

    // the agent has measured them: only load decides again, both idle
    t.fx.set_wan_load(0, {0, kOne / 4, t.fx.dp().wan_assigned_count(0), JALUR_RTT_UNKNOWN, 0});
    t.fx.set_wan_load(1, {0, kOne, t.fx.dp().wan_assigned_count(1), JALUR_RTT_UNKNOWN, 0});
    auto five = t.burst(2, 5);
    CHECK(five[0] == 4);
    CHECK(five[1] == 1);
}

TEST_CASE("least-loaded: a connection keeps its WAN for life whatever the load does")
{
    TwoLinks t(JALUR_MODE_LEAST_LOADED);
    auto first = t.fx.wan_for(syn(1)).value();
    CHECK(first == 0);
    t.fx.set_wan_load(0, {kOne * 5, kOne / 4, 0, JALUR_RTT_UNKNOWN, 0});
    for (int i = 0; i < 5; i++)
        CHECK(t.fx.wan_for(syn(1, 4, 0x10)).value() == first);
    CHECK(t.fx.dp().wan_assigned_count(0) == 1); // counted once, not per packet
    CHECK(t.fx.wan_for(syn(2)).value() == 1);
}

TEST_CASE("least-loaded: equal scores go to the higher weight, then to the member listed first")
{
    BpfFixture fx;
    for (uint32_t w = 0; w < 3; w++) {
        fx.add_wan(w);
        fx.set_wan_load(w, {0, kOne, 0, JALUR_RTT_UNKNOWN, 0});
    }
    fx.set_default_policy(0);
    fx.set_ranked_policy(0, JALUR_MODE_LEAST_LOADED, {{2, 1, 0}, {0, 3, 0}, {1, 3, 0}});
    CHECK(fx.wan_for(syn(1)).value() == 0);
    CHECK(fx.wan_for(syn(2)).value() == 1);
    CHECK(fx.wan_for(syn(3)).value() == 2);
}

TEST_CASE("a member that went down is passed over before the agent republishes")
{
    TwoLinks t(JALUR_MODE_LEAST_LOADED);
    REQUIRE(datapath::set_wan_state(t.fx.dp(), 0, JALUR_WAN_DOWN));
    auto on = t.burst(0, 5);
    CHECK(on[1] == 5);
    REQUIRE(datapath::set_wan_state(t.fx.dp(), 1, JALUR_WAN_DOWN));
    CHECK_FALSE(t.fx.wan_for(syn(9)).has_value()); // no live member: the fallback
}

TEST_CASE("overflow: members fill in order up to their threshold, then spill")
{
    auto family = GENERATE(4, 6);
    const uint32_t at = kOne * 8 / 10;
    TwoLinks t(JALUR_MODE_OVERFLOW, at);
    // below its threshold the first takes every new connection, a burst too
    t.fx.set_wan_load(0, {kOne / 2, kOne / 4, 0, JALUR_RTT_UNKNOWN, 0});
    CHECK(t.burst(0, 20, family)[0] == 20);
    // past it, the next member takes them
    t.fx.set_wan_load(0, {at, kOne / 4, 0, JALUR_RTT_UNKNOWN, 0});
    CHECK(t.burst(20, 10, family)[1] == 10);
    // every member full: the least loaded
    t.fx.set_wan_load(1, {kOne * 9 / 10, kOne, 0, JALUR_RTT_UNKNOWN, 0});
    CHECK(t.burst(30, 3, family)[0] == 3);
    t.fx.set_wan_load(0, {kOne, kOne / 4, 0, JALUR_RTT_UNKNOWN, 0});
    CHECK(t.burst(33, 3, family)[1] == 3);
}

TEST_CASE("lowest-latency: the lowest published RTT wins, weights break ties, unknown is last")
{
    auto family = GENERATE(4, 6);
    BpfFixture fx;
    for (uint32_t w = 0; w < 3; w++)
        fx.add_wan(w);
    fx.set_default_policy(0);
    fx.set_ranked_policy(0, JALUR_MODE_LOWEST_LATENCY, {{0, 1, 0}, {1, 2, 0}, {2, 1, 0}});
    fx.set_wan_load(0, {0, 0, 0, 40000, 0});
    fx.set_wan_load(1, {0, 0, 0, 20000, 0});
    fx.set_wan_load(2, {0, 0, 0, JALUR_RTT_UNKNOWN, 0});
    std::map<uint32_t, int> on;
    for (int i = 0; i < 10; i++)
        on[fx.wan_for(syn(i, family)).value()]++;
    CHECK(on[1] == 10);

    fx.set_wan_load(0, {0, 0, 0, 20000, 0});
    CHECK(fx.wan_for(syn(20, family)).value() == 1); // weight 2 over 1
    fx.set_wan_load(1, {0, 0, 0, 25000, 0});
    CHECK(fx.wan_for(syn(21, family)).value() == 0);
}

TEST_CASE("passive handshake RTT: a SYN out and its SYN-ACK back through the same WAN make a sample")
{
    auto family = GENERATE(4, 6);
    TwoLinks t(JALUR_MODE_LEAST_LOADED);
    std::string client = family == 4 ? "100.64.0.7" : "2001:db8:1::7";
    std::string server = family == 4 ? "198.51.100.10" : "2001:db8:2::10";
    auto frame = [&](const std::string &src, const std::string &dst, uint16_t sport, uint16_t dport,
                     uint8_t flags) {
        PacketBuilder b;
        if (family == 4)
            b.eth().ipv4(src, dst);
        else
            b.eth().ipv6(src, dst);
        return b.tcp(sport, dport, flags).build();
    };
    uint32_t wan = t.fx.wan_for(frame(client, server, 40000, 443, 0x02)).value();
    // a SYN-ACK of another connection, and one arriving by the other WAN: no sample
    t.fx.run_tc_wan(frame(server, client, 443, 40001, 0x12), BpfFixture::ifindex_of(wan));
    t.fx.run_tc_wan(frame(server, client, 443, 40000, 0x12), BpfFixture::ifindex_of(wan ^ 1));
    CHECK(t.fx.dp().wan_rtt_sum(wan).samples == 0);
    // its own: one sample (the other WAN's SYN-ACK consumed nothing it should not)
    t.fx.wan_for(frame(client, server, 40004, 443, 0x02));
    t.fx.run_tc_wan(frame(server, client, 443, 40004, 0x12), BpfFixture::ifindex_of(0));
    t.fx.run_tc_wan(frame(server, client, 443, 40004, 0x12), BpfFixture::ifindex_of(0)); // retransmitted
    auto rtt = t.fx.dp().wan_rtt_sum(0);
    CHECK(rtt.samples == 1);
    CHECK(rtt.sum_us < 1000000);
    CHECK(t.fx.dp().wan_rtt_sum(1).samples == 0);
    // one connection in four is sampled, by its source port
    t.fx.wan_for(frame(client, server, 40005, 443, 0x02));
    t.fx.run_tc_wan(frame(server, client, 443, 40005, 0x12), BpfFixture::ifindex_of(0));
    CHECK(t.fx.dp().wan_rtt_sum(0).samples == 1);
}
