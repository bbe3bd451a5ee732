// SPDX-License-Identifier: GPL-2.0-only
#include "balancer/capacity.h"

#include <algorithm>
#include <vector>

namespace jalur::balancer {

void CapacityLearner::add(Clock::time_point now, uint64_t kbit)
{
    while (!busy_.empty() && now - busy_.front().at > s_.window)
        busy_.pop_front();
    if (kbit >= std::max(s_.busy_floor_kbit, estimate_ / 20))
        busy_.push_back({now, kbit});
    if (busy_.size() < s_.min_busy)
        return; // too little seen (or idle): the estimate stands
    std::vector<uint64_t> rates;
    rates.reserve(busy_.size());
    for (const auto &b : busy_)
        rates.push_back(b.kbit);
    // nearest rank: the smallest rate at or above `percentile` percent of them
    size_t rank = (rates.size() * s_.percentile + 99) / 100;
    auto at = rates.begin() + static_cast<std::ptrdiff_t>(std::clamp<size_t>(rank, 1, rates.size()) - 1);
    std::nth_element(rates.begin(), at, rates.end());
    estimate_ = *at;
}

bool capacity_moved(uint64_t told_kbit, uint64_t now_kbit)
{
    if (told_kbit == 0 || now_kbit == 0)
        return told_kbit != now_kbit;
    uint64_t diff = told_kbit > now_kbit ? told_kbit - now_kbit : now_kbit - told_kbit;
    return diff * 10 > told_kbit;
}

} // namespace jalur::balancer
