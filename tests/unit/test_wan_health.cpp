// SPDX-License-Identifier: GPL-2.0-only
// The WAN state machine with a fake clock: thresholds, hysteresis, links.
#include "health/wan_health.h"

#include <catch2/catch.hpp>

using namespace jalur::health;
using namespace std::chrono_literals;

namespace {

struct Run {
    WanHealth h;
    Clock::time_point now{};
    explicit Run(Thresholds t) : h(t, Clock::time_point{}) {}
    std::optional<Transition> round(bool good)
    {
        now += 1s;
        return h.on_round(good, good ? "" : "no answer from 198.51.100.10", now);
    }
};

} // namespace

TEST_CASE("down after N failed rounds and up after M good ones")
{
    Run r({3, 2});
    CHECK_FALSE(r.round(false));
    CHECK_FALSE(r.round(false));
    auto down = r.round(false);
    REQUIRE(down);
    CHECK(down->to == State::Down);
    CHECK(down->cause.find("no answer from 198.51.100.10") != std::string::npos);
    CHECK_FALSE(r.round(true));
    auto up = r.round(true);
    REQUIRE(up);
    CHECK(up->to == State::Up);
    CHECK(up->was_down == 2s);
}

TEST_CASE("a failure between good rounds restarts the count")
{
    Run r({3, 3});
    for (int i = 0; i < 10; i++) {
        CHECK_FALSE(r.round(false));
        CHECK_FALSE(r.round(false));
        CHECK_FALSE(r.round(true)); // two bad, one good, forever: never down
    }
    CHECK(r.h.state() == State::Up);
}

TEST_CASE("a flapping link does not flap the state faster than the up count")
{
    Run r({3, 3});
    int transitions = 0;
    for (int i = 0; i < 20; i++) {
        r.now += 100ms;
        transitions += r.h.on_link(i % 2 == 1, r.now).has_value(); // down, up, down, ...
        transitions += r.round(true).has_value();                  // one good round between flaps
    }
    CHECK(transitions == 1); // went down once; never earned its way back
    CHECK(r.h.state() == State::Down);
    // the link is up again since the last flap, with one good round banked
    CHECK_FALSE(r.round(true));
    CHECK(r.round(true).has_value());
}

TEST_CASE("carrier loss is down at once and probes cannot bring it back while the link is down")
{
    Run r({3, 1});
    auto t = r.h.on_link(false, r.now += 1s);
    REQUIRE(t);
    CHECK(t->cause == "carrier lost");
    CHECK_FALSE(r.round(true));
    CHECK(r.h.state() == State::Down);
}
