/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Ordered policy rules. Each prefix list is folded into an LPM trie whose
 * value is the set of rules that list the prefix or one covering it (the
 * agent computes that closure), so a lookup per address gives every rule
 * the address satisfies; the lowest set bit that also passes the scalar
 * checks (protocol, port range, interface) is the first matching rule.
 */
#ifndef JALUR_BPF_POLICY_H
#define JALUR_BPF_POLICY_H

#include "jalur/why.h"
#include "maps.h"
#include "parsing.h"

static __always_inline void lpm_key_of(struct jalur_lpm_key *k, __u32 tag, const __u32 *addr,
				       __u8 family)
{
	k->prefixlen = 32 + (family == JALUR_FAMILY_V4 ? 32 : 128);
	k->tag = tag;
	k->addr[0] = addr[0];
	k->addr[1] = addr[1];
	k->addr[2] = addr[2];
	k->addr[3] = addr[3];
}

static __always_inline bool is_local_destination(const struct packet *p)
{
	struct jalur_lpm_key k;

	lpm_key_of(&k, jalur_lpm_tag(0, p->family), p->daddr, p->family);
	return bpf_map_lookup_elem(&local_nets, &k) != NULL;
}

static __always_inline __u64 prefix_rules(void *trie, __u32 set, const __u32 *addr, __u8 family)
{
	struct jalur_lpm_key k;
	__u64 *bits;

	lpm_key_of(&k, jalur_lpm_tag(set, family), addr, family);
	bits = bpf_map_lookup_elem(trie, &k);
	return bits ? *bits : 0;
}

/* Index of the lowest set bit; mask must not be 0. BPF has no ctz, and
 * LLVM's expansion of __builtin_ctzll needs a constant table. */
static __always_inline __u32 lowest_bit(__u64 mask)
{
	__u32 n = 0;

	mask &= -mask;
	if (mask & 0xffffffff00000000ull)
		n += 32;
	if (mask & 0xffff0000ffff0000ull)
		n += 16;
	if (mask & 0xff00ff00ff00ff00ull)
		n += 8;
	if (mask & 0xf0f0f0f0f0f0f0f0ull)
		n += 4;
	if (mask & 0xccccccccccccccccull)
		n += 2;
	if (mask & 0xaaaaaaaaaaaaaaaaull)
		n += 1;
	return n;
}

struct rule_walk {
	const struct packet *p;
	__u64 cand;
	__u32 set;
	__u32 ifindex;
	__u32 action;
	__u32 found;
	__u32 rule; /* the index of the rule that matched */
};

/* One candidate rule per turn, lowest first. A bpf_loop callback is
 * verified once, where an open-coded 64-turn loop is walked per path. */
static long rule_step(__u32 i __attribute__((unused)), void *ctx)
{
	struct rule_walk *w = ctx;
	const struct packet *p = w->p;
	struct jalur_rule *r;
	__u32 idx, key;

	if (!w->cand)
		return 1;
	idx = lowest_bit(w->cand);
	w->cand &= w->cand - 1;
	key = w->set * JALUR_MAX_RULES + (idx & (JALUR_MAX_RULES - 1));
	r = bpf_map_lookup_elem(&rules, &key);
	if (!r)
		return 0;
	if (r->proto && r->proto != p->proto)
		return 0;
	if (r->family && r->family != p->family)
		return 0;
	if (r->ifindex && r->ifindex != w->ifindex)
		return 0;
	if (bpf_ntohs(p->dport) < r->dport_lo || bpf_ntohs(p->dport) > r->dport_hi)
		return 0;
	w->action = r->action;
	w->found = 1;
	w->rule = idx;
	return 1;
}

/* Returns the action (policy id or JALUR_ACTION_BYPASS) for a new flow;
 * *rule: the index of the rule that matched, or JALUR_WHY_NONE. */
static __always_inline __u32 match_rules(const struct jalur_settings *cfg, const struct packet *p,
					 __u32 ifindex, __u32 *rule)
{
	__u32 set = cfg->rule_set & 1;
	const struct jalur_rule_set *rs = &cfg->sets[set];
	struct rule_walk w = { .p = p, .set = set, .ifindex = ifindex };

	*rule = JALUR_WHY_NONE;
	if (rs->count == 0)
		return rs->default_action;
	w.cand = (prefix_rules(&rule_src, set, p->saddr, p->family) | rs->any_src) &
		 (prefix_rules(&rule_dst, set, p->daddr, p->family) | rs->any_dst);
	if (rs->count < JALUR_MAX_RULES)
		w.cand &= (1ull << rs->count) - 1;
	if (w.cand)
		bpf_loop(JALUR_MAX_RULES, rule_step, &w, 0);
	if (w.found)
		*rule = w.rule;
	return w.found ? w.action : rs->default_action;
}

#endif
