// SPDX-License-Identifier: GPL-2.0-only
// The passive signal with a fake clock: which stalls start a probe burst.
#include "health/handshake_watch.h"

#include <catch2/catch.hpp>

using namespace jalur::health;
using namespace std::chrono_literals;

namespace {

// Two WANs sampled every 100 ms; isp2's handshakes always complete.
struct Feed {
    HandshakeWatch w;
    Clock::time_point now{};
    HandshakeCounts isp1, isp2;
    std::vector<Stall> tick(uint64_t syns1, uint64_t acks1, uint64_t syns2 = 1, uint64_t acks2 = 1)
    {
        now += 100ms;
        isp1.syn_out += syns1;
        isp1.synack_in += acks1;
        isp2.syn_out += syns2;
        isp2.synack_in += acks2;
        return w.update({{"isp1", isp1}, {"isp2", isp2}}, now);
    }
};

} // namespace

TEST_CASE("handshakes: unanswered SYNs while another WAN completes its own are a stall")
{
    Feed f;
    CHECK(f.tick(0, 0).empty()); // first sample: nothing to compare
    CHECK(f.tick(2, 0).empty()); // stalled since here
    CHECK(f.tick(1, 0).empty()); // 3 SYNs but only 100 ms
    CHECK(f.tick(0, 0).empty()); // 200 ms
    auto s = f.tick(0, 0);       // 300 ms: the grace is over
    REQUIRE(s.size() == 1);
    CHECK(s[0].wan == "isp1");
    CHECK(s[0].syns == 3);
    CHECK(s[0].for_ == 300ms);
    // reported once, not every tick while it lasts
    for (int i = 0; i < 20; i++)
        CHECK(f.tick(1, 0).empty());
}

TEST_CASE("handshakes: a sample holding answers and a stall together")
{
    // 16 SYNs, 7 answered in the same 100 ms, then nothing: 9 unanswered
    Feed f;
    f.tick(0, 0);
    CHECK(f.tick(16, 7).empty());
    CHECK(f.tick(0, 0).empty());
    CHECK(f.tick(0, 0).empty());
    auto s = f.tick(0, 0);
    REQUIRE(s.size() == 1);
    CHECK(s[0].syns == 9);
}

TEST_CASE("handshakes: a healthy WAN, slow answers and a lone SYN are not stalls")
{
    Feed f;
    f.tick(0, 0);
    for (int i = 0; i < 50; i++) // every SYN answered within the next sample
        CHECK(f.tick(5, i ? 5 : 0).empty());
    Feed lone;
    lone.tick(0, 0);
    lone.tick(2, 0);
    for (int i = 0; i < 30; i++) // two SYNs (one connection and its retry): under min_syns
        CHECK(lone.tick(0, 0).empty());
    Feed slow;
    slow.tick(0, 0);
    slow.tick(3, 0);
    slow.tick(0, 0);
    CHECK(slow.tick(0, 3).empty()); // answered after 200 ms: the count starts over
    CHECK(slow.tick(0, 0).empty());
    CHECK(slow.tick(0, 0).empty());
}

TEST_CASE("handshakes: nothing completing anywhere is left to the probes")
{
    Feed f;
    f.tick(0, 0, 0, 0);
    for (int i = 0; i < 40; i++) // both WANs silent: the LAN side, or both down
        CHECK(f.tick(1, 0, 1, 0).empty());
}

TEST_CASE("handshakes: reported again after a SYN-ACK, or after the quiet time")
{
    HandshakeWatch::Settings s;
    s.quiet = 1s;
    Feed f;
    f.w = HandshakeWatch(s);
    f.tick(0, 0);
    f.tick(3, 0);
    for (int i = 0; i < 2; i++)
        f.tick(0, 0);
    REQUIRE(f.tick(0, 0).size() == 1);
    int again = 0;
    for (int i = 0; i < 12; i++)
        again += static_cast<int>(f.tick(1, 0).size());
    CHECK(again == 1); // once more after a second of quiet
    f.tick(0, 1);      // an answer: the stall is over
    f.tick(4, 0);      // 4 more SYNs, one answer already counted against them
    f.tick(0, 0);
    f.tick(0, 0);
    CHECK(f.tick(0, 0).size() == 1);
}

