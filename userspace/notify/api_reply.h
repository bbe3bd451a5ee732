// SPDX-License-Identifier: GPL-2.0-only
// The Bot API's answer: {"ok":true,...} or {"ok":false,"error_code":429,
// "description":"...","parameters":{"retry_after":2}}. Only what delivery
// decides on is read; everything else is skipped.
#pragma once

#include "common/result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace jalur::notify {

struct ApiReply {
    bool ok = false;
    int64_t error_code = 0;
    std::string description;
    std::optional<int64_t> retry_after;        // seconds, with 429; clamped to kRetryAfterMin..kRetryAfterMax
    std::optional<int64_t> migrate_to_chat_id; // the group became this supergroup
};

// A server's retry_after is obeyed within these: 0 or a negative value would
// have the notifier retry hundreds of times a second, a huge one overflow
// the clock's arithmetic (and hold the chat for ever).
inline constexpr int64_t kRetryAfterMin = 1;
inline constexpr int64_t kRetryAfterMax = 3600;

// An error when the body is not a JSON object with a boolean "ok" (a proxy's
// HTML error page, a truncated body).
Result<ApiReply> parse_api_reply(std::string_view body);

} // namespace jalur::notify
