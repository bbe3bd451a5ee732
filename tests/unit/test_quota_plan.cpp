// SPDX-License-Identifier: GPL-2.0-only
// A WAN over its quota in the plan (issue 20): backup-only ranks it behind
// every tier, block takes it out, keep changes nothing; a critical rule's
// traffic goes to a twin of its policy that ignores quotas; the router's own
// traffic prefers a WAN within its quota.
#include "config/parse.h"
#include "control/core.h"
#include "control/quota_plan.h"

#include <catch2/catch.hpp>

#include <set>

using namespace jalur;
using namespace jalur::control;

namespace {

std::string site(const std::string &when_exceeded)
{
    return R"(lan: br-lan
wans:
  - {name: fixed, interface: wan1, gateway: 100.64.1.1}
  - {name: sim, interface: wan2, gateway: 100.64.2.1, weight: 5, quota: {limit: 5MB, when_exceeded: )" +
           when_exceeded + R"(}}
policies:
  - {name: both, members: [fixed, sim]}
rules:
  - {dst: 203.0.113.10/32, policy: both, critical: true}
  - {dst: 203.0.113.11/32, policy: both}
default_policy: both
)";
}

Core core(const std::string &when_exceeded)
{
    auto cfg = config::parse(site(when_exceeded), "t.yaml");
    INFO((cfg ? "" : cfg.error().message));
    REQUIRE(cfg);
    Core c;
    REQUIRE(c.configure(std::move(cfg).value()));
    c.set_interface("br-lan", {true, 2, true, false});
    c.set_interface("wan1", {true, 11, true, false});
    c.set_interface("wan2", {true, 12, true, false});
    return c;
}

// The WANs (by name) a policy's slots hand new connections to.
std::set<std::string> takers(const Core &c, const std::string &policy)
{
    const auto d = c.desired();
    std::set<std::string> out;
    for (auto w : d.datapath.policies.at(c.ids().policies.at(policy)).slots)
        for (const auto &[name, id] : c.ids().wans)
            if (id == w)
                out.insert(name);
    return out;
}

using Names = std::set<std::string>;

} // namespace

TEST_CASE("quota plan: backup-only takes new connections only while the other member is down")
{
    Core c = core("backup-only");
    CHECK(takers(c, "both") == Names{"fixed", "sim"});
    CHECK(c.set_over_quota("sim", true));
    CHECK_FALSE(c.set_over_quota("sim", true));
    CHECK(takers(c, "both") == Names{"fixed"});
    CHECK(takers(c, critical_twin("both")) == Names{"fixed", "sim"});
    c.set_health("fixed", Health::Down, "probes lost");
    CHECK(takers(c, "both") == Names{"sim"});
    c.set_health("fixed", Health::Up, "probes answered");
    c.set_over_quota("sim", false); // a top-up or a new period
    CHECK(takers(c, "both") == Names{"fixed", "sim"});
}

TEST_CASE("quota plan: block never uses the WAN; keep only alerts")
{
    Core b = core("block");
    b.set_over_quota("sim", true);
    b.set_health("fixed", Health::Down, "probes lost");
    CHECK(takers(b, "both").empty()); // the policy's fallback decides
    CHECK(takers(b, critical_twin("both")) == Names{"sim"});

    Core k = core("keep");
    k.set_over_quota("sim", true);
    CHECK(takers(k, "both") == Names{"fixed", "sim"});
}

TEST_CASE("quota plan: a critical rule points at its policy's twin, the others at the policy")
{
    Core c = core("backup-only");
    const auto d = c.desired();
    REQUIRE(d.datapath.rules.rules.size() == 2);
    CHECK(d.datapath.rules.rules[0].action == c.ids().policies.at(critical_twin("both")));
    CHECK(d.datapath.rules.rules[1].action == c.ids().policies.at("both"));
    CHECK(d.datapath.rules.default_action == c.ids().policies.at("both"));
    CHECK(c.ids().policies.size() == 2); // one twin
}

TEST_CASE("quota plan: the router's own traffic leaves by a WAN within its quota")
{
    Core c = core("backup-only");
    const auto &sim = *c.config().wan("sim");
    CHECK(c.desired().alert_fwmark == sim.fwmark); // the heavier weight
    c.set_over_quota("sim", true);
    CHECK(c.desired().alert_fwmark == c.config().wan("fixed")->fwmark);
}
