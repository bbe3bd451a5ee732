// SPDX-License-Identifier: GPL-2.0-only
// Issue 25's measurements, with a fake clock: the capacity learner, the
// latency smoother and its hysteresis, and the load the agent publishes.
#include "balancer/capacity.h"
#include "balancer/latency.h"
#include "balancer/load.h"
#include "jalur/balance.h"

#include <catch2/catch.hpp>

using namespace jalur::balancer;
using namespace std::chrono_literals;

namespace {

const Clock::time_point t0{};

} // namespace

TEST_CASE("capacity: unknown until five busy seconds, then the 95th percentile of them")
{
    CapacityLearner c;
    for (int s = 1; s <= 4; s++)
        c.add(t0 + s * 1s, 40000);
    CHECK(c.capacity() == 0);
    c.add(t0 + 5s, 40000);
    CHECK(c.capacity() == 40000);
    // a hundred seconds between 1 and 100 Mbit/s: the 95th is 95
    CapacityLearner spread;
    for (int s = 1; s <= 100; s++)
        spread.add(t0 + s * 1s, static_cast<uint64_t>(s) * 1000);
    CHECK(spread.capacity() == 95000);
}

TEST_CASE("capacity: an idle link keeps what it learned, and old seconds leave the window")
{
    CapacityLearner c;
    for (int s = 1; s <= 10; s++)
        c.add(t0 + s * 1s, 20000);
    REQUIRE(c.capacity() == 20000);
    for (int s = 11; s <= 2000; s++) // more than the window, idle but for a trickle
        c.add(t0 + s * 1s, s % 7 == 0 ? 500 : 0);
    CHECK(c.capacity() == 20000);
    // the link got faster: once the old seconds are out, the new rate rules
    for (int s = 2001; s <= 2700; s++)
        c.add(t0 + s * 1s, 50000);
    CHECK(c.capacity() == 50000);
}

TEST_CASE("capacity: a change is told only when it moved by more than a tenth")
{
    CHECK(capacity_moved(0, 1000));
    CHECK_FALSE(capacity_moved(1000, 1000));
    CHECK_FALSE(capacity_moved(1000, 1100));
    CHECK(capacity_moved(1000, 1101));
    CHECK(capacity_moved(1000, 899));
}

TEST_CASE("latency: passive samples are smoothed and probes stand in only while they are scarce")
{
    LatencySmoother l;
    CHECK_FALSE(l.published_us());
    l.probe(t0, 30000);
    CHECK(l.published_us() == 30000u);
    l.passive(t0 + 1s, 2, 2 * 10000); // mean 10 ms: (3 * 30 + 10) / 4 = 25
    CHECK(l.smoothed_us() == 25000u);
    l.probe(t0 + 2s, 90000); // passive traffic is recent: the probe is not used
    CHECK(l.smoothed_us() == 25000u);
    l.probe(t0 + 7s, 45000); // five seconds without: it is
    CHECK(l.smoothed_us() == 30000u);
}

TEST_CASE("latency: what is published moves only when the smoothed value leaves its band")
{
    LatencySmoother l;
    l.passive(t0, 1, 20000);
    // noise of +-4 ms around 20 ms (inside the 5 ms band): never republished
    for (int i = 1; i <= 50; i++) {
        l.passive(t0 + i * 100ms, 1, i % 2 ? 24000 : 16000);
        CHECK(l.published_us() == 20000u);
    }
    // a queue that fills: 200 ms samples move it within a few batches
    int batches = 0;
    while (l.published_us() == 20000u && batches < 10) {
        l.passive(t0 + 10s + batches * 100ms, 1, 200000);
        batches++;
    }
    CHECK(batches <= 2);
    CHECK(*l.published_us() > 40000u);
}

TEST_CASE("latency hysteresis: two WANs of nearly equal latency do not swap on noise")
{
    LatencySmoother a, b;
    a.passive(t0, 1, 30000);
    b.passive(t0, 1, 32000);
    int swaps = 0;
    bool a_first = true;
    for (int i = 1; i <= 200; i++) {
        // each jitters by up to 4 ms, so the raw values cross often
        a.passive(t0 + i * 100ms, 1, 30000 + (i * 7919 % 9) * 1000 - 4000);
        b.passive(t0 + i * 100ms, 1, 31000 + (i * 104729 % 9) * 1000 - 4000);
        bool now_a = *a.published_us() <= *b.published_us();
        swaps += now_a != a_first;
        a_first = now_a;
    }
    CHECK(swaps == 0);
}

