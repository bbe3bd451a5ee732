// SPDX-License-Identifier: GPL-2.0-only
// A minimal JSON writer: objects, arrays, strings escaped per RFC 8259.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <type_traits>

namespace jalur {

class JsonWriter {
public:
    JsonWriter &begin_object() { return open('{'); }
    JsonWriter &end_object() { return close('}'); }
    JsonWriter &begin_array() { return open('['); }
    JsonWriter &end_array() { return close(']'); }
    JsonWriter &key(const std::string &k)
    {
        comma();
        quote(k);
        out_ += ':';
        after_key_ = true;
        return *this;
    }
    JsonWriter &value(const std::string &v)
    {
        comma();
        quote(v);
        return *this;
    }
    JsonWriter &value(const char *v) { return value(std::string(v)); }
    template <typename T>
        requires std::is_integral_v<T> && (!std::is_same_v<T, bool>)
    JsonWriter &value(T v)
    {
        return raw(std::to_string(v));
    }
    JsonWriter &value(double v)
    {
        char b[32];
        std::snprintf(b, sizeof(b), "%.6g", v);
        return raw(b);
    }
    JsonWriter &value(bool v) { return raw(v ? "true" : "false"); }
    JsonWriter &null() { return raw("null"); }
    template <typename T>
    JsonWriter &field(const std::string &k, const T &v)
    {
        key(k);
        return value(v);
    }
    const std::string &str() const { return out_; }

private:
    JsonWriter &open(char c)
    {
        comma();
        out_ += c;
        first_ = true;
        return *this;
    }
    JsonWriter &close(char c)
    {
        out_ += c;
        first_ = false;
        return *this;
    }
    JsonWriter &raw(const std::string &s)
    {
        comma();
        out_ += s;
        return *this;
    }
    void comma()
    {
        if (after_key_) {
            after_key_ = false;
            return;
        }
        if (!first_ && !out_.empty())
            out_ += ',';
        first_ = false;
    }
    void quote(const std::string &s)
    {
        out_ += '"';
        for (unsigned char c : s) {
            switch (c) {
            case '"': out_ += "\\\""; break;
            case '\\': out_ += "\\\\"; break;
            case '\n': out_ += "\\n"; break;
            case '\r': out_ += "\\r"; break;
            case '\t': out_ += "\\t"; break;
            default:
                if (c < 0x20) {
                    char b[8];
                    std::snprintf(b, sizeof(b), "\\u%04x", c);
                    out_ += b;
                } else {
                    out_ += static_cast<char>(c);
                }
            }
        }
        out_ += '"';
    }
    std::string out_;
    bool first_ = true;
    bool after_key_ = false;
};

} // namespace jalur
