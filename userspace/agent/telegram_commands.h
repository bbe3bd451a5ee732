// SPDX-License-Identifier: GPL-2.0-only
// Telegram commands (issue 21), wired: the poller (notify/bot_poller.h)
// reads the updates off the event loop; here, on the loop, the gate
// (notify/bot_commands.h) decides and the agent answers with the functions
// the control socket uses (set_wan_admin, wan_list, why_command, the event
// log). An admin action is by "telegram user ID (@name)".
#pragma once

#include "config/model.h"
#include "metrics/state_board.h"
#include "notify/bot_commands.h"
#include "notify/bot_poller.h"

#include <memory>
#include <optional>
#include <string>

namespace jalur::agent {

class Agent;

struct TelegramCounters {
    uint64_t ignored = 0;  // strangers, and commands for another bot
    uint64_t refused = 0;  // stale, malformed, unconfirmed
    uint64_t answered = 0; // replies queued
    uint64_t limited = 0;  // replies the per-chat limit held back
};

// The text of one command's answer (plain; the caller escapes it).
std::string bot_answer(Agent &agent, const notify::BotCommand &c, const notify::BotUpdate &from);

// "telegram user 12345 (@ana)"
std::string telegram_user(const notify::BotUpdate &u);

class TelegramCommands {
public:
    // Null (and the reason logged) when the section has no enabled commands
    // or the token cannot be read.
    static std::unique_ptr<TelegramCommands> start(Agent &agent, const config::Notify &cfg);
    ~TelegramCommands();

    void set_path(uint32_t fwmark) { poller_->set_path(fwmark); }
    metrics::Section section() const; // counters for /status and /metrics

private:
    TelegramCommands(Agent &agent, notify::BotPolicy policy, std::unique_ptr<notify::BotPoller> poller);
    void on_updates();
    void send(int64_t chat, const std::string &text, int64_t now, const std::string &confirm_code = "");

    Agent &agent_;
    notify::BotGate gate_;
    notify::ReplyLimiter limiter_;
    std::unique_ptr<notify::BotPoller> poller_;
    TelegramCounters counters_;
};

} // namespace jalur::agent
