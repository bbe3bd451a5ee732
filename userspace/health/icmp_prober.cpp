// SPDX-License-Identifier: GPL-2.0-only
#include "health/icmp_prober.h"

#include <arpa/inet.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <sys/socket.h>

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

} // namespace

Result<IcmpProber> IcmpProber::open(const std::string &ifname, uint32_t fwmark, uint16_t ident)
{
    UniqueFd fd(socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP));
    if (!fd)
        return errorf("probe socket for " + ifname + ": " + std::strerror(errno));
    if (setsockopt(fd.get(), SOL_SOCKET, SO_BINDTODEVICE, ifname.c_str(), static_cast<socklen_t>(ifname.size())) != 0)
        return errorf("probe socket: cannot bind to " + ifname + ": " + std::strerror(errno));
    if (setsockopt(fd.get(), SOL_SOCKET, SO_MARK, &fwmark, sizeof(fwmark)) != 0)
        return errorf("probe socket: cannot set mark on " + ifname + ": " + std::strerror(errno));
    return IcmpProber(std::move(fd), ident);
}

void IcmpProber::send(const std::vector<in_addr> &targets, uint16_t seq)
{
    for (const auto &t : targets) {
        icmphdr h{};
        h.type = ICMP_ECHO;
        h.un.echo.id = htons(ident_);
        h.un.echo.sequence = htons(seq);
        h.checksum = checksum(&h, sizeof(h));
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_addr = t;
        // a send error (no route while the link is down) is a lost probe
        (void)sendto(fd_.get(), &h, sizeof(h), 0, reinterpret_cast<sockaddr *>(&to), sizeof(to));
    }
}

void IcmpProber::drain(const std::function<void(in_addr from, uint16_t seq)> &on_reply)
{
    uint8_t buf[1500];
    for (;;) {
        sockaddr_in from{};
        socklen_t len = sizeof(from);
        ssize_t n = recvfrom(fd_.get(), buf, sizeof(buf), 0, reinterpret_cast<sockaddr *>(&from), &len);
        if (n < 0)
            return;
        if (static_cast<size_t>(n) < sizeof(iphdr))
            continue;
        auto *ip = reinterpret_cast<const iphdr *>(buf);
        size_t hl = ip->ihl * 4u;
        if (static_cast<size_t>(n) < hl + sizeof(icmphdr))
            continue;
        icmphdr h;
        std::memcpy(&h, buf + hl, sizeof(h));
        if (h.type == ICMP_ECHOREPLY && ntohs(h.un.echo.id) == ident_)
            on_reply(from.sin_addr, ntohs(h.un.echo.sequence));
    }
}

} // namespace jalur::health
