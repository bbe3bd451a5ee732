// SPDX-License-Identifier: GPL-2.0-only
// `lowest-latency`: one WAN's latency as the data path ranks it. Passive
// samples (SYN to SYN-ACK of real connections, measured in the data path)
// are smoothed (EWMA, a quarter per batch); while traffic is scarce (no
// passive sample for `scarce`), the probes' round RTTs stand in. What is
// published moves only when the smoothed value leaves a band around it
// (a fifth of it, at least 5 ms): two WANs of about the same latency do not
// swap new connections back and forth on noise, and a WAN whose latency
// really rose (a saturated queue) loses them within a few samples. Pure:
// time and samples come from the caller.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace jalur::balancer {

class LatencySmoother {
public:
    using Clock = std::chrono::steady_clock;
    struct Settings {
        uint32_t alpha_quarters = 1;  // EWMA weight of a new batch, in quarters
        Clock::duration scarce = std::chrono::seconds(5);
        uint32_t band_percent = 20;
        uint32_t band_min_us = 5000;
    };
    LatencySmoother() = default;
    explicit LatencySmoother(Settings s) : s_(s) {}

    // Passive samples since the last call: how many and their sum.
    void passive(Clock::time_point now, uint64_t samples, uint64_t sum_us);
    // A probe round's mean RTT; used only while passive samples are scarce.
    void probe(Clock::time_point now, uint64_t rtt_us);

    std::optional<uint64_t> smoothed_us() const { return smoothed_; }
    // What the data path ranks by (JALUR_RTT_UNKNOWN while nothing is known).
    std::optional<uint64_t> published_us() const { return published_; }

private:
    void add(uint64_t us);
    Settings s_;
    std::optional<uint64_t> smoothed_, published_;
    std::optional<Clock::time_point> last_passive_;
};

} // namespace jalur::balancer
