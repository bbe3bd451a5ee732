// SPDX-License-Identifier: GPL-2.0-only
#include "datapath/tables.h"

#include "balancer/prefix_rules.h"
#include "datapath/map_keys.h"

#include <bpf/bpf.h>

#include <cstring>

namespace jalur::datapath {

namespace {

jalur_lpm_key lpm_key(const Prefix &p, uint32_t set)
{
    jalur_lpm_key k{};
    k.prefixlen = 32 + p.len;
    k.tag = jalur_lpm_tag(set, p.family == 4 ? JALUR_FAMILY_V4 : JALUR_FAMILY_V6);
    std::memcpy(k.addr, p.addr.data(), sizeof(k.addr));
    return k;
}

Result<void> write_trie(const Map &trie, std::span<const RuleSpec> rules, bool source, uint32_t set)
{
    std::vector<std::vector<Prefix>> lists;
    for (const auto &r : rules)
        lists.push_back(source ? r.src : r.dst);
    for (const auto &[prefix, rule_bits] : balancer::prefix_rules(lists)) {
        auto k = lpm_key(prefix, set);
        if (auto r = trie.update(&k, &rule_bits); !r)
            return r;
    }
    return {};
}

// Removes one rule set's entries from a trie.
void clear_trie_set(const Map &trie, uint32_t set)
{
    for (const auto &k : map_keys<jalur_lpm_key>(trie.fd()))
        if ((k.tag >> 8) == set)
            (void)trie.erase(&k);
}

} // namespace

Result<void> publish_policy(const Datapath &dp, uint32_t id, const PolicyParams &params,
                            const balancer::SlotTable &table, std::span<const control::MemberSpec> members)
{
    if (id >= JALUR_MAX_POLICIES)
        return errorf("policy id " + std::to_string(id) + " is beyond the data path's " +
                      std::to_string(JALUR_MAX_POLICIES));
    if (table.size() != JALUR_SLOTS)
        return errorf("slot table has " + std::to_string(table.size()) + " slots, not " +
                      std::to_string(JALUR_SLOTS));

    auto policies = dp.policies();
    jalur_policy pol{};
    policies.lookup(&id, &pol);
    uint32_t next = pol.table ^ 1;

    auto slots = dp.slots();
    std::vector<uint32_t> keys(JALUR_BLOCKS_PER_TABLE);
    std::vector<jalur_slot_block> blocks(JALUR_BLOCKS_PER_TABLE);
    bool live = false;
    for (uint32_t b = 0; b < JALUR_BLOCKS_PER_TABLE; b++) {
        keys[b] = jalur_slot_block_index(id, next, b * JALUR_SLOTS_PER_BLOCK);
        std::memcpy(blocks[b].wan, &table[b * JALUR_SLOTS_PER_BLOCK], JALUR_SLOTS_PER_BLOCK);
    }
    for (auto w : table)
        live = live || w != JALUR_WAN_NONE;

    uint32_t count = JALUR_BLOCKS_PER_TABLE;
    LIBBPF_OPTS(bpf_map_batch_opts, batch);
    if (bpf_map_update_batch(slots.fd(), keys.data(), blocks.data(), &count, &batch) != 0) {
        for (uint32_t b = 0; b < JALUR_BLOCKS_PER_TABLE; b++)
            if (auto r = slots.update(&keys[b], &blocks[b]); !r)
                return r;
    }

    if (members.size() > JALUR_MAX_WANS)
        return errorf(std::to_string(members.size()) + " members; the data path holds at most " +
                      std::to_string(JALUR_MAX_WANS));
    jalur_members ms{};
    ms.count = static_cast<uint32_t>(members.size());
    for (size_t i = 0; i < members.size(); i++)
        ms.m[i] = jalur_member{members[i].wan, members[i].weight, members[i].threshold, 0};
    uint32_t members_key = jalur_members_index(id, next);
    if (auto r = dp.members().update(&members_key, &ms); !r)
        return r;

    pol.fields = params.fields;
    pol.mode = params.mode;
    pol.fallback = params.fallback;
    pol.affinity = params.affinity;
    pol.affinity_timeout_ns = params.affinity_timeout_ns;
    pol.live = live ? 1 : 0;
    pol.table = next; // nth_counter carries on
    return policies.update(&id, &pol);
}

Result<void> publish_rules(const Datapath &dp, std::span<const RuleSpec> rules, uint32_t default_action,
                           uint32_t fwmark_mask)
{
    if (rules.size() > JALUR_MAX_RULES)
        return errorf(std::to_string(rules.size()) + " rules; the data path holds at most " +
                      std::to_string(JALUR_MAX_RULES));

    auto settings = dp.settings();
    uint32_t zero = 0;
    jalur_settings cfg{};
    settings.lookup(&zero, &cfg);
    uint32_t next = cfg.rule_set ^ 1;

    clear_trie_set(dp.rule_src(), next); // leftovers of an interrupted publish
    clear_trie_set(dp.rule_dst(), next);
    jalur_rule_set &set = cfg.sets[next];
    set = {};
    set.count = static_cast<uint32_t>(rules.size());
    set.default_action = default_action;
    auto rule_map = dp.rules();
    for (uint32_t i = 0; i < rules.size(); i++) {
        const auto &r = rules[i];
        jalur_rule kr{};
        kr.action = r.action;
        kr.ifindex = r.ifindex;
        kr.proto = r.proto;
        kr.family = r.family;
        kr.dport_lo = r.dport_lo;
        kr.dport_hi = r.dport_hi;
        uint32_t key = next * JALUR_MAX_RULES + i;
        if (auto res = rule_map.update(&key, &kr); !res)
            return res;
        if (r.src.empty())
            set.any_src |= uint64_t{1} << i;
        if (r.dst.empty())
            set.any_dst |= uint64_t{1} << i;
    }
    if (auto r = write_trie(dp.rule_src(), rules, true, next); !r)
        return r;
    if (auto r = write_trie(dp.rule_dst(), rules, false, next); !r)
        return r;

    cfg.rule_set = next;
    cfg.fwmark_mask = fwmark_mask;
    if (auto r = settings.update(&zero, &cfg); !r)
        return r;
    clear_trie_set(dp.rule_src(), next ^ 1);
    clear_trie_set(dp.rule_dst(), next ^ 1);
    return {};
}

Result<void> set_wan(const Datapath &dp, uint32_t id, const jalur_wan &wan)
{
    if (id >= JALUR_MAX_WANS)
        return errorf("WAN id " + std::to_string(id) + " is beyond the data path's " +
                      std::to_string(JALUR_MAX_WANS));
    if (auto r = dp.wans().update(&id, &wan); !r)
        return r;
    if (wan.ifindex)
        return dp.wan_ifindex().update(&wan.ifindex, &id);
    return {};
}

Result<void> set_wan_state(const Datapath &dp, uint32_t id, jalur_wan_state state)
{
    jalur_wan w{};
    if (!dp.wans().lookup(&id, &w))
        return errorf("WAN id " + std::to_string(id) + " is not in the data path");
    w.state = state;
    w.generation++;
    return dp.wans().update(&id, &w);
}

Result<void> set_local_nets(const Datapath &dp, std::span<const Prefix> nets)
{
    auto map = dp.local_nets();
    auto stale = map_keys<jalur_lpm_key>(map.fd());
    // add first, then remove what is gone: a destination that stays local
    // is never briefly balanced
    uint32_t one = 1;
    std::vector<jalur_lpm_key> wanted;
    for (const auto &p : nets) {
        wanted.push_back(lpm_key(p, 0));
        if (auto r = map.update(&wanted.back(), &one); !r)
            return r;
    }
    for (const auto &k : stale) {
        bool keep = false;
        for (const auto &w : wanted)
            keep = keep || std::memcmp(&w, &k, sizeof(k)) == 0;
        if (!keep)
            (void)map.erase(&k);
    }
    return {};
}

} // namespace jalur::datapath
