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

namespace {

Round round_of(uint32_t sent, uint32_t answered, int rtt_ms)
{
    Round r;
    r.sent = sent;
    r.answered = answered;
    r.good = answered >= 1;
    r.rtt = std::chrono::milliseconds(rtt_ms);
    r.why = r.good ? "" : "no answer";
    return r;
}

} // namespace

TEST_CASE("loss over the window degrades a WAN and a clean window restores it")
{
    Thresholds t;
    t.window = 5;
    t.loss_percent = 20;
    WanHealth h(t, Clock::time_point{});
    Clock::time_point now{};
    // 3 targets, 1 lost per round: 33% loss, every round still good
    for (int i = 0; i < 4; i++)
        CHECK_FALSE(h.on_round(round_of(3, 2, 10), now += 1s)); // window not full yet
    auto d = h.on_round(round_of(3, 2, 10), now += 1s);
    REQUIRE(d);
    CHECK(d->to == State::Degraded);
    CHECK(d->cause.find("33% loss") != std::string::npos);
    for (int i = 0; i < 4; i++)
        CHECK_FALSE(h.on_round(round_of(3, 3, 10), now += 1s));
    auto u = h.on_round(round_of(3, 3, 10), now += 1s);
    REQUIRE(u);
    CHECK(u->to == State::Up);
}

TEST_CASE("latency over the threshold degrades and a degraded WAN can still go down")
{
    Thresholds t;
    t.window = 3;
    t.down_after = 2;
    t.latency = std::chrono::milliseconds(100);
    WanHealth h(t, Clock::time_point{});
    Clock::time_point now{};
    CHECK_FALSE(h.on_round(round_of(1, 1, 150), now += 1s));
    CHECK_FALSE(h.on_round(round_of(1, 1, 150), now += 1s));
    auto d = h.on_round(round_of(1, 1, 150), now += 1s);
    REQUIRE(d);
    CHECK(d->to == State::Degraded);
    CHECK(d->cause.find("latency") == 0);
    CHECK_FALSE(h.on_round(round_of(1, 0, 0), now += 1s));
    auto down = h.on_round(round_of(1, 0, 0), now += 1s);
    REQUIRE(down);
    CHECK(down->from == State::Degraded);
    CHECK(down->to == State::Down);
}

TEST_CASE("no thresholds: never degraded")
{
    WanHealth h(Thresholds{}, Clock::time_point{});
    Clock::time_point now{};
    for (int i = 0; i < 50; i++)
        CHECK_FALSE(h.on_round(round_of(3, 1, 900), now += 1s));
    CHECK(h.state() == State::Up);
}

TEST_CASE("a reload's initial state is kept, and the link's cause is the one given")
{
    WanHealth h({3, 2}, Clock::time_point{}, State::Down);
    CHECK(h.state() == State::Down);
    Clock::time_point now{};
    CHECK_FALSE(h.on_round(true, "", now += 1s));
    auto up = h.on_round(true, "", now += 1s);
    REQUIRE(up);
    CHECK(up->from == State::Down);
    auto down = h.on_link(false, now += 1s, "no IPv4 address on wan1");
    REQUIRE(down);
    CHECK(down->cause == "no IPv4 address on wan1");
    CHECK(h.last_failure() == "no IPv4 address on wan1");
}
