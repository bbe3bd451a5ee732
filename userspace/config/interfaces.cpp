// SPDX-License-Identifier: GPL-2.0-only
#include "config/interfaces.h"

#include <net/if.h>

namespace jalur::config {

std::vector<std::string> absent_wan_interfaces(const Config &cfg)
{
    std::vector<std::string> out;
    for (const auto &wan : cfg.wans)
        if (if_nametoindex(wan.interface.c_str()) == 0)
            out.push_back(wan.interface_where.str() + ": WAN " + wan.name + ": interface '" + wan.interface +
                          "' does not exist here (yet); the WAN is down until it appears");
    return out;
}

Result<void> check_interfaces(const Config &cfg, bool strict)
{
    std::string errors;
    auto check = [&](const std::string &name, const Location &where) {
        if (name.empty() || if_nametoindex(name.c_str()) != 0)
            return;
        errors += (errors.empty() ? "" : "\n") + where.str() + ": unknown interface '" + name +
                  "' (no such network device here)";
    };
    for (const auto &lan : cfg.lans)
        check(lan.interface, lan.where);
    if (strict)
        for (const auto &wan : cfg.wans)
            check(wan.interface, wan.interface_where);
    // A rule's in_interface is always a LAN (parse checks that), so it only
    // repeats the LAN's error when that is missing: report it anyway, at its
    // own place, since the user reads the file line by line.
    for (const auto &rule : cfg.rules)
        check(rule.in_interface, rule.in_interface_where);
    for (const auto &[name, where] : cfg.dhcp_guard.port_where)
        check(name, where);
    if (!errors.empty())
        return errorf(errors);
    return {};
}

} // namespace jalur::config
