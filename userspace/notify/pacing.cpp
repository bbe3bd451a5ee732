// SPDX-License-Identifier: GPL-2.0-only
#include "notify/pacing.h"

#include <algorithm>

namespace jalur::notify {

Clock::time_point Pacer::ready_at(const std::string &chat) const
{
    auto it = sent_.find(chat);
    if (it == sent_.end() || it->second.empty())
        return Clock::time_point::min();
    const auto &h = it->second;
    auto at = h.back() + l_.per_message;
    if (is_group(chat) && h.size() >= l_.group_per_minute)
        at = std::max(at, h[h.size() - l_.group_per_minute] + std::chrono::minutes(1));
    return at;
}

void Pacer::sent(const std::string &chat, Clock::time_point now)
{
    auto &h = sent_[chat];
    h.push_back(now);
    while (!h.empty() && (h.front() + std::chrono::minutes(1) <= now || h.size() > l_.group_per_minute))
        h.pop_front();
}

} // namespace jalur::notify
