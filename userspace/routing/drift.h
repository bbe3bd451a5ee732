// SPDX-License-Identifier: GPL-2.0-only
// Drift: what of the rules and routes jalur wants the kernel no longer has
// (deleted by an admin, a network manager or a VPN client, replaced by
// another route, or dropped by the kernel with an address). Pure: the
// kernel's side is passed in, as dumped.
#pragma once

#include "routing/netlink.h"

#include <vector>

namespace jalur::routing {

// The same route as far as forwarding goes: an IPv6 route added with no
// metric is reported back with the kernel's default, 1024.
bool same_route(const Route &a, const Route &b);

struct Drift {
    std::vector<Rule> rules;   // wanted, missing
    std::vector<Route> routes; // wanted, missing or different
    bool empty() const { return rules.empty() && routes.empty(); }
    size_t size() const { return rules.size() + routes.size(); }
};

Drift find_drift(const std::vector<Rule> &want_rules, const std::vector<Rule> &have_rules,
                 const std::vector<Route> &want_routes, const std::vector<Route> &have_routes);

} // namespace jalur::routing
