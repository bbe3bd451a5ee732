// SPDX-License-Identifier: GPL-2.0-only
// Whether a pinned map can serve this build: only a difference of type,
// sizes or layout signature replaces it, a capacity or flag change keeps
// its entries, and a map whose layout is not recorded is judged by sizes.
#include "datapath/layout.h"

#include <catch2/catch.hpp>

using namespace jalur::datapath;

namespace {

const MapShape kFlows{9 /* LRU hash */, 40, 32, 65536, 0, 0x1234};

} // namespace

TEST_CASE("a pinned map like this build's is reused")
{
    CHECK(decide(kFlows, kFlows) == PinAction::Reuse);
    CHECK(describe_change(kFlows, kFlows) == "unchanged");
}

TEST_CASE("another value size, key size, type or layout is a layout change: the map is recreated")
{
    auto value = kFlows;
    value.value_size = 40;
    CHECK(decide(value, kFlows) == PinAction::Recreate);
    CHECK(describe_change(value, kFlows) == "value size 40 -> 32");

    auto key = kFlows;
    key.key_size = 36;
    CHECK(decide(key, kFlows) == PinAction::Recreate);

    auto type = kFlows;
    type.type = 1;
    CHECK(decide(type, kFlows) == PinAction::Recreate);

    auto layout = kFlows;
    layout.layout = 0x9999; // same sizes, fields moved
    CHECK(decide(layout, kFlows) == PinAction::Recreate);
    CHECK(describe_change(layout, kFlows) == "layout of its fields changed");
}

TEST_CASE("another capacity or flags keeps the entries: the map is migrated")
{
    auto bigger = kFlows;
    bigger.max_entries = 1024;
    CHECK(decide(bigger, kFlows) == PinAction::Copy);
    CHECK(describe_change(bigger, kFlows) == "max entries 1024 -> 65536");

    auto flags = kFlows;
    flags.flags = 1;
    CHECK(decide(flags, kFlows) == PinAction::Copy);

    auto both = bigger;
    both.value_size = 8; // a layout change wins: nothing to copy
    CHECK(decide(both, kFlows) == PinAction::Recreate);
}

TEST_CASE("pins from before the ledger (no layout recorded) are judged by their sizes")
{
    auto unknown = kFlows;
    unknown.layout = 0;
    CHECK(decide(unknown, kFlows) == PinAction::Reuse);
    unknown.value_size = 8;
    CHECK(decide(unknown, kFlows) == PinAction::Recreate);
}
