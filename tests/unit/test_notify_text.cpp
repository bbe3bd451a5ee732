// SPDX-License-Identifier: GPL-2.0-only
// Alert texts: escaping untrusted values, Telegram's HTML rules, the length
// limit (split, never silently cut) and templates.
#include "alerts/templates.h"
#include "alerts/text.h"

#include <catch2/catch.hpp>

using namespace jalur::notify;

namespace {

// The visible text of some HTML parts joined, for comparing content.
std::string visible(const std::vector<std::string> &parts)
{
    std::string out;
    for (const auto &p : parts) {
        bool in_tag = false;
        for (char c : p) {
            if (c == '<')
                in_tag = true;
            else if (c == '>')
                in_tag = false;
            else if (!in_tag)
                out += c;
        }
    }
    return out;
}

} // namespace

TEST_CASE("notify text: untrusted text is escaped for HTML")
{
    CHECK(html_escape("<b>rogue & \"co\"</b>") == "&lt;b&gt;rogue &amp; &quot;co&quot;&lt;/b&gt;");
    CHECK(html_escape("plain\nline\ttab") == "plain\nline\ttab");
    CHECK(html_escape("bell\x07 del\x7f esc\x1b") == "bell del esc");
    CHECK(html_escape("caf\xc3\xa9 \xf0\x9f\x98\x80") == "caf\xc3\xa9 \xf0\x9f\x98\x80");
    // invalid UTF-8 would make Telegram reject the whole message
    CHECK(html_escape("a\xff" "b") == "a\xef\xbf\xbd" "b");
    CHECK(html_escape("\xc0\xaf") == "\xef\xbf\xbd\xef\xbf\xbd"); // overlong '/'
    CHECK(html_escape("\xed\xa0\x80") == "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); // a surrogate
    CHECK(html_escape("\xe2\x82") == "\xef\xbf\xbd\xef\xbf\xbd"); // truncated
    auto escaped = html_escape("<script>&lt;");
    CHECK(check_html(escaped));
    CHECK(escaped.find('<') == std::string::npos);
}

TEST_CASE("notify text: the visible length counts UTF-16 units without tags")
{
    CHECK(visible_length("<b>a&amp;b</b>") == 3);
    CHECK(visible_length("&#128512;") == 1);
    CHECK(visible_length("\xf0\x9f\x98\x80") == 2); // beyond the BMP: a surrogate pair
    CHECK(visible_length("\xc3\xa9") == 1);
    CHECK(visible_length("<a href=\"https://example.org\">x</a>") == 1);
}

TEST_CASE("notify text: HTML Telegram would reject is found")
{
    CHECK(check_html("<b>bold</b> <i>it</i> <code>c</code> <a href=\"x\">l</a> &lt;&gt;&amp;&quot;&#65;&#x41;"));
    CHECK(check_html("<b><i>nested</i></b>"));
    auto unknown = check_html("<div>x</div>");
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().message.find("<div>") != std::string::npos);
    CHECK_FALSE(check_html("<b>open"));
    CHECK_FALSE(check_html("<b><i>x</b></i>"));
    CHECK_FALSE(check_html("close</b>"));
    CHECK_FALSE(check_html("a & b"));
    CHECK_FALSE(check_html("a &nbsp; b"));
    CHECK_FALSE(check_html("<br/>"));
    CHECK_FALSE(check_html("1 > 0"));
}

TEST_CASE("notify text: a short message is one part, unchanged")
{
    auto parts = split_message("<b>WAN isp1 down</b>\ncause");
    REQUIRE(parts.size() == 1);
    CHECK(parts[0] == "<b>WAN isp1 down</b>\ncause");
    std::string exact(kMessageLimit, 'x');
    CHECK(split_message(exact).size() == 1);
}

