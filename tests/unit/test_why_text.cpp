// SPDX-License-Identifier: GPL-2.0-only
// `jalur why`'s explanation: the data path's record (struct jalur_why)
// named with the config's WANs, policies and rules, for the steps the e2e
// test cannot easily provoke: a pinned flow whose WAN is down, a local
// destination, an inbound pin, a policy with no live member, the last resort.
#include "agent/why_command.h"
#include "config/parse.h"

#include <catch2/catch.hpp>

using namespace jalur;

namespace {

control::Core site()
{
    auto cfg = config::parse(R"(lan: br-lan
wans:
  - {name: isp1, interface: wan1, gateway: 100.64.1.1}
  - {name: isp2, interface: wan2, gateway: 100.64.2.1}
policies:
  - {name: default, members: [isp1, isp2]}
  - {name: only2, members: [isp2], fallback: drop}
rules:
  - {name: web, proto: tcp, dst_ports: [80, 443], policy: default}
  - {name: alt, dst: [203.0.113.0/24], policy: only2}
)",
                             "site.yaml");
    REQUIRE(cfg);
    control::Core c;
    REQUIRE(c.configure(std::move(cfg).value()));
    c.set_interface("br-lan", {true, 2, true, false});
    c.set_interface("wan1", {true, 3, true, false});
    c.set_interface("wan2", {true, 4, true, false});
    return c;
}

jalur_why base()
{
    jalur_why w{};
    w.magic = JALUR_WHY_MAGIC;
    w.policy = w.rule = JALUR_WHY_NONE;
    w.wan = w.slot_wan = w.inbound_wan = JALUR_WAN_NONE;
    w.now_ns = 100'000'000'000ull;
    return w;
}

bool has(const std::string &text, const std::string &line)
{
    if (text.find(line) != std::string::npos)
        return true;
    UNSCOPED_INFO(text);
    return false;
}

} // namespace

TEST_CASE("why text: a rule by its place in the config, the port ranges of one rule counted apart")
{
    auto c = site();
    auto w = base();
    w.step = JALUR_WHY_POLICY;
    w.policy = c.ids().policies.at("only2");
    w.rule = 2; // data path rules: web:80, web:443, alt
    w.pick = JALUR_WHY_PICK_HASH;
    w.policy_live = 1;
    w.hash = 0xabc;
    w.slot = 0xabc;
    w.wan = w.slot_wan = c.ids().wans.at("isp2");
    w.action = 1;
    w.mark = 0x200;
    auto t = agent::why_text(c, w, "tcp 192.0.2.11:1 -> 203.0.113.5:22", false);
    CHECK(has(t, "rules: rule 2 'alt' (site.yaml:10:5) matched: only2\n"));
    CHECK(has(t, "hash: 0xabc of the classifier's fields -> slot 2748 of 65536 -> isp2\n"));
    CHECK(has(t, "decision: leaves by isp2 (mark 0x200)\n"));
    w.rule = 1;
    CHECK(has(agent::why_text(c, w, "x", false), "rules: rule 1 'web' (site.yaml:9:5) matched"));
}

TEST_CASE("why text: a pinned flow whose WAN is down moves, and with no live member the fallback")
{
    auto c = site();
    auto w = base();
    w.step = JALUR_WHY_FLOW_MOVE;
    w.flow_found = 1;
    w.flow_wan = c.ids().wans.at("isp1");
    w.flow_flags = JALUR_FLOW_AFFINITY;
    w.flow_created_ns = w.now_ns - 12'300'000'000ull;
    w.flow_last_seen_ns = w.now_ns - 400'000'000ull;
    w.policy = c.ids().policies.at("only2");
    w.fields = JALUR_F_SRC_ADDR | JALUR_F_DST_ADDR | JALUR_F_SRC_PORT | JALUR_F_DST_PORT;
    w.fallback = JALUR_FALLBACK_DROP;
    w.action = 2;
    auto t = agent::why_text(c, w, "x", false);
    CHECK(has(t, "pinned flow: to isp1, pinned 12.3 s ago, last packet 0.4 s ago, flags affinity; isp1 is down: "
                 "the flow moves on its next packet\n"));
    CHECK(has(t, "policy: only2, mode hash, classifier both-addresses-and-ports; no member is live\n"));
    CHECK(has(t, "fallback: no live WAN for it: drop\n"));
    CHECK(has(t, "decision: dropped\n"));
}

TEST_CASE("why text: a local destination, an inbound pin, the last resort")
{
    auto c = site();
    auto w = base();
    w.step = JALUR_WHY_LOCAL;
    w.reason = JALUR_R_LOCAL;
    auto t = agent::why_text(c, w, "x", false);
    CHECK(has(t, "destination: the router itself or a connected/specific route: not balanced\n"));
    CHECK(has(t, "decision: passed unmarked: the main routing table decides\n"));

    w = base();
    w.step = JALUR_WHY_INBOUND;
    w.inbound_wan = w.wan = c.ids().wans.at("isp2");
    w.action = 1;
    t = agent::why_text(c, w, "x", false);
    CHECK(has(t, "inbound pin: a connection from outside came in by isp2: its replies leave by it\n"));

    c.set_health("isp1", control::Health::Down, "t");
    c.set_health("isp2", control::Health::Down, "t");
    w = base();
    w.step = JALUR_WHY_POLICY;
    w.policy = c.ids().policies.at("default");
    w.policy_live = 1;
    w.wan = c.ids().wans.at(c.desired().last_resort_wan);
    w.action = 1;
    t = agent::why_text(c, w, "x", true);
    CHECK(has(t, "the last resort: every WAN is down"));
    CHECK(has(t, R"("step":"policy")"));
}
