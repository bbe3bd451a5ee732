/* SPDX-License-Identifier: GPL-2.0-only */
/* Per-CPU counters: no atomics on the packet path. */
#ifndef JALUR_BPF_COUNTERS_H
#define JALUR_BPF_COUNTERS_H

#include "maps.h"

static __always_inline void count_reason(__u32 reason)
{
	__u64 *n = bpf_map_lookup_elem(&reasons, &reason);

	if (n)
		*n += 1;
}

static __always_inline struct jalur_wan_stats *wan_stats_of(__u32 wan)
{
	return bpf_map_lookup_elem(&wan_stats, &wan);
}

#endif
