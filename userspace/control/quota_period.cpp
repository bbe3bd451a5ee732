// SPDX-License-Identifier: GPL-2.0-only
#include "control/quota_period.h"

#include <algorithm>

namespace jalur::control {

using namespace std::chrono;

namespace {

// The reset day in a month, or its last day when the month is shorter
// (reset_day 31 in February is the 28th or 29th).
sys_days reset_in(year_month ym, uint32_t reset_day)
{
    auto last = static_cast<unsigned>((ym / std::chrono::last).day());
    return sys_days(ym / day(std::min(reset_day, last)));
}

sys_seconds midnight(const Zone &z, sys_days local_day) { return utc_of_local(z, sys_seconds(local_day)); }

} // namespace

sys_seconds utc_of_local(const Zone &z, sys_seconds local)
{
    // two rounds: the offset at a guess, then at the instant it gives
    sys_seconds guess = local - z.offset_at(local);
    return local - z.offset_at(guess);
}

Period period_at(const config::Quota &q, const Zone &z, sys_seconds now)
{
    sys_days today = floor<days>(now + z.offset_at(now));
    sys_days start, end;
    switch (q.period) {
    case config::QuotaPeriod::Daily:
        start = today;
        end = today + days(1);
        break;
    case config::QuotaPeriod::Weekly: {
        unsigned iso = weekday(today).iso_encoding(); // Monday 1 .. Sunday 7
        start = today - days((iso + 7 - q.reset_day) % 7);
        end = start + days(7);
        break;
    }
    case config::QuotaPeriod::Monthly: {
        year_month ym = year_month_day(today).year() / year_month_day(today).month();
        if (today < reset_in(ym, q.reset_day))
            ym -= months(1);
        start = reset_in(ym, q.reset_day);
        end = reset_in(ym + months(1), q.reset_day);
        break;
    }
    }
    return {midnight(z, start), midnight(z, end)};
}

int days_left(const Period &p, sys_seconds now)
{
    if (now >= p.end)
        return 0;
    auto left = p.end - now;
    return static_cast<int>((left + days(1) - seconds(1)) / days(1));
}

} // namespace jalur::control
