// SPDX-License-Identifier: GPL-2.0-only
// ICMP echo through one WAN: a raw socket bound to the WAN's interface and
// carrying its fwmark, so a probe never follows the balancer or the main
// table. Non-blocking; replies are read when the event loop says so.
#pragma once

#include "common/result.h"
#include "common/unique_fd.h"

#include <netinet/in.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace jalur::health {

class IcmpProber {
public:
    static Result<IcmpProber> open(const std::string &ifname, uint32_t fwmark, uint16_t ident);

    int fd() const { return fd_.get(); }
    // One echo request to each target, numbered `seq`.
    void send(const std::vector<in_addr> &targets, uint16_t seq);
    // Every echo reply of ours waiting on the socket: (from, seq).
    void drain(const std::function<void(in_addr from, uint16_t seq)> &on_reply);

private:
    IcmpProber(UniqueFd fd, uint16_t ident) : fd_(std::move(fd)), ident_(ident) {}
    UniqueFd fd_;
    uint16_t ident_;
};

} // namespace jalur::health
