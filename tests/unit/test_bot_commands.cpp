// SPDX-License-Identifier: GPL-2.0-only
// Telegram commands, the deciding part: parsing, who is obeyed (and who is
// ignored without an answer), stale commands refused, destructive commands
// confirmed by the same admin in the same chat, once, in time; replies
// bounded per chat.
#include "notify/bot_commands.h"

#include <catch2/catch.hpp>

using namespace jalur;
using namespace jalur::notify;

namespace {

constexpr int64_t kAdmin = 42, kOther = 43, kChat = -1001, kNow = 1'800'000'000;

BotGate gate()
{
    BotPolicy p;
    p.admins = {kAdmin, kOther};
    p.chats = {kChat, kAdmin}; // a group, and the admin's private chat
    p.bot = "jalur_bot";
    int n = 0;
    return BotGate(p, [n]() mutable { return std::to_string(100000 + ++n); });
}

BotUpdate from(int64_t user, int64_t chat, std::string text, int64_t date = kNow)
{
    return {1, chat, user, date, std::move(text), ""};
}

} // namespace

TEST_CASE("bot commands: parsed with their arguments, addressed to us or to nobody")
{
    auto c = parse_bot_command("/drain isp1", "jalur_bot");
    REQUIRE(c);
    CHECK(c->verb == BotVerb::Drain);
    CHECK(c->args == std::vector<std::string>{"isp1"});
    auto w = parse_bot_command("  /why@jalur_bot 192.0.2.11   198.51.100.10 tcp 51000 443 ", "jalur_bot");
    REQUIRE(w);
    CHECK(w->verb == BotVerb::Why);
    CHECK(w->args.size() == 5);
    CHECK(parse_bot_command("/status", "jalur_bot")->verb == BotVerb::Status);

    auto other = parse_bot_command("/status@someone_else_bot", "jalur_bot");
    REQUIRE(!other);
    CHECK(other.error().kind == ErrorKind::NotFound);
    CHECK(parse_bot_command("/drain", "b").error().message == "usage: /drain WAN");
    CHECK(parse_bot_command("/drain isp1 isp2", "b").error().message == "usage: /drain WAN");
    CHECK(parse_bot_command("/why 192.0.2.1", "b").error().message == "usage: /why SRC DST [PROTO SPORT DPORT]");
    CHECK(parse_bot_command("/reboot", "b").error().message.rfind("unknown command /reboot; commands: /status, ", 0) == 0);
    CHECK(!parse_bot_command("hello", "b"));
    CHECK(!parse_bot_command("/", "b"));
    CHECK(!parse_bot_command(std::string(600, 'a'), "b"));
}

TEST_CASE("bot commands: strangers and other chats are ignored and counted, never answered")
{
    auto g = gate();
    auto d = g.decide(from(999, kChat, "/status"), kNow);
    CHECK(d.verdict == Verdict::Ignore);
    CHECK(d.reply.empty());
    d = g.decide(from(kAdmin, -555, "/status"), kNow); // an admin, in a chat not configured
    CHECK(d.verdict == Verdict::Ignore);
    d = g.decide(from(999, kChat, "/drain isp1"), kNow);
    CHECK(d.verdict == Verdict::Ignore);
    CHECK(g.stats().strangers == 3);
    CHECK(g.decide(from(kAdmin, kChat, "/status"), kNow).verdict == Verdict::Run);
    CHECK(g.stats().run == 1);
}

TEST_CASE("bot commands: a command older than a minute is refused, not run")
{
    auto g = gate();
    auto d = g.decide(from(kAdmin, kChat, "/drain isp1", kNow - 120), kNow);
    CHECK(d.verdict == Verdict::Refuse);
    CHECK(d.reply.find("sent 120 s ago") != std::string::npos);
    CHECK(g.decide(from(kAdmin, kChat, "/status", kNow - 61), kNow).verdict == Verdict::Refuse);
    CHECK(g.decide(from(kAdmin, kChat, "/status", kNow - 60), kNow).verdict == Verdict::Run);
    CHECK(g.stats().stale == 2);
    // a confirmation that arrives late is stale too
    auto ask = g.decide(from(kAdmin, kChat, "/disable isp2"), kNow);
    REQUIRE(ask.verdict == Verdict::Confirm);
    CHECK(g.decide(from(kAdmin, kChat, "/confirm " + ask.code, kNow - 90), kNow + 5).verdict == Verdict::Refuse);
}

TEST_CASE("bot commands: destructive ones run after /confirm CODE, by the same admin, in the same chat, once")
{
    auto g = gate();
    auto ask = g.decide(from(kAdmin, kChat, "/drain isp1"), kNow);
    REQUIRE(ask.verdict == Verdict::Confirm);
    CHECK(ask.reply == "To drain isp1, send /confirm " + ask.code + " within 60 s.");
    // another admin, or the same admin elsewhere, cannot confirm it
    CHECK(g.decide(from(kOther, kChat, "/confirm " + ask.code), kNow + 1).verdict == Verdict::Refuse);
    CHECK(g.decide(from(kAdmin, kAdmin, "/confirm " + ask.code), kNow + 1).verdict == Verdict::Refuse);
    CHECK(g.decide(from(kAdmin, kChat, "/confirm 999999"), kNow + 1).verdict == Verdict::Refuse);
    auto ok = g.decide(from(kAdmin, kChat, "/confirm " + ask.code), kNow + 2);
    CHECK(ok.verdict == Verdict::Run);
    CHECK(ok.command == BotCommand{BotVerb::Drain, {"isp1"}});
    auto twice = g.decide(from(kAdmin, kChat, "/confirm " + ask.code), kNow + 3);
    CHECK(twice.verdict == Verdict::Refuse);
    CHECK(twice.reply.rfind("No such confirmation", 0) == 0);
    CHECK(g.stats().confirmed == 1);
    CHECK(g.stats().confirmations_refused == 4);
}

TEST_CASE("bot commands: a confirmation expires, and only the newest 16 wait")
{
    auto g = gate();
    auto ask = g.decide(from(kAdmin, kChat, "/enable isp1"), kNow);
    CHECK(g.decide(from(kAdmin, kChat, "/confirm " + ask.code, kNow + 61), kNow + 61).verdict == Verdict::Refuse);
    auto in_time = g.decide(from(kAdmin, kChat, "/enable isp1"), kNow);
    CHECK(g.decide(from(kAdmin, kChat, "/confirm " + in_time.code, kNow + 60), kNow + 60).verdict == Verdict::Run);

    auto first = g.decide(from(kAdmin, kChat, "/drain isp1"), kNow);
    for (size_t i = 0; i < BotGate::kMaxPending; i++)
        g.decide(from(kAdmin, kChat, "/drain isp2"), kNow);
    CHECK(g.decide(from(kAdmin, kChat, "/confirm " + first.code), kNow).verdict == Verdict::Refuse);
}

TEST_CASE("bot replies: at most N a minute per chat")
{
    ReplyLimiter l(3);
    for (int i = 0; i < 3; i++)
        CHECK(l.allow(kChat, kNow));
    CHECK(!l.allow(kChat, kNow + 30));
    CHECK(l.allow(kAdmin, kNow + 30)); // another chat has its own
    CHECK(l.allow(kChat, kNow + 60));  // the first three are a minute old
    CHECK(l.suppressed() == 1);
}
