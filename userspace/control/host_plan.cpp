// SPDX-License-Identifier: GPL-2.0-only
#include "control/host_plan.h"

namespace jalur::control {

HostPlan plan_host(const config::Config &cfg, const World &world)
{
    HostPlan p;
    const auto &h = cfg.host;
    if (h.forwarding) {
        p.sysctls.push_back({"net/ipv4/ip_forward", "1"});
        bool v6 = false;
        for (const auto &w : cfg.wans)
            v6 = v6 || w.gateway6.has_value();
        if (v6)
            p.sysctls.push_back({"net/ipv6/conf/all/forwarding", "1"});
    }
    for (const auto &w : cfg.wans) {
        if (!world.interface(w.interface).present)
            continue;
        // the kernel uses max(all, interface) for rp_filter: 2 here is
        // loose whether all is 0, 1 or 2
        if (h.rp_filter_loose)
            p.sysctls.push_back({"net/ipv4/conf/" + w.interface + "/rp_filter", "2"});
        // the reverse-path lookup uses the packet's mark, so a reply that
        // arrives on the WAN its connection's mark routes to passes
        if (h.src_valid_mark)
            p.sysctls.push_back({"net/ipv4/conf/" + w.interface + "/src_valid_mark", "1"});
    }
    for (const auto &w : cfg.wans) {
        if (w.nat4)
            p.nat.push_back({w.interface, 4});
        if (w.nat6)
            p.nat.push_back({w.interface, 6});
    }
    return p;
}

std::string nat_script(const std::vector<Masquerade> &nat)
{
    const std::string table = std::string("inet ") + kNatTable;
    // "add" then "delete": deleting a table that does not exist fails the
    // whole transaction, adding one that exists does nothing
    std::string s = "add table " + table + "\ndelete table " + table + "\n";
    if (nat.empty())
        return s;
    s += "table " + table + " {\n"
         "\tchain postrouting {\n"
         "\t\ttype nat hook postrouting priority srcnat; policy accept;\n";
    // the config allows only [A-Za-z0-9._@-] in a masqueraded interface's
    // name (config/section_wans.cpp): quoted, it cannot end the string
    for (const auto &m : nat)
        s += "\t\toifname \"" + m.interface + "\" meta nfproto " + (m.family == 6 ? "ipv6" : "ipv4") +
             " masquerade\n";
    s += "\t}\n}\n";
    return s;
}

} // namespace jalur::control
