// SPDX-License-Identifier: GPL-2.0-only
// A probe round's verdict (issue 24): targets beyond the gateway decide, a
// gateway answering alone does not keep a WAN up, and the passive signal
// fails a round only the gateway answered.
#include "health/round_verdict.h"

#include <catch2/catch.hpp>

using namespace jalur::health;
using namespace std::chrono_literals;

namespace {

const std::optional<Clock::duration> kAnswered = 2ms, kLost = std::nullopt;

std::vector<TargetResult> gateway_and(std::optional<Clock::duration> gw, std::optional<Clock::duration> a,
                                      std::optional<Clock::duration> b)
{
    return {{"100.64.1.1", false, gw, "no answer"},
            {"198.51.100.10", true, a, "no answer"},
            {"203.0.113.10", true, b, "no answer"}};
}

std::optional<std::string> evidence()
{
    return "upstream: 7 handshakes unanswered while WAN isp2 completes";
}

} // namespace

TEST_CASE("verdict: targets beyond the gateway decide; the gateway alone does not keep a WAN up")
{
    CHECK(round_verdict(gateway_and(kAnswered, kAnswered, kLost), 1, nullptr).good);
    CHECK_FALSE(round_verdict(gateway_and(kAnswered, kAnswered, kLost), 2, nullptr).good);
    auto r = round_verdict(gateway_and(kAnswered, kLost, kLost), 1, nullptr);
    CHECK_FALSE(r.good);
    CHECK(r.answered == 1);
    CHECK(r.sent == 3);
    CHECK(r.why == "upstream (the gateway answers): 198.51.100.10: no answer; 203.0.113.10: no answer");
    // the gateway lost too: not called upstream
    CHECK(round_verdict(gateway_and(kLost, kLost, kLost), 1, nullptr).why.rfind("100.64.1.1: no answer", 0) == 0);
    // the gateway's silence alone does not fail a round whose internet answers
    CHECK(round_verdict(gateway_and(kLost, kAnswered, kLost), 1, nullptr).good);
}

TEST_CASE("verdict: gateway-only probing is judged on the gateway")
{
    std::vector<TargetResult> gw{{"100.64.1.1", false, kAnswered, ""}};
    CHECK(round_verdict(gw, 1, nullptr).good);
    gw[0].rtt.reset();
    CHECK_FALSE(round_verdict(gw, 1, nullptr).good);
}

TEST_CASE("verdict: the passive signal fails a round that only the gateway answered")
{
    std::vector<TargetResult> gw{{"100.64.1.1", false, kAnswered, ""}};
    auto r = round_verdict(gw, 1, evidence);
    CHECK_FALSE(r.good);
    CHECK(r.passive);
    CHECK(r.why == "upstream: 7 handshakes unanswered while WAN isp2 completes");
    CHECK(round_verdict(gw, 1, [] { return std::optional<std::string>(); }).good); // no evidence
}

TEST_CASE("verdict: internet probes answering override the passive signal")
{
    bool asked = false;
    auto r = round_verdict(gateway_and(kAnswered, kAnswered, kLost), 1, [&] {
        asked = true;
        return evidence();
    });
    CHECK(r.good);
    CHECK_FALSE(r.passive);
    CHECK_FALSE(asked);
}

TEST_CASE("verdict: the passive cause goes down with the probes' hysteresis, as the whole cause")
{
    WanHealth h(Thresholds{3, 3}, Clock::time_point{});
    Clock::time_point now{};
    std::vector<TargetResult> gw{{"100.64.1.1", false, kAnswered, ""}};
    std::optional<Transition> t;
    for (int i = 0; i < 2; i++) {
        now += 100ms;
        CHECK_FALSE(h.on_round(round_verdict(gw, 1, evidence), now));
    }
    now += 100ms;
    CHECK_FALSE(h.on_round(round_verdict(gw, 1, nullptr), now)); // the stall ended: the count starts over
    for (int i = 0; i < 3; i++) {
        now += 100ms;
        t = h.on_round(round_verdict(gw, 1, evidence), now);
    }
    REQUIRE(t);
    CHECK(t->to == State::Down);
    CHECK(t->cause == "upstream: 7 handshakes unanswered while WAN isp2 completes");
}
