/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The LAN-side decision, shared by the XDP program and the tc fallback:
 * parse, then the pinned flow's WAN, or for a new connection the WAN its
 * policy's slot table (or affinity, or an inbound pin) gives.
 *
 * `why` is NULL on the packet path (a constant: the compiler removes every
 * use), and for `jalur why` (jalur_why, include/jalur/why.h) the record of
 * each step: the same decision as a dry run, writing no map.
 */
#ifndef JALUR_BPF_DECIDE_H
#define JALUR_BPF_DECIDE_H

#include "balance.h"
#include "counters.h"
#include "flow_reset.h"
#include "flow_table.h"
#include "parsing.h"
#include "policy.h"

enum verdict_action {
	VERDICT_PASS = 0, /* unmarked */
	VERDICT_MARK,
	VERDICT_DROP,
	VERDICT_RESET, /* an ending TCP flow: the caller answers with a reset (flow_reset.h) */
};

struct verdict {
	__u32 action;
	__u32 mark;
};

#define NO_POLICY 0xffffu

/* records a step of the decision for `jalur why` */
#define WHY(field, value)                  \
	do {                               \
		if (why)                   \
			why->field = (value); \
	} while (0)

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
					const struct packet *p, __u64 now, __u16 *flags,
					struct jalur_why *why)
{
	struct jalur_affinity_key ak;
	struct jalur_affinity *a = NULL;
	__u32 idx, wan;

	WHY(policy_live, pol->live);
	WHY(fields, pol->fields);
	WHY(mode, pol->mode);
	WHY(fallback, pol->fallback);
	if (!pol->live)
		return JALUR_WAN_NONE;

	if (pol->affinity != JALUR_AFFINITY_NONE) {
		affinity_key_of(&ak, p, policy_id, pol->affinity);
		a = bpf_map_lookup_elem(&affinity, &ak);
		WHY(affinity_timeout_ns, pol->affinity_timeout_ns);
		if (a && why) {
			why->affinity_found = 1;
			why->affinity_wan = a->wan;
			why->affinity_last_seen_ns = a->last_seen_ns;
		}
		if (a && now - a->last_seen_ns < pol->affinity_timeout_ns && live_wan(a->wan)) {
			if (!why)
				a->last_seen_ns = now;
			*flags |= JALUR_FLOW_AFFINITY;
			WHY(pick, JALUR_WHY_PICK_AFFINITY);
			return a->wan;
		}
	}

	if (pol->mode >= JALUR_MODE_LEAST_LOADED) {
		/* reads the members' load and latency, writes nothing */
		wan = choose_member(policy_id, pol);
		WHY(pick, JALUR_WHY_PICK_RANKED);
		WHY(slot_wan, wan);
	} else {
		if (pol->mode == JALUR_MODE_NTH) {
			/* a dry run takes the next connection's turn without using it */
			idx = why ? (__u32)pol->nth_counter : __sync_fetch_and_add(&pol->nth_counter, 1);
			WHY(pick, JALUR_WHY_PICK_NTH);
		} else {
			idx = jalur_classifier_hash(pol->fields, p->saddr, p->daddr, p->sport, p->dport);
			WHY(pick, JALUR_WHY_PICK_HASH);
			WHY(hash, idx);
		}
		wan = slot_wan(policy_id, pol->table, jalur_slot_of(idx));
		WHY(slot, jalur_slot_of(idx));
		WHY(slot_wan, wan);
	}
	if (!live_wan(wan))
		return JALUR_WAN_NONE;

