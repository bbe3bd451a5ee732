/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The classifier hash, shared so that the agent and the tests compute the
 * same slot the data path does. Murmur3's 32-bit mixing over the selected
 * fields: fields not in the policy's classifier are hashed as zero, so two
 * connections that agree on the selected fields always get the same slot.
 */
#ifndef JALUR_FLOW_HASH_H
#define JALUR_FLOW_HASH_H

#include <linux/types.h>
#include "datapath.h"

#ifdef __bpf__
#define JALUR_HASH_INLINE static __always_inline
#else
#define JALUR_HASH_INLINE static inline
#endif

#define JALUR_HASH_SEED 0x6a616c75u /* fixed: the same config gives the same split after a restart */

JALUR_HASH_INLINE __u32 jalur_rol32(__u32 v, int s)
{
	return (v << s) | (v >> (32 - s));
}

JALUR_HASH_INLINE __u32 jalur_mix(__u32 h, __u32 k)
{
	k *= 0xcc9e2d51u;
	k = jalur_rol32(k, 15);
	k *= 0x1b873593u;
	h ^= k;
	h = jalur_rol32(h, 13);
	return h * 5 + 0xe6546b64u;
}

JALUR_HASH_INLINE __u32 jalur_fmix(__u32 h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

/* Addresses and ports as they sit in the packet (network order). */
JALUR_HASH_INLINE __u32 jalur_classifier_hash(__u32 fields, const __u32 *saddr, const __u32 *daddr,
					      __u16 sport, __u16 dport)
{
	__u32 h = JALUR_HASH_SEED;
	__u32 s = fields & JALUR_F_SRC_ADDR ? 0xffffffffu : 0;
	__u32 d = fields & JALUR_F_DST_ADDR ? 0xffffffffu : 0;
	__u32 ports = (fields & JALUR_F_SRC_PORT ? (__u32)sport << 16 : 0) |
		      (fields & JALUR_F_DST_PORT ? (__u32)dport : 0);

	h = jalur_mix(h, saddr[0] & s);
	h = jalur_mix(h, saddr[1] & s);
	h = jalur_mix(h, saddr[2] & s);
	h = jalur_mix(h, saddr[3] & s);
	h = jalur_mix(h, daddr[0] & d);
	h = jalur_mix(h, daddr[1] & d);
	h = jalur_mix(h, daddr[2] & d);
	h = jalur_mix(h, daddr[3] & d);
	h = jalur_mix(h, ports);
	return jalur_fmix(h ^ 36);
}

JALUR_HASH_INLINE __u32 jalur_slot_of(__u32 hash)
{
	return hash & (JALUR_SLOTS - 1);
}

#endif /* JALUR_FLOW_HASH_H */
