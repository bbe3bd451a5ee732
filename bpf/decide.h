/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The LAN-side decision, shared by the XDP program and the tc fallback:
 * parse, then the pinned flow's WAN, or for a new connection the WAN its
 * policy's slot table (or affinity, or an inbound pin) gives.
 */
#ifndef JALUR_BPF_DECIDE_H
#define JALUR_BPF_DECIDE_H

#include "balance.h"
#include "counters.h"
#include "flow_table.h"
#include "parsing.h"
#include "policy.h"

enum verdict_action {
	VERDICT_PASS = 0, /* unmarked */
	VERDICT_MARK,
	VERDICT_DROP,
};

struct verdict {
	__u32 action;
	__u32 mark;
};

#define NO_POLICY 0xffffu

static __always_inline struct jalur_wan *live_wan(__u32 id)
{
	struct jalur_wan *w;

	if (id >= JALUR_MAX_WANS)
		return NULL;
	w = bpf_map_lookup_elem(&wans, &id);
	if (!w || w->state == JALUR_WAN_DOWN)
		return NULL;
	return w;
}

static __always_inline __u32 slot_wan(__u32 policy, __u32 table, __u32 slot)
{
	__u32 key = jalur_slot_block_index(policy, table & 1, slot);
	struct jalur_slot_block *b = bpf_map_lookup_elem(&slots, &key);

	if (!b)
		return JALUR_WAN_NONE;
	return b->wan[slot & (JALUR_SLOTS_PER_BLOCK - 1)];
}

/* A live WAN for a new (or orphaned) flow of this policy, or JALUR_WAN_NONE. */
static __always_inline __u32 select_wan(__u32 policy_id, struct jalur_policy *pol,
					const struct packet *p, __u64 now, __u16 *flags)
{
	struct jalur_affinity_key ak;
	struct jalur_affinity *a = NULL;
	__u32 idx, wan;

	if (!pol->live)
		return JALUR_WAN_NONE;

	if (pol->affinity != JALUR_AFFINITY_NONE) {
		affinity_key_of(&ak, p, policy_id, pol->affinity);
		a = bpf_map_lookup_elem(&affinity, &ak);
		if (a && now - a->last_seen_ns < pol->affinity_timeout_ns && live_wan(a->wan)) {
			a->last_seen_ns = now;
			*flags |= JALUR_FLOW_AFFINITY;
			return a->wan;
		}
	}

	if (pol->mode >= JALUR_MODE_LEAST_LOADED) {
		wan = choose_member(policy_id, pol);
	} else {
		if (pol->mode == JALUR_MODE_NTH)
			idx = __sync_fetch_and_add(&pol->nth_counter, 1);
		else
			idx = jalur_classifier_hash(pol->fields, p->saddr, p->daddr, p->sport, p->dport);
		wan = slot_wan(policy_id, pol->table, jalur_slot_of(idx));
	}
	if (!live_wan(wan))
		return JALUR_WAN_NONE;

	if (pol->affinity != JALUR_AFFINITY_NONE) {
		struct jalur_affinity na = { .last_seen_ns = now, .wan = wan };

		if (a) {
			a->wan = wan;
			a->last_seen_ns = now;
		} else {
			bpf_map_update_elem(&affinity, &ak, &na, BPF_ANY);
		}
	}
	return wan;
}

