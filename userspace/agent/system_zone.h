// SPDX-License-Identifier: GPL-2.0-only
// The system's time zone (TZ, /etc/localtime) for quota periods whose
// `timezone` is local: the offset glibc's localtime_r gives for an instant.
#pragma once

#include "control/quota_period.h"

#include <ctime>

namespace jalur::agent {

class SystemZone : public control::Zone {
public:
    std::chrono::seconds offset_at(control::sys_seconds utc) const override
    {
        std::time_t t = static_cast<std::time_t>(utc.time_since_epoch().count());
        std::tm tm{};
        if (!localtime_r(&t, &tm))
            return std::chrono::seconds(0);
        return std::chrono::seconds(tm.tm_gmtoff);
    }
};

} // namespace jalur::agent
