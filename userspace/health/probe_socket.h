// SPDX-License-Identifier: GPL-2.0-only
// A socket that can only leave by one WAN: bound to its interface and
// carrying its fwmark, so a probe never follows the balancer's choice or
// the main table.
#pragma once

#include "common/prefix.h"
#include "common/result.h"
#include "common/unique_fd.h"

#include <sys/socket.h>

#include <cstdint>
#include <string>

namespace jalur::health {

// family 4 or 6; type SOCK_STREAM, SOCK_DGRAM or SOCK_RAW; non-blocking.
Result<UniqueFd> probe_socket(int family, int type, int protocol, const std::string &ifname, uint32_t fwmark);

// addr:port as a sockaddr for connect()/sendto().
socklen_t sockaddr_of(const Prefix &addr, uint16_t port, sockaddr_storage &out);

} // namespace jalur::health
