// SPDX-License-Identifier: GPL-2.0-only
#include "notify/backoff.h"

#include <algorithm>

namespace jalur::notify {

std::chrono::milliseconds backoff_delay(const BackoffPolicy &p, uint32_t failures, double random01)
{
    if (failures == 0)
        return std::chrono::milliseconds(0);
    double base = static_cast<double>(p.first.count());
    // doubling stops at the cap; the shift is bounded so it cannot overflow
    for (uint32_t i = 1; i < std::min<uint32_t>(failures, 63) && base < static_cast<double>(p.max.count()); i++)
        base *= 2;
    base = std::min(base, static_cast<double>(p.max.count()));
    double r = std::clamp(random01, 0.0, 1.0);
    return std::chrono::milliseconds(static_cast<int64_t>(base * (1.0 - p.jitter * r)));
}

} // namespace jalur::notify
