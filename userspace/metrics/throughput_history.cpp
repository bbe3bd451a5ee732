// SPDX-License-Identifier: GPL-2.0-only
#include "metrics/throughput_history.h"

#include <algorithm>

namespace jalur::metrics {

ThroughputHistory::ThroughputHistory(size_t capacity) : capacity_(std::max<size_t>(capacity, 1)), at_(capacity_) {}

void ThroughputHistory::record(Clock::time_point at, const std::vector<Counters> &wans)
{
    std::lock_guard lock(mutex_);
    std::optional<double> elapsed;
    if (last_seq_ > 0) {
        double s = std::chrono::duration<double>(at - at_[last_seq_ % capacity_]).count();
        if (s > 0)
            elapsed = s; // a clock stepped back gives no rate this tick, not a negative one
    }
    uint64_t seq = ++last_seq_;
    size_t slot = seq % capacity_;
    at_[slot] = at;
    std::map<std::string, Wan> kept;
    for (const auto &c : wans) {
        auto it = wans_.find(c.wan);
        Wan w;
        if (it != wans_.end()) {
            w = std::move(it->second);
        } else {
            w.tx.resize(capacity_);
            w.rx.resize(capacity_);
            w.first_seq = seq;
        }
        std::optional<double> tx, rx;
        // a counter that went back (the data path was reloaded) has no difference to show
        if (w.last && elapsed && c.tx_bytes >= w.last->tx_bytes && c.rx_bytes >= w.last->rx_bytes) {
            tx = static_cast<double>(c.tx_bytes - w.last->tx_bytes) / *elapsed;
            rx = static_cast<double>(c.rx_bytes - w.last->rx_bytes) / *elapsed;
        }
        w.tx[slot] = tx;
        w.rx[slot] = rx;
        w.last = c;
        kept[c.wan] = std::move(w);
    }
    wans_ = std::move(kept);
}

ThroughputHistory::Window ThroughputHistory::window(uint64_t after) const
{
    std::lock_guard lock(mutex_);
    Window out;
    if (last_seq_ == 0)
        return out;
    uint64_t oldest = last_seq_ >= capacity_ ? last_seq_ - capacity_ + 1 : 1;
    uint64_t first = std::max(oldest, after + 1);
    if (after >= last_seq_) // nothing new (or a reader from before a restart: it sees last_seq go back)
        first = last_seq_ + 1;
    out.first_seq = first;
    out.last_seq = last_seq_;
    for (uint64_t s = first; s <= last_seq_; s++)
        out.at.push_back(at_[s % capacity_]);
    for (const auto &[name, w] : wans_) {
        auto &r = out.wans[name];
        for (uint64_t s = first; s <= last_seq_; s++) {
            bool mine = s >= w.first_seq;
            r.tx.push_back(mine ? w.tx[s % capacity_] : std::nullopt);
            r.rx.push_back(mine ? w.rx[s % capacity_] : std::nullopt);
        }
    }
    return out;
}

} // namespace jalur::metrics
