// SPDX-License-Identifier: GPL-2.0-only
// What the agent knows of the world, as plain values the observers fill in
// (netlink, probes, the admin) and the control core decides from. Nothing
// here is assumed to stay as it was: an interface may vanish and return
// with a new ifindex, a gateway may move, an admin may drain a WAN.
#pragma once

#include "common/prefix.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace jalur::control {

// One interface the config names (a LAN or a WAN), by name.
struct InterfaceFacts {
    bool present = false; // it exists now
    uint32_t ifindex = 0; // valid while present; a recreated interface has a new one
    bool carrier = false;
    bool bridge = false;
    bool operator==(const InterfaceFacts &) const = default;
};

// What health probing (and the link state fed into it) says of a WAN.
enum class Health { Up, Degraded, Down };
const char *health_name(Health h);

// What the admin says of a WAN (issue 21 sets it at runtime).
enum class Admin {
    Enabled,  // health decides
    Drain,    // no new connections; the ones it carries run on
    Disabled, // down
};

struct WanFacts {
    Health health = Health::Up;
    std::string cause; // why it is in that state ("carrier lost", "no interface", a probe's failure)
    Admin admin = Admin::Enabled;
    // the gateways as known now: configured, or learned from the interface's
    // own default route ("auto"); unset while unknown
    std::optional<Prefix> gateway4, gateway6;
    bool over_quota = false; // its data cap is used up this period (issue 20)
    // `bandwidth: auto`: the capacity learned from its traffic, kbit/s; 0 until known
    uint64_t learned_down_kbit = 0, learned_up_kbit = 0;
};

struct World {
    std::map<std::string, InterfaceFacts> interfaces; // by interface name
    std::map<std::string, WanFacts> wans;             // by WAN name

    const InterfaceFacts &interface(const std::string &name) const;
    const WanFacts &wan(const std::string &name) const;
};

} // namespace jalur::control
