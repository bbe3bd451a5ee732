// SPDX-License-Identifier: GPL-2.0-only
#include "notify/telegram.h"

#include "common/curl_global.h"
#include "common/curl_mark.h"

#include "common/json.h"
#include "notify/api_reply.h"

#include <curl/curl.h>

#include <cerrno>
#include <cstring>
#include <mutex>

namespace jalur::notify {

namespace {

struct CurlEasyDeleter {
    void operator()(CURL *c) const { curl_easy_cleanup(c); }
};
struct CurlListDeleter {
    void operator()(curl_slist *l) const { curl_slist_free_all(l); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlList = std::unique_ptr<curl_slist, CurlListDeleter>;

constexpr size_t kMaxReply = 64 * 1024; // a sendMessage reply is far smaller

struct Body {
    std::string *text;
    size_t max;
    bool oversized = false;
};

size_t on_body(char *data, size_t size, size_t n, void *user)
{
    auto *body = static_cast<Body *>(user);
    size_t len = size * n;
    if (body->text->size() + len > body->max) {
        body->oversized = true;
        return 0; // ends the transfer with a write error
    }
    body->text->append(data, len);
    return len;
}

int on_progress(void *user, curl_off_t, curl_off_t, curl_off_t, curl_off_t)
{
    const auto *abort = static_cast<const std::function<bool()> *>(user);
    return *abort && (*abort)() ? 1 : 0;
}

bool numeric_chat(const std::string &id)
{
    if (id.empty() || id.size() > 20)
        return false;
    size_t i = id[0] == '-' ? 1 : 0;
    return i < id.size() && id.find_first_not_of("0123456789", i) == std::string::npos;
}

void replace_all(std::string &s, std::string_view what, std::string_view with)
{
    if (what.empty())
        return;
    for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + with.size()))
        s.replace(at, what.size(), with);
}

} // namespace

const char *outcome_name(Outcome o)
{
    switch (o) {
    case Outcome::Ok: return "ok";
    case Outcome::RetryAfter: return "retry after";
    case Outcome::Transient: return "transient failure";
    case Outcome::Rejected: return "rejected";
    case Outcome::Migrated: return "chat migrated";
    case Outcome::Aborted: return "aborted";
    }
    return "?";
}

std::string redact_token(std::string text, std::string_view token)
{
    replace_all(text, token, "<token>");
    std::string encoded(token);
    replace_all(encoded, ":", "%3A");
    replace_all(text, encoded, "<token>");
    // whatever follows "/bot" in a URL is a token, even one we do not know
    for (size_t at = text.find("/bot"); at != std::string::npos; at = text.find("/bot", at + 4)) {
        size_t end = text.find_first_of("/ \t\n\"'", at + 4);
        if (end == std::string::npos)
            end = text.size();
        if (end > at + 4)
            text.replace(at + 4, end - at - 4, "<token>");
    }
    return text;
}

std::string send_message_body(const Message &m, const InlineButton *button)
{
    JsonWriter j;
    j.begin_object();
    j.key("chat_id");
    if (numeric_chat(m.chat_id))
        j.value(static_cast<int64_t>(std::stoll(m.chat_id)));
    else
        j.value(m.chat_id);
    if (m.thread_id)
        j.field("message_thread_id", *m.thread_id);
    j.field("text", m.html).field("parse_mode", "HTML").field("disable_notification", m.silent);
    // a hostname in an alert must not turn into a link preview fetched by Telegram
    j.key("link_preview_options").begin_object().field("is_disabled", true).end_object();
    if (button)
        j.key("reply_markup")
            .begin_object()
            .key("inline_keyboard")
            .begin_array()
            .begin_array()
            .begin_object()
            .field("text", button->text)
            .field("callback_data", button->data)
            .end_object()
            .end_array()
            .end_array()
            .end_object();
    j.end_object();
    return j.str();
}

struct TelegramClient::Impl {
    std::string url, token;
    std::chrono::milliseconds timeout;
    CurlEasy easy;
    uint32_t easy_mark = 0; // the mark of the connections `easy` may reuse
    uint32_t mark = 0;      // read by curl_mark_socket
};

TelegramClient::TelegramClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TelegramClient::TelegramClient(TelegramClient &&) noexcept = default;
TelegramClient &TelegramClient::operator=(TelegramClient &&) noexcept = default;
TelegramClient::~TelegramClient() = default;

Result<TelegramClient> TelegramClient::create(std::string api_base, std::string token,
                                              std::chrono::milliseconds timeout)
{
    if (auto r = curl_global(); !r)
        return r.error();
    while (!api_base.empty() && api_base.back() == '/')
        api_base.pop_back();
    auto impl = std::make_unique<Impl>();
    impl->url = api_base + "/bot" + token + "/";
    impl->token = std::move(token);
    impl->timeout = timeout;
    return TelegramClient(std::move(impl));
}

SendResult TelegramClient::send(const Message &m, uint32_t fwmark, const std::function<bool()> &abort,
                                const InlineButton *button)
{
    std::string reply;
    return call("sendMessage", send_message_body(m, button), fwmark, abort, reply, kMaxReply, impl_->timeout);
}

SendResult TelegramClient::call(const std::string &method, const std::string &body, uint32_t fwmark,
                                const std::function<bool()> &abort, std::string &reply, size_t max_reply,
                                std::chrono::milliseconds timeout)
{
    auto &im = *impl_;
    SendResult res;
    // a kept-alive connection leaves by the WAN it was opened on: a new
    // mark needs new connections
    if (!im.easy || im.easy_mark != fwmark) {
        im.easy.reset(curl_easy_init());
        im.easy_mark = fwmark;
    }
    CURL *c = im.easy.get();
    if (!c) {
        res.detail = "libcurl: cannot create a handle";
        return res;
    }
    im.mark = fwmark;
    reply.clear();
    Body sink{&reply, max_reply};
    std::string url = im.url + method;
    char errbuf[CURL_ERROR_SIZE] = "";
    CurlList headers(curl_slist_append(nullptr, "Content-Type: application/json"));
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L); // a worker thread: no SIGALRM for DNS timeouts
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(im.timeout.count()));
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(c, CURLOPT_SOCKOPTFUNCTION, curl_mark_socket);
    curl_easy_setopt(c, CURLOPT_SOCKOPTDATA, &im.mark);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &abort);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "jalur/" JALUR_VERSION);
    CURLcode rc = curl_easy_perform(c);
    // nothing may point at this frame once it returns
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, nullptr);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, nullptr);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, nullptr);

    if (rc == CURLE_ABORTED_BY_CALLBACK) {
        res.outcome = Outcome::Aborted;
        res.detail = "aborted";
        return res;
    }
    if (rc != CURLE_OK) {
        res.oversized = sink.oversized;
        im.easy.reset(); // its connection may be half-dead
        res.detail = redact_token(std::string(curl_easy_strerror(rc)) + (errbuf[0] ? std::string(": ") + errbuf : ""),
                                  im.token);
        return res;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res.http_status);
    auto parsed = parse_api_reply(reply);
    if (!parsed) {
        res.detail = redact_token("HTTP " + std::to_string(res.http_status) + ": " + parsed.error().message, im.token);
        return res; // transient: a proxy's error page, a server restarting
    }
    const auto &r = parsed.value();
    res.detail = redact_token(r.description, im.token);
    if (r.ok) {
        res.outcome = Outcome::Ok;
        return res;
    }
    long code = r.error_code ? static_cast<long>(r.error_code) : res.http_status;
    res.http_status = code; // the API's own code is the one that means something
    if (r.migrate_to_chat_id) {
        res.outcome = Outcome::Migrated;
        res.migrate_to = std::to_string(*r.migrate_to_chat_id);
    } else if (code == 429) {
        res.outcome = Outcome::RetryAfter;
        res.retry_after = std::chrono::seconds(r.retry_after.value_or(5));
    } else if (code == 400 || code == 401 || code == 403 || code == 404) {
        res.outcome = Outcome::Rejected;
    }
    res.detail = "HTTP " + std::to_string(code) + ": " + res.detail;
    return res;
}

} // namespace jalur::notify
