// SPDX-License-Identifier: GPL-2.0-only
// The period of a data cap (issue 20): from a quota's period, reset day and
// zone, the instants its current period started and ends. Pure: the zone is
// an interface (a fixed offset here; the system's is an effector,
// agent/system_zone.h), so months of 28..31 days, a reset day of 31, leap
// years and offsets are unit tests with a fake clock.
#pragma once

#include "config/model.h"

#include <chrono>

namespace jalur::control {

using std::chrono::sys_seconds;

// What a zone says of an instant: the offset from UTC in effect then.
class Zone {
public:
    virtual ~Zone() = default;
    virtual std::chrono::seconds offset_at(sys_seconds utc) const = 0;
};

class FixedZone : public Zone {
public:
    explicit FixedZone(std::chrono::seconds offset) : offset_(offset) {}
    std::chrono::seconds offset_at(sys_seconds) const override { return offset_; }

private:
    std::chrono::seconds offset_;
};

// The instant a local wall time (seconds since the epoch as if local were
// UTC) falls on. A wall time an offset change skips or repeats resolves to
// an instant near it: a period boundary an hour off at a DST change is fine.
sys_seconds utc_of_local(const Zone &z, sys_seconds local);

struct Period {
    sys_seconds start, end; // [start, end)
    bool operator==(const Period &) const = default;
};

// The period `now` falls in: it starts at local midnight of the reset day
// (monthly: that day of the month, or the month's last day when it is
// shorter; weekly: that day of the week; daily: every day).
Period period_at(const config::Quota &q, const Zone &z, sys_seconds now);

// Whole or part days from now to the period's end, at least 0.
int days_left(const Period &p, sys_seconds now);

} // namespace jalur::control
