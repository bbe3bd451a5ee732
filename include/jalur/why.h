/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * `jalur why`: the LAN decision explained. The agent runs the program
 * jalur_why (BPF_PROG_TEST_RUN) on [struct jalur_why][Ethernet frame]; it
 * makes the data path's own decision (decide.h, the same code) on the frame
 * against the live maps, as a dry run: no flow is pinned, no affinity
 * written, no counter counted. It fills in the struct, which comes back at
 * the front of the output.
 */
#ifndef JALUR_WHY_H
#define JALUR_WHY_H

#include <linux/types.h>

#define JALUR_WHY_MAGIC 0x6a776879u /* "jwhy": the program ran and wrote the answer */
#define JALUR_WHY_NONE 0xffffffffu

/* where the decision was made */
enum jalur_why_step {
	JALUR_WHY_PARSE = 1, /* the parser stopped (or it is not for balancing): reason */
	JALUR_WHY_FLOW,      /* a pinned flow, its WAN live */
	JALUR_WHY_FLOW_MOVE, /* a pinned flow whose WAN is down: it moves on this packet */
	JALUR_WHY_LOCAL,     /* to the router or a connected/specific route */
	JALUR_WHY_INBOUND,   /* the reply of a connection that came in by a WAN */
	JALUR_WHY_RULES,     /* the rules: a bypass rule, or no policy */
	JALUR_WHY_POLICY,    /* the policy picked a WAN (or none: fallback) */
};

/* how select_wan() picked */
enum jalur_why_pick {
	JALUR_WHY_PICK_NONE = 0, /* not reached, or the policy has no live member */
	JALUR_WHY_PICK_AFFINITY, /* a live affinity entry */
	JALUR_WHY_PICK_HASH,     /* the classifier hash's slot */
	JALUR_WHY_PICK_NTH,      /* the next connection's turn */
	JALUR_WHY_PICK_RANKED,   /* least-loaded, overflow or lowest-latency: the best-ranked member */
};

struct jalur_why {
	__u32 magic;      /* out: JALUR_WHY_MAGIC */
	__u32 ifindex;    /* in: the LAN interface the packet arrives on */
	__u32 step;       /* enum jalur_why_step */
	__u32 reason;     /* the enum jalur_reason the data path counts */
	__u32 action;     /* 0 pass unmarked, 1 mark, 2 drop */
	__u32 mark;       /* with action 1 */
	__u32 wan;        /* the WAN it leaves by, JALUR_WAN_NONE */
	__u32 policy;     /* the rules' action (policy id, JALUR_ACTION_BYPASS); NONE: not reached */
	__u32 rule;       /* index of the rule that matched; NONE: the default action */
	__u32 policy_live;
	__u32 pick;       /* enum jalur_why_pick */
	__u32 hash;       /* PICK_HASH: the classifier hash */
	__u32 slot;       /* PICK_HASH/NTH: the slot */
	__u32 slot_wan;   /* the slot's WAN (maybe down: then fallback) */
	__u32 fields;     /* the policy's classifier fields (enum jalur_field bits) */
	__u32 mode;       /* the policy's mode */
	__u32 fallback;   /* the policy's fallback */
	__u32 flow_found; /* a pinned flow for the packet */
	__u32 flow_wan;
	__u32 flow_policy;
	__u32 flow_flags;
	__u32 affinity_found; /* an affinity entry for the client (maybe idle or dead) */
	__u32 affinity_wan;
	__u32 inbound_wan; /* an inbound pin's WAN, JALUR_WAN_NONE */
	__u64 now_ns;      /* the data path's clock at the decision */
	__u64 flow_created_ns;
	__u64 flow_last_seen_ns;
	__u64 affinity_last_seen_ns;
	__u64 affinity_timeout_ns;
};

#endif /* JALUR_WHY_H */
