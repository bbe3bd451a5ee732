// SPDX-License-Identifier: GPL-2.0-only
// Every WAN's data cap (issue 20): a meter per WAN with a quota, kept across
// reloads (a changed quota keeps the bytes counted), fed the data path's
// counters, and what the agent alerts on and tells the core. Pure: the
// counters, the time and the system's zone are handed in.
#pragma once

#include "control/quota_meter.h"
#include "control/quota_record.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace jalur::control {

struct BookEvent {
    std::string wan;
    QuotaEvent event;
};

// One WAN's quota as /status, /metrics and `jalur status` show it.
struct QuotaView {
    std::string wan;
    uint64_t used = 0, limit = 0;
    double share = 0; // used / limit
    std::optional<uint64_t> projection;
    Period period;
    int days_left = 0;
    bool exceeded = false;
    std::string when_exceeded; // backup-only, block, keep
};

class QuotaBook {
public:
    // The WANs with a quota in cfg; usage restored from `saved` for a WAN
    // first seen, kept for one already metered.
    void configure(const config::Config &cfg, const QuotaRecords &saved);

    // The data path's counters (rx, tx) of a WAN by name.
    using Counters = std::function<std::pair<uint64_t, uint64_t>(const std::string &wan)>;
    std::vector<BookEvent> update(sys_seconds now, const Zone &system, const Counters &counters);

    // A top-up; false for a WAN without a quota.
    bool reset(const std::string &wan);

    bool exceeded(const std::string &wan) const;
    bool any() const { return !meters_.empty(); }
    QuotaRecords records() const;
    std::vector<QuotaView> views(sys_seconds now, const Zone &system) const;

private:
    struct Entry {
        QuotaMeter meter;
        std::optional<FixedZone> zone; // unset: the system's
    };
    const Zone &zone_of(const Entry &e, const Zone &system) const { return e.zone ? *e.zone : system; }
    std::map<std::string, Entry> meters_;
};

const char *when_exceeded_name(config::WhenExceeded w);

} // namespace jalur::control
