// SPDX-License-Identifier: GPL-2.0-only
// The slot-table builder's properties: balance by weight, exactly minimal
// disruption, determinism, and nth's smooth order.
#include "balancer/slot_table.h"
#include "balancer/tiers.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

using namespace jalur::balancer;

namespace {

std::map<uint8_t, double> shares(const SlotTable &t)
{
    std::map<uint8_t, double> s;
    for (auto w : t)
        s[w] += 1.0 / t.size();
    return s;
}

} // namespace

TEST_CASE("slots are shared by weight")
{
    std::vector<Member> m = {{0, 3, "isp1"}, {1, 2, "isp2"}, {2, 1, "isp3"}};
    auto s = shares(build_hash_slots(m));
    CHECK(s[0] == Approx(0.5).margin(0.01));
    CHECK(s[1] == Approx(1 / 3.0).margin(0.01));
    CHECK(s[2] == Approx(1 / 6.0).margin(0.01));

    std::vector<Member> one_to_three = {{0, 1, "a"}, {1, 3, "b"}};
    CHECK(shares(build_hash_slots(one_to_three))[1] == Approx(0.75).margin(0.01));
}

TEST_CASE("removing a member moves only its slots and adding it back restores the table")
{
    std::vector<Member> all = {{0, 1, "isp1"}, {1, 1, "isp2"}, {2, 2, "isp3"}, {3, 1, "isp4"}};
    auto full = build_hash_slots(all);
    std::vector<Member> without = {all[0], all[2], all[3]};
    auto degraded = build_hash_slots(without);

    size_t moved = 0;
    for (size_t i = 0; i < full.size(); i++) {
        if (full[i] == 1) {
            CHECK(degraded[i] != 1);
            moved++;
        } else {
            REQUIRE(degraded[i] == full[i]);
        }
    }
    CHECK(moved == static_cast<size_t>(std::count(full.begin(), full.end(), 1)));
    CHECK(build_hash_slots(all) == full);
}

TEST_CASE("a new member takes slots only for itself")
{
    std::vector<Member> two = {{0, 1, "isp1"}, {1, 1, "isp2"}};
    std::vector<Member> three = {{0, 1, "isp1"}, {1, 1, "isp2"}, {2, 1, "isp3"}};
    auto before = build_hash_slots(two), after = build_hash_slots(three);
    for (size_t i = 0; i < before.size(); i++)
        if (after[i] != before[i])
            REQUIRE(after[i] == 2);
}

TEST_CASE("the table depends on names and weights, not on order or ids' positions")
{
    std::vector<Member> a = {{0, 1, "isp1"}, {1, 2, "isp2"}};
    std::vector<Member> b = {{1, 2, "isp2"}, {0, 1, "isp1"}};
    CHECK(build_hash_slots(a) == build_hash_slots(b));
    std::vector<Member> renamed = {{0, 1, "dsl"}, {1, 2, "fiber"}};
    CHECK(build_hash_slots(a) != build_hash_slots(renamed));
}

TEST_CASE("changing one weight moves slots only toward or away from that member")
{
    std::vector<Member> even = {{0, 1, "isp1"}, {1, 1, "isp2"}, {2, 1, "isp3"}};
    std::vector<Member> heavier = {{0, 1, "isp1"}, {1, 1, "isp2"}, {2, 3, "isp3"}};
    auto before = build_hash_slots(even), after = build_hash_slots(heavier);
    for (size_t i = 0; i < before.size(); i++)
        if (after[i] != before[i])
            REQUIRE(after[i] == 2); // RouterOS's modulo PCC would remap across all members
}

TEST_CASE("no members: every slot is empty")
{
    auto t = build_hash_slots({});
    CHECK(std::all_of(t.begin(), t.end(), [](uint8_t w) { return w == JALUR_WAN_NONE; }));
    auto n = build_nth_slots({});
    CHECK(std::all_of(n.begin(), n.end(), [](uint8_t w) { return w == JALUR_WAN_NONE; }));
}

TEST_CASE("nth is a smooth weighted round robin")
{
    std::vector<Member> m = {{0, 5, "a"}, {1, 1, "b"}, {2, 1, "c"}};
    auto t = build_nth_slots(m);
    // every period of 7 holds exactly 5, 1, 1, and b/c never come back to back
    for (size_t start = 0; start + 7 <= 7 * 100; start += 7) {
        std::map<uint8_t, int> n;
        for (size_t i = start; i < start + 7; i++)
            n[t[i]]++;
        REQUIRE(n[0] == 5);
        REQUIRE(n[1] == 1);
        REQUIRE(n[2] == 1);
    }
    for (size_t i = 1; i < 700; i++)
        REQUIRE_FALSE((t[i] != 0 && t[i - 1] != 0));
}

TEST_CASE("tiers: the best tier with a live member, and only its live members")
{
    std::vector<TieredMember> m = {{{0, 1, "a"}, 1, true}, {{1, 1, "b"}, 1, false}, {{2, 1, "c"}, 2, true}};
    auto act = active_members(m);
    REQUIRE(act.size() == 1);
    CHECK(act[0].wan == 0);
    m[0].live = false;
    act = active_members(m);
    REQUIRE(act.size() == 1);
    CHECK(act[0].wan == 2);
    m[2].live = false;
    CHECK(active_members(m).empty());
}
