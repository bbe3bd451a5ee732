// SPDX-License-Identifier: GPL-2.0-only
#include "control/quota_book.h"

namespace jalur::control {

const char *when_exceeded_name(config::WhenExceeded w)
{
    switch (w) {
    case config::WhenExceeded::BackupOnly:
        return "backup-only";
    case config::WhenExceeded::Block:
        return "block";
    case config::WhenExceeded::Keep:
        break;
    }
    return "keep";
}

void QuotaBook::configure(const config::Config &cfg, const QuotaRecords &saved)
{
    std::map<std::string, Entry> next;
    for (const auto &w : cfg.wans) {
        if (!w.quota)
            continue; // a quota removed forgets its usage
        std::optional<FixedZone> zone;
        if (w.quota->utc_offset)
            zone.emplace(std::chrono::seconds(*w.quota->utc_offset));
        if (auto it = meters_.find(w.name); it != meters_.end()) {
            it->second.meter.set_quota(*w.quota);
            next.emplace(w.name, Entry{std::move(it->second.meter), zone});
            continue;
        }
        auto s = saved.find(w.name);
        next.emplace(w.name, Entry{QuotaMeter(*w.quota, s == saved.end() ? QuotaUsage{} : s->second), zone});
    }
    meters_ = std::move(next);
}

std::vector<BookEvent> QuotaBook::update(sys_seconds now, const Zone &system, const Counters &counters)
{
    std::vector<BookEvent> out;
    for (auto &[name, e] : meters_) {
        auto [rx, tx] = counters(name);
        for (auto &ev : e.meter.update(now, zone_of(e, system), rx, tx))
            out.push_back({name, ev});
    }
    return out;
}

bool QuotaBook::reset(const std::string &wan)
{
    auto it = meters_.find(wan);
    if (it == meters_.end())
        return false;
    it->second.meter.reset();
    return true;
}

bool QuotaBook::exceeded(const std::string &wan) const
{
    auto it = meters_.find(wan);
    return it != meters_.end() && it->second.meter.exceeded();
}

QuotaRecords QuotaBook::records() const
{
    QuotaRecords out;
    for (const auto &[name, e] : meters_)
        out[name] = e.meter.usage();
    return out;
}

std::vector<QuotaView> QuotaBook::views(sys_seconds now, const Zone &system) const
{
    std::vector<QuotaView> out;
    for (const auto &[name, e] : meters_) {
        const auto &m = e.meter;
        QuotaView v;
        v.wan = name;
        v.used = m.used();
        v.limit = m.quota().limit;
        v.share = v.limit ? static_cast<double>(v.used) / static_cast<double>(v.limit) : 0;
        v.period = period_at(m.quota(), zone_of(e, system), now);
        v.projection = m.projection(v.period, now);
        v.days_left = days_left(v.period, now);
        v.exceeded = m.exceeded();
        v.when_exceeded = when_exceeded_name(m.quota().when_exceeded);
        out.push_back(v);
    }
    return out;
}

} // namespace jalur::control
