// SPDX-License-Identifier: GPL-2.0-only
#include "config/reader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>

namespace jalur::config {

std::string describe(const YAML::Node &n)
{
    switch (n.Type()) {
    case YAML::NodeType::Scalar:
        return "'" + n.Scalar() + "'";
    case YAML::NodeType::Sequence:
        return "a list";
    case YAML::NodeType::Map:
        return "a map";
    default:
        return "nothing";
    }
}

std::string hex(uint32_t v)
{
    char buf[16];
    std::snprintf(buf, sizeof(buf), "0x%x", v);
    return buf;
}

std::string join(const std::vector<std::string> &words)
{
    std::string out;
    for (const auto &w : words)
        out += (out.empty() ? "" : ", ") + w;
    return out.empty() ? "none" : out;
}

MapReader::MapReader(Diagnostics &d, const Value &v, std::vector<std::string> allowed)
    : d_(d), path_(v.path), at_(v.at)
{
    std::string where = path_.empty() ? "at the top level" : "in " + path_;
    if (!v.node.IsMap()) {
        d.error(at_, (path_.empty() ? "the file" : path_) + ": expected a map, got " + describe(v.node));
        return;
    }
    ok_ = true;
    for (const auto &kv : v.node) {
        Location key_at = d.at(kv.first);
        if (!kv.first.IsScalar()) {
            d.error(key_at, "expected a plain key " + where + ", got " + describe(kv.first));
            continue;
        }
        const std::string &key = kv.first.Scalar();
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
            d.error(key_at, "unknown key '" + key + "' " + where + " (expected one of: " + join(allowed) + ")");
            continue;
        }
        if (get(key)) {
            d.error(key_at, "key '" + key + "' " + where + " is repeated (first at line " +
                                std::to_string(this->key_at(key).line) + ")");
            continue;
        }
        // An empty value ("weight:") has the mark of whatever follows it,
        // often the next line: point at the key instead.
        Location at = kv.second.IsNull() ? key_at : d.at(kv.second);
        fields_.push_back({key, key_at, Value{kv.second, at, path_.empty() ? key : path_ + "." + key}});
    }
}

const Value *MapReader::get(const std::string &key) const
{
    for (const auto &f : fields_)
        if (f.key == key)
            return &f.value;
    return nullptr;
}

Location MapReader::key_at(const std::string &key) const
{
    for (const auto &f : fields_)
        if (f.key == key)
            return f.key_at;
    return at_;
}

const Value *MapReader::require(const std::string &key, const std::string &why)
{
    const Value *v = get(key);
    if (!v && ok_)
        d_.error(at_, (path_.empty() ? "" : path_ + ": ") + "missing key '" + key + "'" +
                          (why.empty() ? "" : " (" + why + ")"));
    return v;
}

std::optional<std::string> read_string(Diagnostics &d, const Value &v)
{
    if (!v.node.IsScalar() || v.node.Scalar().empty()) {
        d.error(v.at, v.path + ": expected a non-empty string, got " + describe(v.node));
        return std::nullopt;
    }
    return v.node.Scalar();
}

std::optional<uint64_t> read_uint(Diagnostics &d, const Value &v, uint64_t lo, uint64_t hi, bool show_hex)
{
    auto fail = [&] {
        std::string range = show_hex ? hex(static_cast<uint32_t>(lo)) + ".." + hex(static_cast<uint32_t>(hi))
                                     : std::to_string(lo) + ".." + std::to_string(hi);
        d.error(v.at, v.path + ": expected an integer " + range + ", got " + describe(v.node));
        return std::nullopt;
    };
    if (!v.node.IsScalar())
        return fail();
    const std::string &s = v.node.Scalar();
    bool is_hex = s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    const char *begin = s.data() + (is_hex ? 2 : 0), *end = s.data() + s.size();
    uint64_t n = 0;
    auto [stop, ec] = std::from_chars(begin, end, n, is_hex ? 16 : 10);
    if (begin == end || ec != std::errc() || stop != end || n < lo || n > hi)
        return fail();
    return n;
}

