// SPDX-License-Identifier: GPL-2.0-only
// A strict, small JSON reader for the Bot API's answers (api_reply.cpp,
// bot_updates.cpp): the caller walks the shapes it expects and skips the
// rest. Depth is bounded: the body comes from the network.
#pragma once

#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace jalur::notify::json {

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

    // Calls on_item() for each element, which must consume it.
    template <typename F>
    bool array(F on_item)
    {
        if (!eat('['))
            return fail_ = true, false;
        if (eat(']'))
            return true;
        do {
            if (!on_item())
                return fail_ = true, false;
        } while (eat(','));
        return eat(']') || (fail_ = true, false);
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

inline std::optional<int64_t> integer(double d)
{
    if (!std::isfinite(d) || std::fabs(d) > 9.0e15)
        return std::nullopt;
    return static_cast<int64_t>(d);
}

} // namespace jalur::notify::json
