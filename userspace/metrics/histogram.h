// SPDX-License-Identifier: GPL-2.0-only
// A fixed-bucket histogram (Prometheus semantics: cumulative buckets up to
// +Inf, a sum and a count). Plain data: copied into snapshots by value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace jalur::metrics {

struct Histogram {
    std::vector<double> bounds;   // upper bounds, ascending; +Inf is implicit
    std::vector<uint64_t> counts; // per bucket, not cumulative; one more than bounds (+Inf)
    double sum = 0;
    uint64_t count = 0;

    explicit Histogram(std::vector<double> upper_bounds = {})
        : bounds(std::move(upper_bounds)), counts(bounds.size() + 1, 0)
    {
    }

    void observe(double v)
    {
        std::size_t i = 0;
        while (i < bounds.size() && v > bounds[i])
            i++;
        counts[i]++;
        sum += v;
        count++;
    }
};

// Probe round-trip times, seconds: 1 ms .. 2 s, roughly doubling.
inline std::vector<double> rtt_buckets()
{
    return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2};
}

} // namespace jalur::metrics
