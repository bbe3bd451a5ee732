/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every map of the data path. All are pinned by name under the agent's bpffs
 * directory and typed with the structs of include/jalur/datapath.h, so
 * `bpftool map dump pinned DIR/NAME` prints named fields. Sizes marked
 * "from config" are defaults the agent overrides before load.
 */
#ifndef JALUR_BPF_MAPS_H
#define JALUR_BPF_MAPS_H

#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct jalur_settings);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} settings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, JALUR_MAX_WANS);
	__type(key, __u32);
	__type(value, struct jalur_wan);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} wans SEC(".maps");

/* WAN ingress: which WAN a packet arrived on. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, JALUR_MAX_WANS);
	__type(key, __u32);   /* ifindex */
	__type(value, __u32); /* WAN id */
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} wan_ifindex SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, JALUR_MAX_POLICIES);
	__type(key, __u32);
	__type(value, struct jalur_policy);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} policies SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, JALUR_SLOT_BLOCKS);
	__type(key, __u32);
	__type(value, struct jalur_slot_block);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, JALUR_RULE_SETS * JALUR_MAX_RULES);
	__type(key, __u32);
	__type(value, struct jalur_rule);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} rules SEC(".maps");

/* value: the rules whose list holds this prefix or one that covers it */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, JALUR_DEFAULT_LPM); /* from config */
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct jalur_lpm_key);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} rule_src SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, JALUR_DEFAULT_LPM); /* from config */
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct jalur_lpm_key);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} rule_dst SEC(".maps");

/* The router's own addresses and the main table's connected and specific
 * routes: traffic to them is never balanced. Kept current by the agent. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 4096);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct jalur_lpm_key);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} local_nets SEC(".maps");

/* One shared LRU, not per-CPU: the packets of one flow reach different CPUs. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, JALUR_DEFAULT_FLOWS); /* from config */
	__type(key, struct jalur_flow_key);
	__type(value, struct jalur_flow);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, JALUR_DEFAULT_AFFINITY); /* from config */
	__type(key, struct jalur_affinity_key);
	__type(value, struct jalur_affinity);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} affinity SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, JALUR_DEFAULT_INBOUND); /* from config */
	__type(key, struct jalur_inbound_key);
	__type(value, struct jalur_inbound);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} inbound SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, JALUR_MAX_WANS);
	__type(key, __u32);
	__type(value, struct jalur_wan_stats);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} wan_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, JALUR_R_MAX);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} reasons SEC(".maps");

#endif
