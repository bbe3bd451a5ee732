// SPDX-License-Identifier: GPL-2.0-only
#include "balancer/prefix_rules.h"

#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <string>

using jalur::Prefix;
using jalur::balancer::prefix_rules;

namespace {

Prefix P(const std::string &s) { return *Prefix::parse(s); }

std::map<std::string, uint64_t> as_map(const std::vector<std::pair<Prefix, uint64_t>> &v)
{
    std::map<std::string, uint64_t> m;
    for (const auto &[p, bits] : v)
        m[p.str()] = bits;
    return m;
}

} // namespace

TEST_CASE("a prefix carries the rules of every prefix that covers it")
{
    std::vector<std::vector<Prefix>> lists = {
        {P("10.0.0.0/8")},
        {P("10.1.0.0/16"), P("2001:db8::/32")},
        {P("10.1.2.0/24"), P("10.0.0.0/8")},
        {P("0.0.0.0/0")},
    };
    auto m = as_map(prefix_rules(lists));
    CHECK(m.size() == 5);
    CHECK(m["10.0.0.0/8"] == 0b1101);
    CHECK(m["10.1.0.0/16"] == 0b1111);
    CHECK(m["10.1.2.0/24"] == 0b1111);
    CHECK(m["0.0.0.0/0"] == 0b1000);
    CHECK(m["2001:db8::/32"] == 0b0010); // 0.0.0.0/0 covers IPv4 only
}

TEST_CASE("the rule sets match the definition on random nested prefixes")
{
    std::mt19937 rng(7);
    std::vector<std::vector<Prefix>> lists(64);
    for (auto &list : lists)
        for (int i = 0; i < 40; i++) {
            Prefix p;
            p.family = rng() % 4 ? 4 : 6;
            for (unsigned b = 0; b < p.max_len() / 8; b++)
                p.addr[b] = static_cast<uint8_t>(rng() % 4); // few distinct bits: many covering pairs
            p.len = rng() % (p.max_len() + 1);
            list.push_back(p.truncated(p.len));
        }

    auto got = prefix_rules(lists);
    std::map<std::string, int> seen;
    for (const auto &[p, bits] : got) {
        uint64_t want = 0;
        for (size_t i = 0; i < lists.size(); i++)
            for (const auto &q : lists[i])
                if (q.contains(p))
                    want |= uint64_t{1} << i;
        INFO(p.str());
        CHECK(bits == want);
        CHECK(++seen[p.str()] == 1);
    }
    for (const auto &list : lists)
        for (const auto &q : list)
            CHECK(seen.count(q.str()) == 1);
}
