// SPDX-License-Identifier: GPL-2.0-only
// Each WAN's throughput, each way, over the last 15 minutes at one sample a
// second: what the dashboard's charts draw, kept by the agent so the chart
// is full the moment the page opens. Fed once a second from the data path's
// byte counters (the agent's heartbeat); read by the HTTP endpoint's
// threads, hence the mutex. Fixed size: `capacity` ticks, one slot per WAN
// per tick, allocated when a WAN first appears; nothing grows afterwards.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace jalur::metrics {

class ThroughputHistory {
public:
    using Clock = std::chrono::system_clock;
    static constexpr size_t kSeconds = 15 * 60;

    // A WAN's cumulative byte counters (the data path's wan_stats, summed over CPUs).
    struct Counters {
        std::string wan;
        uint64_t tx_bytes = 0, rx_bytes = 0; // out of the WAN (upload), into it (download)
    };

    // Ticks after a sequence number, oldest first: `at` has one time per
    // tick; each WAN's rates are aligned with it (nullopt: no rate that
    // tick, e.g. its first, or its counters went back after a data path reload).
    struct Window {
        uint64_t first_seq = 0, last_seq = 0; // 0, 0: no tick at all
        std::vector<Clock::time_point> at;
        struct Rates {
            std::vector<std::optional<double>> tx, rx; // bytes per second
        };
        std::map<std::string, Rates> wans;
    };

    explicit ThroughputHistory(size_t capacity = kSeconds);

    // One tick: every WAN's counters at `at`. The rate is the difference from
    // the previous tick over the time between them, so a late tick averages
    // rather than spikes. A WAN missing from `wans` is forgotten (a reload
    // removed it); one new here starts its history now.
    void record(Clock::time_point at, const std::vector<Counters> &wans);

    // The ticks with a sequence number above `after` (0: all that are kept).
    Window window(uint64_t after = 0) const;
    size_t capacity() const { return capacity_; }

private:
    struct Wan {
        std::vector<std::optional<double>> tx, rx; // slot seq % capacity
        uint64_t first_seq = 0;                    // its first tick: slots before it are not its
        std::optional<Counters> last;              // counters at the previous tick
    };
    mutable std::mutex mutex_;
    size_t capacity_;
    std::vector<Clock::time_point> at_; // slot seq % capacity
    uint64_t last_seq_ = 0;             // ticks so far; the first is 1
    std::map<std::string, Wan> wans_;
};

} // namespace jalur::metrics
