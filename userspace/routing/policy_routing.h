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
// Remembers what it added and removes exactly that. Keeps what the last
// apply() wanted, so that drift (a rule or route someone else removed) can
// be found and repaired (repair_watch.h decides when).
#pragma once

#include "control/desired.h"
#include "routing/drift.h"
#include "routing/netlink.h"

#include <optional>
#include <string>
#include <vector>

namespace jalur::routing {

// one WAN's table and rule, as the control core wants them
using WanRouting = control::WanRoute;

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
    void release() { forget(); }

    // What the kernel lacks of what the last apply() wanted (a dump of the
    // rules and of the wanted tables).
    Result<Drift> drift();
    // Adds what is missing. What cannot be added (a route whose gateway is
    // unreachable while its WAN has no address) comes back with why.
    struct Repaired {
        std::vector<std::string> restored;                    // described
        std::vector<std::pair<std::string, Error>> failed;    // described, why
    };
    Repaired repair(const Drift &d);
    // Whether a change in this table may be drift (an event filter).
    bool wants_table(uint32_t table) const;
    bool wants_rules() const { return !want_rules_.empty(); }
    // The netlink port of its own writes: their events are not drift.
    uint32_t portid() const { return nl_.portid(); }

    const std::vector<Rule> &rules() const { return rules_; }
    const std::vector<Route> &routes() const { return routes_; }

private:
    void forget();

    Netlink &nl_;
    uint32_t mask_;
    std::vector<Rule> rules_;   // what it added
    std::vector<Route> routes_; // what it added
    std::vector<Rule> want_rules_;
    std::vector<Route> want_routes_;
};

} // namespace jalur::routing
