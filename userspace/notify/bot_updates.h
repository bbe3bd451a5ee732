// SPDX-License-Identifier: GPL-2.0-only
// getUpdates' answer, read for commands: {"ok":true,"result":[{"update_id":
// N,"message":{"from":{"id":..,"username":..},"chat":{"id":..},"date":..,
// "text":".."}}, {"update_id":N,"callback_query":{..,"data":".."}}, ...]}. The body comes from the network (or whoever sits on
// the path): an answer that cannot be walked is an error, never a partial
// guess; an update that is not a text message is counted and skipped.
#pragma once

#include "common/result.h"
#include "notify/bot_commands.h"

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace jalur::notify {

struct UpdateBatch {
    std::vector<BotUpdate> messages; // text messages and button presses (their data as text), in order
    std::optional<int64_t> last_id;  // the highest update_id seen: the next offset is last_id + 1
    uint64_t skipped = 0;            // updates without a text message (edits, stickers, joins...)
};

Result<UpdateBatch> parse_updates(std::string_view body);

// The first "update_id" in `prefix` (an answer cut short or garbled): with
// one update asked for at a time, the one that cannot be read, to be
// skipped rather than asked for again for ever.
std::optional<int64_t> first_update_id(std::string_view prefix);

} // namespace jalur::notify
