// SPDX-License-Identifier: GPL-2.0-only
// What the agent publishes for `least-loaded` and `overflow` (struct
// jalur_wan_load): each WAN's measured throughput as a share of its
// capacity, what one new connection is expected to add, and how many of
// the connections the data path just assigned are still to be counted.
//
// Throughput is the byte counters' difference over the last second, in the
// busier direction relative to its capacity. A new connection is expected
// to fill the smallest WAN's capacity (the few large transfers the
// modes are for; short requests are measured away within a second), so
// its step is that capacity over the WAN's own: a burst splits in
// proportion to capacity. Connections just assigned count until the
// throughput they bring shows in the measurement: the count halves every
// second. A WAN of unknown capacity (`auto` not learned yet) counts as the
// largest known one, or 100 Mbit/s when none is. Pure: time and counters
// come from the caller.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>

namespace jalur::balancer {

struct WanCounters {
    uint64_t rx_bytes = 0, tx_bytes = 0; // cumulative: down (WAN ingress), up (from the LAN)
    uint64_t assigned = 0;               // cumulative new connections given the WAN
    uint64_t down_kbit = 0, up_kbit = 0; // capacity; 0: not known
};

struct WanLoad {
    uint64_t load = 0, step = 0, assigned_base = 0; // as struct jalur_wan_load
    uint64_t down_kbit = 0, up_kbit = 0;            // throughput over the last second
    uint64_t capacity_down_kbit = 0, capacity_up_kbit = 0; // what load was measured against
    uint32_t utilisation_percent = 0;
};

class LoadTracker {
public:
    using Clock = std::chrono::steady_clock;
    static constexpr uint64_t kDefaultCapacityKbit = 100000;
    struct Settings {
        Clock::duration rate_window = std::chrono::seconds(1);
        Clock::duration pending_half_life = std::chrono::seconds(1);
    };
    LoadTracker() = default;
    explicit LoadTracker(Settings s) : s_(s) {}

    // Called a few times a second with every WAN's counters (by WAN id).
    std::map<uint32_t, WanLoad> update(Clock::time_point now, const std::map<uint32_t, WanCounters> &wans);

private:
    struct Sample {
        Clock::time_point at;
        uint64_t rx, tx;
    };
    struct Wan {
        std::deque<Sample> samples; // the last rate_window and one before it
        uint64_t assigned = 0;      // as last seen
        double pending = 0;         // just assigned, not yet in the measurement
        Clock::time_point last;
    };
    Settings s_;
    std::map<uint32_t, Wan> wans_;
};

} // namespace jalur::balancer
