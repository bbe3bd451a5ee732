// SPDX-License-Identifier: GPL-2.0-only
// Delivery's pure parts: the backoff schedule, per-chat pacing, reading the
// Bot API's answers, the request body, and keeping the token out of every
// text that leaves.
#include "notify/api_reply.h"
#include "notify/backoff.h"
#include "notify/notifier.h"
#include "notify/pacing.h"
#include "notify/telegram.h"

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace jalur::notify;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {
const std::string kToken = "123456789:AAF-secret_Token-value0123456789abcd";
}

TEST_CASE("notify backoff: doubles from the first delay up to the cap")
{
    BackoffPolicy p{milliseconds(1000), milliseconds(30000), 0.25};
    CHECK(backoff_delay(p, 0, 0.0) == milliseconds(0));
    CHECK(backoff_delay(p, 1, 0.0) == milliseconds(1000));
    CHECK(backoff_delay(p, 2, 0.0) == milliseconds(2000));
    CHECK(backoff_delay(p, 3, 0.0) == milliseconds(4000));
    CHECK(backoff_delay(p, 5, 0.0) == milliseconds(16000));
    CHECK(backoff_delay(p, 6, 0.0) == milliseconds(30000));
    CHECK(backoff_delay(p, 1000000, 0.0) == milliseconds(30000)); // no overflow however long the outage
}

TEST_CASE("notify backoff: jitter only ever shortens, by at most its share")
{
    BackoffPolicy p{milliseconds(1000), milliseconds(30000), 0.25};
    CHECK(backoff_delay(p, 3, 0.5) == milliseconds(3500));
    CHECK(backoff_delay(p, 3, 0.999999) >= milliseconds(3000));
    CHECK(backoff_delay(p, 3, 7.0) == milliseconds(3000)); // clamped
    CHECK(backoff_delay(p, 6, 0.5) == milliseconds(26250));
}

TEST_CASE("notify pacing: one message a second per chat, chats independent")
{
    Pacer pacer;
    auto t0 = Clock::time_point() + seconds(100);
    CHECK(pacer.ready_at("42") <= t0);
    pacer.sent("42", t0);
    CHECK(pacer.ready_at("42") == t0 + seconds(1));
    CHECK(pacer.ready_at("43") <= t0);
    for (int i = 1; i < 40; i++) // a private chat has no per-minute cap
        pacer.sent("42", t0 + seconds(i));
    CHECK(pacer.ready_at("42") == t0 + seconds(40));
}

TEST_CASE("notify pacing: at most 20 a minute to a group")
{
    Pacer pacer;
    auto t0 = Clock::time_point() + seconds(100);
    for (int i = 0; i < 20; i++)
        pacer.sent("-1001", t0 + seconds(i));
    // the 21st waits until the first of the 20 is a minute old
    CHECK(pacer.ready_at("-1001") == t0 + seconds(60));
    pacer.sent("-1001", t0 + seconds(60));
    CHECK(pacer.ready_at("-1001") == t0 + seconds(61));
    CHECK(Pacer::is_group("-1001"));
    CHECK_FALSE(Pacer::is_group("@channel"));
}

TEST_CASE("notify api reply: ok, 429, migration and errors are read")
{
    auto ok = parse_api_reply(R"({"ok":true,"result":{"message_id":7,"chat":{"id":-100,"title":"x"},"entities":[]}})");
    REQUIRE(ok);
    CHECK(ok->ok);
    auto slow = parse_api_reply(
        R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 2","parameters":{"retry_after":2}})");
    REQUIRE(slow);
    CHECK_FALSE(slow->ok);
    CHECK(slow->error_code == 429);
    CHECK(slow->retry_after == 2);
    auto moved = parse_api_reply(
        "{ \"ok\" : false, \"error_code\": 400, \"description\": \"Bad Request: group chat was upgraded to a "
        "supergroup chat\", \"parameters\": {\"migrate_to_chat_id\": -1001234567890} }");
    REQUIRE(moved);
    CHECK(moved->migrate_to_chat_id == -1001234567890LL);
    CHECK(moved->description.find("supergroup") != std::string::npos);
}

// 0 or less had the notifier send 750-970 requests a second; 9e15 seconds
// overflowed the clock's arithmetic (UBSan).
TEST_CASE("notify api reply: retry_after is clamped to 1 s .. 1 h")
{
    auto retry_after = [](const std::string &v) {
        auto r = parse_api_reply(R"({"ok":false,"error_code":429,"parameters":{"retry_after":)" + v + "}}");
        REQUIRE(r);
        REQUIRE(r->retry_after);
        return *r->retry_after;
    };
    CHECK(retry_after("0") == 1);
    CHECK(retry_after("-5") == 1);
    CHECK(retry_after("-1e999") == 1);
    CHECK(retry_after("0.2") == 1);
    CHECK(retry_after("30") == 30);
    CHECK(retry_after("3600") == 3600);
    CHECK(retry_after("3601") == 3600);
    CHECK(retry_after("9e15") == 3600);
    CHECK(retry_after("1e999") == 3600);
}

