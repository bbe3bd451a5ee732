// SPDX-License-Identifier: GPL-2.0-only
// The two DNS messages a health probe needs (RFC 1035 section 4): a
// recursive query for a name's A records, and the header of its answer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace jalur::health {

// qname "." is the root. Labels longer than 63 bytes are refused by the
// config (config/probe_target.cpp), so this does not check them again.
std::vector<uint8_t> dns_query(uint16_t id, const std::string &qname);

// The answer's RCODE when `msg` answers query `id`; nullopt when it is not
// an answer to it (too short, another id, not a response).
std::optional<int> dns_answer_rcode(const uint8_t *msg, size_t len, uint16_t id);

const char *dns_rcode_name(int rcode);

} // namespace jalur::health
