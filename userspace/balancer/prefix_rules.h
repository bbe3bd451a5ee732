// SPDX-License-Identifier: GPL-2.0-only
// The prefix half of rule matching. The data path looks an address up in an
// LPM trie, which returns only the longest prefix that matches, so each
// prefix stored there must carry every rule whose list holds it or a
// prefix covering it.
#pragma once

#include "common/prefix.h"

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace jalur::balancer {

// lists[i]: rule i's prefixes (at most 64 rules). Returns each distinct
// prefix once, with bit i set when lists[i] holds it or a prefix covering it.
std::vector<std::pair<Prefix, uint64_t>> prefix_rules(std::span<const std::vector<Prefix>> lists);

} // namespace jalur::balancer
