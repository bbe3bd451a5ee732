/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * How a mode that balances by load or latency ranks one member for a new
 * connection. Shared so that the data path, the agent's status and the
 * tests rank exactly alike. Lower scores win; equal scores go to the higher
 * weight, then to the member listed first: deterministic, never random.
 */
#ifndef JALUR_BALANCE_H
#define JALUR_BALANCE_H

#include <linux/types.h>
#include "datapath.h"

#ifdef __bpf__
#define JALUR_BALANCE_INLINE static __always_inline
#else
#define JALUR_BALANCE_INLINE static inline
#endif

/* More just-assigned connections than this count as this many: the product
 * with a step stays far from overflowing 64 bits whatever the agent wrote. */
#define JALUR_PENDING_MAX 65536u

/* Connections given the WAN since the agent last discounted them. */
JALUR_BALANCE_INLINE __u64 jalur_pending(__u64 assigned, __u64 base)
{
	__u64 n = assigned > base ? assigned - base : 0;

	return n < JALUR_PENDING_MAX ? n : JALUR_PENDING_MAX;
}

/*
 * least-loaded: the load the WAN would carry with this connection, per unit
 * of capacity: what was measured, plus a step for each connection assigned
 * since, plus one for this one. With nothing measured yet (a burst of
 * connections within one millisecond) this is D'Hondt's rule: n connections
 * split in proportion to capacity.
 * overflow: the measured load alone; the agent's measurement is what
 * decides when a member is full, so a burst of short requests does not
 * spill onto a metered backup.
 * lowest-latency: the handshake RTT as the agent publishes it.
 */
JALUR_BALANCE_INLINE __u64 jalur_member_score(__u32 mode, const struct jalur_wan_load *l, __u64 assigned)
{
	__u32 step = l->step < 0xffffffffull ? (__u32)l->step : 0xffffffffu;
	__u64 load = l->load < (1ull << 40) ? l->load : (1ull << 40);

	switch (mode) {
	case JALUR_MODE_LEAST_LOADED:
		return load + (jalur_pending(assigned, l->assigned_base) + 1) * step;
	case JALUR_MODE_OVERFLOW:
		return load;
	default:
		return l->rtt_us;
	}
}

/* Whether (score, weight) ranks before the best so far. */
JALUR_BALANCE_INLINE int jalur_ranks_before(__u64 score, __u32 weight, __u64 best_score, __u32 best_weight)
{
	if (score != best_score)
		return score < best_score;
	return weight > best_weight;
}

/* A walk over a policy's members in order: the choice so far. */
struct jalur_walk {
	__u32 wan; /* JALUR_WAN_NONE until a member is seen */
	__u32 weight;
	__u64 score;
};

/* Considers one (live) member; returns 1 when the walk is decided: in
 * overflow mode the first member with room takes the connection, and with
 * every member full the least loaded does. */
JALUR_BALANCE_INLINE int jalur_walk_member(struct jalur_walk *w, __u32 mode, const struct jalur_member *m,
					   const struct jalur_wan_load *l, __u64 assigned)
{
	__u64 score = jalur_member_score(mode, l, assigned);

	if (mode == JALUR_MODE_OVERFLOW && score < m->threshold) {
		w->wan = m->wan;
		return 1;
	}
	if (w->wan == JALUR_WAN_NONE || jalur_ranks_before(score, m->weight, w->score, w->weight)) {
		w->wan = m->wan;
		w->weight = m->weight;
		w->score = score;
	}
	return 0;
}

#endif /* JALUR_BALANCE_H */
