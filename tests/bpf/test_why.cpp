// SPDX-License-Identifier: GPL-2.0-only
// `jalur why` asks the data path itself: jalur_why runs decide.h on the
// live maps as a dry run. For the same packet its answer is the WAN the
// data path then picks (hash, nth, affinity, a rule, a pinned flow, a
// moved flow, a local destination, a fallback), and asking pins nothing,
// writes no affinity, takes no nth turn and counts nothing.
#include "datapath/map_keys.h"
#include "datapath/tables.h"
#include "datapath/why.h"
#include "jalur/flow_hash.h"
#include "support/bpf_fixture.h"

#include <catch2/catch.hpp>
#include <linux/pkt_cls.h>
#include <netinet/in.h>

#include <random>

using namespace jalur;
using namespace jalur::test;

namespace {

datapath::WhyPacket conn(const std::string &src, const std::string &dst, uint8_t proto, uint16_t sport,
                         uint16_t dport)
{
    datapath::WhyPacket p;
    p.src = Prefix::parse(src).value();
    p.dst = Prefix::parse(dst).value();
    p.proto = proto;
    p.sport = sport;
    p.dport = dport;
    return p;
}

// the very frame jalur_why decides on, without the answer in front
Bytes frame_of(const datapath::WhyPacket &p)
{
    auto in = datapath::why_input(p);
    return Bytes(in.begin() + sizeof(jalur_why), in.end());
}

jalur_why ask(BpfFixture &fx, const datapath::WhyPacket &p)
{
    auto w = datapath::explain(fx.dp().why_fd(), p);
    REQUIRE(w);
    return w.value();
}

uint64_t reasons(BpfFixture &fx)
{
    uint64_t n = 0;
    for (uint32_t r = 0; r < JALUR_R_MAX; r++)
        n += fx.dp().reason_sum(r);
    return n;
}

std::vector<balancer::Member> three() { return {{0, 1, "isp0"}, {1, 2, "isp1"}, {2, 1, "isp2"}}; }

} // namespace

TEST_CASE("why: the hashed WAN is the one the data path picks, and asking pins and counts nothing")
{
    BpfFixture fx;
    for (uint32_t i = 0; i < 3; i++)
        fx.add_wan(i);
    fx.set_policy(0, three());
    fx.set_default_policy(0);
    std::mt19937 rng(21);
    std::map<uint32_t, int> seen;
    for (int i = 0; i < 200; i++) {
        auto p = i % 2 ? conn("192.0.2." + std::to_string(1 + rng() % 250), "198.51.100.10", IPPROTO_TCP,
                              1024 + rng() % 60000, 443)
                       : conn("2001:db8:1::" + std::to_string(1 + rng() % 999), "2001:db8:2::10", IPPROTO_UDP,
                              1024 + rng() % 60000, 53);
        auto w = ask(fx, p);
        CHECK(w.step == JALUR_WHY_POLICY);
        CHECK(w.pick == JALUR_WHY_PICK_HASH);
        CHECK(w.rule == JALUR_WHY_NONE);
        CHECK(w.policy == 0);
        CHECK(w.action == 1);
        CHECK(w.slot == jalur_slot_of(w.hash));
        CHECK(fx.flow_count() == size_t(i)); // the question pinned nothing
        auto before = reasons(fx);
        auto picked = fx.wan_for(frame_of(p));
        REQUIRE(picked);
        CHECK(*picked == w.wan);
        CHECK(w.mark == BpfFixture::mark_of(w.wan));
        CHECK(reasons(fx) > before);
        seen[w.wan]++;
        // now pinned: why says so, and where
        auto again = ask(fx, p);
        CHECK(again.step == JALUR_WHY_FLOW);
        CHECK(again.flow_found == 1);
        CHECK(again.flow_wan == w.wan);
        CHECK(again.flow_created_ns <= again.now_ns);
    }
    CHECK(seen.size() == 3);
    auto before = reasons(fx);
    ask(fx, conn("192.0.2.1", "198.51.100.99", IPPROTO_TCP, 1, 2));
    CHECK(reasons(fx) == before);
}

TEST_CASE("why: the rule that matched, a bypass, a local destination")
{
    BpfFixture fx;
    fx.add_wan(0);
    fx.add_wan(1);
    fx.set_policy(0, {{0, 1, "isp0"}});
    fx.set_policy(1, {{1, 1, "isp1"}});
    std::vector<datapath::RuleSpec> rules(2);
    rules[0].action = JALUR_ACTION_BYPASS;
    rules[0].dst = {Prefix::parse("203.0.113.0/24").value()};
    rules[1].action = 1;
    rules[1].proto = IPPROTO_TCP;
    rules[1].dport_lo = rules[1].dport_hi = 22;
    REQUIRE(datapath::publish_rules(fx.dp(), rules, 0, 0xffffffffu));
    REQUIRE(datapath::set_local_nets(fx.dp(), std::vector<Prefix>{Prefix::parse("192.0.2.0/24").value()}));

    auto ssh = conn("100.64.0.5", "198.51.100.1", IPPROTO_TCP, 40000, 22);
    auto w = ask(fx, ssh);
    CHECK(w.rule == 1);
    CHECK(w.policy == 1);
    CHECK(w.wan == 1);
    CHECK(fx.wan_for(frame_of(ssh)) == 1u);

    auto web = conn("100.64.0.5", "198.51.100.1", IPPROTO_TCP, 40000, 443);
    w = ask(fx, web);
    CHECK(w.rule == JALUR_WHY_NONE); // the default policy
    CHECK(w.policy == 0);
    CHECK(fx.wan_for(frame_of(web)) == 0u);

    auto bypass = conn("100.64.0.5", "203.0.113.7", IPPROTO_UDP, 5000, 53);
    w = ask(fx, bypass);
    CHECK(w.step == JALUR_WHY_RULES);
    CHECK(w.rule == 0);
    CHECK(w.policy == JALUR_ACTION_BYPASS);
    CHECK(w.action == 0);
    CHECK(w.reason == JALUR_R_BYPASS);
    CHECK_FALSE(fx.wan_for(frame_of(bypass)));

    auto local = conn("100.64.0.5", "192.0.2.1", IPPROTO_TCP, 5000, 80);
    w = ask(fx, local);
    CHECK(w.step == JALUR_WHY_LOCAL);
    CHECK(w.reason == JALUR_R_LOCAL);
    CHECK_FALSE(fx.wan_for(frame_of(local)));
}