TEST_CASE("load: throughput over capacity in the busier direction, and the step of a new connection")
{
    LoadTracker t;
    std::map<uint32_t, WanCounters> c = {{0, {0, 0, 0, 40000, 10000}}, {1, {0, 0, 0, 10000, 0}}};
    t.update(t0, c);
    // one second: WAN 0 received 20 Mbit (half its down), sent 8 Mbit (0.8 of its up)
    c[0].rx_bytes = 20000000 / 8;
    c[0].tx_bytes = 8000000 / 8;
    c[1].rx_bytes = 10000000 / 8; // full
    auto l = t.update(t0 + 1s, c);
    CHECK(l[0].down_kbit == 20000);
    CHECK(l[0].up_kbit == 8000);
    CHECK(l[0].load == JALUR_LOAD_ONE * 8 / 10);
    CHECK(l[0].utilisation_percent == 80);
    CHECK(l[1].load == JALUR_LOAD_ONE);
    // a new connection is expected to fill the smaller link: a quarter of the big one
    CHECK(l[0].step == JALUR_LOAD_ONE / 4);
    CHECK(l[1].step == JALUR_LOAD_ONE);
}

TEST_CASE("load: connections just assigned count, then fade as the measurement catches up")
{
    LoadTracker t;
    std::map<uint32_t, WanCounters> c = {{0, {0, 0, 100, 40000, 0}}};
    CHECK(t.update(t0, c)[0].assigned_base == 100); // what was assigned before is history
    c[0].assigned = 108;
    CHECK(t.update(t0 + 250ms, c)[0].assigned_base == 100); // eight pending
    CHECK(t.update(t0 + 1250ms, c)[0].assigned_base == 104); // a second later, half
    CHECK(t.update(t0 + 5250ms, c)[0].assigned_base == 108); // gone
}

TEST_CASE("load: a WAN of unknown capacity counts as the largest known, and counters that went back restart")
{
    LoadTracker t;
    std::map<uint32_t, WanCounters> c = {{0, {0, 0, 0, 50000, 0}}, {1, {0, 0, 0, 0, 0}}};
    t.update(t0, c);
    auto l = t.update(t0 + 1s, c);
    CHECK(l[1].capacity_down_kbit == 50000);
    c[0].rx_bytes = 1000000;
    t.update(t0 + 2s, c);
    c[0].rx_bytes = 10; // a new data path
    l = t.update(t0 + 3s, c);
    CHECK(l[0].down_kbit == 0);
}

TEST_CASE("the shared ranking: least-loaded follows D'Hondt, overflow the measured load alone")
{
    jalur_wan_load big{0, JALUR_LOAD_ONE / 4, 0, JALUR_RTT_UNKNOWN, 0};
    jalur_wan_load small{0, JALUR_LOAD_ONE, 0, JALUR_RTT_UNKNOWN, 0};
    CHECK(jalur_member_score(JALUR_MODE_LEAST_LOADED, &big, 3) == JALUR_LOAD_ONE);
    CHECK(jalur_member_score(JALUR_MODE_LEAST_LOADED, &small, 0) == JALUR_LOAD_ONE);
    CHECK(jalur_ranks_before(JALUR_LOAD_ONE, 2, JALUR_LOAD_ONE, 1)); // equal: the higher weight
    CHECK(jalur_member_score(JALUR_MODE_OVERFLOW, &big, 1000) == 0);
    // a base beyond the count (a restarted data path) counts nothing pending
    big.assigned_base = 50;
    CHECK(jalur_member_score(JALUR_MODE_LEAST_LOADED, &big, 10) == JALUR_LOAD_ONE / 4);
}

TEST_CASE("the shared walk: overflow takes the first member with room, else the least loaded")
{
    const jalur_member first{0, 1, JALUR_LOAD_ONE / 2, 0}, second{1, 1, JALUR_LOAD_ONE / 2, 0};
    jalur_wan_load full{JALUR_LOAD_ONE * 9 / 10, 0, 0, JALUR_RTT_UNKNOWN, 0};
    jalur_wan_load fuller{JALUR_LOAD_ONE, 0, 0, JALUR_RTT_UNKNOWN, 0};
    jalur_wan_load idle{0, 0, 0, JALUR_RTT_UNKNOWN, 0};
    jalur_walk w{JALUR_WAN_NONE, 0, 0};
    CHECK(jalur_walk_member(&w, JALUR_MODE_OVERFLOW, &first, &idle, 0) == 1);
    CHECK(w.wan == 0);
    w = {JALUR_WAN_NONE, 0, 0};
    CHECK(jalur_walk_member(&w, JALUR_MODE_OVERFLOW, &first, &fuller, 0) == 0);
    CHECK(jalur_walk_member(&w, JALUR_MODE_OVERFLOW, &second, &full, 0) == 0);
    CHECK(w.wan == 1);
}
