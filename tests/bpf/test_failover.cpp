// SPDX-License-Identifier: GPL-2.0-only
// WAN failure and return: exactly the dead WAN's flows move, none move back,
// tiers switch only when the whole better tier is down, and the fallback.
#include "balancer/tiers.h"
#include "support/bpf_fixture.h"

#include <catch2/catch.hpp>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include <map>

using namespace jalur;
using namespace jalur::test;

namespace {

// The agent's order on failure: new table without the WAN first, then the
// WAN's state, so no packet is ever classified onto a dead WAN.
void publish(BpfFixture &fx, const std::vector<balancer::TieredMember> &members)
{
    fx.set_policy(0, balancer::active_members(members));
    for (const auto &m : members)
        REQUIRE(datapath::set_wan_state(fx.dp(), m.member.wan, m.live ? JALUR_WAN_UP : JALUR_WAN_DOWN));
}

Bytes conn(int i, uint8_t flags = 0x10)
{
    PacketBuilder b;
    b.eth().ipv4("100.64." + std::to_string(i / 200) + "." + std::to_string(i % 200 + 1), "198.51.100.10");
    return b.tcp(static_cast<uint16_t>(10000 + i), 443, flags).build();
}

} // namespace

TEST_CASE("fail 1 of 3 WANs and only its flows move, recover it and no flow moves")
{
    BpfFixture fx;
    std::vector<balancer::TieredMember> members = {
        {{0, 1, "isp1"}}, {{1, 1, "isp2"}}, {{2, 1, "isp3"}}};
    for (uint32_t w = 0; w < 3; w++)
        fx.add_wan(w);
    publish(fx, members);
    fx.set_default_policy(0);

    const int n = 30000;
    std::vector<uint32_t> before(n);
    for (int i = 0; i < n; i++)
        before[i] = fx.wan_for(conn(i, 0x02)).value();

    members[1].live = false;
    publish(fx, members);
    std::vector<uint32_t> during(n);
    int moved = 0;
    for (int i = 0; i < n; i++) {
        during[i] = fx.wan_for(conn(i)).value();
        if (before[i] == 1) {
            CHECK(during[i] != 1);
            moved++;
        } else {
            CHECK(during[i] == before[i]);
        }
    }
    CHECK(moved > n / 4); // about a third of them, and each counted once
    CHECK(fx.dp().wan_stats_sum(0).moved_flows + fx.dp().wan_stats_sum(2).moved_flows == uint64_t(moved));

    members[1].live = true;
    publish(fx, members);
    int moved_back = 0;
    for (int i = 0; i < n; i++)
        moved_back += fx.wan_for(conn(i)).value() != during[i];
    CHECK(moved_back == 0);

    // and new connections use the recovered WAN again
    int on_recovered = 0;
    for (int i = n; i < n + 3000; i++)
        on_recovered += fx.wan_for(conn(i, 0x02)).value() == 1;
    CHECK(on_recovered > 800);
}

TEST_CASE("tiers: the backup tier is used only while the whole primary tier is down")
{
    BpfFixture fx;
    std::vector<balancer::TieredMember> members = {
        {{0, 1, "isp1"}, 1}, {{1, 1, "isp2"}, 1}, {{2, 1, "backup"}, 2}};
    for (uint32_t w = 0; w < 3; w++)
        fx.add_wan(w);
    fx.set_default_policy(0);
    int next = 0;
    auto wans_of_new = [&] {
        std::map<uint32_t, int> used;
        for (int i = 0; i < 300; i++)
            used[fx.wan_for(conn(next++, 0x02)).value()]++;
        return used;
    };

    publish(fx, members);
    auto both = wans_of_new();
    CHECK(both.count(0) == 1);
    CHECK(both.count(1) == 1);
    CHECK(both.count(2) == 0);

    members[0].live = false;
    publish(fx, members);
    auto one = wans_of_new();
    CHECK(one.size() == 1);
    CHECK(one.count(1) == 1);

    members[1].live = false;
    publish(fx, members);
    auto backup = wans_of_new();
    CHECK(backup.size() == 1);
    CHECK(backup.count(2) == 1);

    members[0].live = true;
    publish(fx, members);
    auto primary = wans_of_new();
    CHECK(primary.size() == 1);
    CHECK(primary.count(0) == 1);
}