TEST_CASE("why: nth names the next connection's WAN without taking its turn")
{
    BpfFixture fx;
    for (uint32_t i = 0; i < 3; i++)
        fx.add_wan(i);
    control::PolicyParams params;
    params.mode = JALUR_MODE_NTH;
    fx.set_policy(0, three(), params);
    fx.set_default_policy(0);
    for (int i = 0; i < 20; i++) {
        auto p = conn("192.0.2.10", "198.51.100.10", IPPROTO_TCP, 2000 + i, 80);
        auto w = ask(fx, p);
        CHECK(ask(fx, p).slot == w.slot); // asking twice: the same turn
        CHECK(w.pick == JALUR_WHY_PICK_NTH);
        CHECK(fx.wan_for(frame_of(p)) == w.wan);
    }
}

TEST_CASE("why: a client's affinity decides, as in the data path")
{
    BpfFixture fx;
    for (uint32_t i = 0; i < 3; i++)
        fx.add_wan(i);
    control::PolicyParams params;
    params.affinity = JALUR_AFFINITY_SRC;
    params.affinity_timeout_ns = 60ull * 1000000000;
    fx.set_policy(0, three(), params);
    fx.set_default_policy(0);
    auto first = conn("192.0.2.10", "198.51.100.10", IPPROTO_TCP, 2000, 80);
    auto w = ask(fx, first);
    CHECK(w.pick == JALUR_WHY_PICK_HASH);
    CHECK(w.affinity_found == 0);
    CHECK(datapath::map_keys<jalur_affinity_key>(fx.dp().affinity().fd()).empty()); // no affinity written
    auto wan = fx.wan_for(frame_of(first));
    REQUIRE(wan);
    for (int i = 1; i < 30; i++) {
        auto p = conn("192.0.2.10", "198.51.100." + std::to_string(i), IPPROTO_TCP, 2000 + i, 80);
        auto later = ask(fx, p);
        CHECK(later.pick == JALUR_WHY_PICK_AFFINITY);
        CHECK(later.affinity_found == 1);
        CHECK(later.affinity_wan == *wan);
        CHECK(later.wan == *wan);
        CHECK(fx.wan_for(frame_of(p)) == later.wan);
    }
}

TEST_CASE("why: a pinned flow whose WAN went down moves where the data path moves it, and with no live WAN the fallback")
{
    BpfFixture fx;
    for (uint32_t i = 0; i < 3; i++)
        fx.add_wan(i);
    control::PolicyParams params;
    params.fallback = JALUR_FALLBACK_DROP;
    fx.set_policy(0, three(), params);
    fx.set_default_policy(0);
    auto p = conn("192.0.2.10", "198.51.100.10", IPPROTO_TCP, 2000, 80);
    auto wan = fx.wan_for(frame_of(p));
    REQUIRE(wan);
    REQUIRE(datapath::set_wan_state(fx.dp(), *wan, JALUR_WAN_DOWN));
    auto w = ask(fx, p);
    CHECK(w.step == JALUR_WHY_FLOW_MOVE);
    CHECK(w.flow_wan == *wan);
    if (w.action == 1) { // the slot's WAN may be the dead one: then the fallback
        CHECK(w.wan != *wan);
        CHECK(fx.wan_for(frame_of(p)) == w.wan);
    } else {
        CHECK(w.reason == JALUR_R_DROP_NO_LIVE_WAN);
        CHECK(fx.run_tc_lan(frame_of(p)).action == TC_ACT_SHOT);
    }
    for (uint32_t i = 0; i < 3; i++)
        REQUIRE(datapath::set_wan_state(fx.dp(), i, JALUR_WAN_DOWN));
    auto fresh = conn("192.0.2.11", "198.51.100.10", IPPROTO_TCP, 2001, 80);
    w = ask(fx, fresh);
    CHECK(w.action == 2);
    CHECK(w.reason == JALUR_R_DROP_NO_LIVE_WAN);
    CHECK(w.fallback == JALUR_FALLBACK_DROP);
    CHECK(fx.run_tc_lan(frame_of(fresh)).action == TC_ACT_SHOT);
}
