// SPDX-License-Identifier: GPL-2.0-only
#include "balancer/load.h"

#include "jalur/datapath.h"

#include <algorithm>
#include <cmath>

namespace jalur::balancer {

namespace {

uint64_t kbit_per_s(uint64_t bytes, LoadTracker::Clock::duration over)
{
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(over).count();
    return us > 0 ? static_cast<uint64_t>(static_cast<double>(bytes) * 8000.0 / static_cast<double>(us)) : 0;
}

uint64_t share(uint64_t kbit, uint64_t capacity_kbit)
{
    return capacity_kbit ? kbit * JALUR_LOAD_ONE / capacity_kbit : 0;
}

} // namespace

std::map<uint32_t, WanLoad> LoadTracker::update(Clock::time_point now, const std::map<uint32_t, WanCounters> &wans)
{
    for (auto it = wans_.begin(); it != wans_.end();) // WANs gone by a reload
        it = wans.count(it->first) ? std::next(it) : wans_.erase(it);

    uint64_t largest = 0;
    for (const auto &[id, c] : wans)
        largest = std::max(largest, c.down_kbit);
    auto down_of = [&](const WanCounters &c) {
        return c.down_kbit ? c.down_kbit : largest ? largest : kDefaultCapacityKbit;
    };
    uint64_t smallest = 0;
    for (const auto &[id, c] : wans)
        smallest = smallest ? std::min(smallest, down_of(c)) : down_of(c);

    std::map<uint32_t, WanLoad> out;
    for (const auto &[id, c] : wans) {
        auto [it, fresh] = wans_.try_emplace(id);
        Wan &w = it->second;
        if (!fresh && (c.rx_bytes < w.samples.back().rx || c.tx_bytes < w.samples.back().tx || c.assigned < w.assigned))
            fresh = true; // counters that went back: a new data path
        if (fresh) {
            w = Wan{};
            w.assigned = c.assigned;
            w.last = now;
        }
        // connections assigned since the last update join the pending ones,
        // which fade as their throughput enters the measurement
        double dt = std::chrono::duration<double>(now - w.last).count();
        double half = std::chrono::duration<double>(s_.pending_half_life).count();
        w.pending = w.pending * std::exp2(-dt / half) + static_cast<double>(c.assigned - w.assigned);
        w.assigned = c.assigned;
        w.last = now;
        w.samples.push_back({now, c.rx_bytes, c.tx_bytes});
        while (w.samples.size() > 2 && now - w.samples[1].at >= s_.rate_window)
            w.samples.pop_front();

        WanLoad l;
        const Sample &from = w.samples.front();
        l.down_kbit = kbit_per_s(c.rx_bytes - from.rx, now - from.at);
        l.up_kbit = kbit_per_s(c.tx_bytes - from.tx, now - from.at);
        l.capacity_down_kbit = down_of(c);
        l.capacity_up_kbit = c.up_kbit;
        l.load = std::max(share(l.down_kbit, l.capacity_down_kbit), share(l.up_kbit, l.capacity_up_kbit));
        l.step = share(smallest, l.capacity_down_kbit);
        auto pending = static_cast<uint64_t>(std::llround(w.pending));
        l.assigned_base = c.assigned - std::min(pending, c.assigned);
        auto percent = [](uint64_t kbit, uint64_t cap) { return cap ? kbit * 100 / cap : 0; };
        l.utilisation_percent = static_cast<uint32_t>(std::min<uint64_t>(
            std::max(percent(l.down_kbit, l.capacity_down_kbit), percent(l.up_kbit, l.capacity_up_kbit)), 1000));
        out[id] = l;
    }
    return out;
}

} // namespace jalur::balancer
