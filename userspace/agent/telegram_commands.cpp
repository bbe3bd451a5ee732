// SPDX-License-Identifier: GPL-2.0-only
#include "agent/telegram_commands.h"

#include "agent/admin_commands.h"
#include "agent/agent.h"
#include "agent/why_command.h"
#include "alerts/text.h"
#include "common/json.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <random>

namespace jalur::agent {

namespace {

// A reply stays one message: Telegram's limit is 4096 characters
constexpr size_t kMaxAnswer = 3500;

int64_t unix_now()
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string events_text(const EventLog &log, const std::string *count)
{
    size_t n = 10;
    if (count) {
        unsigned v = 0;
        auto [end, ec] = std::from_chars(count->data(), count->data() + count->size(), v);
        if (ec != std::errc() || end != count->data() + count->size() || v == 0)
            return "usage: /events [COUNT], COUNT a number from 1";
        n = std::min<size_t>(v, 50);
    }
    uint64_t last = log.last_seq();
    auto text = events_reply(log, last > n ? last - n : 0, 0, false).text;
    return text.empty() ? "no events yet" : text;
}

} // namespace

std::string telegram_user(const notify::BotUpdate &u)
{
    std::string name;
    for (char c : u.username) // a username is [A-Za-z0-9_]: anything else is not shown
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '_')
            name += c;
    return "telegram user " + std::to_string(u.user_id) + (name.empty() ? "" : " (@" + name.substr(0, 32) + ")");
}

std::string bot_answer(Agent &agent, const notify::BotCommand &c, const notify::BotUpdate &from)
{
    using notify::BotVerb;
    switch (c.verb) {
    case BotVerb::Status:
    case BotVerb::Wans:
        return agent.wan_list(false);
    case BotVerb::Events:
        return events_text(agent.events(), c.args.empty() ? nullptr : &c.args[0]);
    case BotVerb::Why: {
        ctl::Request req{"why", {{"src", c.args[0]}, {"dst", c.args[1]}}};
        const char *rest[] = {"proto", "sport", "dport"};
        for (size_t i = 2; i < c.args.size(); i++)
            req.args[rest[i - 2]] = c.args[i];
        auto r = why_command(agent, req);
        return r.text;
    }
    case BotVerb::Drain:
    case BotVerb::Disable:
    case BotVerb::Enable: {
        auto admin = c.verb == BotVerb::Drain     ? control::Admin::Drain
                     : c.verb == BotVerb::Disable ? control::Admin::Disabled
                                                  : control::Admin::Enabled;
        auto r = agent.set_wan_admin(c.args[0], admin, {telegram_user(from), "", std::nullopt});
        return r ? r.value() : "not done: " + r.error().message;
    }
    case BotVerb::Help:
    case BotVerb::Confirm:
        break;
    }
    return "commands: /status, /wans, /events [COUNT], /why SRC DST [PROTO SPORT DPORT], /drain WAN, /disable WAN, "
           "/enable WAN (these three ask for /confirm CODE)";
}

std::unique_ptr<TelegramCommands> TelegramCommands::start(Agent &agent, const config::Notify &cfg)
{
    if (!cfg.commands || !cfg.commands->enabled)
        return nullptr;
    std::string warning; // already said by the notifier
    auto token = notify::read_token(cfg, warning);
    if (!token) {
        spdlog::error("telegram commands: {}; the bot does not read commands", token.error().message);
        return nullptr;
    }
    auto poller = notify::BotPoller::start(cfg, std::move(token).value());
    if (!poller) {
        spdlog::error("telegram commands: {}; the bot does not read commands", poller.error().message);
        return nullptr;
    }
    notify::BotPolicy policy;
    policy.admins.insert(cfg.commands->admins.begin(), cfg.commands->admins.end());
    policy.chats.insert(cfg.commands->chats.begin(), cfg.commands->chats.end());
    policy.bot = cfg.commands->bot;
    std::unique_ptr<TelegramCommands> t(new TelegramCommands(agent, std::move(policy), std::move(poller).value()));
    if (auto r = agent.loop().watch(t->poller_->fd(), [p = t.get()] { p->on_updates(); }); !r) {
        spdlog::error("telegram commands: {}; the bot does not read commands", r.error().message);
        return nullptr;
    }
    spdlog::info("telegram commands: taken from {} admin(s) in {} chat(s)", cfg.commands->admins.size(),
                 cfg.commands->chats.size());
    return t;
}

