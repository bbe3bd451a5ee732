// SPDX-License-Identifier: GPL-2.0-only
// ICMP (or ICMPv6) echo through one WAN, on a raw socket made by
// probe_socket(). Non-blocking; replies are read when the event loop says so.
#pragma once

#include "common/prefix.h"
#include "common/result.h"
#include "common/unique_fd.h"

#include <cstdint>
#include <functional>
#include <string>

namespace jalur::health {

class IcmpProber {
public:
    // family 4 or 6
    static Result<IcmpProber> open(int family, const std::string &ifname, uint32_t fwmark, uint16_t ident);

    int fd() const { return fd_.get(); }
    // One echo request, numbered `seq`. A send error (no route while the
    // link is down) is a lost probe, so it is not reported.
    void send(const Prefix &target, uint16_t seq);
    // Every echo reply of ours waiting on the socket: (from, seq).
    void drain(const std::function<void(const Prefix &from, uint16_t seq)> &on_reply);

private:
    IcmpProber(UniqueFd fd, int family, uint16_t ident) : fd_(std::move(fd)), family_(family), ident_(ident) {}
    UniqueFd fd_;
    int family_;
    uint16_t ident_;
};

} // namespace jalur::health
