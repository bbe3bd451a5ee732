// SPDX-License-Identifier: GPL-2.0-only
// Telegram's limits per chat: about one message a second to any chat, and
// at most 20 a minute to a group (a negative chat id). Sending faster earns
// 429s; pacing here means they are the exception. Pure, clock from outside.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <string>

namespace jalur::notify {

using Clock = std::chrono::steady_clock;

struct PacingLimits {
    std::chrono::milliseconds per_message{1000};
    size_t group_per_minute = 20;
};

class Pacer {
public:
    explicit Pacer(PacingLimits l = {}) : l_(l) {}

    // The earliest time `chat` may get its next message (a time in the
    // past when it may have one now).
    Clock::time_point ready_at(const std::string &chat) const;
    void sent(const std::string &chat, Clock::time_point now);

    static bool is_group(const std::string &chat) { return !chat.empty() && chat[0] == '-'; }

private:
    PacingLimits l_;
    std::map<std::string, std::deque<Clock::time_point>> sent_; // the last minute's sends
};

} // namespace jalur::notify
