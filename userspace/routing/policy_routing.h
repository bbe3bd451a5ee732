// SPDX-License-Identifier: GPL-2.0-only
// Per-WAN routing tables and the rules that send marked packets to them:
//
//   prio 1000  lookup main suppress_prefixlength 0   connected and specific routes win
//   prio 1001+ fwmark M/mask lookup T               one per WAN
//   table T:   default via the WAN's gateway dev the WAN's interface
//   main:      default via the best live WAN's gateway, metric kMainMetric:
//              the router's own traffic (resolver, VPN, alerts) follows
//              failover, and loose reverse-path filtering accepts replies on
//              every WAN (with no default route in main, it drops them)
//   prio 32000 iif lo lookup T of that best WAN     the router's own traffic:
//              a DHCP or PPPoE client's default route in main with a lower
//              metric would otherwise carry it through that WAN even while
//              it is down; jalur leaves that route alone (it is how an
//              "auto" gateway is learned) and steers around it
//
// Remembers what it added and removes exactly that.
#pragma once

#include "routing/netlink.h"

#include <optional>
#include <string>
#include <vector>

namespace jalur::routing {

struct WanRouting {
    std::string name;
    int ifindex = 0;
    uint32_t table = 0;
    uint32_t fwmark = 0;
    std::optional<Prefix> gateway4; // /32
    std::optional<Prefix> gateway6; // /128
    bool main_default = false;      // carries the router's own traffic
};

class PolicyRouting {
public:
    static constexpr uint32_t kSuppressPriority = 1000;
    static constexpr uint32_t kMarkPriority = 1001;
    static constexpr uint32_t kMainMetric = 10;
    // after every WAN's mark rule, before the main table's catch-all
    static constexpr uint32_t kLastResortPriority = 1900;
    // the router's own traffic to the best WAN's table: after the specific
    // routes (1000), the marks (probes carry their WAN's) and the rules
    // other tools add for their own tables (Tailscale's 52xx), just before
    // main's catch-all (32766)
    static constexpr uint32_t kOwnTrafficPriority = 32000;

    PolicyRouting(Netlink &nl, uint32_t fwmark_mask) : nl_(nl), mask_(fwmark_mask) {}
    PolicyRouting(const PolicyRouting &) = delete;
    ~PolicyRouting();

    // Converges to these WANs: adds what is missing, removes what it added
    // before and is no longer wanted (a WAN removed by a reload, a gateway
    // that changed). Traffic arriving on `unreachable_from` that no WAN
    // carries and no specific route in main reaches gets "network
    // unreachable" (the last resort with every WAN down).
    Result<void> apply(const std::vector<WanRouting> &wans, const std::vector<std::string> &unreachable_from = {});
    // Removes everything it added.
    void remove_all();
    // Leaves everything in place (the data path stays for an upgrade).
    void release() { rules_.clear(); routes_.clear(); }

    const std::vector<Rule> &rules() const { return rules_; }
    const std::vector<Route> &routes() const { return routes_; }

private:
    Netlink &nl_;
    uint32_t mask_;
    std::vector<Rule> rules_;
    std::vector<Route> routes_;
};

} // namespace jalur::routing
