// SPDX-License-Identifier: GPL-2.0-only
// One Bot API call, sendMessage, over libcurl, out of a chosen WAN: the
// socket carries that WAN's fwmark (SO_MARK), so jalur's own policy rules
// route it there and never through a WAN that is down.
//
// The token is part of the URL, and libcurl's errors name the URL: every
// text that leaves this class goes through redact_token() first.
#pragma once

#include "common/result.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace jalur::notify {

struct Message {
    std::string chat_id; // "-1001234567890", "12345" or "@channel"
    std::optional<int64_t> thread_id;
    std::string html;    // parse_mode HTML, already escaped and within the limit
    bool silent = false; // disable_notification
};

// A button under a message; pressing it sends `data` back (a callback_query).
struct InlineButton {
    std::string text, data;
};

enum class Outcome {
    Ok,         // "ok": true
    RetryAfter, // 429: wait retry_after, then try again
    Transient,  // network error, timeout, 5xx, a garbled answer: back off, try again
    Rejected,   // 400/401/403/404: a configuration error; trying again changes nothing
    Migrated,   // the group became a supergroup: send to migrate_to instead
    Aborted,    // abort() said stop (shutting down, or the WAN changed)
};

const char *outcome_name(Outcome o);

struct SendResult {
    Outcome outcome = Outcome::Transient;
    long http_status = 0;
    std::chrono::seconds retry_after{0};
    std::string migrate_to;
    std::string detail; // for the log: redacted
    bool oversized = false; // the answer was larger than the caller's bound
};

// Every occurrence of the token (also URL-encoded) and of any "/bot.../"
// URL segment becomes "<token>".
std::string redact_token(std::string text, std::string_view token);

// The JSON body of a sendMessage call (exposed for tests).
std::string send_message_body(const Message &m, const InlineButton *button = nullptr);

class TelegramClient {
public:
    static Result<TelegramClient> create(std::string api_base, std::string token, std::chrono::milliseconds timeout);
    TelegramClient(TelegramClient &&) noexcept;
    TelegramClient &operator=(TelegramClient &&) noexcept;
    ~TelegramClient();

    // Blocks for at most the timeout. `abort` is polled while waiting (at
    // least once a second): returning true ends the call with Aborted.
    // fwmark 0 sends without a mark (the main table decides).
    SendResult send(const Message &m, uint32_t fwmark, const std::function<bool()> &abort,
                    const InlineButton *button = nullptr);

    // Any Bot API method with a JSON body (getUpdates, for commands): the
    // answer's body lands in `reply`, at most `max_reply` bytes (beyond, the
    // transfer ends Transient with `oversized` set and what came so far in
    // `reply`). `timeout` replaces the configured one: a long poll waits
    // longer than a send.
    SendResult call(const std::string &method, const std::string &body, uint32_t fwmark,
                    const std::function<bool()> &abort, std::string &reply, size_t max_reply,
                    std::chrono::milliseconds timeout);

private:
    struct Impl;
    explicit TelegramClient(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace jalur::notify
