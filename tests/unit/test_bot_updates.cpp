// SPDX-License-Identifier: GPL-2.0-only
// getUpdates' answer as the bot poller reads it: text messages taken, the
// rest counted and skipped, the offset known from every update, and
// anything that cannot be walked an error (never a partial guess).
#include "notify/bot_updates.h"
#include "notify/telegram.h"

#include <catch2/catch.hpp>

using namespace jalur::notify;

TEST_CASE("bot updates: text messages, with who, where and when")
{
    auto b = parse_updates(R"({"ok":true,"result":[
        {"update_id":7,"message":{"message_id":1,"from":{"id":4242,"is_bot":false,"username":"ana"},
         "chat":{"id":-100123,"type":"supergroup"},"date":1700000000,"text":"/drain isp1",
         "entities":[{"type":"bot_command","offset":0,"length":6}]}},
        {"update_id":8,"edited_message":{"text":"/status"}},
        {"update_id":9,"message":{"from":{"id":1},"chat":{"id":1},"date":1,"sticker":{"file_id":"x"}}}]})");
    REQUIRE(b);
    REQUIRE(b->messages.size() == 1);
    const auto &u = b->messages[0];
    CHECK(u.update_id == 7);
    CHECK(u.user_id == 4242);
    CHECK(u.username == "ana");
    CHECK(u.chat_id == -100123);
    CHECK(u.date_unix == 1700000000);
    CHECK(u.text == "/drain isp1");
    CHECK(b->last_id == 9); // the offset passes the skipped ones too
    CHECK(b->skipped == 2);
}

TEST_CASE("bot updates: an empty answer moves nothing")
{
    auto b = parse_updates(R"({"ok":true,"result":[]})");
    REQUIRE(b);
    CHECK(b->messages.empty());
    CHECK_FALSE(b->last_id);
}

TEST_CASE("bot updates: hostile or garbled answers are errors")
{
    for (const char *body : {
             "",
             "<html>502 Bad Gateway</html>",
             R"({"ok":false,"error_code":409,"description":"Conflict"})",
             R"({"ok":true})",                                          // no result
             R"({"ok":true,"result":{}})",                              // not a list
             R"({"ok":true,"result":[{"message":{"text":"/status"}}]})", // no update_id
             R"({"ok":true,"result":[{"update_id":"7"}]})",             // not a number
             R"({"ok":true,"result":[{"update_id":7,"message":{"text":[[[[}}]})",
             R"({"ok":true,"result":[{"update_id":7}]} trailing)",
         })
        CHECK_FALSE(parse_updates(body));
    // nesting past the reader's bound is refused, not recursed into
    std::string deep = R"({"ok":true,"result":[{"update_id":7,"x":)" + std::string(100000, '[');
    CHECK_FALSE(parse_updates(deep));
}

TEST_CASE("bot updates: the id of an update that cannot be read, from what arrived")
{
    CHECK(first_update_id(R"({"ok":true,"result":[{"update_id": 123,"message":{"text":[[[)") == 123);
    CHECK(first_update_id(R"({"ok":true,"result":[{"update_id":77,"mess)") == 77);
    CHECK_FALSE(first_update_id(R"({"ok":true,"result":[{"update_id":)")); // cut inside the id: unknown
    CHECK_FALSE(first_update_id(R"({"ok":true,"result":[{"update_id":12)")); // may be 12 or 123...
    CHECK_FALSE(first_update_id("<html>"));
    CHECK_FALSE(first_update_id(R"({"update_id":99999999999999999999})")); // too long to be one
}

TEST_CASE("bot updates: an inline button pressed is its data, dated by its message")
{
    auto b = parse_updates(R"({"ok":true,"result":[{"update_id":11,"callback_query":{"id":"cb","from":{"id":4242,
        "username":"ana"},"message":{"message_id":5,"chat":{"id":4242},"date":1700000100,"text":"To drain"},
        "chat_instance":"1","data":"/confirm 123456"}}]})");
    REQUIRE(b);
    REQUIRE(b->messages.size() == 1);
    CHECK(b->messages[0].text == "/confirm 123456");
    CHECK(b->messages[0].user_id == 4242);
    CHECK(b->messages[0].chat_id == 4242);
    CHECK(b->messages[0].date_unix == 1700000100);
}

TEST_CASE("bot updates: the confirmation's button in sendMessage")
{
    InlineButton button{"Confirm", "/confirm 123456"};
    auto body = send_message_body(Message{"4242", std::nullopt, "x", false}, &button);
    CHECK(body.find(R"("reply_markup":{"inline_keyboard":[[{"text":"Confirm","callback_data":"/confirm 123456"}]]})") !=
          std::string::npos);
    CHECK(send_message_body(Message{"4242", std::nullopt, "x", false}).find("reply_markup") == std::string::npos);
}
