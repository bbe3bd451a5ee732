// SPDX-License-Identifier: GPL-2.0-only
// Alerts to Telegram that are never lost: raise() writes the alert to the
// spool (fsync'd) and returns; a worker thread delivers what is waiting, in
// order, out of the WAN set_path() names, and removes an alert only once
// every chat has it. While no WAN is live it holds everything; a crash or a
// restart resumes from the spool.
//
// The worker paces each chat (about one message a second, 20 a minute to a
// group), obeys 429's retry_after, backs off with jitter on network errors
// and 5xx, and treats 400/401/403 as a configuration error of that chat
// only: logged once, counted, never holding the other chats. The queue is
// bounded: when full, new alerts are dropped (the oldest are kept) and a
// summary says how many, as soon as there is room.
#pragma once

#include "common/result.h"
#include "config/model.h"
#include "alerts/alert.h"
#include "notify/backoff.h"
#include "notify/pacing.h"
#include "notify/spool.h"
#include "notify/telegram.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>

namespace jalur::notify {

struct Stats {
    size_t queued;             // alerts waiting (for at least one chat)
    double oldest_age_seconds; // 0 when none waits
    int64_t last_success_unix; // 0: nothing sent since start
    uint64_t sent, failed, dropped; // dropped: the queue was full, or too many were held in memory
    size_t unspooled = 0;           // held in memory only: the spool could not be written (a full disk)
};

// The bot token, from token_file or token_env. A token file others may read
// is accepted with a warning in `warning`. Errors never contain the token.
Result<std::string> read_token(const config::Notify &cfg, std::string &warning);

class Notifier {
public:
    static Result<std::unique_ptr<Notifier>> start(const config::Notify &cfg); // worker thread; resumes the spool
    Notifier(const Notifier &) = delete;
    Notifier &operator=(const Notifier &) = delete;
    ~Notifier(); // stops the worker promptly, even mid-request

    // Durable (fsync'd in the spool) before it returns; never blocks on the
    // network. An error: the alert is not queued (the queue is full, or the
    // disk failed); the caller logs it.
    Result<void> raise(const Alert &a);
    // The mark of a live WAN to send through; 0: no WAN is live, hold everything.
    void set_path(uint32_t fwmark);
    Stats stats() const; // thread-safe
    // Waits up to `max` for the queue to empty (at stop, so that the stop
    // alert has its chance); false when something still waits.
    bool flush(std::chrono::milliseconds max);

private:
    struct ChatState {
        config::NotifyChat cfg;
        std::string target;                 // cfg.id, or where it migrated to
        Clock::time_point next_try{};       // after 429 or a backoff
        uint32_t failures = 0;              // in a row
        bool error_logged = false;          // the current configuration error, once
    };
    struct Work {
        uint64_t seq;
        size_t part;
        ChatState *chat;
    };

    Notifier(const config::Notify &cfg, Spool spool, TelegramClient client);
    void run();
    std::optional<Work> next_work(Clock::time_point now, Clock::time_point &wake);
    void apply(const Work &w, const SendResult &r);
    void give_up(const Work &w);
    void remove_complete();
    void report_drops();
    void load_migrations();
    void save_migrations();
    void write_status();
    void retry_spool();

    config::Notify cfg_;
    mutable std::mutex mu_;
    std::condition_variable wake_;    // work may be there: raise, set_path, stop
    std::condition_variable drained_; // the queue became empty
    Spool spool_;
    TelegramClient client_;
    std::vector<ChatState> chats_;
    Pacer pacer_;
    BackoffPolicy net_backoff_{};
    BackoffPolicy auth_backoff_{std::chrono::seconds(60), std::chrono::minutes(10), 0.25};
    uint32_t net_failures_ = 0;
    Clock::time_point net_next_try_{};
    std::mt19937_64 rng_{std::random_device{}()};
    uint32_t path_ = 0;
    std::atomic<uint32_t> live_path_{0}; // read by the abort check, without the lock
    std::atomic<bool> stopping_{false};
    std::string host_;
    uint64_t sent_ = 0, failed_ = 0, dropped_ = 0;
    int64_t last_success_unix_ = 0;
    bool spool_failing_ = false; // logged once, until it works again
    std::string last_status_; // what status.json holds
    std::thread worker_; // last: started once everything above exists
};

} // namespace jalur::notify
