// SPDX-License-Identifier: GPL-2.0-only
// Telegram commands (issue 21), the part that decides, without the network:
// which updates are obeyed, which are refused with a reason, which are
// ignored without a word, and which wait for a confirmation. Pure: the
// clock and the random confirmation codes are the caller's.
//
//   - only configured admin user ids, in configured chats; anything else is
//     ignored (counted, never answered: a stranger learns nothing, not even
//     that the bot listens)
//   - a command older than max_age when it arrives (queued while every WAN
//     was down) is refused, not run: the state it was meant for has passed
//   - destructive commands (/drain, /disable, /enable) run only after
//     "/confirm CODE" from the same admin in the same chat within
//     confirm_within; a code is used once
//   - replies are bounded per chat (ReplyLimiter)
//
// Wired by notify/bot_poller.h (getUpdates, replies) and
// agent/telegram_commands.h (the answers).
#pragma once

#include "common/result.h"

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace jalur::notify {

// One message (or inline-button press) from getUpdates, as far as commands go.
struct BotUpdate {
    int64_t update_id = 0;
    int64_t chat_id = 0;
    int64_t user_id = 0;
    int64_t date_unix = 0; // when Telegram received it
    std::string text;      // the message text, or the button's callback data
    std::string username;  // the sender's @username, without '@'; may be empty
};

enum class BotVerb { Status, Wans, Events, Why, Drain, Disable, Enable, Confirm, Help };

struct BotCommand {
    BotVerb verb = BotVerb::Help;
    std::vector<std::string> args;
    bool operator==(const BotCommand &) const = default;
};

const char *bot_verb_name(BotVerb v); // "status", "drain", ...
bool destructive(BotVerb v);

// "/drain isp1", "/drain@jalur_bot isp1", "/why 192.0.2.11 198.51.100.10";
// `bot` is the bot's username: a command addressed to another bot in a
// group is not ours. An error says what is expected.
Result<BotCommand> parse_bot_command(std::string_view text, std::string_view bot);

struct BotPolicy {
    std::set<int64_t> admins; // user ids
    std::set<int64_t> chats;  // chat ids
    std::string bot;          // the bot's username, without '@'
    std::chrono::seconds max_age{60};
    std::chrono::seconds confirm_within{60};
};

enum class Verdict {
    Ignore,  // not from an admin in an admin chat: no answer
    Refuse,  // an admin's command that is not run: `reply` says why
    Confirm, // destructive: `reply` asks for /confirm `code`
    Run,     // run `command` (a confirmed one included)
};

struct Decision {
    Verdict verdict = Verdict::Ignore;
    BotCommand command;
    std::string reply; // plain text; the sender escapes it
    std::string code;  // with Confirm
};

struct BotStats {
    uint64_t strangers = 0; // ignored: not an admin, or not an admin chat
    uint64_t stale = 0;     // refused: older than max_age
    uint64_t malformed = 0; // refused: not a command we know
    uint64_t confirmations_asked = 0, confirmed = 0, confirmations_refused = 0;
    uint64_t run = 0;
};

class BotGate {
public:
    static constexpr size_t kMaxPending = 16; // confirmations waiting; the oldest go first

    // `code` makes a confirmation code ("483920"); random in the agent.
    BotGate(BotPolicy policy, std::function<std::string()> code)
        : policy_(std::move(policy)), code_(std::move(code))
    {
    }

    Decision decide(const BotUpdate &u, int64_t now_unix);
    const BotStats &stats() const { return stats_; }

private:
    struct Pending {
        std::string code;
        BotCommand command;
        int64_t chat_id, user_id, expires_unix;
    };
    Decision confirm(const BotUpdate &u, const BotCommand &c, int64_t now_unix);

    BotPolicy policy_;
    std::function<std::string()> code_;
    std::deque<Pending> pending_;
    BotStats stats_;
};

// At most `per_minute` replies to a chat in any minute (Telegram allows a
// group about 20): a flood of commands is answered in part, never queued
// without bound.
class ReplyLimiter {
public:
    explicit ReplyLimiter(size_t per_minute = 10) : per_minute_(per_minute) {}
    bool allow(int64_t chat_id, int64_t now_unix);
    uint64_t suppressed() const { return suppressed_; }

private:
    size_t per_minute_;
    std::map<int64_t, std::deque<int64_t>> sent_; // by chat: the times of the replies of the last minute
    uint64_t suppressed_ = 0;
};

} // namespace jalur::notify
