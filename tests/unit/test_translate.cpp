// SPDX-License-Identifier: GPL-2.0-only
// Config to data path: ids stable across reloads, rules expanded per port
// range, policies' live members.
#include "control/translate.h"

#include <catch2/catch.hpp>

using namespace jalur;
using namespace jalur::control;

TEST_CASE("ids stay with their names across a reload that reorders and removes")
{
    IdMap ids(16);
    auto first = ids.assign({"isp1", "isp2", "isp3"}).value();
    CHECK(first.at("isp1") == 0);
    CHECK(first.at("isp2") == 1);
    CHECK(first.at("isp3") == 2);

    auto second = ids.assign({"isp3", "lte", "isp1"}).value(); // isp2 gone, lte new
    CHECK(second.at("isp3") == 2);
    CHECK(second.at("isp1") == 0);
    CHECK(second.at("lte") == 1); // isp2's id is free again
    CHECK(second.size() == 3);
}

TEST_CASE("ids run out at the data path's capacity")
{
    IdMap ids(2);
    CHECK(ids.assign({"a", "b"}));
    CHECK_FALSE(ids.assign({"a", "b", "c"}));
}

TEST_CASE("a rule with several port ranges becomes one data path rule per range in order")
{
    config::Config cfg;
    config::Rule web;
    web.policy = "web";
    web.proto = 6;
    web.dst_ports = {{80, 80}, {443, 443}, {8000, 8080}};
    web.in_interface = "br-lan";
    config::Rule bypass;
    bypass.policy = "bypass";
    bypass.dst = {Prefix::parse("203.0.113.0/24").value()};
    cfg.rules = {web, bypass};
    cfg.default_policy = "default";

    auto plan = plan_rules(cfg, {{"default", 0}, {"web", 3}}, [](const std::string &n) { return n == "br-lan" ? 7u : 0u; });
    REQUIRE(plan.rules.size() == 4);
    CHECK(plan.default_action == 0);
    CHECK(plan.rules[0].action == 3);
    CHECK(plan.rules[0].dport_lo == 80);
    CHECK(plan.rules[1].dport_lo == 443);
    CHECK(plan.rules[2].dport_lo == 8000);
    CHECK(plan.rules[2].dport_hi == 8080);
    CHECK(plan.rules[2].ifindex == 7);
    CHECK(plan.rules[3].action == JALUR_ACTION_BYPASS);
    CHECK(plan.rules[3].dst.size() == 1);
}

TEST_CASE("a policy's members carry their WAN ids and live state")
{
    config::Policy p;
    p.members = {{"isp1", 3, 1, {}}, {"isp2", 1, 1, {}}, {"backup", 1, 2, {}}};
    auto members = tiered_members(p, {{"isp1", 4}, {"isp2", 5}, {"backup", 9}},
                                  [](const std::string &n) { return n != "isp1"; });
    REQUIRE(members.size() == 3);
    CHECK(members[0].member.wan == 4);
    CHECK(members[0].member.weight == 3);
    CHECK_FALSE(members[0].live);
    CHECK(members[2].tier == 2);
    auto active = balancer::active_members(members);
    REQUIRE(active.size() == 1);
    CHECK(active[0].name == "isp2");
}
