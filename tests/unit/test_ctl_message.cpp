// SPDX-License-Identifier: GPL-2.0-only
// The control socket's messages: a request is one flat JSON object, bounded
// in size; anything else is an error with a reason, never a crash.
#include "ctl/message.h"

#include <catch2/catch.hpp>

using namespace jalur;
using namespace jalur::ctl;

TEST_CASE("ctl: a reload request, with and without its config")
{
    auto r = parse_request(R"({"command": "reload"})");
    REQUIRE(r);
    CHECK(r->command == "reload");
    CHECK(r->args.empty());
    CHECK(r->arg("config") == nullptr);

    auto c = parse_request(R"( {"command":"reload","config":"/etc/jalur/a \"b\".yaml"} )");
    REQUIRE(c);
    REQUIRE(c->arg("config"));
    CHECK(*c->arg("config") == "/etc/jalur/a \"b\".yaml");
}

TEST_CASE("ctl: what the client writes the server reads back")
{
    Request req{"wan drain", {{"wan", "isp1"}, {"reason", "new\tmodem \xc3\xa9 \\ \"quoted\""}}};
    auto line = request_line(req);
    CHECK(line.back() == '\n');
    CHECK(line.find('\n') == line.size() - 1); // one line, whatever the values hold
    auto back = parse_request(line.substr(0, line.size() - 1));
    REQUIRE(back);
    CHECK(back->command == req.command);
    CHECK(back->args == req.args);
}

TEST_CASE("ctl: replies")
{
    auto ok = parse_reply(reply_line(Reply::done("reloaded /x: 2 WAN(s)")));
    REQUIRE(ok);
    CHECK(ok->ok);
    CHECK(ok->text == "reloaded /x: 2 WAN(s)");
    auto no = parse_reply(reply_line(Reply::refused("t.yaml:3:5: bad\nnot reloaded")));
    REQUIRE(no);
    CHECK_FALSE(no->ok);
    CHECK(no->text == "t.yaml:3:5: bad\nnot reloaded");
    CHECK_FALSE(parse_reply(R"({"message": "no ok"})"));
}

TEST_CASE("ctl: numbers, booleans and unicode escapes")
{
    auto f = parse_object(R"({"n": 42, "x": -1.5e3, "b": true, "u": "caf\u00e9 \ud83d\ude00"})");
    REQUIRE(f);
    CHECK(f->at("n") == "42");
    CHECK(f->at("x") == "-1.5e3");
    CHECK(f->at("b") == "true");
    CHECK(f->at("u") == "caf\xc3\xa9 \xf0\x9f\x98\x80");
}

TEST_CASE("ctl: malformed requests are refused with a reason")
{
    auto refused = [](std::string_view text) {
        auto r = parse_request(text);
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == ErrorKind::Invalid);
        return r.error().message;
    };
    CHECK(refused("") == "malformed request at byte 0: expected a JSON object {...}");
    CHECK(refused("reload") == "malformed request at byte 0: expected a JSON object {...}");
    CHECK(refused(R"({"command": "reload")") == "malformed request at byte 20: expected ',' or '}'");
    CHECK(refused(R"({"command": "rel)") == "malformed request at byte 16: a string without its closing quote");
    CHECK(refused(R"({"command": "reload"} x)") == "malformed request at byte 22: text after the object");
    CHECK(refused(R"({"command": "reload", "command": "x"})").find("\"command\" given twice") != std::string::npos);
    CHECK(refused(R"({"command": {"a": 1}})").find("not an object or a list") != std::string::npos);
    CHECK(refused(R"({"command": ["reload"]})").find("not an object or a list") != std::string::npos);
    CHECK(refused(R"({"command": null})").find("expected a string, a number or true/false") != std::string::npos);
    CHECK(refused("{\"command\": \"a\x01b\"}").find("control character") != std::string::npos);
    CHECK(refused(R"({"command": "\x41"})").find("unknown escape") != std::string::npos);
    CHECK(refused(R"({"command": "\u12"})").find("4 hex digits") != std::string::npos);
    CHECK(refused(R"({"command": "\ud83d"})").find("lone surrogate") != std::string::npos);
    CHECK(refused(R"({"config": "/x"})") == "malformed request: no \"command\"");
    CHECK(refused(R"({"command": ""})") == "malformed request: no \"command\"");
    CHECK(refused(R"({"command": 1 2})") == "malformed request at byte 14: expected ',' or '}'");
    std::string unterminated = "{\"command\": \"";
    unterminated += '\\';
    CHECK(refused(unterminated).find("closing quote") != std::string::npos);
}

TEST_CASE("ctl: a request over the size bound is refused before it is parsed")
{
    std::string big = R"({"command": "reload", "config": ")" + std::string(kMaxRequest, 'a') + R"("})";
    auto r = parse_request(big);
    REQUIRE_FALSE(r);
    CHECK(r.error().message.rfind("request too long: ", 0) == 0);
    std::string fits = R"({"command": "reload", "config": ")";
    fits += std::string(kMaxRequest - fits.size() - 2, 'a') + "\"}";
    CHECK(fits.size() == kMaxRequest);
    CHECK(parse_request(fits));
}

TEST_CASE("ctl: deep nesting is refused at its first level")
{
    std::string deep = "{\"command\": " + std::string(5000, '[') + std::string(5000, ']') + "}";
    CHECK_FALSE(parse_request(deep));
}

TEST_CASE("ctl: a reply's extra members (an events reply's last_seq) are read back")
{
    auto line = reply_line(Reply::done("two events\n", {{"last_seq", "42"}, {"more", "false"}}));
    auto r = parse_reply(line.substr(0, line.size() - 1));
    REQUIRE(r);
    CHECK(r->ok);
    CHECK(r->text == "two events\n");
    CHECK(r->data["last_seq"] == "42");
    CHECK(r->data["more"] == "false");
    CHECK(r->data.count("message") == 0);
}
