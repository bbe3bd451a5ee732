// SPDX-License-Identifier: GPL-2.0-only
// Whether a pinned map can serve this build. The kernel knows a map's type
// and sizes; its layout (the fields of its key and value) is a signature of
// the object's BTF, recorded in the ledger when the map is pinned, so a
// field that moves or changes meaning without changing a size is a layout
// change too, and no bump has to be remembered.
#pragma once

#include <cstdint>
#include <string>

struct bpf_map;
struct btf;

namespace jalur::datapath {

struct MapShape {
    uint32_t type = 0;
    uint32_t key_size = 0;
    uint32_t value_size = 0;
    uint32_t max_entries = 0;
    uint32_t flags = 0;
    uint64_t layout = 0; // 0: not known (pins from before the ledger): the sizes decide
};

enum class PinAction {
    Reuse,    // the same map: adopt it as it is
    Copy,     // the same entries fit, only capacity or flags differ: a new map with the old entries
    Recreate, // another layout: a new, empty map
};

PinAction decide(const MapShape &pinned, const MapShape &wanted);
// What differs, for the log ("value size 24 -> 32, layout changed").
std::string describe_change(const MapShape &pinned, const MapShape &wanted);

// The layout signature of a map of an opened object: its key and value
// types as BTF describes them (names, sizes, offsets, element counts).
uint64_t layout_of(const btf *btf, const bpf_map *map);

} // namespace jalur::datapath
