// SPDX-License-Identifier: GPL-2.0-only
// One WAN's use of its data cap (issue 20): bytes counted in the current
// period from the data path's counters, the thresholds announced, and the
// events the agent alerts on (each threshold once per period, the reset).
// Pure: the agent feeds counter readings and the time; persistence is the
// record (quota_record.h) an effector writes.
#pragma once

#include "config/model.h"
#include "control/quota_period.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace jalur::control {

// What survives a restart.
struct QuotaUsage {
    sys_seconds period_start{};
    uint64_t down = 0, up = 0; // bytes this period
    uint32_t alerted = 0;      // the highest threshold (percent) announced this period; 0: none
    // the data path's counters (rx, tx) when last read: a restart that
    // adopts the pins counts on from them, one that made new maps from 0
    uint64_t rx_seen = 0, tx_seen = 0;
    bool operator==(const QuotaUsage &) const = default;
};

struct QuotaEvent {
    enum class Kind { Threshold, Reset };
    Kind kind = Kind::Threshold;
    uint32_t percent = 0;   // Threshold: the one crossed (100: exceeded)
    uint64_t used = 0;      // at the event; Reset: what the period that ended used
    uint64_t limit = 0;
    Period period;          // Threshold: the current; Reset: the new one
    bool operator==(const QuotaEvent &) const = default;
};

class QuotaMeter {
public:
    QuotaMeter(config::Quota q, QuotaUsage restored) : q_(std::move(q)), u_(restored) {}

    // Reads the counters at `now`: rolls the period when it has ended (a
    // Reset event, and the bytes since the last reading count in the new
    // period), adds what the counters grew by, and returns each threshold
    // crossed, in order, once per period.
    std::vector<QuotaEvent> update(sys_seconds now, const Zone &z, uint64_t rx, uint64_t tx);
    // A top-up (`jalur quota reset`): the period starts over at zero.
    void reset();

    const QuotaUsage &usage() const { return u_; }
    const config::Quota &quota() const { return q_; }
    // A reload: the usage stays; with a new limit, the thresholds already
    // passed count as announced and those above alert when crossed.
    void set_quota(config::Quota q);
    uint64_t used() const;
    bool exceeded() const { return used() >= q_.limit; }
    // The use at the period's end if it goes on at the rate so far; none
    // in the period's first hour (too little to extrapolate from).
    std::optional<uint64_t> projection(const Period &p, sys_seconds now) const;

private:
    std::vector<uint32_t> thresholds() const; // warn_at and 100
    config::Quota q_;
    QuotaUsage u_;
};

// Growth of a counter since it was last seen; a counter below what was seen
// was made anew (maps recreated at start), so all of it is new.
uint64_t counter_growth(uint64_t seen, uint64_t now);

} // namespace jalur::control
