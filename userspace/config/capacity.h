// SPDX-License-Identifier: GPL-2.0-only
// Reading capacities and shares (issue 25): a WAN's `bandwidth`, a
// policy's `overflow_at`, and `weight: auto`.
#pragma once

#include "config/model.h"
#include "config/reader.h"

#include <cstdint>
#include <optional>
#include <string>

namespace jalur::config {

// "100mbit", "1.5gbit", "512kbit", "2000000bit" (tc's units, decimal; a
// trailing "/s" is allowed) -> kbit/s. Nothing else: "100M" could be bytes.
std::optional<uint64_t> parse_rate_kbit(const std::string &text);

// `bandwidth: auto` or `bandwidth: {down: RATE, up: RATE}` (up optional).
std::optional<Bandwidth> read_bandwidth(Diagnostics &d, const Value &v);

// "80%" or "80", within 1..100.
std::optional<uint32_t> read_percent(Diagnostics &d, const Value &v);

// A weight 1..255, or "auto" (sets *is_auto).
std::optional<uint32_t> read_weight(Diagnostics &d, const Value &v, bool *is_auto);

// The checks that need every WAN and policy: a load mode needs each
// member's capacity, `weight: auto` too, `overflow_at` only means
// something in overflow mode.
void check_capacities(Diagnostics &d, const Config &cfg);

} // namespace jalur::config
