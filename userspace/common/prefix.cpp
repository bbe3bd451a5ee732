// SPDX-License-Identifier: GPL-2.0-only
#include "common/prefix.h"

#include <arpa/inet.h>

#include <charconv>

namespace jalur {

Result<Prefix> Prefix::parse(const std::string &text)
{
    Prefix p;
    auto slash = text.find('/');
    std::string addr = text.substr(0, slash);
    if (inet_pton(AF_INET, addr.c_str(), p.addr.data()) == 1)
        p.family = 4;
    else if (inet_pton(AF_INET6, addr.c_str(), p.addr.data()) == 1)
        p.family = 6;
    else
        return errorf("'" + text + "' is not an IPv4 or IPv6 address or prefix");

    p.len = p.max_len();
    if (slash != std::string::npos) {
        std::string len = text.substr(slash + 1);
        auto [end, ec] = std::from_chars(len.data(), len.data() + len.size(), p.len);
        if (ec != std::errc() || end != len.data() + len.size() || len.empty() || p.len > p.max_len())
            return errorf("'" + text + "': prefix length must be 0.." + std::to_string(p.max_len()));
    }
    // Host bits set ("192.0.2.1/24") are cleared rather than refused: it is
    // what `ip route` does and what users mean.
    return p.truncated(p.len);
}

Prefix Prefix::truncated(unsigned to) const
{
    Prefix p = *this;
    p.len = to;
    for (unsigned bit = to; bit < max_len(); bit++)
        p.addr[bit / 8] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
    return p;
}

bool Prefix::contains(const Prefix &other) const
{
    if (family != other.family || len > other.len)
        return false;
    for (unsigned bit = 0; bit < len; bit++) {
        uint8_t m = 0x80u >> (bit % 8);
        if ((addr[bit / 8] & m) != (other.addr[bit / 8] & m))
            return false;
    }
    return true;
}

std::string Prefix::addr_str() const
{
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(family == 4 ? AF_INET : AF_INET6, addr.data(), buf, sizeof(buf));
    return buf;
}

std::string Prefix::str() const
{
    return addr_str() + "/" + std::to_string(len);
}

} // namespace jalur
