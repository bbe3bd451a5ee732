// SPDX-License-Identifier: GPL-2.0-only
// What the control core wants the host to hold: the data path's entries,
// policy routing and attachments, as plain values. Effectors compare them
// with what they last applied (or observe) and write only the difference.
#pragma once

#include "balancer/slot_table.h"
#include "common/prefix.h"
#include "jalur/datapath.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace jalur::control {

struct PolicyParams {
    uint32_t fields = JALUR_F_SRC_ADDR | JALUR_F_DST_ADDR | JALUR_F_SRC_PORT | JALUR_F_DST_PORT;
    uint32_t mode = JALUR_MODE_HASH;
    uint32_t fallback = JALUR_FALLBACK_MAIN;
    uint32_t affinity = JALUR_AFFINITY_NONE;
    uint64_t affinity_timeout_ns = 0;
    bool operator==(const PolicyParams &) const = default;
};

struct RuleSpec {
    uint32_t action = JALUR_ACTION_BYPASS; // policy id or JALUR_ACTION_BYPASS
    uint32_t ifindex = 0;
    uint8_t proto = 0;
    uint8_t family = 0;
    uint16_t dport_lo = 0, dport_hi = 65535;
    std::vector<Prefix> src, dst; // empty: any
    bool operator==(const RuleSpec &) const = default;
};

// One WAN's data path entry (its generation is the data path's own count).
struct WanEntry {
    uint32_t ifindex = 0; // 0: the interface is absent
    uint32_t fwmark = 0;
    uint32_t state = JALUR_WAN_DOWN; // enum jalur_wan_state
    bool operator==(const WanEntry &) const = default;
};

// A member the load and latency modes rank (include/jalur/balance.h).
struct MemberSpec {
    uint32_t wan = 0;       // data path WAN id
    uint32_t weight = 1;
    uint32_t threshold = 0; // overflow: the load it fills up to, JALUR_LOAD_ONE = its capacity
    bool operator==(const MemberSpec &) const = default;
};

struct PolicyEntry {
    PolicyParams params;
    balancer::SlotTable slots;
    std::vector<MemberSpec> members; // the active members, in config order
    bool operator==(const PolicyEntry &) const = default;
};

struct RuleSet {
    std::vector<RuleSpec> rules;
    uint32_t default_action = JALUR_ACTION_BYPASS;
    uint32_t fwmark_mask = 0;
    bool operator==(const RuleSet &) const = default;
};

// Everything the data path's maps hold that the agent decides.
struct DatapathState {
    std::map<uint32_t, WanEntry> wans; // by WAN id; an id not here is empty (a WAN removed by a reload)
    std::map<uint32_t, PolicyEntry> policies;
    RuleSet rules;
    bool operator==(const DatapathState &) const = default;
};

// One WAN's policy routing: its table's default routes and its fwmark rule.
struct WanRoute {
    std::string name;
    int ifindex = 0;
    uint32_t table = 0;
    uint32_t fwmark = 0;
    std::optional<Prefix> gateway4; // /32
    std::optional<Prefix> gateway6; // /128
    bool main_default = false;      // carries the router's own traffic
    bool operator==(const WanRoute &) const = default;
};

struct RoutingState {
    uint32_t fwmark_mask = 0;
    std::vector<WanRoute> wans; // only WANs whose interface is present
    std::vector<std::string> unreachable_from; // LAN interfaces, when the last resort says so
    bool operator==(const RoutingState &) const = default;
};

enum class Hook {
    XdpLan,  // the LAN's XDP decision (mode in `xdp_mode`)
    TcLan,   // the LAN's tc ingress: marks
    TcWan,   // the WAN's tc ingress: counters, passive RTT, inbound pins
};

enum class XdpMode { Auto, Native, Generic };

struct Attachment {
    std::string ifname;
    uint32_t ifindex = 0;
    Hook hook = Hook::TcLan;
    XdpMode xdp_mode = XdpMode::Auto;
    bool operator==(const Attachment &) const = default;
};

struct Desired {
    DatapathState datapath;
    RoutingState routing;
    std::vector<Attachment> attachments; // only interfaces that are present
    uint32_t alert_fwmark = 0;           // the path alerts take; 0: no WAN is live, they wait
    std::string last_resort_wan;         // with every WAN down and `keep`: the one that carries on
};

} // namespace jalur::control