	if (pol->affinity != JALUR_AFFINITY_NONE && !why) {
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

static __always_inline void count_or_record(__u32 reason, struct jalur_why *why)
{
	if (why)
		why->reason = reason;
	else
		count_reason(reason);
}

static __always_inline void pass_for(struct verdict *v, __u32 reason, struct jalur_why *why)
{
	v->action = VERDICT_PASS;
	v->mark = 0;
	count_or_record(reason, why);
}

/* Applies the policy's fallback when no WAN is live for a flow. */
static __always_inline void no_live_wan(struct verdict *v, __u32 policy_id, struct jalur_why *why)
{
	struct jalur_policy *pol = bpf_map_lookup_elem(&policies, &policy_id);

	WHY(wan, JALUR_WAN_NONE);
	if (pol && pol->fallback == JALUR_FALLBACK_DROP) {
		v->action = VERDICT_DROP;
		v->mark = 0;
		count_or_record(JALUR_R_DROP_NO_LIVE_WAN, why);
		return;
	}
	pass_for(v, JALUR_R_NO_LIVE_WAN, why);
}

static __always_inline void mark_for(struct verdict *v, struct jalur_wan *w, __u32 wan,
				     const struct packet *p, __u32 bytes, __u16 flow_flags,
				     struct jalur_why *why)
{
	v->action = VERDICT_MARK;
	v->mark = w->fwmark;
	WHY(wan, wan);
	count_or_record(JALUR_R_MARKED, why);
	if (!why)
		account_tx(wan, p, bytes, flow_flags);
}

/* parsed: what parse_packet() returned for p; why: see the top */
static __always_inline int decide_why(int parsed, struct packet *p, __u32 pkt_len, __u32 ifindex,
				      struct verdict *v, struct jalur_why *why)
{
	struct jalur_flow_key fk;
	struct jalur_flow *f;
	struct jalur_settings *cfg;
	struct jalur_policy *pol;
	struct jalur_wan *w;
	__u32 zero = 0, action, wan, rule;
	__u16 flags = 0;
	__u64 now;

	WHY(step, JALUR_WHY_PARSE);
	switch (parsed) {
	case PARSE_OK:
		break;
	case PARSE_NOT_IP:
		pass_for(v, JALUR_R_NOT_IP, why);
		return 0;
	case PARSE_BCAST_MCAST:
		pass_for(v, JALUR_R_BCAST_MCAST, why);
		return 0;
	case PARSE_ERR_L2:
		pass_for(v, JALUR_R_PARSE_L2, why);
		return 0;
	case PARSE_ERR_L3:
		pass_for(v, JALUR_R_PARSE_L3, why);
		return 0;
	default:
		pass_for(v, JALUR_R_PARSE_L4, why);
		return 0;
	}

	now = bpf_ktime_get_coarse_ns();
	WHY(now_ns, now);
	flow_key_of(&fk, p);
	f = bpf_map_lookup_elem(&flows, &fk);
	if (f && !why)
		flow_note_ack(f, p);
	/* before the live check: failback ends flows of a WAN that is live; a
	 * dry run only reports the flag (why->flow_flags) */
	if (unlikely(f && !why && (f->flags & JALUR_FLOW_ENDING))) {
		switch (flow_ending(f, p)) {
		case ENDING_RESET:
			v->action = VERDICT_RESET;
			return 0;
		case ENDING_DROP:
			v->action = VERDICT_DROP;
			return 0;
		}
	}
	if (f) {
		if (why) {
			why->flow_found = 1;
			why->flow_wan = f->wan;
			why->flow_policy = f->policy;
			why->flow_flags = f->flags;
			why->flow_created_ns = f->created_ns;
			why->flow_last_seen_ns = f->last_seen_ns;
		}
		w = live_wan(f->wan);
		if (likely(w)) {
			WHY(step, JALUR_WHY_FLOW);
			if (!why)
				flow_touch(f, now);
			mark_for(v, w, f->wan, p, pkt_len, f->flags, why);
			return 0;
		}
		/* its WAN died: move the flow on this packet, and keep it where it
		 * lands when the old WAN returns */
		WHY(step, JALUR_WHY_FLOW_MOVE);
		action = f->policy; /* NO_POLICY (an inbound pin) finds none */
		WHY(policy, action);
		pol = bpf_map_lookup_elem(&policies, &action);
		wan = pol ? select_wan(action, pol, p, now, &flags, why) : JALUR_WAN_NONE;
		w = live_wan(wan);
		if (!w) {
			no_live_wan(v, f->policy, why);
			return 0;
		}
		if (why) {
			mark_for(v, w, wan, p, pkt_len, f->flags | JALUR_FLOW_MOVED | flags, why);
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
		mark_for(v, w, wan, p, pkt_len, f->flags, why);
		return 0;
	}

	if (p->frag == FRAG_NON_FIRST && !why)
		count_reason(JALUR_R_FRAG_NO_FLOW);

	if (is_local_destination(p)) {
		WHY(step, JALUR_WHY_LOCAL);
		pass_for(v, JALUR_R_LOCAL, why);
		return 0;
	}

	/* the reply of a connection that came in by a WAN leaves by that WAN */
	if (p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP) {
		struct jalur_inbound_key ik;
		struct jalur_inbound *in;

		inbound_key_of_remote(&ik, p->daddr, p->dport, p);
		in = bpf_map_lookup_elem(&inbound, &ik);
		WHY(inbound_wan, in ? in->wan : JALUR_WAN_NONE);
		if (in && (w = live_wan(in->wan))) {
			WHY(step, JALUR_WHY_INBOUND);
			wan = in->wan;
			if (!why)
				flow_insert(&fk, wan, NO_POLICY, JALUR_FLOW_INBOUND, now);
			mark_for(v, w, wan, p, pkt_len, JALUR_FLOW_INBOUND, why);
			return 0;
		}
	}

	WHY(step, JALUR_WHY_RULES);
	cfg = bpf_map_lookup_elem(&settings, &zero);
	if (!cfg) {
		pass_for(v, JALUR_R_NO_POLICY, why);
		return 0;
	}
	action = match_rules(cfg, p, ifindex, &rule);
	WHY(policy, action);
	WHY(rule, rule);
	if (action == JALUR_ACTION_BYPASS) {
		pass_for(v, JALUR_R_BYPASS, why);
		return 0;
	}
	pol = bpf_map_lookup_elem(&policies, &action);
	if (!pol) {
		pass_for(v, JALUR_R_NO_POLICY, why);
		return 0;
	}
	WHY(step, JALUR_WHY_POLICY);
	wan = select_wan(action, pol, p, now, &flags, why);
	w = live_wan(wan);
	if (!w) {
		no_live_wan(v, action, why);
		return 0;
	}
	if (why) { /* a dry run: nothing pinned, nothing counted */
		mark_for(v, w, wan, p, pkt_len, flags, why);
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
	mark_for(v, w, wan, p, pkt_len, flags, why);
	return 0;
}

static __always_inline int decide_parsed(int parsed, struct packet *p, __u32 pkt_len, __u32 ifindex,
					 struct verdict *v)
{
	return decide_why(parsed, p, pkt_len, ifindex, v, NULL);
}

#endif
