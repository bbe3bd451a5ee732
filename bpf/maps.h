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

/* Rogue DHCP detection (bpf/dhcp.h); structs in include/jalur/dhcp_guard.h. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u32); /* ifindex */
	__type(value, struct jalur_dhcp_port);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} dhcp_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct jalur_mac_key);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} dhcp_trusted_macs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct jalur_addr_key);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} dhcp_trusted_addrs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct jalur_dhcp_config);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} dhcp_config SEC(".maps");

/* per source MAC; a flood of forged MACs recycles entries, and the
 * all-sources limit below still bounds it */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct jalur_mac_key);
	__type(value, struct jalur_dhcp_rate);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} dhcp_rate SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct jalur_dhcp_rate);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} dhcp_rate_all SEC(".maps");

/* pinned: events raised while the agent restarts wait here for the next one */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} dhcp_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct jalur_dhcp_stats);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} dhcp_stats SEC(".maps");

/* The option walk's state lives here rather than on the stack: values
 * loaded from a map are unknown to the verifier, so the bpf_loop callback's
 * states converge at once instead of being explored for every offset. */
struct jalur_dhcp_buf {
	__u32 off; /* next option */
	__u32 end; /* end of the region being walked (exclusive) */
	__u32 server_id;
	__u8 msg_type;
	__u8 overload;
	__u8 ended;     /* the end option was seen */
	__u8 malformed; /* an option ran past the region */
	__u8 b[JALUR_DHCP_BUF];
};

/* scratch: not pinned, it holds nothing between packets */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct jalur_dhcp_buf);
} dhcp_scratch SEC(".maps");

/* Balancing by load and latency (bpf/balance.h); structs in
 * include/jalur/datapath.h. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, JALUR_MAX_POLICIES * JALUR_SLOT_TABLES);
	__type(key, __u32);
	__type(value, struct jalur_members);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} members SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, JALUR_MAX_WANS);
	__type(key, __u32);
	__type(value, struct jalur_wan_load);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} wan_load SEC(".maps");

/* shared, not per-CPU: a decision on one CPU must count what others just assigned */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, JALUR_MAX_WANS);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} wan_assigned SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, JALUR_DEFAULT_HANDSHAKES);
	__type(key, struct jalur_handshake_key);
	__type(value, struct jalur_handshake);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} handshakes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, JALUR_MAX_WANS);
	__type(key, __u32);
	__type(value, struct jalur_wan_rtt);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} wan_rtt SEC(".maps");

#endif
