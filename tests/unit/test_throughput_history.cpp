// SPDX-License-Identifier: GPL-2.0-only
// The dashboard's throughput ring: rates from counter differences, a fixed
// 15 minutes, incremental reads, WANs that come and go with reloads.
#include "metrics/throughput_history.h"

#include <catch2/catch.hpp>

using namespace jalur::metrics;
using Clock = ThroughputHistory::Clock;
using namespace std::chrono_literals;

namespace {

const Clock::time_point t0 = Clock::time_point(std::chrono::seconds(1'800'000'000));

std::vector<ThroughputHistory::Counters> one(const std::string &wan, uint64_t tx, uint64_t rx)
{
    return {{wan, tx, rx}};
}

} // namespace

TEST_CASE("throughput: a rate is the counters' difference over the time between ticks")
{
    ThroughputHistory h;
    h.record(t0, one("isp1", 1000, 5000));
    h.record(t0 + 1s, one("isp1", 3000, 15000));
    h.record(t0 + 3s, one("isp1", 3000, 35000)); // a late tick: averaged over 2 s, not a spike
    auto w = h.window();
    REQUIRE(w.first_seq == 1);
    REQUIRE(w.last_seq == 3);
    REQUIRE(w.at.size() == 3);
    CHECK(w.at[2] == t0 + 3s);
    const auto &r = w.wans.at("isp1");
    REQUIRE(r.tx.size() == 3);
    CHECK_FALSE(r.tx[0]); // a first tick has no difference
    CHECK_FALSE(r.rx[0]);
    CHECK(*r.tx[1] == Approx(2000));
    CHECK(*r.rx[1] == Approx(10000));
    CHECK(*r.tx[2] == Approx(0));
    CHECK(*r.rx[2] == Approx(10000));
}

TEST_CASE("throughput: the ring keeps the last 15 minutes and no more")
{
    ThroughputHistory h;
    REQUIRE(h.capacity() == 900);
    for (uint64_t s = 0; s < 1000; s++)
        h.record(t0 + std::chrono::seconds(s), one("isp1", s * 100, s * 1000));
    auto w = h.window();
    CHECK(w.last_seq == 1000);
    CHECK(w.first_seq == 101);
    REQUIRE(w.at.size() == 900);
    CHECK(w.at.front() == t0 + 100s);
    CHECK(w.at.back() == t0 + 999s);
    const auto &r = w.wans.at("isp1");
    REQUIRE(r.rx.size() == 900);
    for (const auto &v : r.rx) {
        REQUIRE(v);
        CHECK(*v == Approx(1000));
    }
}

TEST_CASE("throughput: a reader asks only for the ticks after the last it holds")
{
    ThroughputHistory h(10);
    for (uint64_t s = 0; s < 5; s++)
        h.record(t0 + std::chrono::seconds(s), one("isp1", 0, s * 10));
    auto w = h.window(3);
    CHECK(w.first_seq == 4);
    CHECK(w.last_seq == 5);
    CHECK(w.at.size() == 2);
    CHECK(w.wans.at("isp1").rx.size() == 2);
    auto none = h.window(5);
    CHECK(none.at.empty());
    CHECK(none.last_seq == 5);
    CHECK(none.wans.at("isp1").rx.empty());
    // a reader from before an agent restart holds a higher number: it sees
    // last_seq below its own and starts over
    auto stale = h.window(400);
    CHECK(stale.at.empty());
    CHECK(stale.last_seq == 5);
    // one that fell behind by more than the ring gets what is kept
    for (uint64_t s = 5; s < 30; s++)
        h.record(t0 + std::chrono::seconds(s), one("isp1", 0, s * 10));
    auto behind = h.window(2);
    CHECK(behind.first_seq == 21);
    CHECK(behind.at.size() == 10);
}

TEST_CASE("throughput: counters that go back give no rate, and the next difference counts again")
{
    ThroughputHistory h;
    h.record(t0, one("isp1", 900, 900));
    h.record(t0 + 1s, one("isp1", 100, 100)); // the data path was reloaded: its counters start over
    h.record(t0 + 2s, one("isp1", 600, 300));
    auto w = h.window(); // a copy: the window is returned by value
    const auto &r = w.wans.at("isp1");
    CHECK_FALSE(r.tx[1]);
    CHECK_FALSE(r.rx[1]);
    CHECK(*r.tx[2] == Approx(500));
    CHECK(*r.rx[2] == Approx(200));
}

TEST_CASE("throughput: a WAN added by a reload starts empty, one removed is forgotten")
{
    ThroughputHistory h;
    h.record(t0, one("isp1", 0, 0));
    h.record(t0 + 1s, one("isp1", 0, 100));
    h.record(t0 + 2s, {{"isp1", 0, 200}, {"isp2", 0, 1000}});
    h.record(t0 + 3s, {{"isp1", 0, 300}, {"isp2", 0, 1500}});
    auto w = h.window();
    const auto &b = w.wans.at("isp2");
    REQUIRE(b.rx.size() == 4); // aligned with the ticks
    CHECK_FALSE(b.rx[0]);
    CHECK_FALSE(b.rx[1]);
    CHECK_FALSE(b.rx[2]);
    CHECK(*b.rx[3] == Approx(500));
    h.record(t0 + 4s, one("isp2", 0, 2000));
    auto after = h.window();
    CHECK(after.wans.count("isp1") == 0);
    CHECK(*after.wans.at("isp2").rx.back() == Approx(500));
    // a WAN that comes back under the same name starts over: no rate from
    // counters that are minutes old
    h.record(t0 + 5s, {{"isp1", 0, 9000}, {"isp2", 0, 2500}});
    auto back = h.window(5);
    CHECK_FALSE(back.wans.at("isp1").rx.back());
}

TEST_CASE("throughput: a clock stepped back gives no rate rather than a negative one")
{
    ThroughputHistory h;
    h.record(t0, one("isp1", 0, 0));
    h.record(t0 - 5s, one("isp1", 0, 100));
    CHECK_FALSE(h.window().wans.at("isp1").rx.back());
}
