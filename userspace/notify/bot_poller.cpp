// SPDX-License-Identifier: GPL-2.0-only
#include "notify/bot_poller.h"

#include "common/json.h"
#include "notify/bot_updates.h"

#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>

#include <algorithm>
#include <cerrno>

namespace jalur::notify {

Result<std::unique_ptr<BotPoller>> BotPoller::start(const config::Notify &cfg, std::string token,
                                                    std::chrono::seconds poll)
{
    auto client = TelegramClient::create(cfg.api_base, std::move(token), cfg.timeout);
    if (!client)
        return client.error();
    UniqueFd ev(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!ev)
        return sys_error("eventfd", errno);
    std::unique_ptr<BotPoller> p(new BotPoller(std::move(client).value(), poll, cfg.timeout, std::move(ev)));
    p->worker_ = std::thread([q = p.get()] { q->run(); });
    return p;
}

BotPoller::BotPoller(TelegramClient client, std::chrono::seconds poll, std::chrono::milliseconds timeout,
                     UniqueFd event)
    : client_(std::move(client)), poll_(poll), timeout_(timeout), event_(std::move(event))
{
}

BotPoller::~BotPoller()
{
    {
        std::lock_guard lk(mu_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (worker_.joinable())
        worker_.join();
}

std::vector<BotUpdate> BotPoller::take()
{
    uint64_t n;
    (void)!::read(event_.get(), &n, sizeof(n));
    std::lock_guard lk(mu_);
    std::vector<BotUpdate> out(std::make_move_iterator(inbox_.begin()), std::make_move_iterator(inbox_.end()));
    inbox_.clear();
    return out;
}

void BotPoller::reply(Message m, std::optional<InlineButton> button)
{
    std::lock_guard lk(mu_);
    if (outbox_.size() >= kMaxQueue) {
        stats_.dropped++;
        return;
    }
    outbox_.emplace_back(std::move(m), std::move(button));
    outgoing_ = true;
    wake_.notify_all();
}

void BotPoller::set_path(uint32_t fwmark)
{
    std::lock_guard lk(mu_);
    if (path_.exchange(fwmark) != fwmark) {
        failures_ = 0;
        wake_.notify_all();
    }
}

PollerStats BotPoller::stats() const
{
    std::lock_guard lk(mu_);
    return stats_;
}

void BotPoller::run()
{
    // signals go to the event loop's signalfd, never to this thread
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, nullptr);
    std::unique_lock lk(mu_);
    while (!stopping_) {
        uint32_t mark = path_;
        if (mark == 0) {
            wake_.wait(lk);
            continue;
        }
        if (!outbox_.empty())
            send_one(mark, lk);
        else
            poll_once(mark, lk);
    }
}

// Waits 1 s doubling to 60 s, or until the path changes or we stop.
void BotPoller::back_off(std::unique_lock<std::mutex> &lk)
{
    auto delay = std::chrono::seconds(1 << std::min<uint32_t>(failures_++, 6));
    uint32_t mark = path_;
    wake_.wait_for(lk, std::min(delay, std::chrono::seconds(60)),
                   [&] { return stopping_.load() || path_.load() != mark; });
}

void BotPoller::send_one(uint32_t mark, std::unique_lock<std::mutex> &lk)
{
    auto [m, button] = std::move(outbox_.front());
    outbox_.pop_front();
    outgoing_ = !outbox_.empty();
    lk.unlock();
    auto abort = std::function<bool()>([this, mark] { return stopping_.load() || path_.load() != mark; });
    auto r = client_.send(m, mark, abort, button ? &*button : nullptr);
    lk.lock();
    if (r.outcome == Outcome::Ok) {
        stats_.replies++;
        return;
    }
    // a reply is answered now or not at all: a later one would be about another state
    stats_.reply_failures++;
    spdlog::warn("telegram commands: a reply to chat {} not sent: {}", m.chat_id, r.detail);
}

void BotPoller::poll_once(uint32_t mark, std::unique_lock<std::mutex> &lk)
{
    JsonWriter j;
    j.begin_object()
        .field("offset", offset_)
        .field("timeout", static_cast<int64_t>(poll_.count()))
        .field("limit", one_at_a_time_ ? 1 : kBatch);
    j.key("allowed_updates").begin_array().value("message").value("callback_query").end_array();
    j.end_object();
    lk.unlock();
    // a reply waiting, a WAN change or the stop end the poll: it is asked again, nothing is lost
    auto abort = std::function<bool()>(
        [this, mark] { return stopping_.load() || path_.load() != mark || outgoing_.load(); });
    std::string body;
    auto r = client_.call("getUpdates", j.str(), mark, abort, body, kMaxAnswer, poll_ + timeout_);
    lk.lock();
    if (r.outcome == Outcome::Aborted)
        return;
    std::optional<UpdateBatch> batch;
    if (r.outcome == Outcome::Ok) {
        if (auto b = parse_updates(body))
            batch = std::move(b).value();
    } else if (bool garbled = r.outcome == Outcome::Transient && r.http_status >= 200 && r.http_status < 300;
               !r.oversized && !garbled) {
        // the network or the API said no (a garbled 2xx or an oversized answer is a bad answer, below)
        if (r.outcome == Outcome::Rejected && !rejected_logged_) {
            spdlog::error("telegram commands: getUpdates refused: {} (the token, or a webhook set on this bot)",
                          r.detail);
            rejected_logged_ = true;
        } else if (failures_ == 0) { // the first of a streak: the rest are the backoff's
            spdlog::warn("telegram commands: getUpdates: {}; trying again", r.detail);
        }
        back_off(lk);
        return;
    }
    if (!batch) {
        stats_.bad_answers++;
        if (one_at_a_time_) {
            // the one update asked for cannot be read: skip it, or wait if even its id is lost
            if (auto id = first_update_id(body); id && *id >= offset_) {
                spdlog::warn("telegram commands: update {} cannot be read ({}); skipped", *id,
                             r.oversized ? "too large" : "malformed");
                offset_ = *id + 1;
                one_at_a_time_ = false;
                return;
            }
            back_off(lk);
            return;
        }
        one_at_a_time_ = true; // find which one it is
        return;
    }
    failures_ = 0;
    rejected_logged_ = false;
    one_at_a_time_ = false;
    if (batch->last_id && *batch->last_id >= offset_)
        offset_ = *batch->last_id + 1; // confirmed to Telegram by the next call: never handled twice
    stats_.skipped += batch->skipped;
    bool any = false;
    for (auto &u : batch->messages) {
        if (inbox_.size() >= kMaxQueue) {
            stats_.dropped++;
            continue;
        }
        stats_.updates++;
        inbox_.push_back(std::move(u));
        any = true;
    }
    if (any) {
        uint64_t one = 1;
        (void)!::write(event_.get(), &one, sizeof(one));
    }
}

} // namespace jalur::notify
