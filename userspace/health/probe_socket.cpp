// SPDX-License-Identifier: GPL-2.0-only
#include "health/probe_socket.h"

#include <netinet/in.h>

#include <cerrno>
#include <cstring>

namespace jalur::health {

Result<UniqueFd> probe_socket(int family, int type, int protocol, const std::string &ifname, uint32_t fwmark)
{
    UniqueFd fd(socket(family == 4 ? AF_INET : AF_INET6, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol));
    if (!fd)
        return errorf("probe socket for " + ifname + ": " + std::strerror(errno));
    if (setsockopt(fd.get(), SOL_SOCKET, SO_BINDTODEVICE, ifname.c_str(), static_cast<socklen_t>(ifname.size())) != 0)
        return errorf("probe socket: cannot bind to " + ifname + ": " + std::strerror(errno));
    if (setsockopt(fd.get(), SOL_SOCKET, SO_MARK, &fwmark, sizeof(fwmark)) != 0)
        return errorf("probe socket: cannot set mark on " + ifname + ": " + std::strerror(errno));
    return fd;
}

socklen_t sockaddr_of(const Prefix &addr, uint16_t port, sockaddr_storage &out)
{
    out = {};
    if (addr.family == 4) {
        auto *sin = reinterpret_cast<sockaddr_in *>(&out);
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        std::memcpy(&sin->sin_addr, addr.addr.data(), 4);
        return sizeof(sockaddr_in);
    }
    auto *sin6 = reinterpret_cast<sockaddr_in6 *>(&out);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(port);
    std::memcpy(&sin6->sin6_addr, addr.addr.data(), 16);
    return sizeof(sockaddr_in6);
}

} // namespace jalur::health
