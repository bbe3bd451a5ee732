// SPDX-License-Identifier: GPL-2.0-only
// What the host itself should look like while the agent runs (issue 23):
// the sysctls the `host` section asks for, and a masquerade per WAN that
// asks for it. Pure: config and world in, plan out; host/ writes it.
#pragma once

#include "config/model.h"
#include "control/world.h"

#include <string>
#include <vector>

namespace jalur::control {

// One sysctl, by its path under /proc/sys ("net/ipv4/ip_forward").
struct Sysctl {
    std::string path;
    std::string value;
    bool operator==(const Sysctl &) const = default;
};

struct Masquerade {
    std::string interface;
    int family = 4; // 4 or 6
    bool operator==(const Masquerade &) const = default;
};

struct HostPlan {
    std::vector<Sysctl> sysctls; // in the order they are written
    std::vector<Masquerade> nat; // in WAN order
    bool operator==(const HostPlan &) const = default;
};

// Per-interface sysctls only for interfaces present now: an absent WAN's
// (ppp0 before it dials) are written when it appears.
HostPlan plan_host(const config::Config &cfg, const World &world);

// The nftables table jalur owns, as one nft script that replaces it whole
// (atomically: nft applies a script as one transaction), or deletes it when
// there is nothing to masquerade. Only this table is named: other tables
// and their rules are never touched.
inline constexpr const char *kNatTable = "jalur";
std::string nat_script(const std::vector<Masquerade> &nat);

} // namespace jalur::control
