// SPDX-License-Identifier: GPL-2.0-only
#include "balancer/slot_table.h"

#include "jalur/flow_hash.h"

#include <cmath>
#include <limits>

namespace jalur::balancer {

namespace {

uint32_t name_key(const std::string &name)
{
    uint32_t h = JALUR_HASH_SEED;
    for (unsigned char c : name)
        h = jalur_mix(h, c);
    return jalur_fmix(h ^ static_cast<uint32_t>(name.size()));
}

// u in (0, 1), uniform per (member, slot)
double unit(uint32_t member_key, uint32_t slot)
{
    uint32_t h = jalur_fmix(jalur_mix(jalur_mix(JALUR_HASH_SEED, member_key), slot));
    return (static_cast<double>(h) + 0.5) / 4294967296.0;
}

} // namespace

SlotTable build_hash_slots(std::span<const Member> members)
{
    SlotTable table(JALUR_SLOTS, JALUR_WAN_NONE);
    std::vector<uint32_t> keys;
    for (const auto &m : members)
        keys.push_back(name_key(m.name));

    for (uint32_t slot = 0; slot < JALUR_SLOTS; slot++) {
        double best = -std::numeric_limits<double>::infinity();
        for (size_t i = 0; i < members.size(); i++) {
            if (members[i].weight == 0)
                continue;
            double score = members[i].weight / -std::log(unit(keys[i], slot));
            if (score > best) {
                best = score;
                table[slot] = static_cast<uint8_t>(members[i].wan);
            }
        }
    }
    return table;
}

SlotTable build_nth_slots(std::span<const Member> members)
{
    SlotTable table(JALUR_SLOTS, JALUR_WAN_NONE);
    std::vector<int64_t> current(members.size(), 0);
    int64_t total = 0;
    for (const auto &m : members)
        total += m.weight;
    if (total == 0)
        return table;

    for (uint32_t slot = 0; slot < JALUR_SLOTS; slot++) {
        size_t pick = 0;
        for (size_t i = 0; i < members.size(); i++) {
            current[i] += members[i].weight;
            if (current[i] > current[pick])
                pick = i;
        }
        current[pick] -= total;
        table[slot] = static_cast<uint8_t>(members[pick].wan);
    }
    return table;
}

} // namespace jalur::balancer
