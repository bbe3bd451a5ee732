/* SPDX-License-Identifier: GPL-2.0-only */
/* The pinned flow table, per-client affinity and inbound (port-forward) pins. */
#ifndef JALUR_BPF_FLOW_TABLE_H
#define JALUR_BPF_FLOW_TABLE_H

#include "maps.h"
#include "parsing.h"

static __always_inline void flow_key_of(struct jalur_flow_key *k, const struct packet *p)
{
	__builtin_memcpy(k->saddr, p->saddr, sizeof(k->saddr));
	__builtin_memcpy(k->daddr, p->daddr, sizeof(k->daddr));
	k->family = p->family;
	k->proto = p->proto;
	k->pad = 0;
	/* fragments after the first carry no ports: they and the first
	 * fragment meet in an address-only entry */
	if (p->frag == FRAG_NON_FIRST) {
		k->sport = 0;
		k->dport = 0;
	} else {
		k->sport = p->sport;
		k->dport = p->dport;
	}
}

static __always_inline void flow_touch(struct jalur_flow *f, __u64 now)
{
	/* writing a shared entry on every packet would bounce its cache line
	 * between CPUs; a coarse idle clock is all the agent needs */
	if (now - f->last_seen_ns > JALUR_TOUCH_NS)
		f->last_seen_ns = now;
}

static __always_inline void flow_insert(const struct jalur_flow_key *k, __u32 wan, __u16 policy,
					__u16 flags, __u64 now)
{
	struct jalur_flow f = {
		.created_ns = now,
		.last_seen_ns = now,
		.wan = wan,
		.policy = policy,
		.flags = flags,
	};

	bpf_map_update_elem(&flows, k, &f, BPF_ANY);
}

static __always_inline void affinity_key_of(struct jalur_affinity_key *k, const struct packet *p,
					    __u32 policy, __u32 mode)
{
	__builtin_memcpy(k->saddr, p->saddr, sizeof(k->saddr));
	if (mode == JALUR_AFFINITY_SRC_DST)
		__builtin_memcpy(k->daddr, p->daddr, sizeof(k->daddr));
	else
		__builtin_memset(k->daddr, 0, sizeof(k->daddr));
	k->policy = policy;
	k->family = p->family;
	k->pad = 0;
}

static __always_inline void inbound_key_of_remote(struct jalur_inbound_key *k, const __u32 *addr,
						  __u16 port, const struct packet *p)
{
	__builtin_memcpy(k->addr, addr, sizeof(k->addr));
	k->port = port;
	k->family = p->family;
	k->proto = p->proto;
}

#endif
