// SPDX-License-Identifier: GPL-2.0-only
// Issue 25's settings: a WAN's bandwidth (or auto), the load and latency
// modes, overflow_at and weight: auto, with the errors a typo gets.
#include "config/capacity.h"
#include "config/parse.h"

#include <catch2/catch.hpp>

using namespace jalur;
using namespace jalur::config;

namespace {

// Lines 1-6; WAN isp2's own keys may follow on line 7.
const std::string kTwoIsps = R"(lan: br-lan
wans:
  - name: isp1
    interface: wan1
  - name: isp2
    interface: wan2
)";

Config ok(const std::string &yaml)
{
    auto r = parse(yaml, "t.yaml");
    INFO((r ? std::string() : r.error().message));
    REQUIRE(r);
    return r.value();
}

std::string error(const std::string &yaml)
{
    auto r = parse(yaml, "t.yaml");
    REQUIRE_FALSE(r);
    return r.error().message;
}

const std::string kSized = R"(lan: br-lan
wans:
  - name: fibre
    interface: wan1
    bandwidth: {down: 100mbit, up: 20mbit}
  - name: lte
    interface: wan2
    bandwidth: auto
)";

} // namespace

TEST_CASE("config: rates in tc's units")
{
    CHECK(parse_rate_kbit("100mbit") == 100000u);
    CHECK(parse_rate_kbit("1.5Gbit") == 1500000u);
    CHECK(parse_rate_kbit("512kbit/s") == 512u);
    CHECK(parse_rate_kbit("2000000bit") == 2000u);
    CHECK_FALSE(parse_rate_kbit("100M"));   // bytes or bits? refused
    CHECK_FALSE(parse_rate_kbit("100"));
    CHECK_FALSE(parse_rate_kbit("0mbit"));
    CHECK_FALSE(parse_rate_kbit("-5mbit"));
    CHECK_FALSE(parse_rate_kbit("mbit"));
    CHECK_FALSE(parse_rate_kbit("10 mbit"));
    CHECK_FALSE(parse_rate_kbit("500bit")); // under 1 kbit/s: a typo
}

TEST_CASE("config: a WAN's bandwidth, configured or auto")
{
    auto cfg = ok(kSized + "policies:\n  - {name: p, mode: least-loaded, members: [fibre, lte]}\n");
    REQUIRE(cfg.wans[0].bandwidth);
    CHECK(cfg.wans[0].bandwidth->down_kbit == 100000);
    CHECK(cfg.wans[0].bandwidth->up_kbit == 20000);
    CHECK_FALSE(cfg.wans[0].bandwidth->learn);
    REQUIRE(cfg.wans[1].bandwidth);
    CHECK(cfg.wans[1].bandwidth->learn);
    CHECK(cfg.policies[0].mode == Mode::LeastLoaded);
    CHECK_FALSE(ok(kTwoIsps).wans[0].bandwidth);
    // up is optional: utilisation is then judged downstream only
    auto down_only = ok(kTwoIsps + "    bandwidth: {down: 50mbit}\n");
    CHECK(down_only.wans[1].bandwidth->up_kbit == 0);
}

TEST_CASE("config: bandwidth errors say what is expected")
{
    CHECK(error(kTwoIsps + "    bandwidth: fast\n") ==
          "t.yaml:7:16: wans[1].bandwidth: expected 'auto' or {down: RATE, up: RATE}, got 'fast'");
    CHECK(error(kTwoIsps + "    bandwidth: {down: 100M}\n") ==
          "t.yaml:7:23: wans[1].bandwidth.down: expected a rate such as 100mbit, 1.5gbit or 512kbit (bits per "
          "second, as tc writes them), got '100M'");
    CHECK(error(kTwoIsps + "    bandwidth: {up: 10mbit}\n") ==
          "t.yaml:7:16: wans[1].bandwidth: missing key 'down' (the WAN's download capacity)");
    CHECK(error(kTwoIsps + "    bandwidth: {down: 1mbit, upload: 1mbit}\n") ==
          "t.yaml:7:30: unknown key 'upload' in wans[1].bandwidth (expected one of: down, up)");
}

TEST_CASE("config: load modes need every member's capacity")
{
    CHECK(error(kTwoIsps + "    bandwidth: auto\npolicies:\n  - {name: p, mode: overflow, members: [isp1, isp2]}\n") ==
          "t.yaml:9:41: policy 'p': WAN 'isp1' has no bandwidth, and mode overflow compares each member's load with "
          "its capacity; set its bandwidth: {down: 100mbit, up: 20mbit} or bandwidth: auto");
    // lowest-latency and hash do not
    ok(kTwoIsps + "policies:\n  - {name: p, mode: lowest-latency, members: [isp1, isp2]}\n");
}

TEST_CASE("config: overflow_at is a share, and only for overflow")
{
    auto cfg = ok(kSized + "policies:\n  - {name: p, mode: overflow, overflow_at: 60%, members: [fibre, lte]}\n");
    CHECK(cfg.policies[0].overflow_at == 60);
    CHECK(ok(kSized + "policies:\n  - {name: p, mode: overflow, members: [fibre, lte]}\n").policies[0].overflow_at ==
          80);
    CHECK(error(kSized + "policies:\n  - {name: p, mode: overflow, overflow_at: 120%, members: [fibre]}\n") ==
          "t.yaml:10:44: policies[0].overflow_at: expected a share 1%..100% such as 80%, got '120%'");
    CHECK(error(kSized + "policies:\n  - {name: p, overflow_at: 50%, members: [fibre]}\n") ==
          "t.yaml:10:28: policies[0].overflow_at: only mode overflow fills members up to a share (this policy's "
          "mode is hash)");
}

TEST_CASE("config: weight auto, on a WAN or a member, needs a bandwidth")
{
    auto cfg = ok(kSized + "policies:\n  - name: p\n    members: [{wan: fibre, weight: auto}, lte]\n");
    CHECK(cfg.policies[0].members[0].weight_auto);
    CHECK_FALSE(cfg.policies[0].members[1].weight_auto);
    auto by_wan = ok(kSized + "    weight: auto\n");
    CHECK(by_wan.wans[1].weight_auto);
    CHECK(by_wan.policies[0].members[1].weight_auto); // the default policy inherits it
    CHECK(error(kTwoIsps + "    weight: auto\n") ==
          "t.yaml:5:5: policy 'default': WAN 'isp2' has no bandwidth, and weight: auto follows the WAN's capacity; "
          "set its bandwidth: {down: 100mbit, up: 20mbit} or bandwidth: auto");
    CHECK(error(kTwoIsps + "    weight: heavy\n") == "t.yaml:7:13: wans[1].weight: expected an integer 1..255, got 'heavy'");
}
