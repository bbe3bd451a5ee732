// SPDX-License-Identifier: GPL-2.0-only
#include "ctl/message.h"

#include "common/json.h"

#include <cctype>

namespace jalur::ctl {

namespace {

class Parser {
public:
    explicit Parser(std::string_view s) : s_(s) {}

    Result<Fields> object()
    {
        Fields out;
        space();
        if (!eat('{'))
            return fail("expected a JSON object {...}");
        space();
        if (eat('}'))
            return finish(std::move(out));
        for (;;) {
            space();
            auto key = string();
            if (!key)
                return key.error();
            space();
            if (!eat(':'))
                return fail("expected ':' after \"" + key.value() + "\"");
            space();
            auto value = scalar(key.value());
            if (!value)
                return value.error();
            if (!out.emplace(key.value(), value.value()).second)
                return fail("\"" + key.value() + "\" given twice");
            space();
            if (eat('}'))
                return finish(std::move(out));
            if (!eat(','))
                return fail("expected ',' or '}'");
        }
    }

private:
    Result<Fields> finish(Fields f)
    {
        space();
        if (i_ != s_.size())
            return fail("text after the object");
        return f;
    }

    Result<std::string> scalar(const std::string &key)
    {
        if (i_ < s_.size() && s_[i_] == '"')
            return string();
        if (i_ < s_.size() && (s_[i_] == '{' || s_[i_] == '['))
            return fail("\"" + key + "\": expected a string, a number or true/false, not an object or a list");
        size_t start = i_;
        while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '-' ||
                                  s_[i_] == '+' || s_[i_] == '.'))
            i_++;
        std::string word(s_.substr(start, i_ - start));
        bool number = !word.empty() && (std::isdigit(static_cast<unsigned char>(word[0])) || word[0] == '-') &&
                      word.find_first_not_of("0123456789+-.eE") == std::string::npos;
        if (word == "true" || word == "false" || number)
            return word;
        return fail("\"" + key + "\": expected a string, a number or true/false");
    }

    Result<std::string> string()
    {
        if (!eat('"'))
            return fail("expected a string in double quotes");
        std::string out;
        while (i_ < s_.size()) {
            char c = s_[i_++];
            if (c == '"')
                return out;
            if (static_cast<unsigned char>(c) < 0x20)
                return fail("a control character inside a string");
            if (c != '\\') {
                out += c;
                continue;
            }
            if (i_ >= s_.size())
                break;
            char e = s_[i_++];
            switch (e) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                auto cp = hex4();
                if (!cp)
                    return cp.error();
                uint32_t code = cp.value();
                if (code >= 0xd800 && code <= 0xdbff) { // a surrogate pair
                    if (!eat('\\') || !eat('u'))
                        return fail("a lone surrogate in \\u escape");
                    auto low = hex4();
                    if (!low || low.value() < 0xdc00 || low.value() > 0xdfff)
                        return fail("a lone surrogate in \\u escape");
                    code = 0x10000 + ((code - 0xd800) << 10) + (low.value() - 0xdc00);
                } else if (code >= 0xdc00 && code <= 0xdfff) {
                    return fail("a lone surrogate in \\u escape");
                }
                utf8(out, code);
                break;
            }
            default:
                return fail(std::string("an unknown escape \\") + e);
            }
        }
        return fail("a string without its closing quote");
    }

    Result<uint32_t> hex4()
    {
        if (s_.size() - i_ < 4)
            return fail("a \\u escape needs 4 hex digits");
        uint32_t v = 0;
        for (int k = 0; k < 4; k++) {
            char c = s_[i_++];
            v <<= 4;
            if (c >= '0' && c <= '9')
                v |= static_cast<uint32_t>(c - '0');
            else if (c >= 'a' && c <= 'f')
                v |= static_cast<uint32_t>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                v |= static_cast<uint32_t>(c - 'A' + 10);
            else
                return fail("a \\u escape needs 4 hex digits");
        }
        return v;
    }

    static void utf8(std::string &out, uint32_t c)
    {
        if (c < 0x80) {
            out += static_cast<char>(c);
        } else if (c < 0x800) {
            out += static_cast<char>(0xc0 | (c >> 6));
            out += static_cast<char>(0x80 | (c & 0x3f));
        } else if (c < 0x10000) {
            out += static_cast<char>(0xe0 | (c >> 12));
            out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (c & 0x3f));
        } else {
            out += static_cast<char>(0xf0 | (c >> 18));
            out += static_cast<char>(0x80 | ((c >> 12) & 0x3f));
            out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (c & 0x3f));
        }
    }

    void space()
    {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\r' || s_[i_] == '\n'))
            i_++;
    }
    bool eat(char c)
    {
        if (i_ < s_.size() && s_[i_] == c) {
            i_++;
            return true;
        }
        return false;
    }
    Error fail(const std::string &what) const
    {
        return errorf("malformed request at byte " + std::to_string(i_) + ": " + what, ErrorKind::Invalid);
    }

    std::string_view s_;
    size_t i_ = 0;
};

} // namespace

Result<Fields> parse_object(std::string_view text, size_t max)
{
    if (text.size() > max)
        return errorf("request too long: " + std::to_string(text.size()) + " bytes, at most " + std::to_string(max),
                      ErrorKind::Invalid);
    return Parser(text).object();
}

Result<Request> parse_request(std::string_view line)
{
    auto f = parse_object(line);
    if (!f)
        return f.error();
    auto it = f->find("command");
    if (it == f->end() || it->second.empty())
        return errorf("malformed request: no \"command\"", ErrorKind::Invalid);
    Request r;
    r.command = it->second;
    f->erase(it);
    r.args = std::move(f).value();
    return r;
}

std::string request_line(const Request &r)
{
    JsonWriter w;
    w.begin_object().field("command", r.command);
    for (const auto &[k, v] : r.args)
        w.field(k, v);
    w.end_object();
    return w.str() + "\n";
}

std::string reply_line(const Reply &r)
{
    JsonWriter w;
    w.begin_object().field("ok", r.ok).field(r.ok ? "message" : "error", r.text);
    for (const auto &[k, v] : r.data)
        if (k != "ok" && k != "message" && k != "error")
            w.field(k, v);
    w.end_object();
    return w.str() + "\n";
}

Result<Reply> parse_reply(std::string_view line)
{
    auto f = parse_object(line, 1 << 20);
    if (!f)
        return errorf("the agent's reply: " + f.error().message);
    auto ok = f->find("ok");
    if (ok == f->end() || (ok->second != "true" && ok->second != "false"))
        return errorf("the agent's reply has no \"ok\"");
    Reply r;
    r.ok = ok->second == "true";
    auto text = f->find(r.ok ? "message" : "error");
    if (text != f->end())
        r.text = text->second;
    for (auto &[k, v] : f.value())
        if (k != "ok" && k != "message" && k != "error")
            r.data[k] = v;
    return r;
}

} // namespace jalur::ctl
