// SPDX-License-Identifier: GPL-2.0-only
// RouterOS's nine per-connection classifiers, by their names, as the set of
// fields the data path hashes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jalur::balancer {

std::optional<uint32_t> classifier_fields(std::string_view name);
std::string classifier_name(uint32_t fields);
const std::vector<std::string> &classifier_names();

} // namespace jalur::balancer
