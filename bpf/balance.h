/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The modes that balance by load or latency: a walk over the policy's
 * active members, ranked by include/jalur/balance.h, once per new
 * connection. Also the passive handshake RTT those modes and the status
 * read: a SYN's time is kept until its SYN-ACK comes back through the WAN.
 */
#ifndef JALUR_BPF_BALANCE_H
#define JALUR_BPF_BALANCE_H

#include "jalur/balance.h"
#include "maps.h"
#include "parsing.h"

#define JALUR_RTT_SAMPLE_EVERY 4 /* a power of two */

struct member_walk {
	__u32 key; /* jalur_members_index() */
	__u32 mode;
	struct jalur_walk best;
};

/* One member per turn. A bpf_loop callback is verified once, where an
 * open-coded walk over 16 members would be verified per path. */
static long member_step(__u32 i, void *ctx)
{
	struct member_walk *w = ctx;
	struct jalur_members *ms = bpf_map_lookup_elem(&members, &w->key);
	struct jalur_wan_load none = { .rtt_us = JALUR_RTT_UNKNOWN }, *l;
	struct jalur_member *m;
	struct jalur_wan *wan;
	__u64 *assigned;
	__u32 id;

	if (!ms || i >= ms->count || i >= JALUR_MAX_WANS)
		return 1;
	m = &ms->m[i & (JALUR_MAX_WANS - 1)];
	id = m->wan;
	if (id >= JALUR_MAX_WANS)
		return 0;
	/* the agent republishes members after a state change; until then a
	 * member that went down is passed over here */
	wan = bpf_map_lookup_elem(&wans, &id);
	if (!wan || wan->state == JALUR_WAN_DOWN)
		return 0;
	l = bpf_map_lookup_elem(&wan_load, &id);
	if (!l)
		l = &none;
	assigned = bpf_map_lookup_elem(&wan_assigned, &id);
	return jalur_walk_member(&w->best, w->mode, m, l, assigned ? *assigned : 0);
}

/* The member a new connection of this policy goes to, or JALUR_WAN_NONE. */
static __always_inline __u32 choose_member(__u32 policy_id, const struct jalur_policy *pol)
{
	struct member_walk w = {
		.key = jalur_members_index(policy_id, pol->table),
		.mode = pol->mode,
		.best = { .wan = JALUR_WAN_NONE },
	};

	bpf_loop(JALUR_MAX_WANS, member_step, &w, 0);
	return w.best.wan;
}

/* Every new connection given a WAN, in every mode: the just-assigned count
 * the load modes rank by, and that the agent discounts once measured. */
static __always_inline void count_assigned(__u32 wan)
{
	__u64 *n = bpf_map_lookup_elem(&wan_assigned, &wan);

	if (n)
		__sync_fetch_and_add(n, 1);
}

/* A new connection's SYN leaving by `wan`: remember when. */
static __always_inline void handshake_sent(const struct packet *p, __u32 wan)
{
	struct jalur_handshake_key k = {};
	struct jalur_handshake h = { .wan = wan };

	if (p->proto != IPPROTO_TCP || (p->tcp_flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) != TCP_FLAG_SYN)
		return;
	/* one connection in JALUR_RTT_SAMPLE_EVERY (by its ephemeral port, which
	 * the client picks at random): an LRU update costs as much as the rest
	 * of a new connection's decision, and a few samples a second suffice */
	if (bpf_ntohs(p->sport) & (JALUR_RTT_SAMPLE_EVERY - 1))
		return;
	__builtin_memcpy(k.remote, p->daddr, sizeof(k.remote));
	k.remote_port = p->dport;
	k.local_port = p->sport;
	k.family = p->family;
	/* the fine clock: the coarse one ticks in jiffies, as long as a LAN RTT */
	h.syn_ns = bpf_ktime_get_ns();
	bpf_map_update_elem(&handshakes, &k, &h, BPF_ANY);
}

/* A SYN-ACK arriving on `wan`: one RTT sample if its SYN left by it. */
static __always_inline void handshake_answered(const struct packet *p, __u32 wan)
{
	struct jalur_handshake_key k = {};
	struct jalur_handshake *h;
	struct jalur_wan_rtt *r;
	__u64 now;

	__builtin_memcpy(k.remote, p->saddr, sizeof(k.remote));
	k.remote_port = p->sport;
	k.local_port = p->dport;
	k.family = p->family;
	h = bpf_map_lookup_elem(&handshakes, &k);
	if (!h)
		return;
	now = bpf_ktime_get_ns();
	if (h->wan == wan && now > h->syn_ns && (r = bpf_map_lookup_elem(&wan_rtt, &wan))) {
		r->samples++;
		r->sum_us += (now - h->syn_ns) / 1000;
	}
	/* a retransmitted SYN-ACK must not count again, longer each time */
	bpf_map_delete_elem(&handshakes, &k);
}

#endif
