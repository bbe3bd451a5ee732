// SPDX-License-Identifier: GPL-2.0-only
// The bot's side of Telegram commands, off the event loop: a thread long
// polls getUpdates out of the WAN set_path() names (as the alerts go), hands
// each text message to the event loop (an eventfd becomes readable; take()
// returns them) and sends the replies reply() queues. The deciding and the
// answering are the agent's (bot_commands.h, agent/telegram_commands.h).
//
// The answers are not trusted: one larger than kMaxAnswer or that cannot be
// walked is counted and skipped, and the offset moves past every update
// read, so none is handled twice. Both queues are bounded.
#pragma once

#include "common/result.h"
#include "common/unique_fd.h"
#include "config/model.h"
#include "notify/bot_commands.h"
#include "notify/telegram.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace jalur::notify {

struct PollerStats {
    uint64_t updates = 0;     // text messages read and handed on
    uint64_t skipped = 0;     // updates that are not text messages
    uint64_t bad_answers = 0; // oversized or malformed getUpdates answers
    uint64_t dropped = 0;     // messages or replies beyond the queues' bounds
    uint64_t replies = 0, reply_failures = 0;
};

class BotPoller {
public:
    static constexpr size_t kMaxAnswer = 256 * 1024; // 20 updates of 4096 characters fit
    static constexpr size_t kMaxQueue = 64;
    static constexpr int kBatch = 20;

    static Result<std::unique_ptr<BotPoller>> start(const config::Notify &cfg, std::string token,
                                                    std::chrono::seconds poll = std::chrono::seconds(25));
    BotPoller(const BotPoller &) = delete;
    ~BotPoller(); // stops the thread promptly, even mid-poll

    int fd() const { return event_.get(); } // readable: take() has messages
    std::vector<BotUpdate> take();          // clears the eventfd
    void reply(Message m, std::optional<InlineButton> button = std::nullopt);
    void set_path(uint32_t fwmark); // 0: no WAN is live, wait
    PollerStats stats() const;

private:
    BotPoller(TelegramClient client, std::chrono::seconds poll, std::chrono::milliseconds timeout, UniqueFd event);
    void run();
    void poll_once(uint32_t mark, std::unique_lock<std::mutex> &lk);
    void send_one(uint32_t mark, std::unique_lock<std::mutex> &lk);
    void back_off(std::unique_lock<std::mutex> &lk);

    TelegramClient client_;
    std::chrono::seconds poll_;
    std::chrono::milliseconds timeout_;
    UniqueFd event_;
    mutable std::mutex mu_;
    std::condition_variable wake_;
    std::deque<BotUpdate> inbox_;
    std::deque<std::pair<Message, std::optional<InlineButton>>> outbox_;
    int64_t offset_ = 0;
    bool one_at_a_time_ = false; // after a bad answer: ask for one update, to find the bad one
    uint32_t failures_ = 0;
    bool rejected_logged_ = false;
    PollerStats stats_;
    std::atomic<uint32_t> path_{0};
    std::atomic<bool> stopping_{false};
    std::atomic<bool> outgoing_{false}; // a reply waits: a long poll gives way
    std::thread worker_;                // last
};

} // namespace jalur::notify
