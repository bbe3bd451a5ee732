// SPDX-License-Identifier: GPL-2.0-only
#include "alerts/text.h"

#include <algorithm>
#include <cstdint>

namespace jalur::notify {

namespace {

// The length of the valid UTF-8 sequence at s[i] (its code point in cp), or
// 0 when it is not one: overlong forms, surrogates and truncated sequences
// are rejected, as Telegram does.
size_t utf8_at(std::string_view s, size_t i, uint32_t &cp)
{
    auto b = static_cast<unsigned char>(s[i]);
    size_t len = b < 0x80 ? 1 : (b & 0xe0) == 0xc0 ? 2 : (b & 0xf0) == 0xe0 ? 3 : (b & 0xf8) == 0xf0 ? 4 : 0;
    if (len == 0 || i + len > s.size())
        return 0;
    if (len == 1) {
        cp = b;
        return 1;
    }
    cp = b & (0x7f >> len);
    for (size_t k = 1; k < len; k++) {
        auto c = static_cast<unsigned char>(s[i + k]);
        if ((c & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (c & 0x3f);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

struct Token {
    enum Kind { Char, Entity, Open, Close } kind;
    size_t begin, end; // byte range in the HTML
    size_t units;      // visible UTF-16 code units
    std::string name;  // tag name, lower case
    char ch = 0;       // for Char: the byte when ASCII
};

// Telegram's tags (https://core.telegram.org/bots/api#html-style)
bool known_tag(const std::string &name)
{
    static const char *const kTags[] = {"b",   "strong", "i",    "em",   "u",          "ins",        "s",
                                        "strike", "del", "span", "tg-spoiler", "a", "code", "pre",
                                        "blockquote", "tg-emoji"};
    return std::any_of(std::begin(kTags), std::end(kTags), [&](const char *t) { return name == t; });
}

// Named entities Telegram knows; every numeric one is accepted too.
bool known_entity(std::string_view e)
{
    if (e == "&lt;" || e == "&gt;" || e == "&amp;" || e == "&quot;")
        return true;
    if (e.size() < 4 || e[1] != '#')
        return false;
    bool hex = e[2] == 'x' || e[2] == 'X';
    auto digits = e.substr(hex ? 3 : 2, e.size() - (hex ? 4 : 3));
    return !digits.empty() && std::all_of(digits.begin(), digits.end(), [hex](char c) {
        return (c >= '0' && c <= '9') || (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
    });
}

// Lenient: whatever does not parse as a tag or an entity is a character, so
// that lengths are never underestimated. check_html() is the strict one.
std::vector<Token> tokenize(std::string_view s)
{
    std::vector<Token> out;
    size_t i = 0;
    while (i < s.size()) {
        if (s[i] == '<') {
            size_t close = s.find('>', i);
            if (close != std::string_view::npos) {
                bool closing = i + 1 < s.size() && s[i + 1] == '/';
                size_t nb = i + (closing ? 2 : 1), ne = nb;
                while (ne < close && s[ne] != ' ' && s[ne] != '\t' && s[ne] != '\n' && s[ne] != '/')
                    ne++;
                std::string name(s.substr(nb, ne - nb));
                std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
                if (!name.empty()) {
                    out.push_back({closing ? Token::Close : Token::Open, i, close + 1, 0, name});
                    i = close + 1;
                    continue;
                }
            }
        } else if (s[i] == '&') {
            size_t semi = s.find(';', i);
            if (semi != std::string_view::npos && semi - i <= 10 && known_entity(s.substr(i, semi - i + 1))) {
                out.push_back({Token::Entity, i, semi + 1, 1, ""});
                i = semi + 1;
                continue;
            }
        }
        uint32_t cp = 0;
        size_t len = utf8_at(s, i, cp);
        if (len == 0)
            len = 1, cp = 0xfffd;
        out.push_back({Token::Char, i, i + len, cp >= 0x10000 ? 2u : 1u, "", len == 1 ? s[i] : '\0'});
        i += len;
    }
    return out;
}

} // namespace

std::string html_escape(std::string_view text)
{
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    size_t i = 0;
    while (i < text.size()) {
        uint32_t cp = 0;
        size_t len = utf8_at(text, i, cp);
        if (len == 0) {
            out += "\xef\xbf\xbd"; // U+FFFD, one per bad byte
            i++;
            continue;
        }
        switch (cp) {
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '&': out += "&amp;"; break;
        case '"': out += "&quot;"; break;
        default:
            if ((cp >= 0x20 && cp != 0x7f) || cp == '\n' || cp == '\t')
                out.append(text.substr(i, len));
        }
        i += len;
    }
    return out;
}

size_t visible_length(std::string_view html)
{
    size_t n = 0;
    for (const auto &t : tokenize(html))
        n += t.units;
    return n;
}

Result<void> check_html(std::string_view html)
{
    std::vector<std::string> open;
    size_t chars = 0; // visible position, for messages
    for (const auto &t : tokenize(html)) {
        std::string at = "at character " + std::to_string(chars + 1);
        if (t.kind == Token::Open || t.kind == Token::Close) {
            if (!known_tag(t.name))
                return errorf("<" + t.name + "> " + at + " is not a tag Telegram knows (b, i, u, s, a, code, pre, "
                              "blockquote, tg-spoiler, ...); write &lt; for a literal '<'");
            if (t.kind == Token::Open) {
                if (html[t.end - 2] == '/')
                    return errorf("<" + t.name + "/> " + at + ": Telegram has no self-closing tags");
                open.push_back(t.name);
            } else if (open.empty() || open.back() != t.name) {
                return errorf("</" + t.name + "> " + at + " closes " +
                              (open.empty() ? std::string("nothing") : "<" + open.back() + ">"));
            } else {
                open.pop_back();
            }
        } else if (t.kind == Token::Char && (t.ch == '<' || t.ch == '>' || t.ch == '&')) {
            return errorf(std::string("a bare '") + t.ch + "' " + at + ": write " +
                          (t.ch == '<' ? "&lt;" : t.ch == '>' ? "&gt;" : "&amp;"));
        }
        chars += t.units;
    }
    if (!open.empty())
        return errorf("<" + open.back() + "> is never closed");
    return {};
}

std::vector<std::string> split_message(std::string_view html, size_t limit)
{
    auto tokens = tokenize(html);
    size_t total = 0;
    for (const auto &t : tokens)
        total += t.units;
    if (total <= limit)
        return {std::string(html)};

    std::vector<std::string> parts;
    std::vector<const Token *> carried; // tags open where the part starts
    size_t i = 0, consumed = 0;
    while (i < tokens.size()) {
        bool last = parts.size() + 1 == kMaxParts && total - consumed > limit;
        // the last part keeps room for the line that says what was left out
        size_t budget = last ? limit - std::min<size_t>(limit / 2, 100) : limit;
        size_t units = 0, j = i;
        size_t at_newline = 0, at_space = 0; // token index after the cut, 0: none
        while (j < tokens.size() && units + tokens[j].units <= budget) {
            units += tokens[j].units;
            j++;
            // a cut in the second half of the part, so no part is tiny
            if (tokens[j - 1].kind == Token::Char && units >= budget / 2) {
                if (tokens[j - 1].ch == '\n')
                    at_newline = j;
                else if (tokens[j - 1].ch == ' ')
                    at_space = j;
            }
        }
        size_t end = j == tokens.size() ? j : at_newline ? at_newline : at_space ? at_space : j;
        if (end == i)
            end = i + 1; // never stall, whatever the budget
        std::string part;
        for (const auto *t : carried)
            part.append(html.substr(t->begin, t->end - t->begin));
        part.append(html.substr(tokens[i].begin, tokens[end - 1].end - tokens[i].begin));
        for (size_t k = i; k < end; k++) {
            const auto &t = tokens[k];
            consumed += t.units;
            if (t.kind == Token::Open)
                carried.push_back(&t);
            else if (t.kind == Token::Close && !carried.empty() && carried.back()->name == t.name)
                carried.pop_back();
        }
        for (auto it = carried.rbegin(); it != carried.rend(); ++it)
            part += "</" + (*it)->name + ">";
        i = end;
        if (last && i < tokens.size()) {
            part += "\n[… " + std::to_string(total - consumed) + " more characters not sent: the message exceeded " +
                    std::to_string(kMaxParts) + " parts]";
            parts.push_back(std::move(part));
            break;
        }
        parts.push_back(std::move(part));
    }
    return parts;
}

} // namespace jalur::notify
