// SPDX-License-Identifier: GPL-2.0-only
#include "notify/api_reply.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

namespace jalur::notify {

namespace {

// A strict, small JSON reader over the few shapes the reply has. Depth is
// bounded: the body comes from the network.
class Reader {
public:
    explicit Reader(std::string_view s) : s_(s) {}

    bool fail() const { return fail_; }
    bool at_end()
    {
        ws();
        return i_ == s_.size();
    }

    // Calls on_key(key) for each member, which must consume its value.
    template <typename F>
    bool object(F on_key)
    {
        if (!eat('{'))
            return false;
        if (eat('}'))
            return true;
        do {
            std::string key;
            if (!string(key) || !eat(':') || !on_key(key))
                return fail_ = true, false;
        } while (eat(','));
        return eat('}') || (fail_ = true, false);
    }

    bool string(std::string &out)
    {
        if (!eat('"'))
            return false;
        while (i_ < s_.size() && s_[i_] != '"') {
            char c = s_[i_++];
            if (c != '\\') {
                out += c;
                continue;
            }
            if (i_ >= s_.size())
                return fail_ = true, false;
            char e = s_[i_++];
            switch (e) {
            case 'n': out += '\n'; break;
            case 't': out += '\t'; break;
            case 'r': out += '\r'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'u': {
                if (i_ + 4 > s_.size())
                    return fail_ = true, false;
                unsigned cp = static_cast<unsigned>(std::strtoul(std::string(s_.substr(i_, 4)).c_str(), nullptr, 16));
                i_ += 4;
                // descriptions are logged, not shown: keep ASCII, mark the rest
                out += cp < 0x80 ? static_cast<char>(cp) : '?';
                break;
            }
            default: out += e;
            }
        }
        return eat('"') || (fail_ = true, false);
    }

    bool number(double &out)
    {
        ws();
        size_t b = i_;
        while (i_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '-' ||
                                  s_[i_] == '+' || s_[i_] == '.' || s_[i_] == 'e' || s_[i_] == 'E'))
            i_++;
        if (b == i_)
            return fail_ = true, false;
        char *end = nullptr;
        std::string text(s_.substr(b, i_ - b));
        out = std::strtod(text.c_str(), &end);
        return (end && *end == '\0') || (fail_ = true, false);
    }

    bool boolean(bool &out)
    {
        ws();
        if (s_.substr(i_, 4) == "true")
            return i_ += 4, out = true, true;
        if (s_.substr(i_, 5) == "false")
            return i_ += 5, out = false, true;
        return fail_ = true, false;
    }

    bool skip(int depth = 0)
    {
        ws();
        if (depth > 32 || i_ >= s_.size())
            return fail_ = true, false;
        char c = s_[i_];
        if (c == '{')
            return object([&](const std::string &) { return skip(depth + 1); });
        if (c == '[') {
            i_++;
            if (eat(']'))
                return true;
            do {
                if (!skip(depth + 1))
                    return false;
            } while (eat(','));
            return eat(']') || (fail_ = true, false);
        }
        if (c == '"') {
            std::string ignored;
            return string(ignored);
        }
        if (c == 't' || c == 'f') {
            bool b;
            return boolean(b);
        }
        if (s_.substr(i_, 4) == "null")
            return i_ += 4, true;
        double d;
        return number(d);
    }

private:
    void ws()
    {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t'))
            i_++;
    }
    bool eat(char c)
    {
        ws();
        if (i_ < s_.size() && s_[i_] == c) {
            i_++;
            return true;
        }
        return false;
    }

    std::string_view s_;
    size_t i_ = 0;
    bool fail_ = false;
};

std::optional<int64_t> integer(double d)
{
    if (!std::isfinite(d) || std::fabs(d) > 9.0e15)
        return std::nullopt;
    return static_cast<int64_t>(d);
}

} // namespace

Result<ApiReply> parse_api_reply(std::string_view body)
{
    ApiReply r;
    bool has_ok = false;
    Reader rd(body);
    bool parsed = rd.object([&](const std::string &key) {
        double d = 0;
        if (key == "ok")
            return has_ok = rd.boolean(r.ok);
        if (key == "error_code") {
            if (!rd.number(d))
                return false;
            r.error_code = integer(d).value_or(0);
            return true;
        }
        if (key == "description")
            return rd.string(r.description);
        if (key == "parameters")
            return rd.object([&](const std::string &k) {
                if (k != "retry_after" && k != "migrate_to_chat_id")
                    return rd.skip();
                if (!rd.number(d))
                    return false;
                if (k == "migrate_to_chat_id") {
                    r.migrate_to_chat_id = integer(d);
                    return true;
                }
                // clamped, 1e999 (infinity) included; NaN cannot be written in JSON
                if (std::isnan(d))
                    return false;
                r.retry_after = static_cast<int64_t>(
                    std::clamp(d, static_cast<double>(kRetryAfterMin), static_cast<double>(kRetryAfterMax)));
                return true;
            });
        return rd.skip();
    });
    if (!parsed || rd.fail() || !rd.at_end() || !has_ok) {
        std::string head(body.substr(0, 60));
        for (auto &c : head)
            if (static_cast<unsigned char>(c) < 0x20)
                c = ' ';
        return errorf("not a Bot API reply (expected a JSON object with \"ok\"), starting '" + head + "'");
    }
    return r;
}

} // namespace jalur::notify
