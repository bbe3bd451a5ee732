// SPDX-License-Identifier: GPL-2.0-only
// `bandwidth: auto`: a WAN's capacity one way, learned from the goodput it
// has carried. Once a second the caller gives the rate of the second just
// past; the capacity is a high percentile (p95) of the busy seconds within
// a sliding window (10 minutes). A second is busy when it carried at least
// a twentieth of the current estimate: idle or lightly used seconds say
// nothing about what the link can do, so an idle link keeps its estimate
// for as long as it stays idle. The first estimate comes after 5 busy
// seconds; until then the capacity is unknown (0). A link that is never
// filled is learned at the most it was seen to carry. Pure: time and rates
// come from the caller.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>

namespace jalur::balancer {

using Clock = std::chrono::steady_clock;

class CapacityLearner {
public:
    struct Settings {
        Clock::duration window = std::chrono::minutes(10);
        uint32_t percentile = 95;
        uint32_t min_busy = 5;       // busy seconds before a first estimate
        uint64_t busy_floor_kbit = 64; // below this a second is idle whatever the estimate
    };
    CapacityLearner() = default;
    explicit CapacityLearner(Settings s) : s_(s) {}

    // The rate (kbit/s) of the second that ended at `now`.
    void add(Clock::time_point now, uint64_t kbit);
    // kbit/s; 0: not learned yet.
    uint64_t capacity() const { return estimate_; }

private:
    struct Sample {
        Clock::time_point at;
        uint64_t kbit;
    };
    Settings s_;
    std::deque<Sample> busy_; // within the window, oldest first
    uint64_t estimate_ = 0;
};

// Whether a learned capacity moved enough to be worth telling the plan
// (slot tables are rebuilt for `weight: auto`): by more than a tenth.
bool capacity_moved(uint64_t told_kbit, uint64_t now_kbit);

} // namespace jalur::balancer
