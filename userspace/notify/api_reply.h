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
    std::optional<int64_t> retry_after;        // seconds, with 429
    std::optional<int64_t> migrate_to_chat_id; // the group became this supergroup
};

// An error when the body is not a JSON object with a boolean "ok" (a proxy's
// HTML error page, a truncated body).
Result<ApiReply> parse_api_reply(std::string_view body);

} // namespace jalur::notify
