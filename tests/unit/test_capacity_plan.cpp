// SPDX-License-Identifier: GPL-2.0-only
// Capacities in the plan (issue 25): the members a load or latency mode
// ranks (the best live tier, config order, overflow's threshold), and
// `weight: auto` from configured or learned capacities.
#include "config/parse.h"
#include "control/capacity.h"
#include "control/core.h"

#include <catch2/catch.hpp>

using namespace jalur;
using namespace jalur::control;

namespace {

const std::string kSite = R"(lan: br-lan
wans:
  - {name: fibre, interface: wan1, gateway: 100.64.1.1, bandwidth: {down: 100mbit, up: 20mbit}, weight: auto}
  - {name: dsl, interface: wan2, gateway: 100.64.2.1, bandwidth: {down: 25mbit}, weight: auto}
  - {name: lte, interface: wwan0, gateway: auto, bandwidth: auto, tier: 2}
)";

Core site(const std::string &policies)
{
    auto c = config::parse(kSite + policies, "t.yaml");
    if (!c)
        FAIL(c.error().message);
    Core core;
    REQUIRE(core.configure(std::move(c).value()));
    core.set_interface("br-lan", {true, 2, true, false});
    core.set_interface("wan1", {true, 11, true, false});
    core.set_interface("wan2", {true, 12, true, false});
    core.set_interface("wwan0", {true, 13, true, false});
    return core;
}

uint32_t id(const Core &c, const std::string &wan) { return c.ids().wans.at(wan); }

const PolicyEntry &policy(const Desired &d) { return d.datapath.policies.begin()->second; }

} // namespace

TEST_CASE("plan: a load mode ranks the best live tier's members, in config order, with overflow's threshold")
{
    auto core = site("policies:\n  - {name: p, mode: overflow, overflow_at: 75%, members: [dsl, fibre, lte]}\n");
    auto d = core.desired();
    CHECK(policy(d).params.mode == JALUR_MODE_OVERFLOW);
    const uint32_t at = JALUR_LOAD_ONE * 3 / 4;
    // (weight: auto on both WANs: 25 and 100 Mbit/s)
    CHECK(policy(d).members ==
          std::vector<MemberSpec>{{id(core, "dsl"), 64, at}, {id(core, "fibre"), 255, at}});

    core.set_health("dsl", Health::Down, "test");
    core.set_health("fibre", Health::Down, "test");
    d = core.desired();
    CHECK(policy(d).members == std::vector<MemberSpec>{{id(core, "lte"), 1, at}}); // tier 2 now
}

TEST_CASE("plan: weight auto follows the configured capacities, and learned ones once known")
{
    auto core = site("policies:\n  - {name: p, members: [fibre, dsl, {wan: lte, tier: 1, weight: auto}]}\n");
    // lte's capacity is not learned yet: the auto members keep equal weights
    auto d = core.desired();
    for (const auto &m : policy(d).members)
        CHECK(m.weight == 1);

    CHECK(core.set_learned_capacity("lte", 50000, 10000));
    CHECK_FALSE(core.set_learned_capacity("lte", 50000, 10000));
    d = core.desired();
    std::map<uint32_t, uint32_t> weight;
    for (const auto &m : policy(d).members)
        weight[m.wan] = m.weight;
    CHECK(weight[id(core, "fibre")] == 255);
    CHECK(weight[id(core, "lte")] == 128);
    CHECK(weight[id(core, "dsl")] == 64);
    // and the hash table shares slots the same way
    std::map<uint32_t, size_t> slots;
    for (auto w : policy(d).slots)
        slots[w]++;
    CHECK(slots[id(core, "fibre")] > slots[id(core, "lte")]);
    CHECK(slots[id(core, "lte")] > slots[id(core, "dsl")]);
}

TEST_CASE("plan: a WAN's capacity is configured or learned, never both")
{
    auto core = site("");
    const auto &cfg = core.config();
    World w;
    w.wans["fibre"].learned_down_kbit = 1; // ignored: fibre's is configured
    w.wans["lte"].learned_down_kbit = 7000;
    CHECK(capacity_of(*cfg.wan("fibre"), w) == Capacity{100000, 20000});
    CHECK(capacity_of(*cfg.wan("lte"), w) == Capacity{7000, 0});
    CHECK(capacity_of(*cfg.wan("lte"), World{}) == Capacity{});
}