/* flow_flags: the flow's JALUR_FLOW_* */
static __always_inline void account_tx(__u32 wan, const struct packet *p, __u32 bytes, __u16 flow_flags)
{
	struct jalur_wan_stats *s = wan_stats_of(wan);

	if (!s)
		return;
	s->tx_packets++;
	s->tx_bytes += bytes;
	/* A moved flow's SYN retransmits a handshake begun on the WAN that died,
	 * and conntrack still NATs it for that WAN: masquerade sees the new
	 * output, kills the entry and drops this SYN (the next retry starts
	 * afresh); SNAT sends it with the dead WAN's address. Counted, these
	 * would make this WAN look stalled to the passive signal. */
	if (p->proto == IPPROTO_TCP && (p->tcp_flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == TCP_FLAG_SYN &&
	    !(flow_flags & JALUR_FLOW_MOVED))
		s->syn_out++;
}

static __always_inline void pass_for(struct verdict *v, __u32 reason)
{
	v->action = VERDICT_PASS;
	v->mark = 0;
	count_reason(reason);
}

/* Applies the policy's fallback when no WAN is live for a flow. */
static __always_inline void no_live_wan(struct verdict *v, __u32 policy_id)
{
	struct jalur_policy *pol = bpf_map_lookup_elem(&policies, &policy_id);

	if (pol && pol->fallback == JALUR_FALLBACK_DROP) {
		v->action = VERDICT_DROP;
		v->mark = 0;
		count_reason(JALUR_R_DROP_NO_LIVE_WAN);
		return;
	}
	pass_for(v, JALUR_R_NO_LIVE_WAN);
}

static __always_inline void mark_for(struct verdict *v, struct jalur_wan *w, __u32 wan,
				     const struct packet *p, __u32 bytes, __u16 flow_flags)
{
	v->action = VERDICT_MARK;
	v->mark = w->fwmark;
	count_reason(JALUR_R_MARKED);
	account_tx(wan, p, bytes, flow_flags);
}

/* parsed: what parse_packet() returned for p */
static __always_inline int decide_parsed(int parsed, struct packet *p, __u32 pkt_len, __u32 ifindex,
					 struct verdict *v)
{
	struct jalur_flow_key fk;
	struct jalur_flow *f;
	struct jalur_settings *cfg;
	struct jalur_policy *pol;
	struct jalur_wan *w;
	__u32 zero = 0, action, wan;
	__u16 flags = 0;
	__u64 now;

	switch (parsed) {
	case PARSE_OK:
		break;
	case PARSE_NOT_IP:
		pass_for(v, JALUR_R_NOT_IP);
		return 0;
	case PARSE_BCAST_MCAST:
		pass_for(v, JALUR_R_BCAST_MCAST);
		return 0;
	case PARSE_ERR_L2:
		pass_for(v, JALUR_R_PARSE_L2);
		return 0;
	case PARSE_ERR_L3:
		pass_for(v, JALUR_R_PARSE_L3);
		return 0;
	default:
		pass_for(v, JALUR_R_PARSE_L4);
		return 0;
	}

	now = bpf_ktime_get_coarse_ns();
	flow_key_of(&fk, p);
	f = bpf_map_lookup_elem(&flows, &fk);
	if (f) {
		w = live_wan(f->wan);
		if (likely(w)) {
			flow_touch(f, now);
			mark_for(v, w, f->wan, p, pkt_len, f->flags);
			return 0;
		}
		/* its WAN died: move the flow on this packet, and keep it where it
		 * lands when the old WAN returns */
		action = f->policy; /* NO_POLICY (an inbound pin) finds none */
		pol = bpf_map_lookup_elem(&policies, &action);
		wan = pol ? select_wan(action, pol, p, now, &flags) : JALUR_WAN_NONE;
		w = live_wan(wan);
		if (!w) {
			no_live_wan(v, f->policy);
			return 0;
		}
		f->wan = wan;
		f->flags |= JALUR_FLOW_MOVED | flags;
		f->last_seen_ns = now;
		{
			struct jalur_wan_stats *s = wan_stats_of(wan);

			if (s)
				s->moved_flows++;
		}
		count_assigned(wan);
		mark_for(v, w, wan, p, pkt_len, f->flags);
		return 0;
	}

	if (p->frag == FRAG_NON_FIRST)
		count_reason(JALUR_R_FRAG_NO_FLOW);

	if (is_local_destination(p)) {
		pass_for(v, JALUR_R_LOCAL);
		return 0;
	}

	/* the reply of a connection that came in by a WAN leaves by that WAN */
	if (p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP) {
		struct jalur_inbound_key ik;
		struct jalur_inbound *in;

		inbound_key_of_remote(&ik, p->daddr, p->dport, p);
		in = bpf_map_lookup_elem(&inbound, &ik);
		if (in && (w = live_wan(in->wan))) {
			wan = in->wan;
			flow_insert(&fk, wan, NO_POLICY, JALUR_FLOW_INBOUND, now);
			mark_for(v, w, wan, p, pkt_len, JALUR_FLOW_INBOUND);
			return 0;
		}
	}

	cfg = bpf_map_lookup_elem(&settings, &zero);
	if (!cfg) {
		pass_for(v, JALUR_R_NO_POLICY);
		return 0;
	}
	action = match_rules(cfg, p, ifindex);
	if (action == JALUR_ACTION_BYPASS) {
		pass_for(v, JALUR_R_BYPASS);
		return 0;
	}
	pol = bpf_map_lookup_elem(&policies, &action);
	if (!pol) {
		pass_for(v, JALUR_R_NO_POLICY);
		return 0;
	}
	wan = select_wan(action, pol, p, now, &flags);
	w = live_wan(wan);
	if (!w) {
		no_live_wan(v, action);
		return 0;
	}
	if (p->frag == FRAG_FIRST) {
		struct jalur_flow_key frag_key = fk;

		frag_key.sport = 0;
		frag_key.dport = 0;
		flow_insert(&frag_key, wan, action, flags | JALUR_FLOW_FRAGMENTS, now);
	}
	flow_insert(&fk, wan, action, flags, now);
	{
		struct jalur_wan_stats *s = wan_stats_of(wan);

		if (s)
			s->new_flows++;
	}
	count_assigned(wan);
	handshake_sent(p, wan);
	mark_for(v, w, wan, p, pkt_len, flags);
	return 0;
}

static __always_inline int decide_lan(void *data, void *data_end, __u32 pkt_len, __u32 ifindex,
				      struct verdict *v)
{
	struct packet p = {};
	int parsed = parse_packet(data, data_end, pkt_len, &p);

	return decide_parsed(parsed, &p, pkt_len, ifindex, v);
}

#endif