TEST_CASE("notify api reply: what is not a Bot API answer is an error")
{
    CHECK_FALSE(parse_api_reply("<html>502 Bad Gateway</html>"));
    CHECK_FALSE(parse_api_reply(R"({"ok":true)"));
    CHECK_FALSE(parse_api_reply(R"({"result":1})"));
    CHECK_FALSE(parse_api_reply(R"({"ok":"yes"})"));
    CHECK_FALSE(parse_api_reply(""));
    std::string deep(100, '[');
    CHECK_FALSE(parse_api_reply("{\"ok\":true,\"x\":" + deep + "}"));
}

TEST_CASE("notify token: redacted from URLs, curl errors and encodings")
{
    std::string url = "https://api.telegram.org/bot" + kToken + "/sendMessage";
    auto r = redact_token("Failed to connect to " + url + " port 443", kToken);
    CHECK(r.find(kToken) == std::string::npos);
    CHECK(r.find("secret") == std::string::npos);
    CHECK(r.find("/bot<token>/sendMessage") != std::string::npos);
    auto enc = redact_token("url: /bot123456789%3AAAF-secret_Token-value0123456789abcd/x", kToken);
    CHECK(enc.find("secret") == std::string::npos);
    // a token we were not told about, in a URL, still goes
    auto other = redact_token("GET https://h/bot999:other-secret/getMe", kToken);
    CHECK(other.find("other-secret") == std::string::npos);
    CHECK(redact_token("plain text", kToken) == "plain text");
}

TEST_CASE("notify telegram: the request body")
{
    auto body = send_message_body(Message{"-1001234567890", 42, "<b>a \"b\"</b>\n", true});
    CHECK(body.find(R"("chat_id":-1001234567890)") != std::string::npos);
    CHECK(body.find(R"("message_thread_id":42)") != std::string::npos);
    CHECK(body.find(R"("text":"<b>a \"b\"</b>\n")") != std::string::npos);
    CHECK(body.find(R"("parse_mode":"HTML")") != std::string::npos);
    CHECK(body.find(R"("disable_notification":true)") != std::string::npos);
    auto channel = send_message_body(Message{"@jalur_alerts", std::nullopt, "x", false});
    CHECK(channel.find(R"("chat_id":"@jalur_alerts")") != std::string::npos);
    CHECK(channel.find("message_thread_id") == std::string::npos);
}

TEST_CASE("notify telegram: an unreachable server is a transient failure whose text holds no token")
{
    // a closed port on loopback: refused at once, no privileges needed
    auto client = TelegramClient::create("http://127.0.0.1:9", kToken, milliseconds(2000));
    REQUIRE(client);
    auto r = client->send(Message{"1", std::nullopt, "x", false}, 0, [] { return false; });
    CHECK(r.outcome == Outcome::Transient);
    CHECK(r.http_status == 0);
    CHECK(r.detail.find("secret") == std::string::npos);
    CHECK_FALSE(r.detail.empty());
}

TEST_CASE("notify token: from a file (private or warned about) or the environment")
{
    char dir[] = "/tmp/jalur-token-test-XXXXXX";
    REQUIRE(mkdtemp(dir));
    std::string file = std::string(dir) + "/token";
    std::ofstream(file) << kToken << "\n";
    jalur::config::Notify n;
    n.token_file = file;
    n.token_where = {"t.yaml", 3, 5};

    std::string warning;
    ::chmod(file.c_str(), 0600);
    auto t = read_token(n, warning);
    REQUIRE(t);
    CHECK(t.value() == kToken);
    CHECK(warning.empty());

    ::chmod(file.c_str(), 0644);
    REQUIRE(read_token(n, warning));
    CHECK(warning.find("t.yaml:3:5") != std::string::npos);
    CHECK(warning.find("0644") != std::string::npos);
    CHECK(warning.find(kToken) == std::string::npos);

    std::ofstream(file) << "not a token/../x?y";
    auto bad = read_token(n, warning);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message.find("../x") == std::string::npos);

    n.token_file.clear();
    n.token_env = "JALUR_TEST_TOKEN_UNSET_VARIABLE";
    ::unsetenv(n.token_env.c_str());
    CHECK_FALSE(read_token(n, warning));
    ::setenv(n.token_env.c_str(), kToken.c_str(), 1);
    CHECK(read_token(n, warning).value() == kToken);
    ::unsetenv(n.token_env.c_str());
    std::filesystem::remove_all(dir);
}