TEST_CASE("notify text: long messages are split at newlines within the limit")
{
    std::string line(99, 'a');
    std::string text;
    for (int i = 0; i < 100; i++)
        text += line + "\n"; // 10000 characters
    auto parts = split_message(text);
    REQUIRE(parts.size() == 3);
    for (const auto &p : parts) {
        CHECK(visible_length(p) <= kMessageLimit);
        CHECK(p.back() == '\n'); // cut after a newline, never inside a line
    }
    CHECK(visible(parts) == text);
}

TEST_CASE("notify text: a split keeps tags balanced and entities whole")
{
    std::string body;
    for (int i = 0; i < 3000; i++)
        body += "&amp;x ";
    auto parts = split_message("<b>" + body + "</b>", 1000);
    REQUIRE(parts.size() >= 6);
    for (const auto &p : parts) {
        INFO(p);
        CHECK(visible_length(p) <= 1000);
        CHECK(check_html(p));
        CHECK(p.rfind("<b>", 0) == 0);
        CHECK(p.substr(p.size() - 4) == "</b>");
    }
}

TEST_CASE("notify text: a line with no place to cut is cut at the limit")
{
    std::string text(5000, 'z');
    auto parts = split_message(text);
    REQUIRE(parts.size() == 2);
    CHECK(parts[0].size() == kMessageLimit);
    CHECK(parts[1].size() == 5000 - kMessageLimit);
}

TEST_CASE("notify text: characters beyond the BMP count twice")
{
    std::string emoji;
    for (int i = 0; i < 3000; i++)
        emoji += "\xf0\x9f\x98\x80"; // 6000 UTF-16 units
    auto parts = split_message(emoji);
    REQUIRE(parts.size() == 2);
    CHECK(visible_length(parts[0]) == kMessageLimit);
    CHECK(parts[0].size() % 4 == 0); // never inside a character
}

TEST_CASE("notify text: beyond the part limit the message says what it left out")
{
    std::string text(kMessageLimit * (kMaxParts + 4), 'q');
    auto parts = split_message(text);
    REQUIRE(parts.size() == kMaxParts);
    for (const auto &p : parts)
        CHECK(visible_length(p) <= kMessageLimit);
    CHECK(parts.back().find("more characters not sent") != std::string::npos);
}

TEST_CASE("notify templates: values are escaped, the template is not")
{
    auto out = render("<b>{wan}</b> via {interface}: {cause}", {{"wan", "<i>evil</i>"}, {"cause", "a & b"}});
    CHECK(out == "<b>&lt;i&gt;evil&lt;/i&gt;</b> via -: a &amp; b");
    CHECK(render("{{literal}} {x}}", {{"x", "1"}}) == "{literal} 1}");
    CHECK(render("{not closed", {}) == "{not closed");
    CHECK(render("{Upper}", {{"Upper", "v"}}) == "{Upper}"); // not a variable name
}

TEST_CASE("notify templates: the defaults are valid and use known variables only")
{
    for (auto k : all_kinds()) {
        INFO(kind_name(k));
        CHECK(check_template(k, default_template(k)));
        CHECK(kind_from_name(kind_name(k)) == k);
    }
    CHECK_FALSE(kind_from_name("wan_sideways"));
}

TEST_CASE("notify templates: unknown variables and bad HTML are errors")
{
    auto r = check_template(Kind::WanDown, "{wan} {server_mac}");
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("{server_mac}") != std::string::npos);
    CHECK(r.error().message.find("wan_down") != std::string::npos);
    CHECK(check_template(Kind::RogueDhcp, "{server_mac} {host} {time}"));
    auto html = check_template(Kind::AgentStart, "<b>{version}");
    REQUIRE_FALSE(html);
    CHECK(html.error().message.find("never closed") != std::string::npos);
}

TEST_CASE("notify templates: durations read like a person would say them")
{
    CHECK(human_duration(12.34) == "12.3 s");
    CHECK(human_duration(125) == "2 min 5 s");
    CHECK(human_duration(7260) == "2 h 1 min");
    CHECK(human_duration(90000) == "1 d 1 h");
    CHECK(human_duration(-1) == "0.0 s");
}
