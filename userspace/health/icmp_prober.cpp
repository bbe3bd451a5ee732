// SPDX-License-Identifier: GPL-2.0-only
#include "health/icmp_prober.h"

#include "health/probe_socket.h"

#include <netinet/icmp6.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>

#include <cerrno>
#include <cstring>

namespace jalur::health {

namespace {

uint16_t checksum(const void *data, size_t len)
{
    const auto *p = static_cast<const uint8_t *>(data);
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += static_cast<uint32_t>(p[i] << 8 | p[i + 1]);
    if (len & 1)
        sum += static_cast<uint32_t>(p[len - 1] << 8);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return htons(static_cast<uint16_t>(~sum));
}

Prefix prefix_of(const sockaddr_storage &ss)
{
    Prefix p;
    if (ss.ss_family == AF_INET) {
        p.family = 4;
        std::memcpy(p.addr.data(), &reinterpret_cast<const sockaddr_in *>(&ss)->sin_addr, 4);
    } else {
        p.family = 6;
        std::memcpy(p.addr.data(), &reinterpret_cast<const sockaddr_in6 *>(&ss)->sin6_addr, 16);
    }
    p.len = p.max_len();
    return p;
}

} // namespace

Result<IcmpProber> IcmpProber::open(int family, const std::string &ifname, uint32_t fwmark, uint16_t ident)
{
    int protocol = family == 4 ? int{IPPROTO_ICMP} : int{IPPROTO_ICMPV6};
    auto fd = probe_socket(family, SOCK_RAW, protocol, ifname, fwmark);
    if (!fd)
        return fd.error();
    if (family == 6) {
        // the kernel fills in the ICMPv6 checksum; only echo replies are wanted
        icmp6_filter filter;
        ICMP6_FILTER_SETBLOCKALL(&filter);
        ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &filter);
        if (setsockopt(fd->get(), IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof(filter)) != 0)
            return errorf("probe socket: ICMP6_FILTER on " + ifname + ": " + std::strerror(errno));
    }
    return IcmpProber(std::move(fd).value(), family, ident);
}

void IcmpProber::send(const Prefix &target, uint16_t seq)
{
    sockaddr_storage to;
    socklen_t len = sockaddr_of(target, 0, to);
    if (family_ == 4) {
        icmphdr h{};
        h.type = ICMP_ECHO;
        h.un.echo.id = htons(ident_);
        h.un.echo.sequence = htons(seq);
        h.checksum = checksum(&h, sizeof(h));
        (void)sendto(fd_.get(), &h, sizeof(h), 0, reinterpret_cast<sockaddr *>(&to), len);
    } else {
        icmp6_hdr h{};
        h.icmp6_type = ICMP6_ECHO_REQUEST;
        h.icmp6_id = htons(ident_);
        h.icmp6_seq = htons(seq);
        (void)sendto(fd_.get(), &h, sizeof(h), 0, reinterpret_cast<sockaddr *>(&to), len);
    }
}

void IcmpProber::drain(const std::function<void(const Prefix &from, uint16_t seq)> &on_reply)
{
    uint8_t buf[1500];
    for (;;) {
        sockaddr_storage from{};
        socklen_t len = sizeof(from);
        ssize_t n = recvfrom(fd_.get(), buf, sizeof(buf), 0, reinterpret_cast<sockaddr *>(&from), &len);
        if (n < 0)
            return;
        if (family_ == 6) { // an ICMPv6 raw socket reads from the ICMPv6 header on
            icmp6_hdr h;
            if (static_cast<size_t>(n) < sizeof(h))
                continue;
            std::memcpy(&h, buf, sizeof(h));
            if (h.icmp6_type == ICMP6_ECHO_REPLY && ntohs(h.icmp6_id) == ident_)
                on_reply(prefix_of(from), ntohs(h.icmp6_seq));
            continue;
        }
        if (static_cast<size_t>(n) < sizeof(iphdr))
            continue;
        size_t hl = reinterpret_cast<const iphdr *>(buf)->ihl * 4u;
        icmphdr h;
        if (static_cast<size_t>(n) < hl + sizeof(h))
            continue;
        std::memcpy(&h, buf + hl, sizeof(h));
        if (h.type == ICMP_ECHOREPLY && ntohs(h.un.echo.id) == ident_)
            on_reply(prefix_of(from), ntohs(h.un.echo.sequence));
    }
}

} // namespace jalur::health