TEST_CASE("handshakes: counters that go back (a new data path) are a new start")
{
    Feed f;
    f.tick(0, 0);
    f.tick(3, 0);
    f.isp1 = {};
    CHECK(f.tick(0, 0).empty());
    CHECK(f.tick(0, 0).empty());
    CHECK(f.tick(0, 0).empty());
    CHECK(f.tick(0, 0).empty());
}

TEST_CASE("handshakes: a forgotten WAN (its state changed) can be reported again at once")
{
    Feed f;
    f.tick(0, 0);
    f.tick(3, 0);
    f.tick(0, 0);
    f.tick(0, 0);
    REQUIRE(f.tick(0, 0).size() == 1);
    f.w.forget("isp1");
    CHECK(f.tick(0, 0).empty()); // a fresh baseline
    f.tick(3, 0);
    f.tick(0, 0);
    f.tick(0, 0);
    CHECK(f.tick(0, 0).size() == 1);
}

// The passive signal deciding (issue 24): upstream() is the evidence a
// round that only the gateway answered fails by.

TEST_CASE("upstream: stalls through one WAN while another completes cleanly are evidence")
{
    Feed f;
    f.tick(0, 0);
    f.tick(3, 0);
    CHECK_FALSE(f.w.upstream("isp1", f.now)); // within the grace
    f.tick(1, 0);
    f.tick(0, 0);
    f.tick(2, 0);
    auto u = f.w.upstream("isp1", f.now);
    REQUIRE(u);
    CHECK(u->syns == 6);
    CHECK(u->witness == "isp2");
    CHECK_FALSE(f.w.upstream("isp2", f.now));
    // still evidence while it lasts (a burst's rounds ask again)
    for (int i = 0; i < 5; i++)
        f.tick(1, 0);
    CHECK(f.w.upstream("isp1", f.now));
    // one SYN-ACK through isp1: its upstream works
    f.tick(0, 1);
    CHECK_FALSE(f.w.upstream("isp1", f.now));
}

TEST_CASE("upstream: a destination failing through every WAN is no evidence")
{
    // isp2 completes some handshakes but leaves as many unanswered as isp1:
    // the same dead destination, tried through both
    Feed f;
    f.tick(0, 0);
    for (int i = 0; i < 20; i++) {
        f.tick(1, 0, i % 2 ? 2 : 1, 1); // isp2: one SYN of two answered every other tick
        CHECK_FALSE(f.w.upstream("isp1", f.now));
        CHECK_FALSE(f.w.upstream("isp2", f.now));
    }
    // a burst still probes isp1 (probes decide), but nothing is evidence
    Feed g;
    g.tick(0, 0);
    g.tick(2, 0, 2, 0);
    g.tick(1, 0, 1, 0);
    for (int i = 0; i < 10; i++) {
        g.tick(0, 0, 1, 1);
        CHECK_FALSE(g.w.upstream("isp1", g.now));
    }
}

TEST_CASE("upstream: with nothing completing anywhere there is no witness")
{
    Feed f;
    f.tick(0, 0, 0, 0);
    for (int i = 0; i < 20; i++) {
        f.tick(1, 0, 1, 0);
        CHECK_FALSE(f.w.upstream("isp1", f.now));
        CHECK_FALSE(f.w.upstream("isp2", f.now));
    }
}

TEST_CASE("upstream: a witness's SYN-ACKs must be recent")
{
    HandshakeWatch::Settings s;
    s.recent = 1s;
    Feed f;
    f.w = HandshakeWatch(s);
    f.tick(0, 0);
    f.tick(3, 0, 1, 1);
    for (int i = 0; i < 3; i++)
        f.tick(0, 0, 0, 0);
    CHECK(f.w.upstream("isp1", f.now));
    for (int i = 0; i < 8; i++)
        f.tick(1, 0, 0, 0); // isp2 idle: its last SYN-ACK ages out
    CHECK_FALSE(f.w.upstream("isp1", f.now));
}
