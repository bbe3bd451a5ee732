// SPDX-License-Identifier: GPL-2.0-only
// Typed reads from YAML nodes that never throw: a bad value becomes an error
// at its place, naming the path of the value ("wans[1].weight"), what was
// expected and what was found, and the caller goes on with the next value.
//
// yaml-cpp hands every scalar over as text (YAML 1.1's `off` stays "off"),
// so the types are decided here, not by the YAML resolver. Lookups go
// through MapReader, never Node::operator[] (which on a missing key gives a
// node whose Mark() throws, and on a non-const node inserts the key).
#pragma once

#include "config/diagnostics.h"

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace jalur::config {

// A value and where it is, for messages.
struct Value {
    YAML::Node node;
    Location at;      // of the value; of its key when the value is empty
    std::string path; // "wans[1].weight"
};

// "'heavy'", "a list", "a map", "nothing": what was found instead.
std::string describe(const YAML::Node &n);

// A mapping whose keys must all be among `allowed`. Reports a value that
// is not a map, every unknown key and every repeated key (yaml-cpp keeps
// both and `[]` would silently return the first).
class MapReader {
public:
    MapReader(Diagnostics &d, const Value &v, std::vector<std::string> allowed);

    bool ok() const { return ok_; } // a map, whatever its keys
    const Location &at() const { return at_; }
    const std::string &path() const { return path_; }

    // Null when the key is absent (or the node is not a map).
    const Value *get(const std::string &key) const;
    // Reports a missing key at the map itself.
    const Value *require(const std::string &key, const std::string &why = "");
    // Where a present key is written (the map's place for an absent one).
    Location key_at(const std::string &key) const;

private:
    Diagnostics &d_;
    std::string path_;
    Location at_;
    bool ok_ = false;
    struct Field {
        std::string key;
        Location key_at;
        Value value;
    };
    std::vector<Field> fields_;
};

// A non-empty string.
std::optional<std::string> read_string(Diagnostics &d, const Value &v);

// Decimal, or hexadecimal with 0x (marks and masks are written in hex).
// `hex` only changes how the range is shown in the message.
std::optional<uint64_t> read_uint(Diagnostics &d, const Value &v, uint64_t lo, uint64_t hi, bool hex = false);

// 30s, 10m, 2h, 1d or plain seconds, within [lo, hi].
std::optional<std::chrono::seconds> read_duration(Diagnostics &d, const Value &v, std::chrono::seconds lo,
                                                  std::chrono::seconds hi);

// 200ms, 1s, 2m, or plain seconds, within [lo, hi]: probe timing.
std::optional<std::chrono::milliseconds> read_millis(Diagnostics &d, const Value &v, std::chrono::milliseconds lo,
                                                     std::chrono::milliseconds hi);

// [a-z0-9_-]{1,max_len}: names show up in metrics labels, log lines and
// (for WANs) next to interface names, so they stay short and plain.
std::optional<std::string> read_name(Diagnostics &d, const Value &v, size_t max_len);

// A Linux interface name: 1..15 bytes, no '/', ':' or whitespace.
std::optional<std::string> read_ifname(Diagnostics &d, const Value &v);

// A list; a single scalar stands for a list of one (`lan: br-lan`). The
// items' paths are "path[i]". An empty value or list is reported with
// `if_empty` ("expected at least one ...") unless that is null.
std::vector<Value> read_items(Diagnostics &d, const Value &v, const char *if_empty);

// One of a fixed set of words.
template <typename T>
std::optional<T> read_choice(Diagnostics &d, const Value &v, std::initializer_list<std::pair<const char *, T>> options)
{
    std::string list;
    for (const auto &[word, value] : options) {
        if (v.node.IsScalar() && v.node.Scalar() == word)
            return value;
        list += (list.empty() ? "" : "|") + std::string(word);
    }
    d.error(v.at, v.path + ": expected one of " + list + ", got " + describe(v.node));
    return std::nullopt;
}

// "0xff00"
std::string hex(uint32_t v);
// "isp1, isp2", or "none" for an empty list.
std::string join(const std::vector<std::string> &words);

} // namespace jalur::config
