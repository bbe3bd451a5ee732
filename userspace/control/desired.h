// SPDX-License-Identifier: GPL-2.0-only
// What the control core wants the data path to hold: plain values, compared
// by effectors against what the maps hold, so only a change is written.
#pragma once

#include "common/prefix.h"
#include "jalur/datapath.h"

#include <cstdint>
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

} // namespace jalur::control