TEST_CASE("no live WAN: the policy's fallback passes unmarked or drops")
{
    for (auto fallback : {JALUR_FALLBACK_MAIN, JALUR_FALLBACK_DROP}) {
        BpfFixture fx;
        fx.add_wan(0, JALUR_WAN_DOWN);
        datapath::PolicyParams params;
        params.fallback = fallback;
        fx.set_policy(0, {}, params);
        fx.set_default_policy(0);

        auto frame = tcp_syn("192.0.2.10", "198.51.100.10", 1234, 80);
        auto tc = fx.run_tc_lan(frame);
        auto xdp = fx.run_xdp(frame);
        CHECK(tc.mark == 0);
        if (fallback == JALUR_FALLBACK_DROP) {
            CHECK(tc.action == TC_ACT_SHOT);
            CHECK(xdp.action == XDP_DROP);
            CHECK(fx.dp().reason_sum(JALUR_R_DROP_NO_LIVE_WAN) == 2);
        } else {
            CHECK(tc.action == TC_ACT_OK);
            CHECK(xdp.action == XDP_PASS);
            CHECK(fx.dp().reason_sum(JALUR_R_NO_LIVE_WAN) == 2);
        }
        CHECK(fx.flow_count() == 0); // classified afresh once a WAN returns
    }
}

TEST_CASE("a flow whose WAN died with no other live is not moved until one returns")
{
    BpfFixture fx;
    fx.add_wan(0);
    fx.add_wan(1);
    fx.set_default_policy(0);
    fx.set_policy(0, {{0, 1, "isp1"}});
    auto frame = tcp_syn("192.0.2.10", "198.51.100.10", 1234, 80);
    REQUIRE(fx.wan_for(frame) == 0u);

    fx.set_policy(0, {});
    REQUIRE(datapath::set_wan_state(fx.dp(), 0, JALUR_WAN_DOWN));
    CHECK_FALSE(fx.wan_for(frame).has_value());

    fx.set_policy(0, {{1, 1, "isp2"}});
    REQUIRE(datapath::set_wan_state(fx.dp(), 1, JALUR_WAN_UP));
    CHECK(fx.wan_for(frame) == 1u);
}

TEST_CASE("a moved flow's SYN retransmit does not count as a handshake started on its new WAN")
{
    BpfFixture fx;
    std::vector<balancer::TieredMember> members = {{{0, 1, "isp1"}}, {{1, 1, "isp2"}}};
    fx.add_wan(0);
    fx.add_wan(1);
    publish(fx, members);
    fx.set_default_policy(0);

    // a SYN of each WAN's, so one will be stranded on the WAN that dies
    int on_isp1 = 0;
    while (fx.wan_for(conn(on_isp1, 0x02)).value() != 0)
        on_isp1++;
    REQUIRE(fx.dp().wan_stats_sum(0).syn_out == 1);
    const uint64_t isp2_syns = fx.dp().wan_stats_sum(1).syn_out;

    members[0].live = false;
    publish(fx, members);
    CHECK(fx.wan_for(conn(on_isp1, 0x02)) == 1u); // the retransmit moves with its flow...
    CHECK(fx.dp().wan_stats_sum(1).moved_flows == 1);
    CHECK(fx.dp().wan_stats_sum(1).syn_out == isp2_syns); // ...and is not a handshake of isp2's
    CHECK(fx.wan_for(conn(10000, 0x02)) == 1u);             // while a new connection's SYN is
    CHECK(fx.dp().wan_stats_sum(1).syn_out == isp2_syns + 1);
}
