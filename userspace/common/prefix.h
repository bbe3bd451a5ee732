// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "common/result.h"

#include <array>
#include <cstdint>
#include <string>

namespace jalur {

// An IPv4 or IPv6 prefix; addresses in network order, IPv4 in the first 4 bytes.
struct Prefix {
    int family = 4; // 4 or 6
    std::array<uint8_t, 16> addr{};
    unsigned len = 0;

    static Result<Prefix> parse(const std::string &text); // "192.0.2.0/24", "2001:db8::/32", "192.0.2.1"
    bool contains(const Prefix &other) const;              // other is inside (or equal to) this
    unsigned max_len() const { return family == 4 ? 32 : 128; }
    Prefix truncated(unsigned to) const;                   // the first `to` bits, as a /to (to <= len)
    std::string str() const;      // "192.0.2.0/24"
    std::string addr_str() const; // "192.0.2.0": the address alone
    bool operator==(const Prefix &) const = default;
};

} // namespace jalur
