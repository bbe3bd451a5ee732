// SPDX-License-Identifier: GPL-2.0-only
#include "balancer/latency.h"

#include <algorithm>

namespace jalur::balancer {

void LatencySmoother::passive(Clock::time_point now, uint64_t samples, uint64_t sum_us)
{
    if (samples == 0)
        return;
    last_passive_ = now;
    add(sum_us / samples);
}

void LatencySmoother::probe(Clock::time_point now, uint64_t rtt_us)
{
    if (rtt_us == 0 || (last_passive_ && now - *last_passive_ < s_.scarce))
        return;
    add(rtt_us);
}

void LatencySmoother::add(uint64_t us)
{
    smoothed_ = smoothed_ ? (*smoothed_ * (4 - s_.alpha_quarters) + us * s_.alpha_quarters) / 4 : us;
    if (!published_) {
        published_ = smoothed_;
        return;
    }
    uint64_t band = std::max<uint64_t>(s_.band_min_us, *published_ * s_.band_percent / 100);
    uint64_t diff = *smoothed_ > *published_ ? *smoothed_ - *published_ : *published_ - *smoothed_;
    if (diff > band)
        published_ = smoothed_;
}

} // namespace jalur::balancer
