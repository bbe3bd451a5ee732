// SPDX-License-Identifier: GPL-2.0-only
// Which WANs' flows the control core ends, and when (issue 19): a WAN that
// goes down from any cause, never a degraded one or another WAN; failback
// keep, reset and drain with its grace period.
#include "config/parse.h"
#include "control/core.h"
#include "alerts/templates.h"
#include "control/flow_ends.h"

#include <catch2/catch.hpp>

using namespace jalur;
using namespace jalur::control;
using namespace std::chrono_literals;

namespace {

config::Config parse_ok(const std::string &yaml)
{
    auto c = config::parse(yaml, "t.yaml");
    if (!c)
        FAIL(c.error().message);
    return std::move(c).value();
}

std::string site(const std::string &failback = "")
{
    return R"(lan: br-lan
wans:
  - {name: isp1, interface: wan1, gateway: 100.64.1.1}
  - {name: isp2, interface: wan2, gateway: 100.64.2.1}
  - {name: lte, interface: wwan0, gateway: auto, tier: 2}
policies:
  - {name: all, members: [isp1, isp2, lte])" +
           (failback.empty() ? "" : ", failback: " + failback) + R"(}
  - {name: other, members: [isp1, lte]}
)";
}

struct Site {
    Core core;
    FlowEnds ends;
    Millis now{1000};

    explicit Site(const std::string &yaml)
    {
        REQUIRE(core.configure(parse_ok(yaml)));
        uint32_t ifindex = 2;
        for (const char *i : {"br-lan", "wan1", "wan2", "wwan0"})
            core.set_interface(i, InterfaceFacts{true, ifindex++, true, false});
        CHECK(step().empty()); // the first look only learns
    }
    std::vector<FlowEnd> step(Millis later = 0ms)
    {
        now += later;
        return ends.update(core.config(), core.ids(), core.desired().datapath, now);
    }
    uint32_t wan(const std::string &name) const { return core.ids().wans.at(name); }
    uint32_t policy(const std::string &name) const { return core.ids().policies.at(name); }
    FlowEnd down(const std::string &w) const { return FlowEnd{w, wan(w), std::nullopt, EndCause::WanDown}; }
    FlowEnd failback(const std::string &w, const std::string &p) const
    {
        return FlowEnd{w, wan(w), policy(p), EndCause::Failback};
    }
};

} // namespace

TEST_CASE("flow ends: a WAN down from any cause ends its flows once; degraded and other WANs keep theirs")
{
    Site s(site());
    s.core.set_health("isp1", Health::Degraded, "loss");
    CHECK(s.step().empty());
    s.core.set_health("isp1", Health::Down, "2 failed probe rounds");
    CHECK(s.step() == std::vector{s.down("isp1")});
    CHECK(s.step().empty()); // once
    s.core.set_health("isp1", Health::Up, "");
    CHECK(s.step().empty());

    s.core.set_interface("wan2", InterfaceFacts{}); // the interface vanished
    CHECK(s.step() == std::vector{s.down("isp2")});
    s.core.set_admin("isp1", Admin::Disabled); // the admin disabled it
    CHECK(s.step() == std::vector{s.down("isp1")});
    s.core.set_admin("isp1", Admin::Drain);
    CHECK(s.step().empty()); // back, drained: its flows run on
}

TEST_CASE("flow ends: the last resort keeps its flows while it carries traffic")
{
    Site s(site() + "health: {last_resort: keep}\n");
    s.core.set_health("isp2", Health::Down, "x");
    s.core.set_health("lte", Health::Down, "x");
    CHECK(s.step().size() == 2);
    s.core.set_health("isp1", Health::Down, "x"); // the last one: it keeps carrying
    CHECK(s.step().empty());
    s.core.set_health("isp2", Health::Up, ""); // now isp1 is just down
    CHECK(s.step() == std::vector{s.down("isp1")});
}

TEST_CASE("flow ends: failback keep (the default) leaves the backup's flows")
{
    Site s(site());
    s.core.set_health("isp1", Health::Down, "x");
    s.core.set_health("isp2", Health::Down, "x");
    CHECK(s.step().size() == 2);
    s.core.set_health("isp1", Health::Up, "");
    CHECK(s.step().empty());
}

TEST_CASE("flow ends: failback reset ends the policy's flows on the worse tier when a better one returns")
{
    Site s(site("reset"));
    s.core.set_health("isp1", Health::Down, "x");
    s.core.set_health("isp2", Health::Down, "x");
    CHECK(s.step() == std::vector{s.down("isp1"), s.down("isp2")});
    s.core.set_health("isp2", Health::Degraded, "loss"); // degraded is live: the better tier is back
    CHECK(s.step() == std::vector{s.failback("lte", "all")}); // not policy "other"'s flows
    s.core.set_health("isp1", Health::Up, ""); // same tier: nothing more
    CHECK(s.step().empty());
}

TEST_CASE("flow ends: failback drain ends them after the grace, unless the better tier went again")
{
    Site s(site("{mode: drain, grace: 2m}"));
    s.core.set_health("isp1", Health::Down, "x");
    s.core.set_health("isp2", Health::Down, "x");
    s.step();
    s.core.set_health("isp1", Health::Up, "");
    CHECK(s.step().empty());
    REQUIRE(s.ends.next_due() == s.now + 120s);
    CHECK(s.step(119s).empty());
    CHECK(s.step(1s) == std::vector{s.failback("lte", "all")});
    CHECK(!s.ends.next_due());

    SECTION("the better tier fails during the grace: the drain is dropped")
    {
        s.core.set_health("isp1", Health::Down, "x");
        s.step();
        s.core.set_health("isp1", Health::Up, "");
        s.step();
        REQUIRE(s.ends.next_due());
        s.core.set_health("isp1", Health::Down, "x");
        CHECK(s.step(10s) == std::vector{s.down("isp1")});
        CHECK(!s.ends.next_due());
        CHECK(s.step(200s).empty());
    }
}

TEST_CASE("config: failback forms and their errors")
{
    auto policy = [](const std::string &failback) {
        return R"(lan: br-lan
wans:
  - {name: isp1, interface: wan1, gateway: 100.64.1.1}
policies:
  - {name: p, members: [isp1], failback: )" +
               failback + "}\n";
    };
    auto fb = [&](const std::string &f) { return parse_ok(policy(f)).policies.at(0).failback; };
    CHECK(parse_ok(policy("keep")).policies.at(0).failback == config::Failback{});
    CHECK(fb("reset").mode == config::FailbackMode::Reset);
    CHECK(fb("drain") == config::Failback{config::FailbackMode::Drain, 300s});
    CHECK(fb("{mode: drain, grace: 2m}") == config::Failback{config::FailbackMode::Drain, 120s});
    for (const char *bad : {"later", "{mode: reset, grace: 2m}", "{grace: 2m}", "{mode: drain, grace: 0s}"}) {
        INFO(bad);
        CHECK(!config::parse(policy(bad), "t.yaml"));
    }
}

TEST_CASE("the WAN-down alert says how many connections were reset")
{
    auto text = notify::render(notify::default_template(notify::Kind::WanDown),
                               {{"wan", "isp1"}, {"cause", "carrier lost"}, {"flows", "3 connections reset"}});
    CHECK(text.find("3 connections reset") != std::string::npos);
    CHECK(notify::check_template(notify::Kind::WanDown, "{wan}: {flows}"));
}