TelegramCommands::TelegramCommands(Agent &agent, notify::BotPolicy policy, std::unique_ptr<notify::BotPoller> poller)
    : agent_(agent), gate_(std::move(policy),
                           [] {
                               static thread_local std::mt19937 rng{std::random_device{}()};
                               return std::to_string(std::uniform_int_distribution<int>(100000, 999999)(rng));
                           }),
      poller_(std::move(poller))
{
}

TelegramCommands::~TelegramCommands() { agent_.loop().unwatch(poller_->fd()); }

void TelegramCommands::send(int64_t chat, const std::string &text, int64_t now, const std::string &confirm_code)
{
    if (!limiter_.allow(chat, now)) {
        counters_.limited++;
        return;
    }
    std::string body = text.size() > kMaxAnswer ? text.substr(0, kMaxAnswer) + "\n[cut]" : text;
    // escaped like the alerts: an event's text or a WAN's reason is not trusted
    notify::Message m{std::to_string(chat), std::nullopt, "<pre>" + notify::html_escape(body) + "</pre>", false};
    std::optional<notify::InlineButton> button; // sends the confirmation back, as if typed
    if (!confirm_code.empty())
        button = notify::InlineButton{"Confirm", "/confirm " + confirm_code};
    poller_->reply(std::move(m), std::move(button));
    counters_.answered++;
}

void TelegramCommands::on_updates()
{
    for (const auto &u : poller_->take()) {
        int64_t now = unix_now();
        auto d = gate_.decide(u, now);
        switch (d.verdict) {
        case notify::Verdict::Ignore:
            counters_.ignored++;
            spdlog::debug("telegram commands: update {} from user {} in chat {} ignored", u.update_id, u.user_id,
                          u.chat_id);
            break;
        case notify::Verdict::Refuse:
            counters_.refused++;
            spdlog::info("telegram commands: {} refused: {}", telegram_user(u), d.reply);
            send(u.chat_id, d.reply, now);
            break;
        case notify::Verdict::Confirm:
            send(u.chat_id, d.reply, now, d.code);
            break;
        case notify::Verdict::Run:
            spdlog::info("telegram commands: {} runs /{}", telegram_user(u), notify::bot_verb_name(d.command.verb));
            send(u.chat_id, bot_answer(agent_, d.command, u), now);
            break;
        }
    }
}

metrics::Section TelegramCommands::section() const
{
    auto p = poller_->stats();
    auto c = counters_;
    return metrics::Section{
        [p, c](metrics::Writer &w) {
            w.family("jalur_telegram_commands_total", metrics::Type::Counter,
                     "Telegram updates the bot read, by what became of them.");
            w.sample({{"result", "read"}}, p.updates);
            w.sample({{"result", "ignored"}}, c.ignored);
            w.sample({{"result", "refused"}}, c.refused);
            w.sample({{"result", "answered"}}, c.answered);
            w.sample({{"result", "rate_limited"}}, c.limited);
            w.sample({{"result", "not_a_message"}}, p.skipped);
            w.sample({{"result", "dropped"}}, p.dropped);
            w.family("jalur_telegram_bad_answers_total", metrics::Type::Counter,
                     "getUpdates answers that were oversized or could not be read (skipped).");
            w.sample({}, p.bad_answers);
        },
        [p, c](JsonWriter &j) {
            j.begin_object()
                .field("updates", p.updates)
                .field("ignored", c.ignored)
                .field("refused", c.refused)
                .field("answered", c.answered)
                .field("rate_limited", c.limited)
                .field("not_a_message", p.skipped)
                .field("dropped", p.dropped)
                .field("bad_answers", p.bad_answers)
                .field("replies_sent", p.replies)
                .field("replies_failed", p.reply_failures)
                .end_object();
        },
    };
}

} // namespace jalur::agent
