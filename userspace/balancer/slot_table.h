// SPDX-License-Identifier: GPL-2.0-only
// Builds the slot tables the data path looks new connections up in.
#pragma once

#include "jalur/datapath.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace jalur::balancer {

struct Member {
    uint32_t wan;      // data path WAN id
    uint32_t weight;   // > 0
    std::string name;  // stable identity: the table depends on names, not on ids or order
};

using SlotTable = std::vector<uint8_t>; // JALUR_SLOTS WAN ids

// Weighted rendezvous (highest random weight) hashing per slot: each slot goes
// to the member with the highest weight / -ln(u(member, slot)). Unlike Maglev,
// whose tables shift a few slots between survivors, this is exactly minimal:
// removing a member reassigns only its own slots, and adding it back
// restores the previous table bit for bit. Deterministic for a given set of
// (name, weight): a restart rebuilds the same table. Empty input: all slots
// JALUR_WAN_NONE.
SlotTable build_hash_slots(std::span<const Member> members);

// Smooth weighted round robin (nginx's), repeated over the table: the order
// new connections take in `nth` mode.
SlotTable build_nth_slots(std::span<const Member> members);

} // namespace jalur::balancer