std::optional<std::chrono::seconds> read_duration(Diagnostics &d, const Value &v, std::chrono::seconds lo,
                                                  std::chrono::seconds hi)
{
    auto fail = [&] {
        d.error(v.at, v.path + ": expected a duration " + std::to_string(lo.count()) + "s.." +
                          std::to_string(hi.count()) + "s such as 30s, 10m, 2h, 1d or plain seconds, got " +
                          describe(v.node));
        return std::nullopt;
    };
    if (!v.node.IsScalar())
        return fail();
    const std::string &s = v.node.Scalar();
    uint64_t n = 0;
    auto [stop, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (stop == s.data() || ec != std::errc() || n > 1'000'000'000)
        return fail();
    std::string unit(stop, s.data() + s.size());
    uint64_t scale = unit.empty() || unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : unit == "d" ? 86400 : 0;
    std::chrono::seconds out(n * scale);
    if (scale == 0 || out < lo || out > hi)
        return fail();
    return out;
}

std::optional<std::chrono::milliseconds> read_millis(Diagnostics &d, const Value &v, std::chrono::milliseconds lo,
                                                     std::chrono::milliseconds hi)
{
    std::string s = v.node.IsScalar() ? v.node.Scalar() : "";
    uint64_t n = 0;
    auto [stop, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    std::string unit(stop, static_cast<const char *>(s.data() + s.size()));
    uint64_t scale = unit == "ms" ? 1 : unit.empty() || unit == "s" ? 1000 : unit == "m" ? 60000 : 0;
    std::chrono::milliseconds out(n * scale);
    if (stop == s.data() || ec != std::errc() || n > 1'000'000 || scale == 0 || out < lo || out > hi) {
        d.error(v.at, v.path + ": expected a duration " + std::to_string(lo.count()) + "ms.." +
                          std::to_string(hi.count()) + "ms such as 200ms, 1s or 2m, got " + describe(v.node));
        return std::nullopt;
    }
    return out;
}

std::optional<std::string> read_name(Diagnostics &d, const Value &v, size_t max_len)
{
    auto s = read_string(d, v);
    if (!s)
        return std::nullopt;
    bool plain = std::all_of(s->begin(), s->end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
    if (!plain || s->size() > max_len) {
        d.error(v.at, v.path + ": expected a name of 1.." + std::to_string(max_len) +
                          " characters a-z, 0-9, '_' or '-', got " + describe(v.node));
        return std::nullopt;
    }
    return s;
}

std::optional<std::string> read_ifname(Diagnostics &d, const Value &v)
{
    auto s = read_string(d, v);
    if (!s)
        return std::nullopt;
    // The kernel's dev_valid_name(): IFNAMSIZ - 1 bytes, not "." or "..",
    // no '/', ':' or whitespace.
    auto bad = [](char c) { return c == '/' || c == ':' || std::isspace(static_cast<unsigned char>(c)); };
    bool valid = s->size() <= 15 && *s != "." && *s != ".." && std::none_of(s->begin(), s->end(), bad);
    if (!valid) {
        d.error(v.at, v.path + ": expected an interface name (1..15 characters, no '/', ':' or spaces), got " +
                          describe(v.node));
        return std::nullopt;
    }
    return s;
}

std::vector<Value> read_items(Diagnostics &d, const Value &v, const char *if_empty)
{
    std::vector<Value> out;
    if (v.node.IsScalar()) {
        out.push_back(v);
    } else if (v.node.IsSequence()) {
        size_t i = 0;
        for (const auto &e : v.node) {
            // An empty item ("- ") has no useful mark of its own.
            Location at = e.IsNull() ? v.at : d.at(e);
            out.push_back({e, at, v.path + "[" + std::to_string(i++) + "]"});
        }
    } else if (v.node.IsMap()) {
        d.error(v.at, v.path + ": expected a list, got a map");
        return out;
    }
    if (out.empty() && if_empty)
        d.error(v.at, v.path + ": " + if_empty);
    return out;
}

} // namespace jalur::config
