// SPDX-License-Identifier: GPL-2.0-only
#include "control/quota_meter.h"

namespace jalur::control {

uint64_t counter_growth(uint64_t seen, uint64_t now) { return now >= seen ? now - seen : now; }

uint64_t QuotaMeter::used() const
{
    switch (q_.count) {
    case config::QuotaCount::Down:
        return u_.down;
    case config::QuotaCount::Up:
        return u_.up;
    case config::QuotaCount::Both:
        break;
    }
    return u_.down + u_.up;
}

std::vector<QuotaEvent> QuotaMeter::update(sys_seconds now, const Zone &z, uint64_t rx, uint64_t tx)
{
    std::vector<QuotaEvent> events;
    Period p = period_at(q_, z, now);
    if (u_.period_start != p.start) {
        // a record with no period yet (the first start) begins quietly
        if (u_.period_start != sys_seconds{})
            events.push_back({QuotaEvent::Kind::Reset, 0, used(), q_.limit, p});
        u_.period_start = p.start;
        u_.down = u_.up = 0;
        u_.alerted = 0;
    }
    u_.down += counter_growth(u_.rx_seen, rx);
    u_.up += counter_growth(u_.tx_seen, tx);
    u_.rx_seen = rx;
    u_.tx_seen = tx;
    // each threshold once: `alerted` is persisted, so a restart repeats none
    uint64_t share = q_.limit ? used() * 100 / q_.limit : 0;
    for (uint32_t t : thresholds())
        if (t > u_.alerted && share >= t) {
            events.push_back({QuotaEvent::Kind::Threshold, t, used(), q_.limit, p});
            u_.alerted = t;
        }
    return events;
}

void QuotaMeter::set_quota(config::Quota q)
{
    bool new_limit = q.limit != q_.limit || q.warn_at != q_.warn_at;
    q_ = std::move(q);
    if (!new_limit)
        return;
    u_.alerted = 0;
    for (uint32_t t : thresholds())
        if (q_.limit && used() * 100 / q_.limit >= t)
            u_.alerted = t;
}

std::vector<uint32_t> QuotaMeter::thresholds() const
{
    std::vector<uint32_t> t = q_.warn_at;
    t.push_back(100);
    return t;
}

void QuotaMeter::reset()
{
    u_.down = u_.up = 0;
    u_.alerted = 0;
}

std::optional<uint64_t> QuotaMeter::projection(const Period &p, sys_seconds now) const
{
    auto elapsed = now - p.start, length = p.end - p.start;
    if (elapsed < std::chrono::hours(1) || length <= elapsed)
        return length <= elapsed ? std::optional<uint64_t>(used()) : std::nullopt;
    return static_cast<uint64_t>(static_cast<double>(used()) * static_cast<double>(length.count()) /
                                 static_cast<double>(elapsed.count()));
}

} // namespace jalur::control
