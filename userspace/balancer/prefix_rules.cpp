// SPDX-License-Identifier: GPL-2.0-only
#include "balancer/prefix_rules.h"

#include <map>
#include <set>
#include <tuple>

namespace jalur::balancer {

namespace {

using PrefixKey = std::tuple<int, unsigned, std::array<uint8_t, 16>>;

PrefixKey key_of(const Prefix &p) { return {p.family, p.len, p.addr}; }

} // namespace

// A prefix's covering prefixes are itself cut to each length the lists use:
// the work is prefixes × lengths in use (at most 129), not prefixes², which
// took over a second at 10k prefixes.
std::vector<std::pair<Prefix, uint64_t>> prefix_rules(std::span<const std::vector<Prefix>> lists)
{
    std::map<PrefixKey, std::pair<Prefix, uint64_t>> listed; // the rules that name each prefix itself
    std::set<std::pair<int, unsigned>> lengths;
    for (size_t i = 0; i < lists.size() && i < 64; i++)
        for (const auto &p : lists[i]) {
            listed.try_emplace(key_of(p), p, 0).first->second.second |= uint64_t{1} << i;
            lengths.emplace(p.family, p.len);
        }

    std::vector<std::pair<Prefix, uint64_t>> out;
    out.reserve(listed.size());
    for (const auto &[_, entry] : listed) {
        const Prefix &p = entry.first;
        uint64_t rules = 0;
        for (auto [family, len] : lengths) {
            if (family != p.family || len > p.len)
                continue;
            if (auto it = listed.find(key_of(p.truncated(len))); it != listed.end())
                rules |= it->second.second;
        }
        out.emplace_back(p, rules);
    }
    return out;
}

} // namespace jalur::balancer
