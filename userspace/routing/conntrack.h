// SPDX-License-Identifier: GPL-2.0-only
// Deletes the conntrack entries of ended flows (issue 19), over nfnetlink
// (libmnl): the next packet of a UDP flow then gets a fresh NAT on a live
// WAN and carries on (QUIC and WireGuard survive an address change), and a
// connection begun during the outage succeeds on its next try. Only the
// entries asked for: never a flush, other WANs' flows run on.
#pragma once

#include "common/prefix.h"
#include "common/result.h"
#include "jalur/datapath.h"

#include <cstddef>
#include <span>

struct mnl_socket;

namespace jalur::routing {

class Conntrack {
public:
    static Result<Conntrack> open();
    Conntrack(Conntrack &&o) noexcept;
    Conntrack &operator=(Conntrack &&) = delete;
    ~Conntrack();

    // Every entry whose reply is addressed to one of `addrs` (a WAN's own
    // addresses: the entries masquerade or SNAT made for its flows).
    // Returns how many were deleted.
    Result<size_t> delete_natted_to(std::span<const Prefix> addrs);
    // The entries of these flows (TCP and UDP), by their original tuple.
    Result<size_t> delete_flows(std::span<const jalur_flow_key> flows);

private:
    explicit Conntrack(mnl_socket *sock);
    Result<bool> erase(int family, const void *tuple_orig, size_t len, const void *zone, size_t zone_len);
    mnl_socket *sock_;
    unsigned portid_;
    unsigned seq_;
};

} // namespace jalur::routing
